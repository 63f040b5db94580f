import type { Dispatcher, DispatcherHost } from '../dispatchers/dispatcher.js';
import { NO_EVENTS } from '../dispatchers/dispatcher.js';
import { Deque } from '../runtime/deque.js';
import { show } from '../runtime/validate.js';
import type { Subscription } from '../stage/subscription.js';

interface Slot {
  sub: Subscription | null;
  demand: number;
  queue: Deque<unknown>;
  /** Events for this slot in the dispatch being made. */
  batch: unknown[] | null;
}

/**
 * The dispatcher of a flow's `partition({ key })`: the same protocol as
 * `PartitionDispatcher` (partitions `0..n-1`, subscribed with `{ partition }`, events
 * beyond a partition's demand queued for it, infos held until the queues they
 * follow are delivered), specialised for the hot path: `index(event)` returns the
 * partition number directly (no `[event, partition]` pair per event) and each
 * dispatch collects one array per partition by index.
 * @internal
 */
export class KeyDispatcher implements Dispatcher<unknown> {
  private host!: DispatcherHost<unknown>;
  private readonly slots: Slot[];
  private readonly bySub = new Map<Subscription, Slot>();
  private waiting = 0;
  private pending = 0;
  /** Events handed back to the producer's buffer: asks take them before `pending` absorbs any (as in PartitionDispatcher). */
  private buffered = 0;
  private held: { message: unknown; waitFor: Set<Slot> }[] = [];

  constructor(partitions: number, private readonly index: (event: unknown) => number) {
    this.slots = Array.from({ length: partitions }, () => ({ sub: null, demand: 0, queue: new Deque<unknown>(), batch: null }));
  }

  init(host: DispatcherHost<unknown>): void {
    this.host = host;
  }

  validate(options: Readonly<Record<string, unknown>>): void {
    const p = options.partition;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= this.slots.length) {
      throw new RangeError(`expected partition to be an integer between 0 and ${this.slots.length - 1}, got: ${show(p)}`);
    }
  }

  subscribe(options: Readonly<Record<string, unknown>>, from: Subscription): number {
    this.validate(options);
    const slot = this.slots[options.partition as number] as Slot;
    if (slot.sub !== null) throw new RangeError(`partition ${show(options.partition)} already has a consumer`);
    slot.sub = from;
    slot.demand = 0;
    this.bySub.set(from, slot);
    return 0;
  }

  cancel(from: Subscription): number {
    const slot = this.bySub.get(from);
    if (slot === undefined) return 0;
    this.bySub.delete(from);
    this.pending += slot.demand;
    slot.demand = 0;
    slot.sub = null;
    return 0;
  }

  ask(count: number, from: Subscription): number {
    const slot = this.bySub.get(from);
    if (slot === undefined) return 0;
    let demand = count;
    const queue = slot.queue;
    if (queue.length > 0) {
      const n = Math.min(queue.length, demand);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = queue.shift();
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

  dispatch(events: unknown[]): unknown[] {
    const len = events.length;
    const n = Math.min(len, this.waiting);
    const slots = this.slots;
    const count = slots.length;
    const index = this.index;
    for (let i = 0; i < n; i++) {
      const event = events[i];
      const p = index(event);
      const slot = slots[p] as Slot;
      if (slot === undefined) throw new RangeError(`partition index ${show(p)} out of range (0..${count - 1})`);
      if (slot.sub !== null && slot.demand > 0) {
        slot.demand--;
        if (slot.batch === null) slot.batch = [event];
        else slot.batch.push(event);
      } else slot.queue.push(event);
    }
    this.waiting -= n;
    for (let p = 0; p < count; p++) {
      const slot = slots[p] as Slot;
      if (slot.batch !== null) {
        const batch = slot.batch;
        slot.batch = null;
        this.host.deliver(slot.sub as Subscription, batch);
      }
    }
    if (n === len) return NO_EVENTS;
    this.buffered += len - n;
    return events.slice(n);
  }

  info(message: unknown): void {
    const waitFor = new Set<Slot>();
    for (const slot of this.slots) if (slot.queue.length > 0) waitFor.add(slot);
    if (waitFor.size === 0 && this.held.length === 0) this.host.sendInfo(message);
    else this.held.push({ message, waitFor });
  }

  private releaseInfos(slot: Slot): void {
    for (const info of this.held) info.waitFor.delete(slot);
    while (this.held.length > 0 && this.held[0]!.waitFor.size === 0) this.host.sendInfo(this.held.shift()!.message);
  }
}
