import { expectFunction } from '../../runtime/validate.js';
import { tapLoop } from '../fuse.js';
import type { FlowOperator } from '../flow.js';
import { withMapper } from '../extend.js';

/**
 * Calls `fn(event)` for its side effect and passes the event on unchanged.
 *
 * A returned Promise is awaited before the next event, so a slow side effect slows
 * the flow (back-pressure) instead of piling up. A throw fails the flow.
 *
 * ## Example
 * ```ts
 * const seen: number[] = [];
 * await Flow.from([1, 2]).pipe(tap((n: number) => seen.push(n))).run(); // seen: [1, 2]
 * ```
 * @param fn the side effect.
 * @returns an operator for `pipe`.
 */
export function tap<T>(fn: (event: T) => unknown): FlowOperator<T, T> {
  expectFunction('tap', fn);
  const f = fn as (event: unknown) => unknown;
  return (flow) => withMapper(flow, () => tapLoop(f));
}
