import { expectFunction } from '../../runtime/validate.js';
import { withReducer } from '../extend.js';
import type { AccumulatorEvents, ReducerOperator } from './reduce.js';

/**
 * A reducer that may also emit at each event: `step(event, acc)` returns
 * `[eventsToEmitNow, nextAcc]`.
 *
 * The events are emitted at once, in order; triggers then work as for `reduce`
 * (by default they emit the accumulator's items; `onTrigger` decides otherwise).
 *
 * ## Example
 * ```ts
 * // running totals, and nothing at the end
 * await Flow.from([1, 2, 3])
 *   .pipe(emitAndReduce(() => 0, (n: number, sum: number) => [[sum + n], sum + n]), onTrigger((acc: number) => [[], acc]))
 *   .toArray(); // [1, 3, 6]
 * ```
 * @param init the initial accumulator (per window and stage).
 * @param step returns the events to emit and the next accumulator.
 * @returns an operator for `pipe`.
 */
export function emitAndReduce<T, A, R>(init: () => A, step: (event: T, acc: A) => readonly [readonly R[], A]): ReducerOperator<T, A, R | AccumulatorEvents<A>> {
  expectFunction('emitAndReduce init', init);
  expectFunction('emitAndReduce step', step);
  return (flow) =>
    withReducer(flow, {
      name: 'emitAndReduce',
      init,
      step: undefined,
      emitStep: step as (event: unknown, acc: unknown) => readonly [readonly unknown[], unknown],
    });
}
