import { expectFunction } from '../../runtime/validate.js';
import { withMapper, type FlowOperator } from '../flow.js';

/**
 * Emits an event only the first time its `by(event)` is seen, at once, in order.
 *
 * The seen set belongs to the stage (per partition: partition by the same key to
 * make it global) and lives as long as the stage, so it grows with the number of
 * distinct keys. Unlike the original, nothing waits for the end of input.
 *
 * ## Example
 * ```ts
 * await Flow.from(['apple', 'avocado', 'banana']).pipe(uniqBy((s: string) => s[0])).toArray(); // ['apple', 'banana']
 * ```
 * @param by the identity of an event.
 * @returns an operator for `pipe`.
 */
export function uniqBy<T>(by: (event: T) => unknown): FlowOperator<T, T> {
  expectFunction('uniqBy', by);
  const f = by as (event: unknown) => unknown;
  return (flow) =>
    withMapper(flow, () => {
      const seen = new Set<unknown>();
      return (xs) => {
        const out: unknown[] = [];
        for (let i = 0; i < xs.length; i++) {
          const x = xs[i];
          const id = f(x);
          if (!seen.has(id)) {
            seen.add(id);
            out.push(x);
          }
        }
        return out;
      };
    });
}
