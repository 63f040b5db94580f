import { Reasons } from '../runtime/reason.js';
import { typeError } from '../runtime/errors.js';
import type { Subscription } from '../stage/subscription.js';
import type { Dispatcher, DispatcherHost, SubscribeRefusal } from '../stage/dispatcher.js';
import { NO_EVENTS, refuseSubscription } from '../stage/dispatcher.js';
import { expectKnownKeys, expectObject, show } from '../runtime/validate.js';

interface Entry<T> {
  counter: number;
  sub: Subscription<T>;
  selector: ((event: T) => boolean) | undefined;
}

/**
 * Sends every event to every consumer, at the pace of the slowest: the producer is
 * asked only for what all consumers want.
 *
 * A consumer may subscribe with `selector: (event) => boolean` to receive only the
 * events it accepts; the events it rejects still used its demand, and are credited
 * back to it (by an ask the producer sends itself), so it is not starved.
 *
 * A new consumer pauses delivery until it has asked, so it never misses events sent
 * after it subscribed. Events the producer emitted while nobody was subscribed stay
 * in the producer's buffer and reach the first consumer, in order.
 */
export class BroadcastDispatcher<T = unknown> implements Dispatcher<T> {
  readonly subscriptionOptions: readonly string[] = ['selector'];
  private host!: DispatcherHost<T>;
  private demands: Entry<T>[] = [];
  /** Events every consumer can take now. */
  private waiting = 0;
  /** Asked upstream and not yet arrived. */
  private requested = 0;
  /**
   * Events handed back to the producer's buffer (they came when not every consumer
   * wanted them), and how many of those the producer is about to re-dispatch. A
   * producer may answer less than it was asked, so `requested` can stay above zero
   * for good: the buffer is served first, or its events would wait for events that
   * never come.
   */
  private buffered = 0;
  /** The rest of a batch this delivered part of: the producer offers it straight back (no demand is left), and that offer changes nothing. */
  private handedBack: T[] | undefined = undefined;
  private replaying = 0;

  /** Takes no options (`selector` is a subscription option); an options object must be empty. */
  constructor(options: Readonly<Record<string, never>> = {}) {
    expectKnownKeys('BroadcastDispatcher options (selector is a subscription option)', expectObject('BroadcastDispatcher options', options), []);
  }

  init(host: DispatcherHost<T>): void {
    this.host = host;
  }

  validate(options: Readonly<Record<string, unknown>>): void {
    if (options.selector !== undefined && typeof options.selector !== 'function') {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected selector to be a function, got: ${show(options.selector)}`);
    }
  }

  subscribe(options: Readonly<Record<string, unknown>>, from: Subscription<T>): number | SubscribeRefusal {
    this.validate(options);
    // GenStage's reason term, which the consumer receives as its cancel reason.
    if (this.demands.some((d) => d.sub.consumerProcess === from.consumerProcess)) return refuseSubscription(Reasons.ALREADY_SUBSCRIBED);
    for (const d of this.demands) d.counter += this.waiting;
    this.waiting = 0;
    this.demands.push({ counter: 0, sub: from, selector: options.selector as ((event: T) => boolean) | undefined });
    return 0;
  }

  cancel(from: Subscription<T>): number {
    const i = this.demands.findIndex((d) => d.sub === from);
    if (i >= 0) this.demands.splice(i, 1);
    // `waiting` is what every consumer present wants: with nobody left, nobody wants
    // anything, and events that come now must stay in the buffer for the next
    // consumer instead of being "delivered" to an empty list. `requested` stays: those
    // events are still on their way and will be buffered.
    if (this.demands.length === 0) this.waiting = 0;
    return this.rebalance();
  }

  ask(count: number, from: Subscription<T>): number {
    const entry = this.demands.find((d) => d.sub === from);
    if (entry === undefined) return 0;
    entry.counter += count;
    return this.rebalance();
  }

  dispatch(events: T[]): T[] {
    const handedBack = this.handedBack;
    this.handedBack = undefined;
    if (events === handedBack) return events;
    const len = events.length;
    const replayed = Math.min(len, this.replaying);
    this.replaying -= replayed;
    this.requested = Math.max(0, this.requested - (len - replayed));
    const now = Math.min(len, this.waiting);
    this.buffered += len - now;
    if (now === 0) return events;
    this.waiting -= now;
    const batch = now === len ? events : events.slice(0, now);
    for (const d of this.demands) {
      if (d.selector === undefined) {
        this.host.deliver(d.sub, batch);
        continue;
      }
      const selected = batch.filter(d.selector);
      if (selected.length > 0) this.host.deliver(d.sub, selected);
      const dropped = now - selected.length;
      if (dropped > 0) this.host.askAgain(d.sub, dropped);
    }
    return now === len ? NO_EVENTS : (this.handedBack = events.slice(now));
  }

  info(message: unknown): void {
    this.host.sendInfo(message);
  }

  /** Moves what every consumer wants into `waiting` and returns the new upstream demand. */
  private rebalance(): number {
    if (this.demands.length === 0) return 0;
    let min = Infinity;
    for (const d of this.demands) if (d.counter < min) min = d.counter;
    if (min > 0) {
      for (const d of this.demands) d.counter -= min;
      this.waiting += min;
    }
    const fromBuffer = Math.min(this.waiting, this.buffered);
    this.buffered -= fromBuffer;
    this.replaying += fromBuffer;
    const demand = Math.max(0, this.waiting - fromBuffer - this.requested);
    this.requested += demand;
    return fromBuffer + demand;
  }
}
