import { expectFunction } from '../../runtime/validate.js';
import type { Flow } from '../flow.js';
import { withReducer } from '../extend.js';
import type { AccumulatorEvents, ReducedFlow } from '../pipe-types.js';

export type { AccumulatorEvents };

/** A reducer for `pipe`: from a flow of `In` to a flow that reduces into `A` and emits `Out` (by default `A`'s items). */
export type ReducerOperator<In, A, Out = AccumulatorEvents<A>> = (flow: Flow<In>) => ReducedFlow<A, Out>;

/**
 * Folds the events of each window into an accumulator, in every stage of the layer.
 *
 * `init()` makes a fresh accumulator per window and stage; `step(event, acc)`
 * returns the next one. At each trigger (at the latest `'done'`, when the input
 * ends) the stage emits the accumulator's items: an array's elements, a Set's
 * values, a Map's `[key, value]` pairs. Use `onTrigger` to emit something else
 * (a number accumulator needs it). One reducer per stage; mappers after it map
 * what it emits. Every stage emits at `'done'`, even an empty one.
 *
 * ## Example
 * ```ts
 * const counts = await Flow.from(['a', 'b', 'a'])
 *   .pipe(reduce(() => new Map<string, number>(), (w: string, acc) => acc.set(w, (acc.get(w) ?? 0) + 1)))
 *   .toArray(); // [['a', 2], ['b', 1]]
 * ```
 * @param init the initial accumulator (called per window and stage).
 * @param step the fold.
 * @returns an operator for `pipe`.
 */
export function reduce<T, A>(init: () => A, step: (event: T, acc: A) => A): ReducerOperator<T, A> {
  expectFunction('reduce init', init);
  expectFunction('reduce step', step);
  return (flow) =>
    withReducer(flow, { name: 'reduce', init, step: step as (event: unknown, acc: unknown) => unknown, emitStep: undefined });
}
