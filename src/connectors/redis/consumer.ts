import { typeError } from '../../runtime/errors.js';
import { Consumer } from '../../stage/consumer.js';
import type { Subscription } from '../../stage/subscription.js';
import { getLogger } from '../../runtime/logger.js';
import { expectFunction, expectOneOf, show } from '../../runtime/validate.js';
import type { Ackable } from './event.js';
import { expectOptions } from './options.js';

/** An event a `StreamConsumer` can acknowledge, and fail when its batch fails. */
export interface AckableEvent extends Ackable {
  fail?(): void;
}

/** Options of `StreamConsumer`. */
export interface StreamConsumerOptions {
  /**
   * When `handleEvents` throws or rejects, the batch is first split to find the events
   * that fail on their own (see `StreamConsumer`); then `'continue'` (default) fails
   * those (they stay pending in Redis, are redelivered after `claimIdleMs`, and
   * dead-lettered after `maxDeliveries`), logs one warning for the batch and goes on;
   * `'stop'` fails them and stops the stage with the first one's error.
   */
  onError?: 'continue' | 'stop';
}

/** The function a `StreamConsumer` calls with each batch (instead of overriding `handleEvents`). */
export type Handler<T> = (events: T[], from: Subscription<T>) => void | Promise<void>;

/**
 * A consumer that acknowledges each batch once its `handleEvents` has resolved.
 *
 * Give the work as a function (`new StreamConsumer(async (events) => ...)`) or
 * subclass it and define `handleEvents`: either way, after it resolves every event
 * of the batch not acked or failed by hand is acked (batched into `XACK`).
 *
 * One poison event does not sink its batch: when the handler throws, the events it
 * left open (neither acked nor failed by hand) are split in two and each half is
 * handled again, down to single events. Halves that succeed are acked; only an event
 * that fails on its own is failed (left pending, redelivered, and dead-lettered after
 * `maxDeliveries`). So k poison events among n cost about `2k·log2(n)` extra calls, and
 * the handler sees good events again: make it idempotent (delivery is at least once
 * anyway). A handler that knows which event is bad can say so itself with
 * `event.fail()` and resolve: nothing is retried then. See `onError`. Demand
 * (the subscription's `maxDemand`) bounds how many events are being processed at
 * once; the next batch is asked for only after this one is done.
 *
 * ## Example
 * ```ts
 * class Indexer extends StreamConsumer {
 *   async handleEvents(events: RedisStreamEvent[]) { await index(events.map((e) => e.fields)); }
 * }
 * await GenStage.start(new Indexer(), { subscribeTo: [{ to: jobs, maxDemand: 500 }] });
 * ```
 */
export class StreamConsumer<T extends AckableEvent = AckableEvent> extends Consumer<T> {
  /** Events acknowledged so far. */
  acknowledged = 0;
  /** Events failed so far. */
  failed = 0;
  private readonly onError: 'continue' | 'stop';

  constructor(handler?: Handler<T>, options: StreamConsumerOptions = {}) {
    super();
    if (handler !== undefined) expectFunction('handler', handler);
    const o = expectOptions('StreamConsumer', options, ['onError']);
    this.onError = o.onError === undefined ? 'continue' : expectOneOf('onError', o.onError, ['continue', 'stop'] as const);
    // Whatever handleEvents the instance ends up with (the handler, or a subclass's
    // method), acknowledgement wraps it.
    const inner: Handler<T> = handler ?? this.handleEvents.bind(this);
    this.handleEvents = (events: T[], from: Subscription<T>): Promise<void> => this.run(inner, events, from);
  }

  handleEvents(_events: T[], _from: Subscription<T>): void | Promise<void> {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', 'StreamConsumer needs a handler function or a handleEvents method');
  }

  private async run(inner: Handler<T>, events: T[], from: Subscription<T>): Promise<void> {
    const failures: Failure<T>[] = [];
    const acked = await this.settle(inner, events, from, failures);
    this.acknowledged += acked;
    if (failures.length === 0) return;
    this.failed += failures.length;
    const first = failures[0]!.error;
    if (this.onError === 'stop') throw first;
    getLogger().warn(
      `StreamConsumer: handleEvents failed on a batch of ${events.length}; retried in parts, ` +
      `${failures.length} events failed on their own and were left pending for redelivery (${show(first)})`,
    );
  }

  /**
   * Runs `inner` on `events` and acks those still open; when it throws, bisects the
   * events still open (neither acked nor failed by the handler) and runs each half
   * again, down to single events, so that only an event that fails on its own is
   * failed. Returns how many events ended acked (here or by the handler).
   */
  private async settle(inner: Handler<T>, events: T[], from: Subscription<T>, failures: Failure<T>[]): Promise<number> {
    try {
      await inner.call(this, events, from);
    } catch (error) {
      const open = events.filter(isOpen);
      if (open.length === 0) return 0;
      if (events.length === 1) {
        open[0]!.fail?.();
        failures.push({ event: open[0]!, error });
        return 0;
      }
      if (open.length === 1) return this.settle(inner, open, from, failures);
      const half = Math.ceil(open.length / 2);
      const left = await this.settle(inner, open.slice(0, half), from, failures);
      return left + (await this.settle(inner, open.slice(half), from, failures));
    }
    let acked = 0;
    for (const event of events) {
      if (isOpen(event)) event.ack();
      else if ((event as { state?: unknown }).state !== 'acked') continue; // failed by the handler
      acked++;
    }
    return acked;
  }
}

interface Failure<T> {
  event: T;
  error: unknown;
}

/** Neither acked nor failed yet (events without a `state` count as open). */
function isOpen(event: AckableEvent): boolean {
  const state = (event as { state?: unknown }).state;
  return state === undefined || state === 'pending';
}
