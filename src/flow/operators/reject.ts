import { expectFunction } from '../../runtime/validate.js';
import { filterLoop } from '../fuse.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Drops the events for which `predicate(event)` is truthy (the opposite of `filter`).
 *
 * Fused with the mappers around it; `predicate` may return a Promise. A throw fails the flow.
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 3, 4]).pipe(reject((n: number) => n % 2 === 0)).toArray(); // [1, 3]
 * ```
 * @param predicate sync or async.
 * @returns an operator for `pipe`.
 */
export function reject<T>(predicate: (event: T) => unknown): FlowOperator<T, T> {
  expectFunction('reject', predicate);
  const f = predicate as (event: unknown) => unknown;
  return (flow) => withMapper(flow, () => filterLoop(f, false));
}
