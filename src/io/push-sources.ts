import type { ObservableLike } from './observable.js';
import { SourceProducer, type Overflow, type OverflowOptions } from './push-queue.js';

/** `bufferSize`, `overflow` and `onDrop` once checked (`checkOverflowOptions`). */
export interface Bounds {
  bufferSize: number;
  overflow: Overflow;
  onDrop: OverflowOptions['onDrop'];
}

/** A WHATWG `ReadableStream`, as far as reading it needs. */
export interface ReadableStreamLike<T> {
  getReader(): { read(): Promise<{ done: boolean; value?: T }>; releaseLock(): void; cancel(reason?: unknown): Promise<void> };
}

/**
 * A producer over an observable: subscribed at the first demand, unsubscribed when
 * the stage stops. What it pushes waits in the bounded queue of `SourceProducer`
 * (`bufferSize`, `overflow`).
 * @internal The one observable source: `fromObservable`, `Flow.from(observable)`, `throughFlow`.
 */
export class ObservableProducer<T> extends SourceProducer<T> {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly observable: ObservableLike<T>, bounds: Bounds) {
    super(bounds.bufferSize, bounds.overflow, bounds.onDrop);
  }

  protected override onFirstDemand(): void {
    const subscription = this.observable.subscribe({
      next: (value) => this.push(value),
      error: (error: unknown) => this.fail(error),
      complete: () => this.complete(),
    });
    this.unsubscribe = typeof subscription === 'function' ? subscription : () => subscription.unsubscribe();
  }

  protected close(): void {
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    unsubscribe?.();
  }
}

/**
 * Reads one chunk per unmet unit of demand, one `read()` in flight at a time, outside
 * the stage's callbacks: the stage never waits on the stream, so a stop is handled at
 * once and cancels the read. Its queue never holds more than the demand (a pull
 * source), so it needs no bound.
 * @internal The one ReadableStream source: `fromReadableStream`, `Flow.from(readableStream)`.
 */
export class ReadableStreamProducer<T> extends SourceProducer<T> {
  private reader: ReturnType<ReadableStreamLike<T>['getReader']> | undefined;
  private reading = false;
  private done = false;

  constructor(
    private readonly stream: ReadableStreamLike<T>,
    private readonly preventCancel: boolean,
  ) {
    super(Infinity, 'drop-newest', undefined);
  }

  protected override onFirstDemand(): void {
    this.reader = this.stream.getReader();
  }

  protected override onWant(): void {
    const reader = this.reader;
    if (reader === undefined || this.reading || this.done) return;
    this.reading = true;
    reader.read().then(
      (result) => {
        this.reading = false;
        if (result.done) {
          this.done = true;
          reader.releaseLock();
          this.complete();
          return;
        }
        this.push(result.value as T);
      },
      (error: unknown) => {
        this.reading = false;
        this.done = true;
        this.fail(error);
      },
    );
  }

  protected async close(reason: unknown): Promise<void> {
    const reader = this.reader;
    if (reader === undefined || this.done) return;
    this.done = true;
    if (!this.preventCancel) await reader.cancel(reason).catch(() => {});
    reader.releaseLock();
  }
}
