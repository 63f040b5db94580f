import { expectFunction } from '../../runtime/validate.js';
import { isThenable, mapLoop } from '../fuse.js';
import { pairOf } from '../pair.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Maps the value of `[key, value]` pairs, keeping the key: emits `[key, fn(value)]`.
 *
 * Fused with the mappers around it; `fn` may return a Promise.
 *
 * ## Example
 * ```ts
 * await Flow.from([['a', 1], ['b', 2]] as [string, number][]).pipe(mapValues((n: number) => n * 10)).toArray();
 * // [['a', 10], ['b', 20]]
 * ```
 * @param fn the mapping of values.
 * @returns an operator for `pipe`.
 */
export function mapValues<K, V, R>(fn: (value: V) => R | Promise<R>): FlowOperator<readonly [K, V], [K, R]> {
  expectFunction('mapValues', fn);
  const f = (pair: unknown): unknown => {
    const [k, v] = pairOf('mapValues', pair);
    const r = (fn as (value: unknown) => unknown)(v);
    if (isThenable(r)) return Promise.resolve(r).then((value) => [k, value]);
    return [k, r];
  };
  return (flow) => withMapper(flow, () => mapLoop(f));
}
