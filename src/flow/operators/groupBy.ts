import { expectFunction } from '../../runtime/validate.js';
import { prependTo, withKeyedReducer } from '../extend.js';
import type { ReducerOperator } from './reduce.js';

/**
 * Groups events by `key(event)` into a `Map<key, values>`, and emits `[key, values]`
 * pairs at each trigger (per window, per stage).
 *
 * `values` are `value(event)` (the event itself by default), newest first, as in
 * Flow. Every value is held until the window is done: partition by the same key
 * first to keep each key in one stage.
 *
 * ## Example
 * ```ts
 * await Flow.from(['the', 'fox', 'the', 'dog'])
 *   .pipe(groupBy((w: string) => w.length))
 *   .toArray(); // [[3, ['dog', 'the', 'fox', 'the']]]
 * ```
 * @param key the grouping key.
 * @param value what to keep of each event.
 * @returns an operator for `pipe`.
 */
export function groupBy<T, K, V = T>(key: (event: T) => K, value?: (event: T) => V): ReducerOperator<T, Map<K, V[]>, [K, V[]]> {
  expectFunction('groupBy key', key);
  if (value !== undefined) expectFunction('groupBy value', value);
  const k = key as (event: unknown) => unknown;
  const v = (value ?? ((e: T) => e)) as (event: unknown) => unknown;
  return (flow) =>
    withKeyedReducer(flow, 'groupBy', (map, event) => prependTo(map, k(event), v(event)));
}
