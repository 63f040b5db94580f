import { expectFunction } from '../../runtime/validate.js';
import { withKeyedReducer } from '../extend.js';
import type { ReducerOperator } from './reduce.js';

/**
 * Counts events per key and emits `[key, count]` at each trigger (per window, per
 * stage). The key is `key(event)`, or without it the key of a `[key, value]` pair.
 *
 * ## Example
 * ```ts
 * await Flow.from(['a', 'b', 'a']).pipe(countByKey((w: string) => w)).toArray(); // [['a', 2], ['b', 1]]
 * ```
 * @param key the key of an event (default: `event[0]`).
 * @returns an operator for `pipe`.
 */
export function countByKey<T, K = T extends readonly [infer P, unknown] ? P : unknown>(key?: (event: T) => K): ReducerOperator<T, Map<K, number>, [K, number]> {
  if (key !== undefined) expectFunction('countByKey key', key);
  const k = (key ?? ((pair: T) => (pair as unknown as readonly unknown[])[0])) as (event: unknown) => unknown;
  return (flow) =>
    withKeyedReducer(flow, 'countByKey', (map, event) => {
      const id = k(event);
      map.set(id, ((map.get(id) as number | undefined) ?? 0) + 1);
    });
}
