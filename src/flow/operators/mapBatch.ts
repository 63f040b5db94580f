import { expectFunction } from '../../runtime/validate.js';
import { batchLoop } from '../fuse.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Replaces each batch the stage handles with `fn(batch)`.
 *
 * A batch is what the stage received at once (at most `maxDemand - minDemand`
 * events, 500 by default); after a reducer, what one trigger emitted. `fn` returns
 * an array (or a Promise of one). Unlike the original, it may sit anywhere among
 * the mappers.
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 3]).pipe(mapBatch((batch: number[]) => [batch.length])).toArray(); // [3]
 * ```
 * @param fn from a batch to the events to emit.
 * @returns an operator for `pipe`.
 */
export function mapBatch<T, R>(fn: (events: T[]) => R[] | Promise<R[]>): FlowOperator<T, R> {
  expectFunction('mapBatch', fn);
  const f = fn as (events: unknown[]) => unknown;
  return (flow) => withMapper(flow, () => batchLoop(f));
}
