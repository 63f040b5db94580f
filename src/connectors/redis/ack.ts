import { typeError } from '../../runtime/errors.js';
import { Consumer } from '../../stage/consumer.js';
import { GenStage } from '../../io/gen-stage.js';
import { Stage } from '../../stage/handle.js';
import type { SubscribeOptions } from '../../stage/types.js';
import { expectFunction, expectObject, show } from '../../runtime/validate.js';
import type { Ackable } from './event.js';
import { expectOptions } from './options.js';

/** Options of `AckConsumer` and `acknowledge`. */
export interface AckOptions<T> {
  /** Finds what to acknowledge in an event (default: the event itself); `undefined` skips it. */
  select?: (event: T) => Ackable | undefined;
}

function checkAckOptions<T>(options: unknown): (event: T) => Ackable | undefined {
  const o = expectOptions('AckConsumer', options, ['select']);
  if (o.select !== undefined) expectFunction('select', o.select);
  return (o.select as ((event: T) => Ackable | undefined) | undefined) ?? ((event: T) => event as unknown as Ackable);
}

/** Acknowledges every event of `events` (or what `select` finds in each). */
export function ackAll<T>(events: readonly T[], select: (event: T) => Ackable | undefined = (e) => e as unknown as Ackable): void {
  if (!Array.isArray(events)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `ackAll: expected events to be an array, got: ${show(events)}`);
  if (typeof select !== 'function') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `ackAll: expected select to be a function, got: ${show(select)}`);
  for (const event of events as readonly T[]) {
    const target = select(event);
    if (target === undefined) continue;
    if (typeof target.ack !== 'function') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected an event with ack() to acknowledge, got: ${show(target)}`);
    target.ack();
  }
}

/**
 * A consumer at the end of a pipeline that acknowledges each event it receives: an
 * event reaching it has been through every stage before it. Acks are batched into
 * `XACK` by the producer that read the events; the consumer's demand (its
 * `maxDemand`) bounds how many events the pipeline holds unacknowledged.
 *
 * Events that are not themselves `RedisStreamEvent`s (a stage mapped them into
 * something else) are acknowledged through `select`, which finds the original.
 *
 * ## Example
 * ```ts
 * const source = await redisStreamProducer({ stream: 'jobs', group: 'g' });
 * const work = await GenStage.start(new Work(), { subscribeTo: [source] });
 * await GenStage.start(new AckConsumer<Done>({ select: (d) => d.source }), { subscribeTo: [work] });
 * ```
 */
export class AckConsumer<T> extends Consumer<T> {
  private readonly select: (event: T) => Ackable | undefined;
  /** Events acknowledged so far. */
  acknowledged = 0;

  constructor(options: AckOptions<T> = {}) {
    super();
    this.select = checkAckOptions<T>(options);
  }

  handleEvents(events: T[]): void {
    ackAll(events, this.select);
    this.acknowledged += events.length;
  }
}

/**
 * Ends a pipeline of stages with an `AckConsumer` subscribed to `last`; resolves with
 * the consumer's stage. It stops when `last` ends (a `'permanent'` subscription).
 *
 * ## Example
 * ```ts
 * const source = await redisStreamProducer({ stream: 'jobs', group: 'g' });
 * const work = await GenStage.start(new Work(), { subscribeTo: [source] });
 * const acks = await acknowledge(work, { maxDemand: 1000 });
 * ```
 *
 * @param last the last stage of the pipeline; its events are `Ackable` (or `select` finds one in each).
 * @param options `select`, and the subscription's options (`maxDemand`, `minDemand`, `cancel`).
 * @returns the started consumer.
 */
export function acknowledge<T>(last: Stage<T>, options: AckOptions<T> & SubscribeOptions = {}): Promise<Stage<never>> {
  if (!(last instanceof Stage)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `acknowledge: expected last to be a Stage (the last stage of the pipeline), got: ${show(last)}`);
  const { select, ...subscription } = expectObject('acknowledge options', options) as AckOptions<T> & SubscribeOptions;
  const consumer = new AckConsumer<T>(select === undefined ? {} : { select });
  return GenStage.start(consumer, { subscribeTo: [{ ...subscription, to: last }] });
}
