import { rangeError } from '../runtime/errors.js';
import { PartitionedDispatcher, newSlot, type PartitionSlot } from '../dispatchers/partitioned.js';
import { show } from '../runtime/validate.js';

/**
 * The dispatcher of a flow's `partition({ key })`: the same protocol (and the same
 * bookkeeping, `PartitionedDispatcher`) as
 * `PartitionDispatcher` (partitions `0..n-1`, subscribed with `{ partition }`, events
 * beyond a partition's demand queued for it, infos held until the queues they
 * follow are delivered), specialised for the hot path: `index(event)` returns the
 * partition number directly (no `[event, partition]` pair per event) and each
 * dispatch collects one array per partition by index.
 * @internal
 */
export class KeyDispatcher extends PartitionedDispatcher<unknown> {
  constructor(partitions: number, private readonly index: (event: unknown) => number) {
    super(Array.from({ length: partitions }, (_, i) => newSlot<unknown>(i)));
  }

  validate(options: Readonly<Record<string, unknown>>): void {
    const p = options.partition;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= this.slots.length) {
      throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected partition to be an integer between 0 and ${this.slots.length - 1}, got: ${show(p)}`);
    }
  }

  protected slotFor(partition: unknown): PartitionSlot<unknown> {
    return this.slots[partition as number]!;
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
      const slot = slots[p];
      if (slot === undefined) throw rangeError('ERR_GENSTAGE_INVALID_RETURN', `partition index ${show(p)} out of range (0..${count - 1})`);
      if (slot.sub !== null && slot.demand > 0) {
        slot.demand--;
        if (slot.batch === null) slot.batch = [event];
        else slot.batch.push(event);
      } else slot.queue.push(event);
    }
    this.waiting -= n;
    for (let p = 0; p < count; p++) {
      const slot = slots[p]!;
      if (slot.batch !== null) {
        const batch = slot.batch;
        slot.batch = null;
        this.host.deliver(slot.sub!, batch);
      }
    }
    return this.leftOver(events, n);
  }
}
