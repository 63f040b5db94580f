import type { Subscription } from '../stage/subscription.js';
import type { Dispatcher, DispatcherHost } from './dispatcher.js';
import { NO_EVENTS } from './dispatcher.js';
import { Deque } from '../runtime/deque.js';
import { defaultHash } from './hash.js';
import { expectFunction, expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';

export interface PartitionDispatcherOptions<T, P = number | string> {
  /** A count `n` (partitions `0..n-1`) or the list of partition names. */
  partitions: number | readonly P[];
  /**
   * Maps an event to `[event, partition]` (the event may be transformed), or `null`
   * to drop it. Default: `defaultHash(event) % count`, naming the partition.
   */
  hash?: (event: T) => readonly [T, P] | null;
}

interface Partition<T> {
  name: unknown;
  sub: Subscription<T> | null;
  demand: number;
  /** Events that arrived for this partition beyond its demand. */
  queue: Deque<T>;
}

interface HeldInfo {
  message: unknown;
  /** Partitions whose queued events must go out before this info. */
  waitFor: Set<Partition<unknown>>;
}

/**
 * Sends each event to exactly one partition, chosen by `hash`; each partition has at
 * most one consumer, which subscribes with `{ partition }`.
 *
 * The producer is asked for as many events as all consumers together asked for.
 * Events for a partition whose consumer has no demand left (or that has no consumer
 * yet) wait in that partition's queue and go out first when it asks again.
 *
 * Differences from the original, on purpose: when a partition's consumer leaves, its
 * queued events stay queued for the next consumer of that partition instead of being
 * thrown away; and the default hash is `defaultHash` (documented, the same in every
 * process), not the BEAM's.
 */
export class PartitionDispatcher<T = unknown, P = number | string> implements Dispatcher<T> {
  private host!: DispatcherHost<T>;
  private readonly byName = new Map<unknown, Partition<T>>();
  private readonly bySub = new Map<Subscription<T>, Partition<T>>();
  private readonly names: readonly unknown[];
  private readonly hash: (event: T) => readonly [T, unknown] | null;
  /** Asked upstream and not yet arrived. */
  private waiting = 0;
  /** Demand of consumers that left, already asked upstream. */
  private pending = 0;
  /**
   * Events handed back to the producer's buffer (they came beyond what was asked).
   * `pending` may never be answered (a producer may produce less than asked), so an
   * ask is served from the buffer before `pending` absorbs it.
   */
  private buffered = 0;
  private held: HeldInfo[] = [];

  constructor(options: PartitionDispatcherOptions<T, P>) {
    const o = expectObject('PartitionDispatcher options', options);
    expectKnownKeys('PartitionDispatcher options', o, ['partitions', 'hash']);
    const partitions = o.partitions;
    if (typeof partitions === 'number') {
      expectInteger('partitions', partitions, 1);
      this.names = Array.from({ length: partitions }, (_, i) => i);
    } else if (Array.isArray(partitions)) {
      if (partitions.length === 0) throw new RangeError(`expected partitions to name at least one partition, got: []`);
      if (new Set(partitions).size !== partitions.length) throw new RangeError(`expected partitions to be distinct, got: ${show(partitions)}`);
      this.names = [...partitions];
    } else {
      throw new TypeError(`expected partitions to be an integer >= 1 or an array of names, got: ${show(partitions)}`);
    }
    for (const name of this.names) this.byName.set(name, { name, sub: null, demand: 0, queue: new Deque<T>() });
    if (o.hash !== undefined) {
      expectFunction('hash', o.hash);
      this.hash = o.hash as (event: T) => readonly [T, unknown] | null;
    } else {
      const names = this.names;
      const count = names.length;
      this.hash = (event) => [event, names[defaultHash(event) % count]];
    }
  }

  /** The partition names, in order. */
  get partitionNames(): readonly unknown[] {
    return this.names;
  }

  init(host: DispatcherHost<T>): void {
    this.host = host;
  }

  validate(options: Readonly<Record<string, unknown>>): void {
    if (!('partition' in options) || options.partition === undefined) {
      throw new TypeError(`expected partition to be one of ${show(this.names)} when subscribing to a PartitionDispatcher, got: undefined`);
    }
    if (!this.byName.has(options.partition)) {
      throw new RangeError(`expected partition to be one of ${show(this.names)}, got: ${show(options.partition)}`);
    }
  }

  subscribe(options: Readonly<Record<string, unknown>>, from: Subscription<T>): number {
    this.validate(options);
    const partition = this.byName.get(options.partition) as Partition<T>;
    if (partition.sub !== null) {
      throw new RangeError(`partition ${show(options.partition)} already has a consumer (${partition.sub.consumerProcess.describe()})`);
    }
    partition.sub = from;
    partition.demand = 0;
    this.bySub.set(from, partition);
    return 0;
  }

  cancel(from: Subscription<T>): number {
    const partition = this.bySub.get(from);
    if (partition === undefined) return 0;
    this.bySub.delete(from);
    this.pending += partition.demand;
    partition.demand = 0;
    partition.sub = null;
    return 0;
  }

  ask(count: number, from: Subscription<T>): number {
    const partition = this.bySub.get(from);
    if (partition === undefined) return 0;
    let demand = count;
    const queue = partition.queue;
    if (queue.length > 0) {
      const n = Math.min(queue.length, demand);
      const out: T[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = queue.shift() as T;
      this.host.deliver(from, out);
      demand -= n;
      if (queue.length === 0) this.releaseInfos(partition);
    }
    partition.demand += demand;
    const fromBuffer = Math.min(this.buffered, count);
    this.buffered -= fromBuffer;
    const already = Math.min(this.pending, count - fromBuffer);
    this.pending -= already;
    const upstream = count - already;
    this.waiting += upstream;
    return upstream;
  }

  dispatch(events: T[]): T[] {
    const len = events.length;
    let i = 0;
    let touched: Map<Partition<T>, T[]> | null = null;
    for (; i < len && this.waiting > 0; i++) {
      const result = this.hash(events[i] as T);
      if (result === null) continue;
      if (!Array.isArray(result) || result.length !== 2) {
        throw new TypeError(`expected hash to return [event, partition] or null, got: ${show(result)}`);
      }
      const partition = this.byName.get(result[1]);
      if (partition === undefined) {
        throw new RangeError(`hash returned unknown partition ${show(result[1])} (partitions: ${show(this.names)})`);
      }
      this.waiting--;
      if (partition.sub !== null && partition.demand > 0) {
        partition.demand--;
        touched ??= new Map();
        const batch = touched.get(partition);
        if (batch === undefined) touched.set(partition, [result[0]]);
        else batch.push(result[0]);
      } else {
        partition.queue.push(result[0]);
      }
    }
    if (touched !== null) for (const [partition, batch] of touched) this.host.deliver(partition.sub as Subscription<T>, batch);
    if (i === len) return NO_EVENTS;
    this.buffered += len - i;
    return events.slice(i);
  }

  info(message: unknown): void {
    const waitFor = new Set<Partition<unknown>>();
    for (const partition of this.byName.values()) if (partition.queue.length > 0) waitFor.add(partition as Partition<unknown>);
    if (waitFor.size === 0 && this.held.length === 0) this.host.sendInfo(message);
    else this.held.push({ message, waitFor });
  }

  private releaseInfos(partition: Partition<T>): void {
    for (const info of this.held) info.waitFor.delete(partition as Partition<unknown>);
    while (this.held.length > 0 && (this.held[0] as HeldInfo).waitFor.size === 0) {
      this.host.sendInfo((this.held.shift() as HeldInfo).message);
    }
  }
}
