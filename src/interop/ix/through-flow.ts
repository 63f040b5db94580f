import { typeError } from '../../runtime/errors.js';
import { AsyncIterableX, from } from 'ix/asynciterable';
import type { OperatorAsyncFunction } from 'ix/interfaces';
import { Flow, checkFromOptions, type FromOptions } from '../../flow/flow.js';
import { expectFunction, show } from '../../runtime/validate.js';

/**
 * An IxJS async-iterable operator that runs a Flow pipeline over the source's
 * items, so a flow can sit inside an IxJS `pipe`.
 *
 * `build` receives a flow over the source (`Flow.from(source, options)`) and
 * returns the flow to iterate. Each iteration runs the flow afresh. The source is
 * pulled as the flow asks (by `maxDemand`, 1000, at a time: lower it for a slow,
 * live source), and the loop's pace reaches the flow. Breaking out of the loop
 * stops every stage of the flow and closes the source's iterator; an error in the
 * source or the flow is thrown by the loop.
 *
 * ## Example
 * ```ts
 * import { from } from 'ix/asynciterable';
 * import { filter as ixFilter } from 'ix/asynciterable/operators';
 * import { map } from 'genstage';
 * import { throughFlow } from 'genstage/ix';
 *
 * const squares = from(numbers()).pipe(
 *   throughFlow((flow) => flow.pipe(map((n: number) => n * n))),
 *   ixFilter((n) => n % 2 === 0),
 * );
 * ```
 *
 * @param build turns the flow over the source into the flow to iterate.
 * @param options `Flow.from` options (`stages`, `maxDemand`, `minDemand`, `window`, `clock`).
 */
export function throughFlow<T, R>(build: (flow: Flow<T>) => Flow<R>, options: FromOptions<T> = {}): OperatorAsyncFunction<T, R> {
  expectFunction('build', build);
  checkFromOptions('throughFlow', options);
  return (source: AsyncIterable<T>): AsyncIterableX<R> =>
    from<R>({
      [Symbol.asyncIterator](): AsyncIterator<R> {
        const flow = build(Flow.from(source, options));
        if (!(flow instanceof Flow)) throw typeError('ERR_GENSTAGE_INVALID_RETURN', `throughFlow: build must return a Flow, got: ${show(flow)}`);
        return flow[Symbol.asyncIterator]();
      },
    });
}
