import { typeError } from '../../runtime/errors.js';
import { from, type ObservableInput, type Unsubscribable } from 'rxjs';
import { GenStage } from '../../stage/gen-stage.js';
import type { Stage } from '../../stage/handle.js';
import type { Clock } from '../../runtime/clock.js';
import { expectKnownKeys, expectObject, show } from '../../runtime/validate.js';
import { SourceProducer, checkOverflowOptions, type OverflowOptions } from '../source-producer.js';

/** Options of `fromObservable`. */
export interface FromObservableOptions extends OverflowOptions {
  /** Most values held while consumers want none (default 1000). */
  bufferSize?: number;
  name?: string;
  clock?: Clock;
}

/** @internal Also the source of `throughFlow`. */
export class ObservableProducer<T> extends SourceProducer<T> {
  private subscription: Unsubscribable | undefined;

  constructor(private readonly input: ObservableInput<T>, o: ReturnType<typeof checkOverflowOptions>) {
    super(o.bufferSize, o.overflow, o.onDrop);
  }

  protected override onFirstDemand(): void {
    this.subscription = from(this.input).subscribe({
      next: (value) => this.push(value),
      error: (error: unknown) => this.fail(error),
      complete: () => this.complete(),
    });
  }

  protected close(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
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
 * @param options `bufferSize` (1000), `overflow` (`'drop-oldest'`), `onDrop`, `name`, `clock`.
 * @returns the started producer.
 */
export function fromObservable<T>(observable: ObservableInput<T>, options: FromObservableOptions = {}): Promise<Stage<T>> {
  if (observable === null || (typeof observable !== 'object' && typeof observable !== 'function')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `fromObservable: expected an observable, got: ${show(observable)}`);
  }
  const o = expectObject('fromObservable options', options);
  expectKnownKeys('fromObservable options', o, ['bufferSize', 'overflow', 'onDrop', 'name', 'clock']);
  const checked = checkOverflowOptions(o, { bufferSize: 1000, overflow: 'drop-oldest' });
  const start: { name: string; clock?: Clock } = { name: options.name ?? `fromObservable#${names++}` };
  if (options.clock !== undefined) start.clock = options.clock;
  return GenStage.start(new ObservableProducer<T>(observable, checked), start) as Promise<Stage<T>>;
}
