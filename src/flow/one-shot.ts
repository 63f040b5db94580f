import { typeError } from '../runtime/errors.js';
import type { Stage } from '../stage/handle.js';
import { describeReason, isNormalReason } from '../runtime/reason.js';
import { exitReason } from '../core/internal.js';

/**
 * Sources a flow can read only once: an iterator (a generator, `arr.values()`), a
 * Node stream, a `ReadableStream`, a stage. Running a flow over one a second time
 * would read nothing; it is an error instead, at the run.
 * @internal
 */

const oneShot = new WeakSet<object>();
const consumed = new WeakSet<object>();

/** True for what can be read only once (checked on what the user gave to `Flow.from`). */
export function isOneShot(source: unknown): boolean {
  if (source === null || typeof source !== 'object') return false;
  const record = source as Record<string | symbol, unknown>;
  // An iterator is its own iterable: reading it consumes it.
  if (typeof record.next === 'function') {
    const sync = record[Symbol.iterator];
    if (typeof sync === 'function' && (sync as () => unknown).call(source) === source) return true;
    const async = record[Symbol.asyncIterator];
    if (typeof async === 'function' && (async as () => unknown).call(source) === source) return true;
  }
  if (typeof record.getReader === 'function') return true; // a ReadableStream
  return typeof record.pipe === 'function' && typeof record.read === 'function'; // a Node Readable
}

/** Marks `iterable` (what the plan reads) as one to read once. */
export function markOneShot<T extends object>(iterable: T): T {
  oneShot.add(iterable);
  return iterable;
}

/** Called when a run starts reading `iterable`: throws if a one-shot source was read before. */
export function claimIterable(iterable: object): void {
  if (!oneShot.has(iterable)) return;
  if (consumed.has(iterable)) {
    throw typeError('ERR_GENSTAGE_INVALID_STATE', 'Flow.from: the source (an iterator, generator or stream) was already consumed by an earlier run of this flow; it can be read once. Give an array, or build a new flow over a new source, to run it again');
  }
  consumed.add(iterable);
}

/** Called when a run subscribes to a source stage: throws if it has already exited. */
export function claimStage(stage: Stage<unknown>): void {
  if (stage.alive) return;
  const reason = exitReason(stage);
  // A crashed source fails the flow with its own reason, as a crash while running would.
  if (!isNormalReason(reason)) throw reason;
  throw typeError('ERR_GENSTAGE_INVALID_STATE', `Flow.from: the source stage ${stage.name} has already exited (${describeReason(reason)}): its events were consumed by an earlier run or another consumer; start a new stage to run the flow again`);
}
