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
  private readonly names: readonly unknown[];
  private readonly hash: (event: T) => readonly [T, unknown] | null;

  constructor(options: PartitionDispatcherOptions<T, P>) {
    const names = partitionNames(options);
    super(names.map((name) => newSlot<T>(name)));
    const o = options as unknown as Record<string, unknown>;
    this.names = names;
    this.byName = new Map(this.slots.map((slot) => [slot.name, slot]));
    if (o.hash !== undefined) {
      expectFunction('hash', o.hash);
      this.hash = o.hash as (event: T) => readonly [T, unknown] | null;
    } else {
      const count = names.length;
      this.hash = (event) => [event, names[defaultHash(event) % count]];
    }
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
    const len = events.length;
    let i = 0;
    let touched: Map<PartitionSlot<T>, T[]> | null = null;
    for (; i < len && this.waiting > 0; i++) {
      const result = this.hash(events[i] as T);
      if (result === null) continue;
      if (!Array.isArray(result) || result.length !== 2) {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `expected hash to return [event, partition] or null, got: ${show(result)}`);
      }
      const partition = this.byName.get(result[1]);
      if (partition === undefined) {
        throw rangeError('ERR_GENSTAGE_INVALID_RETURN', `hash returned unknown partition ${show(result[1])} (partitions: ${show(this.names)})`);
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
    if (touched !== null) for (const [partition, batch] of touched) this.host.deliver(partition.sub!, batch);
    return this.leftOver(events, i);
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
