import { expectFunction } from '../../runtime/validate.js';
import { pairOf } from '../pair.js';
import { withKeyedReducer } from '../extend.js';
import type { ReducerOperator } from './reduce.js';

/**
 * Folds the values of `[key, value]` pairs per key with `fn(acc, value)` (the
 * first value of a key is its start), and emits `[key, result]` at each trigger.
 *
 * ## Example
 * ```ts
 * await Flow.from([['a', 1], ['b', 2], ['a', 3]] as [string, number][])
 *   .pipe(reduceByKey((x: number, y: number) => x + y))
 *   .toArray(); // [['a', 4], ['b', 2]]
 * ```
 * @param fn combines a key's result so far with its next value.
 * @returns an operator for `pipe`.
 */
export function reduceByKey<K, V>(fn: (acc: V, value: V) => V): ReducerOperator<readonly [K, V], Map<K, V>, [K, V]> {
  expectFunction('reduceByKey', fn);
  const f = fn as (acc: unknown, value: unknown) => unknown;
  return (flow) =>
    withKeyedReducer(flow, 'reduceByKey', (map, event) => {
      const [key, value] = pairOf('reduceByKey', event);
      map.set(key, map.has(key) ? f(map.get(key), value) : value);
    });
}
