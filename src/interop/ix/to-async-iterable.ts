import { AsyncIterableX, from } from 'ix/asynciterable';
import { Flow } from '../../flow/flow.js';
import { GenStage } from '../../io/gen-stage.js';
import { checkSource, type Source } from '../source.js';

/**
 * A flow or a producer stage as an IxJS `AsyncIterableX`, to use IxJS operators on
 * its events.
 *
 * A flow runs afresh for each iteration (as `for await` over it does); a stage is
 * read through `GenStage.stream` (a new subscription per iteration). Demand
 * follows the loop; breaking out stops the flow or cancels the subscription; a
 * failure is thrown by the loop.
 *
 * ## Example
 * ```ts
 * import { take, toArray } from 'ix/asynciterable/operators';
 * import { toAsyncIterable } from 'genstage/ix';
 *
 * const first = await toAsyncIterable(stage).pipe(take(10), toArray());
 * ```
 *
 * @param source a `Flow` or a running producer `Stage`.
 */
export function toAsyncIterable<T>(source: Source<T>): AsyncIterableX<T> {
  checkSource('toAsyncIterable', source);
  return from<T>(source instanceof Flow ? source : GenStage.stream([source]));
}
