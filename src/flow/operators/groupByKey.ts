import { withReducer } from '../flow.js';
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
    withReducer(flow, {
      name: 'groupByKey',
      init: () => new Map<unknown, unknown[]>(),
      step: (event, acc) => {
        const map = acc as Map<unknown, unknown[]>;
        const [key, value] = pairOf('groupByKey', event);
        const values = map.get(key);
        if (values === undefined) map.set(key, [value]);
        else values.unshift(value);
        return map;
      },
      emitStep: undefined,
    });
}
