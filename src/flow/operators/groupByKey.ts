import { prependTo, withKeyedReducer } from '../extend.js';
import type { ReducerOperator } from './reduce.js';
import { pairOf } from '../pair.js';

/**
 * Groups `[key, value]` pairs by key: emits `[key, values]` at each trigger, values
 * newest first (per window, per stage).
 *
 * ## Example
 * ```ts
 * await Flow.from([['a', 1], ['b', 2], ['a', 3]] as [string, number][]).pipe(groupByKey()).toArray();
 * // [['a', [3, 1]], ['b', [2]]]
 * ```
 * @returns an operator for `pipe`.
 */
export function groupByKey<K, V>(): ReducerOperator<readonly [K, V], Map<K, V[]>, [K, V[]]> {
  return (flow) =>
    withKeyedReducer(flow, 'groupByKey', (map, event) => {
      const [key, value] = pairOf('groupByKey', event);
      prependTo(map, key, value);
    });
}
