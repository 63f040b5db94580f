import { expectFunction, expectInteger } from '../../runtime/validate.js';
import { newLayer } from '../plan.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, lastLayer, withLayer, withReducer } from '../extend.js';
import { departition } from './departition.js';

const ascending = (a: unknown, b: unknown): number => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);

/**
 * Emits one event: the first `n` events in the order of `compare` (an
 * `Array.prototype.sort` comparator; ascending by default).
 *
 * Each stage keeps its own top `n` (memory O(n) per stage), then one stage merges
 * them; after a reducer, a new single stage takes the top `n` of what it emits
 * (the top-10 words of a word count). Per window.
 *
 * ## Example
 * ```ts
 * await Flow.from([5, 1, 4, 2, 3]).pipe(takeSort(3, (a: number, b: number) => b - a)).toArray(); // [[5, 4, 3]]
 * ```
 * @param n how many to keep.
 * @param compare the sort order.
 * @returns an operator for `pipe`.
 */
export function takeSort<T>(n: number, compare?: (a: T, b: T) => number): FlowOperator<T, T[]> {
  expectInteger('takeSort n', n, 1);
  if (compare !== undefined) expectFunction('takeSort compare', compare);
  const cmp = (compare ?? ascending) as (a: unknown, b: unknown) => number;
  const limit = Math.max(2 * n, 64);
  const top = (xs: unknown[]): unknown[] => {
    xs.sort(cmp);
    if (xs.length > n) xs.length = n;
    return xs;
  };
  const keepTop = (event: unknown, acc: unknown): unknown => {
    const xs = acc as unknown[];
    xs.push(event);
    if (xs.length >= limit) top(xs);
    return xs;
  };
  const reducer = { name: 'takeSort', init: () => [] as unknown[], step: keepTop, emitStep: undefined };
  return (flow) => {
    checkFlow(flow);
    const last = lastLayer(flow);
    const base = last.reducer === undefined ? flow : withLayer(flow, newLayer('takeSort'));
    const reduced = withReducer<unknown, unknown[]>(base, reducer);
    return departition(() => [] as unknown[], (acc: unknown[], state: unknown[]) => top(state.concat(acc)), (state: unknown[]) => top(state))(reduced) as never;
  };
}
