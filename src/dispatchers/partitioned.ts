import { rangeError } from '../runtime/errors.js';
import type { Subscription } from '../stage/subscription.js';
import type { Dispatcher, DispatcherHost } from '../stage/dispatcher.js';
import { NO_EVENTS } from '../stage/dispatcher.js';
import { Deque } from '../runtime/deque.js';
import { show } from '../runtime/validate.js';

/** One partition: at most one consumer, its demand, and the events that came beyond it. */
export interface PartitionSlot<T> {
  readonly name: unknown;
  sub: Subscription<T> | null;
  demand: number;
  /** Events that arrived for this partition beyond its demand (or while it had no consumer). */
  readonly queue: Deque<T>;
  /** Events for this partition in the dispatch being made (used by subclasses that batch by slot). */
  batch: T[] | null;
}

interface HeldInfo {
  message: unknown;
  /** Partitions whose queued events must go out before this info. */
  waitFor: Set<PartitionSlot<unknown>>;
}

/** A new, empty partition named `name`. */
export function newSlot<T>(name: unknown): PartitionSlot<T> {
  return { name, sub: null, demand: 0, queue: new Deque<T>(), batch: null };
}

/**
 * @internal The demand bookkeeping shared by `PartitionDispatcher` and the flow's
 * `KeyDispatcher`, which differ only in how an event finds its partition:
 *
 * - the producer is asked for as much as all consumers together asked for (`waiting`);
 * - a consumer that leaves turns its unanswered demand into `pending`, which later
 *   asks absorb instead of asking upstream twice;
 * - events that came beyond what was asked go back to the producer's buffer
 *   (`buffered`), and an ask takes them before `pending` absorbs it (`pending` may
 *   never be answered: a producer may produce less than asked);
 * - events beyond a partition's demand wait in its queue and go out first when it asks;
 * - an info waits until the events queued before it have been delivered.
 *
 * Subclasses validate the `partition` option, find the slot it names, and dispatch.
 */
export abstract class PartitionedDispatcher<T> implements Dispatcher<T> {
  readonly subscriptionOptions: readonly string[] = ['partition'];
  /** Asks queued together are answered by one `handleDemand` (see `Dispatcher.coalesceAsks`). */
  readonly coalesceAsks = true;
  protected host!: DispatcherHost<T>;
  private readonly bySub = new Map<Subscription<T>, PartitionSlot<T>>();
  /** Asked upstream and not yet arrived. */
  protected waiting = 0;
  /** Demand of consumers that left, already asked upstream. */
  private pending = 0;
  /** Events handed back to the producer's buffer. */
  private buffered = 0;
  /** The rest of a batch this delivered part of: the producer offers it straight back (no demand is left), and that offer changes nothing. */
  private handedBack: T[] | undefined = undefined;
  private readonly held: HeldInfo[] = [];
  /** Indexes of the slots whose `batch` the dispatch being made has started (reused). */
  private readonly touched: Int32Array;
  private touchedCount = 0;

  protected constructor(protected readonly slots: readonly PartitionSlot<T>[]) {
    this.touched = new Int32Array(slots.length);
  }

  init(host: DispatcherHost<T>): void {
    this.host = host;
  }

  abstract validate(options: Readonly<Record<string, unknown>>): void;

  /** The slot a validated `partition` option names. */
  protected abstract slotFor(partition: unknown): PartitionSlot<T>;

  abstract dispatch(events: T[]): T[];

  subscribe(options: Readonly<Record<string, unknown>>, from: Subscription<T>): number {
    this.validate(options);
    const slot = this.slotFor(options.partition);
    if (slot.sub !== null) {
      throw rangeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `partition ${show(options.partition)} already has a consumer (${slot.sub.consumerProcess.describe()})`);
    }
    slot.sub = from;
    slot.demand = 0;
    this.bySub.set(from, slot);
    return 0;
  }

  cancel(from: Subscription<T>): number {
    const slot = this.bySub.get(from);
    if (slot === undefined) return 0;
    this.bySub.delete(from);
    this.pending += slot.demand;
    slot.demand = 0;
    slot.sub = null;
    return 0;
  }

  ask(count: number, from: Subscription<T>): number {
    const slot = this.bySub.get(from);
    if (slot === undefined) return 0;
    let demand = count;
    const queue = slot.queue;
    if (queue.length > 0) {
      const n = Math.min(queue.length, demand);
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = queue.shift() as T;
      this.host.deliver(from, out);
      demand -= n;
      if (queue.length === 0) this.releaseInfos(slot);
    }
    slot.demand += demand;
    const fromBuffer = Math.min(this.buffered, count);
    this.buffered -= fromBuffer;
    const already = Math.min(this.pending, count - fromBuffer);
    this.pending -= already;
    const upstream = count - already;
    this.waiting += upstream;
    return upstream;
  }

  info(message: unknown): void {
    const waitFor = new Set<PartitionSlot<unknown>>();
    for (const slot of this.slots) if (slot.queue.length > 0) waitFor.add(slot);
    if (waitFor.size === 0 && this.held.length === 0) this.host.sendInfo(message);
    else this.held.push({ message, waitFor });
  }

  heldCount(): number {
    let count = 0;
    for (const slot of this.slots) count += slot.queue.length;
    return count;
  }

  /**
   * Places one event of the dispatch being made in slot `p`: into the slot's batch for
   * this dispatch while its consumer has demand, else into its queue. `flush()` sends
   * each started batch as one message.
   */
  protected place(p: number, slot: PartitionSlot<T>, event: T): void {
    if (slot.sub !== null && slot.demand > 0) {
      slot.demand--;
      const batch = slot.batch;
      if (batch === null) {
        slot.batch = [event];
        this.touched[this.touchedCount++] = p;
      } else batch.push(event);
    } else slot.queue.push(event);
  }

  /** Sends every batch `place` started, one message per partition, in the order they started. */
  protected flush(): void {
    const slots = this.slots;
    const touched = this.touched;
    const n = this.touchedCount;
    this.touchedCount = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[touched[i] as number] as PartitionSlot<T>;
      const batch = slot.batch as T[];
      slot.batch = null;
      this.host.deliver(slot.sub as Subscription<T>, batch);
    }
  }

  /** What `dispatch` returns once it has placed the first `taken` events: the rest, for the buffer. */
  protected leftOver(events: T[], taken: number): T[] {
    const handedBack = this.handedBack;
    this.handedBack = undefined;
    if (taken === events.length) return NO_EVENTS;
    if (taken === 0 && events === handedBack) return events;
    this.buffered += events.length - taken;
    const left = events.slice(taken);
    if (taken > 0) this.handedBack = left;
    return left;
  }

  private releaseInfos(slot: PartitionSlot<T>): void {
    for (const info of this.held) info.waitFor.delete(slot);
    while (this.held.length > 0 && (this.held[0] as HeldInfo).waitFor.size === 0) {
      this.host.sendInfo((this.held.shift() as HeldInfo).message);
    }
  }
}
