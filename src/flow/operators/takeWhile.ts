import { typeError } from '../../runtime/errors.js';
import { expectFunction, show } from '../../runtime/validate.js';
import type { FlowOperator } from '../flow.js';
import { isThenable } from '../fuse.js';
import { withTake } from '../take.js';

/**
 * Emits events while `predicate(event)` is truthy; at the first event for which it
 * is falsy (that event is not emitted; with `inclusive: true` it is), stops reading
 * the flow, as `take` does.
 *
 * The events of every stage before it are merged into one stage first: "while"
 * follows the order in which they reach it (the input order with `stages: 1`
 * throughout). `predicate` must return a boolean now: a Promise is a `TypeError`
 * naming `takeWhile` (filter first with an async `filter` if needed).
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 5, 1, 7]).pipe(takeWhile((n: number) => n < 4)).toArray(); // [1, 2]
 * ```
 * @param predicate decides, event by event, whether to go on.
 * @param options `inclusive`: also emit the event that ended it (default false).
 * @returns an operator for `pipe`.
 */
export function takeWhile<T>(predicate: (event: T) => unknown, options: { inclusive?: boolean } = {}): FlowOperator<T, T> {
  expectFunction('takeWhile predicate', predicate);
  const inclusive = checkInclusive(options);
  const f = predicate as (event: unknown) => unknown;
  return (flow) =>
    withTake<T>(flow, 'takeWhile', () => ({
      accept(events) {
        for (let i = 0; i < events.length; i++) {
          const keep = f(events[i]);
          if (isThenable(keep)) throw typeError('ERR_GENSTAGE_INVALID_RETURN', `takeWhile: expected predicate to return a boolean, got a Promise for event ${show(events[i])}`);
          if (!keep) return { out: events.slice(0, inclusive ? i + 1 : i), satisfied: true };
        }
        return { out: events, satisfied: false };
      },
    }));
}

function checkInclusive(options: unknown): boolean {
  if (options === null || typeof options !== 'object') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected takeWhile options to be an object, got: ${show(options)}`);
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'inclusive');
  if (unknown.length > 0) throw typeError('ERR_GENSTAGE_UNKNOWN_OPTION', `takeWhile options: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; known: 'inclusive'`);
  if (o.inclusive !== undefined && typeof o.inclusive !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected inclusive to be a boolean, got: ${show(o.inclusive)}`);
  return o.inclusive === true;
}
