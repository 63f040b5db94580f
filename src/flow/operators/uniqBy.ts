import { expectFunction } from '../../runtime/validate.js';
import { isThenable } from '../fuse.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Emits an event only the first time its `by(event)` is seen, at once, in order.
 *
 * The seen set belongs to the stage (per partition: partition by the same key to
 * make it global) and lives as long as the stage, so it grows with the number of
 * distinct keys. Unlike the original, nothing waits for the end of input. `by` may
 * return a Promise of the key: it is awaited (in turn, as `filter` and `map` do
 * with theirs), and the key is what it resolves to.
 *
 * ## Example
 * ```ts
 * await Flow.from(['apple', 'avocado', 'banana']).pipe(uniqBy((s: string) => s[0])).toArray(); // ['apple', 'banana']
 * ```
 * @param by the identity of an event (sync or async).
 * @returns an operator for `pipe`.
 */
export function uniqBy<T>(by: (event: T) => unknown): FlowOperator<T, T> {
  expectFunction('uniqBy', by);
  const f = by as (event: unknown) => unknown;
  return (flow) =>
    withMapper(flow, () => {
      const seen = new Set<unknown>();
      const tail = async (xs: unknown[], out: unknown[], i: number, first: PromiseLike<unknown>): Promise<unknown[]> => {
        let id: unknown = await first;
        for (;;) {
          if (!seen.has(id)) {
            seen.add(id);
            out.push(xs[i]);
          }
          if (++i >= xs.length) return out;
          id = f(xs[i]);
          if (isThenable(id)) id = await id;
        }
      };
      return (xs) => {
        const out: unknown[] = [];
        for (let i = 0; i < xs.length; i++) {
          const x = xs[i];
          const id = f(x);
          if (isThenable(id)) return tail(xs, out, i, id);
          if (!seen.has(id)) {
            seen.add(id);
            out.push(x);
          }
        }
        return out;
      };
    });
}
