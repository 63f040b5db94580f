import { expectFunction } from '../../runtime/validate.js';
import { filterLoop } from '../fuse.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Keeps the events for which `predicate(event)` is truthy, in order.
 *
 * Fused with the mappers around it; `predicate` may return a Promise of a boolean
 * (awaited in turn). A throw fails the flow.
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 3, 4]).pipe(filter((n: number) => n % 2 === 0)).toArray(); // [2, 4]
 * ```
 * A type guard narrows the flow: `filter((x): x is string => typeof x === 'string')`
 * gives a `Flow<string>`.
 *
 * @param predicate sync or async.
 * @returns an operator for `pipe`.
 */
export function filter<T, S extends T>(predicate: (event: T) => event is S): FlowOperator<T, S>;
export function filter<T>(predicate: (event: T) => unknown): FlowOperator<T, T>;
export function filter<T>(predicate: (event: T) => unknown): FlowOperator<T, T> {
  expectFunction('filter', predicate);
  const f = predicate as (event: unknown) => unknown;
  return (flow) => withMapper(flow, () => filterLoop(f, true));
}
