import { rangeError, typeError } from '../runtime/errors.js';
import { defaultHash } from './hash.js';
import { PartitionedDispatcher, newSlot, type PartitionSlot } from './partitioned.js';
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
export class PartitionDispatcher<T = unknown, P = number | string> extends PartitionedDispatcher<T> {
  private readonly byName: Map<unknown, PartitionSlot<T>>;
  private readonly indexByName: Map<unknown, number>;
  private readonly names: readonly unknown[];
  /** The user's `hash`, or null for the default (`defaultHash(event) % count`, no pair built). */
  private readonly hash: ((event: T) => readonly [T, unknown] | null) | null;
  /** Partitions given as a count: a partition name is its slot index. */
  private readonly numbered: boolean;

  constructor(options: PartitionDispatcherOptions<T, P>) {
    const names = partitionNames(options);
    super(names.map((name) => newSlot<T>(name)));
    const o = options as unknown as Record<string, unknown>;
    this.names = names;
    this.numbered = typeof o.partitions === 'number';
    this.byName = new Map(this.slots.map((slot) => [slot.name, slot]));
    this.indexByName = new Map(names.map((name, i) => [name, i]));
    if (o.hash !== undefined) {
      expectFunction('hash', o.hash);
      this.hash = o.hash as (event: T) => readonly [T, unknown] | null;
    } else this.hash = null;
  }

  /** The partition names, in order. */
  get partitionNames(): readonly unknown[] {
    return this.names;
  }

  validate(options: Readonly<Record<string, unknown>>): void {
    if (!('partition' in options) || options.partition === undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected partition to be one of ${show(this.names)} when subscribing to a PartitionDispatcher, got: undefined`);
    }
    if (!this.byName.has(options.partition)) {
      throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected partition to be one of ${show(this.names)}, got: ${show(options.partition)}`);
    }
  }

  protected slotFor(partition: unknown): PartitionSlot<T> {
    return this.byName.get(partition) as PartitionSlot<T>;
  }

  dispatch(events: T[]): T[] {
    const n = Math.min(events.length, this.waiting);
    if (n === 0) return this.leftOver(events, 0);
    try {
      if (this.hash === null) this.dispatchDefault(events, n);
      else return this.dispatchHashed(events, this.hash);
    } finally {
      this.flush();
    }
    return this.leftOver(events, n);
  }

  /** The default hash: the slot index is `defaultHash(event) % count` (names are in slot order). */
  private dispatchDefault(events: T[], n: number): void {
    const slots = this.slots;
    const count = slots.length;
    for (let i = 0; i < n; i++) {
      const event = events[i] as T;
      const p = defaultHash(event) % count;
      this.place(p, slots[p] as PartitionSlot<T>, event);
    }
    this.waiting -= n;
  }

  /** The user's hash: `[event, partition]` or null (dropped) per event; returns what is left over. */
  private dispatchHashed(events: T[], hash: (event: T) => readonly [T, unknown] | null): T[] {
    const slots = this.slots;
    const numbered = this.numbered;
    const len = events.length;
    let i = 0;
    // A dropped event (null) takes no demand: the loop goes on until the demand is used.
    for (; i < len && this.waiting > 0; i++) {
      const result = hash(events[i] as T);
      if (result === null) continue;
      if (!Array.isArray(result) || result.length !== 2) {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `expected hash to return [event, partition] or null, got: ${show(result)}`);
      }
      const name: unknown = result[1];
      // Numbered partitions: the name is the index (no map lookup).
      const p = numbered && typeof name === 'number' && name >= 0 && name < slots.length && Number.isInteger(name) ? name : this.indexOf(name);
      this.waiting--;
      this.place(p, slots[p] as PartitionSlot<T>, result[0]);
    }
    return this.leftOver(events, i);
  }

  private indexOf(name: unknown): number {
    const p = this.indexByName.get(name);
    if (p === undefined) {
      throw rangeError('ERR_GENSTAGE_INVALID_RETURN', `hash returned unknown partition ${show(name)} (partitions: ${show(this.names)})`);
    }
    return p;
  }
}

/** The partition names `options.partitions` gives (checking the options). */
function partitionNames(options: unknown): readonly unknown[] {
  const o = expectObject('PartitionDispatcher options', options);
  expectKnownKeys('PartitionDispatcher options', o, ['partitions', 'hash']);
  const partitions = o.partitions;
  if (typeof partitions === 'number') {
    expectInteger('partitions', partitions, 1);
    return Array.from({ length: partitions }, (_, i) => i);
  }
  if (Array.isArray(partitions)) {
    if (partitions.length === 0) throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected partitions to name at least one partition, got: []`);
    if (new Set(partitions).size !== partitions.length) throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected partitions to be distinct, got: ${show(partitions)}`);
    return [...(partitions as readonly unknown[])];
  }
  throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected partitions to be an integer >= 1 or an array of names, got: ${show(partitions)}`);
}
