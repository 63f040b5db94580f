import { typeError } from '../../runtime/errors.js';
import { expectFunction, show } from '../../runtime/validate.js';
import type { FlowOperator } from '../flow.js';
import { isThenable } from '../fuse.js';
import { withTake } from '../take.js';

/**
 * Emits the first event of the flow (the first for which `predicate(event)` is
 * truthy, when given), then stops reading the flow, as `take(1)` does.
 *
 * Unlike RxJS's `first`, a flow that ends before such an event emits nothing (no
 * `EmptyError`): `toArray()` resolves `[]`. `predicate` must return a boolean now
 * (a Promise is a `TypeError` naming `first`).
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 4, 6, 9]).pipe(first((n: number) => n % 2 === 0)).toArray(); // [4]
 * await Flow.from(['a', 'b']).pipe(first()).toArray(); // ['a']
 * ```
 * @param predicate which event to take (default: any).
 * @returns an operator for `pipe`.
 */
export function first<T>(predicate?: (event: T) => unknown): FlowOperator<T, T> {
  if (predicate !== undefined) expectFunction('first predicate', predicate);
  const f = predicate as ((event: unknown) => unknown) | undefined;
  return (flow) =>
    withTake<T>(
      flow,
      'first',
      () => ({
        accept(events) {
          if (f === undefined) return { out: events.slice(0, 1), satisfied: events.length > 0 };
          for (const event of events) {
            const match = f(event);
            if (isThenable(match)) throw typeError('ERR_GENSTAGE_INVALID_RETURN', `first: expected predicate to return a boolean, got a Promise for event ${show(event)}`);
            if (match) return { out: [event], satisfied: true };
          }
          return { out: [], satisfied: false };
        },
      }),
      f === undefined ? 1 : undefined,
    );
}
