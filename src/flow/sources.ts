import { typeError } from '../runtime/errors.js';
import { Stage } from '../stage/handle.js';
import { show } from '../runtime/validate.js';

/**
 * What `Flow.from` accepts besides stages: arrays, iterables, async iterables,
 * observables and `ReadableStream`s, each turned into something a `fromIterable`
 * producer reads as demand comes.
 * @internal
 */

/**
 * The minimal observable shape (TC39 / RxJS): `subscribe(observer)` returning something
 * with `unsubscribe()`. genstage always passes an observer object; the parameter also
 * names the `next` function form so that the element type of an RxJS `Observable` or
 * `Subject` (whose last `subscribe` overload takes functions) is inferred.
 */
export interface ObservableLike<T> {
  subscribe(
    observer: { next: (value: T) => void; error: (error: unknown) => void; complete: () => void } | ((value: T) => void),
  ): { unsubscribe(): void } | (() => void);
}

/** A WHATWG `ReadableStream`, as far as `Flow.from` needs it. */
export interface ReadableStreamLike<T> {
  getReader(): { read(): Promise<{ done: boolean; value?: T }>; releaseLock(): void; cancel(reason?: unknown): Promise<void> };
}

const symbolObservable: symbol | undefined = (Symbol as unknown as { observable?: symbol }).observable;

/** The interop observable of `value`, if it is one (`Symbol.observable`, `'@@observable'`, or a `subscribe` method). */
export function asObservable(value: unknown): ObservableLike<unknown> | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || value instanceof Stage) return undefined;
  const record = value as Record<string | symbol, unknown>;
  const interop = (symbolObservable !== undefined ? record[symbolObservable] : undefined) ?? record['@@observable'];
  if (typeof interop === 'function') {
    const obs = (interop as () => unknown).call(value);
    if (obs !== null && typeof obs === 'object' && typeof (obs as ObservableLike<unknown>).subscribe === 'function') return obs as ObservableLike<unknown>;
  }
  if (typeof record.subscribe === 'function' && typeof record[Symbol.asyncIterator] !== 'function') return value as ObservableLike<unknown>;
  return undefined;
}

/**
 * An observable read as an async iterable. Observables cannot be slowed down, so
 * what arrives before the flow asks for it waits in a queue (unbounded); the
 * subscription ends when the flow stops.
 */
function observableIterable<T>(observable: ObservableLike<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const queue: T[] = [];
      let head = 0;
      let ended: { error?: { reason: unknown } } | undefined;
      let waiter: (() => void) | undefined;
      const wake = (): void => {
        const w = waiter;
        waiter = undefined;
        w?.();
      };
      const subscription = observable.subscribe({
        next: (value) => {
          if (ended === undefined) queue.push(value);
          wake();
        },
        error: (reason) => {
          ended ??= { error: { reason } };
          wake();
        },
        complete: () => {
          ended ??= {};
          wake();
        },
      });
      const unsubscribe = (): void => {
        if (typeof subscription === 'function') subscription();
        else subscription?.unsubscribe();
      };
      return {
        async next(): Promise<IteratorResult<T>> {
          for (;;) {
            if (head < queue.length) {
              const value = queue[head] as T;
              queue[head++] = undefined as T;
              if (head > 1024 && head * 2 > queue.length) {
                queue.splice(0, head);
                head = 0;
              }
              return { value, done: false };
            }
            if (ended !== undefined) {
              if (ended.error !== undefined) throw ended.error.reason;
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (waiter = resolve));
          }
        },
        return(): Promise<IteratorResult<T>> {
          ended ??= {};
          unsubscribe();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}

function readerIterable<T>(stream: ReadableStreamLike<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const reader = stream.getReader();
      return {
        async next(): Promise<IteratorResult<T>> {
          const r = await reader.read();
          if (r.done) {
            reader.releaseLock();
            return { value: undefined, done: true };
          }
          return { value: r.value as T, done: false };
        },
        async return(): Promise<IteratorResult<T>> {
          await reader.cancel().catch(() => {});
          reader.releaseLock();
          return { value: undefined, done: true };
        },
      };
    },
  };
}

/** `source` as something `GenStage.fromIterable` reads; throws a TypeError for anything else. */
export function toIterable(source: unknown): Iterable<unknown> | AsyncIterable<unknown> {
  if (source === null || source === undefined || typeof source === 'string') {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `Flow.from: expected an array, iterable, async iterable, observable, ReadableStream or Stage as the source, got: ${show(source)}`);
  }
  const record = source as Record<string | symbol, unknown>;
  if (typeof record[Symbol.iterator] === 'function' || typeof record[Symbol.asyncIterator] === 'function') {
    return source as Iterable<unknown>;
  }
  const observable = asObservable(source);
  if (observable !== undefined) return observableIterable(observable);
  if (typeof record.getReader === 'function') return readerIterable(source as ReadableStreamLike<unknown>);
  throw typeError('ERR_GENSTAGE_INVALID_TYPE', `Flow.from: expected an array, iterable, async iterable, observable, ReadableStream or Stage as the source, got: ${show(source)}`);
}
