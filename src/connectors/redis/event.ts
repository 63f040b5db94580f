import type { Acker } from './acker.js';

/**
 * One entry of a Redis stream, read through a consumer group.
 *
 * The entry stays in the group's pending list until it is acknowledged: call
 * `ack()` once the pipeline has finished with it (or end the pipeline with
 * `acknowledge`/`AckConsumer`, or process it in a `StreamConsumer`, which ack for
 * you). `fail()` leaves it pending: after `claimIdleMs` it is claimed again and
 * redelivered, and after `maxDeliveries` deliveries it moves to the dead-letter
 * stream instead.
 *
 * ## Example
 * ```ts
 * class Worker extends Consumer<RedisStreamEvent> {
 *   async handleEvents(events: RedisStreamEvent[]) {
 *     for (const e of events) { await handle(e.fields); e.ack(); }
 *   }
 * }
 * ```
 */
export interface RedisStreamEvent {
  /** The stream key it was read from. */
  readonly stream: string;
  /** The entry id (`'1700000000000-0'`). */
  readonly id: string;
  /** The entry's fields. */
  readonly fields: Readonly<Record<string, string>>;
  /** How many times the group has delivered it, this time included (1 on a first delivery). */
  readonly deliveries: number;
  /** `'pending'` until `ack()` or `fail()`. */
  readonly state: 'pending' | 'acked' | 'failed';
  /** Acknowledges it (batched into `XACK`); calling it again, or after `fail()`, does nothing. */
  ack(): void;
  /** Leaves it pending, to be redelivered after `claimIdleMs` (or dead-lettered after `maxDeliveries`). */
  fail(): void;
}

/** Something that can be acknowledged: a `RedisStreamEvent`, or an event that carries one. */
export interface Ackable {
  ack(): void;
}

/** @internal The event class; its fields are plain so a batch of 1000 costs 1000 small objects. */
export class StreamEntry implements RedisStreamEvent {
  state: 'pending' | 'acked' | 'failed' = 'pending';
  constructor(
    readonly stream: string,
    readonly id: string,
    readonly fields: Readonly<Record<string, string>>,
    readonly deliveries: number,
    private readonly acker: Acker,
  ) {}

  ack(): void {
    if (this.state !== 'pending') return;
    this.state = 'acked';
    this.acker.ack(this.id);
  }

  fail(): void {
    if (this.state !== 'pending') return;
    this.state = 'failed';
    this.acker.release(this.id);
  }

  /** @internal Acked by other means (a checkpoint's `MULTI`): forget it without an `XACK`. */
  settle(): void {
    if (this.state !== 'pending') return;
    this.state = 'acked';
    this.acker.release(this.id);
  }

  /** @internal The group that delivered it. */
  get group(): string {
    return this.acker.group;
  }

  toString(): string {
    return `RedisStreamEvent(${this.stream} ${this.id})`;
  }
}
