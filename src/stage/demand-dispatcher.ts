import { typeError } from '../runtime/errors.js';
import type { Subscription } from './subscription.js';
import type { Dispatcher, DispatcherHost } from './dispatcher.js';
import { NO_EVENTS } from './dispatcher.js';
import { expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';

interface Entry<T> {
  counter: number;
  sub: Subscription<T>;
}

export interface DemandDispatcherOptions {
  /** Shuffle the consumers once, before the first dispatch, so none is always first. Default false. */
  shuffleDemandsOnFirstDispatch?: boolean;
  /** The largest expected ask; a larger one logs a warning. Default: the first ask. */
  maxDemand?: number;
}

/**
 * Sends each event to one consumer: the one with the largest pending demand, ties in
 * the order they asked. The default dispatcher.
 *
 * When a consumer leaves, the demand it had asked for is remembered as pending: the
 * producer may already be producing those events, so later asks are reduced by it
 * (and events that arrive with nobody to take them reduce it too) instead of asking
 * for the same events twice.
 */
export class DemandDispatcher<T = unknown> implements Dispatcher<T> {
  readonly subscriptionOptions: readonly string[] = [];
  private host!: DispatcherHost<T>;
  /** Highest counter first; among equals, the one that got there first. */
  private demands: Entry<T>[] = [];
  private pending = 0;
  /**
   * Events handed back to the producer's buffer, and how many of those it is about
   * to re-dispatch. `pending` may never be answered (a producer may produce less
   * than asked), so asks are served from the buffer before `pending` absorbs them.
   */
  private buffered = 0;
  /** The rest of a batch this delivered part of: the producer offers it straight back (no demand is left), and that offer changes nothing. */
  private handedBack: T[] | undefined = undefined;
  private replaying = 0;
  // Declared, not defined: created by their one store in the constructor (issue 14, docs/performance.md).
  private declare maxDemand: number | undefined;
  private declare shuffle: boolean;

  constructor(options: DemandDispatcherOptions = {}) {
    const o = expectObject('DemandDispatcher options', options);
    expectKnownKeys('DemandDispatcher options', o, ['shuffleDemandsOnFirstDispatch', 'maxDemand']);
    if (o.shuffleDemandsOnFirstDispatch !== undefined && typeof o.shuffleDemandsOnFirstDispatch !== 'boolean') {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected shuffleDemandsOnFirstDispatch to be a boolean, got: ${show(o.shuffleDemandsOnFirstDispatch)}`);
    }
    this.shuffle = o.shuffleDemandsOnFirstDispatch === true;
    this.maxDemand = o.maxDemand === undefined ? undefined : expectInteger('maxDemand', o.maxDemand, 1);
  }

  init(host: DispatcherHost<T>): void {
    this.host = host;
  }

  subscribe(_options: Readonly<Record<string, unknown>>, from: Subscription<T>): number {
    this.demands.push({ counter: 0, sub: from });
    return 0;
  }

  cancel(from: Subscription<T>): number {
    const i = this.indexOf(from);
    if (i >= 0) {
      this.pending += (this.demands[i] as Entry<T>).counter;
      this.demands.splice(i, 1);
    }
    return 0;
  }

  ask(count: number, from: Subscription<T>): number {
    const max = (this.maxDemand ??= count);
    if (count > max) {
      this.host.warn(`${from.consumerProcess.describe()} asked for ${count} events, more than the expected maximum of ${max}`);
    }
    const i = this.indexOf(from);
    if (i < 0) return 0;
    const entry = this.demands[i] as Entry<T>;
    entry.counter += count;
    if (this.demands.length > 1) this.reinsert(i);
    const fromBuffer = Math.min(this.buffered, count);
    this.buffered -= fromBuffer;
    this.replaying += fromBuffer;
    const already = Math.min(this.pending, count - fromBuffer);
    this.pending -= already;
    return count - already;
  }

  dispatch(events: T[]): T[] {
    const handedBack = this.handedBack;
    this.handedBack = undefined;
    if (events === handedBack) return events;
    if (this.shuffle) {
      this.shuffle = false;
      for (let i = this.demands.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        const t = this.demands[i] as Entry<T>;
        this.demands[i] = this.demands[j] as Entry<T>;
        this.demands[j] = t;
      }
    }
    const len = events.length;
    const replayed = Math.min(len, this.replaying);
    this.replaying -= replayed;
    let offset = 0;
    while (offset < len && this.demands.length > 0) {
      const head = this.demands[0] as Entry<T>;
      if (head.counter === 0) break;
      const take = Math.min(head.counter, len - offset);
      this.host.deliver(head.sub, offset === 0 && take === len ? events : events.slice(offset, offset + take));
      offset += take;
      head.counter -= take;
      if (this.demands.length > 1) this.reinsert(0);
    }
    if (offset === len) return NO_EVENTS;
    const left = offset === 0 ? events : (this.handedBack = events.slice(offset));
    this.pending = Math.max(0, this.pending - Math.max(0, left.length - replayed));
    this.buffered += left.length;
    return left;
  }

  info(message: unknown): void {
    this.host.sendInfo(message);
  }

  private indexOf(from: Subscription<T>): number {
    const demands = this.demands;
    for (let i = 0; i < demands.length; i++) if ((demands[i] as Entry<T>).sub === from) return i;
    return -1;
  }

  /**
   * Moves the entry at `from` behind every other entry whose counter is at least its own
   * (its place in "highest first, ties in arrival order"), shifting the others in place:
   * no array is allocated per ask or per delivery, as `splice` would.
   */
  private reinsert(from: number): void {
    const demands = this.demands;
    const entry = demands[from] as Entry<T>;
    const last = demands.length - 1;
    for (let j = from; j < last; j++) demands[j] = demands[j + 1] as Entry<T>;
    let to = 0;
    while (to < last && (demands[to] as Entry<T>).counter >= entry.counter) to++;
    for (let j = last; j > to; j--) demands[j] = demands[j - 1] as Entry<T>;
    demands[to] = entry;
  }
}
