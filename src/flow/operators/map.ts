import { expectFunction } from '../../runtime/validate.js';
import { mapLoop } from '../fuse.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Emits `fn(event)` for each event, in order.
 *
 * Runs fused with the mappers around it in the same stage. `fn` may return a
 * Promise: the stage awaits it before the next event (order is kept, and the stage
 * takes nothing else meanwhile). After a reducer, it maps what the reducer emits.
 * A throw or rejection fails the flow.
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 3]).pipe(map((n: number) => n * 2)).toArray(); // [2, 4, 6]
 * ```
 * @param fn the mapping, sync or async.
 * @returns an operator for `pipe`.
 */
export function map<T, R>(fn: (event: T) => R | Promise<R>): FlowOperator<T, R> {
  expectFunction('map', fn);
  const f = fn as (event: unknown) => unknown;
  return (flow) => withMapper(flow, () => mapLoop(f));
}
