import { typeError } from '../../runtime/errors.js';
import { from, type ObservableInput } from 'rxjs';
import type { Stage } from '../../stage/handle.js';
import { expectKnownKeys, expectObject, show } from '../../runtime/validate.js';
import { checkOverflowOptions, type OverflowOptions } from '../../io/push-queue.js';
import { startSource } from '../../io/source.js';
import type { ObservableLike } from '../../io/observable.js';
import type { SourceStageOptions } from '../source.js';

/** Options of `fromObservable`. */
export interface FromObservableOptions extends OverflowOptions, SourceStageOptions {
  /** Most values held while consumers want none (default 1000). */
  bufferSize?: number;
}

let names = 1;

/**
 * A producer stage that emits what an observable emits.
 *
 * The observable is subscribed at the first demand (nothing is read before a
 * consumer asks) and unsubscribed when the stage stops, so a consumer's cancel
 * reaches it. An observable cannot be paused: values that arrive while consumers
 * want none wait in a buffer of `bufferSize`; when it is full, `overflow` decides:
 * `'drop-oldest'` (default) or `'drop-newest'` drop one value and count it,
 * `'error'` stops the stage with a `BufferOverflowError`. Drops are reported to
 * `onDrop`, or logged; `sourceStats(stage)` gives the counters. The stage exits
 * `'normal'` once the observable completes and the buffer is drained, and with the
 * observable's error at once.
 *
 * ## Example
 * ```ts
 * import { interval } from 'rxjs';
 * import { fromObservable, sourceStats } from 'genstage/rxjs';
 *
 * const ticks = await fromObservable(interval(1), { bufferSize: 100, overflow: 'drop-oldest' });
 * for await (const tick of GenStage.stream([ticks])) if (tick > 10) break;
 * ```
 *
 * @param observable anything RxJS's `from` accepts that pushes (an Observable, an interop observable).
 * @param options `bufferSize` (1000), `overflow` (`'drop-oldest'`), `onDrop`, `name`, `clock`, `runtime`.
 * @returns the started producer.
 */
export function fromObservable<T>(observable: ObservableInput<T>, options: FromObservableOptions = {}): Promise<Stage<T>> {
  if (observable === null || (typeof observable !== 'object' && typeof observable !== 'function')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `fromObservable: expected an observable, got: ${show(observable)}`);
  }
  const o = expectObject('fromObservable options', options);
  expectKnownKeys('fromObservable options', o, ['bufferSize', 'overflow', 'onDrop', 'name', 'clock', 'runtime']);
  const checked = checkOverflowOptions(o, { bufferSize: 1000, overflow: 'drop-oldest' });
  // RxJS's `from` runs at the first demand, as the subscription does (a bad input fails the stage then).
  const observed: ObservableLike<T> = { subscribe: (observer) => from(observable).subscribe(observer) };
  return startSource<T>({ kind: 'observable', observable: observed }, { name: options.name ?? `fromObservable#${names++}`, clock: options.clock, runtime: options.runtime, bounds: checked });
}
