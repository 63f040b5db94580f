import { expectFunction } from '../../runtime/validate.js';
import { flatMapLoop } from '../fuse.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Emits every item of the array (or iterable) `fn(event)` returns, in order.
 *
 * Fused with the mappers around it; `fn` may return a Promise of an array. A
 * result that is not an array or iterable (a string counts as neither) fails the flow.
 *
 * ## Example
 * ```ts
 * await Flow.from(['a b', 'c']).pipe(flatMap((line: string) => line.split(' '))).toArray(); // ['a', 'b', 'c']
 * ```
 * @param fn returns the events to emit for one event.
 * @returns an operator for `pipe`.
 */
export function flatMap<T, R>(fn: (event: T) => Iterable<R> | Promise<Iterable<R>>): FlowOperator<T, R> {
  expectFunction('flatMap', fn);
  const f = fn as (event: unknown) => unknown;
  return (flow) => withMapper(flow, () => flatMapLoop(f));
}
