import { Consumer } from '../../stage/stage.js';
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
   * When `handleEvents` throws or rejects: `'continue'` (default) fails the batch's
   * unacknowledged events (they stay pending in Redis, are redelivered after
   * `claimIdleMs`, and dead-lettered after `maxDeliveries`), logs a warning and
   * goes on; `'stop'` fails them and stops the stage with the error.
   */
  onError?: 'continue' | 'stop';
}

type Handler<T> = (events: T[], from: Subscription<T>) => void | Promise<void>;

/**
 * A consumer that acknowledges each batch once its `handleEvents` has resolved.
 *
 * Give the work as a function (`new StreamConsumer(async (events) => ...)`) or
 * subclass it and define `handleEvents`: either way, after it resolves every event
 * of the batch not acked or failed by hand is acked (batched into `XACK`). When it
 * throws, none of the batch's remaining events is acked (see `onError`). Demand
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
    const inner: Handler<T> = handler ?? (this.handleEvents as Handler<T>);
    this.handleEvents = (events: T[], from: Subscription<T>): Promise<void> => this.run(inner, events, from);
  }

  handleEvents(_events: T[], _from: Subscription<T>): void | Promise<void> {
    throw new TypeError('StreamConsumer needs a handler function or a handleEvents method');
  }

  private async run(inner: Handler<T>, events: T[], from: Subscription<T>): Promise<void> {
    try {
      await inner.call(this, events, from);
    } catch (error) {
      for (const event of events) event.fail?.();
      this.failed += events.length;
      if (this.onError === 'stop') throw error;
      getLogger().warn(`StreamConsumer: handleEvents failed, ${events.length} events left pending for redelivery (${show(error)})`);
      return;
    }
    for (const event of events) event.ack();
    this.acknowledged += events.length;
  }
}
