import type { SinkHandle } from './sink.js';

/** An observer of the interop observable protocol (every method optional). */
export interface InteropObserver<T> {
  next?(value: T): void;
  error?(error: unknown): void;
  complete?(): void;
}

/** What `subscribe` returns: `unsubscribe()` stops the delivery and cancels upstream. */
export interface InteropSubscription {
  unsubscribe(): void;
  readonly closed: boolean;
}

/**
 * The interop observable protocol (`Symbol.observable` / `'@@observable'`), which
 * RxJS's `from()` and other libraries accept. genstage implements it itself so the
 * core needs no observable library.
 */
export interface InteropObservable<T> {
  subscribe(observer?: InteropObserver<T> | ((value: T) => void) | null): InteropSubscription;
  '@@observable'(): InteropObservable<T>;
}

declare global {
  interface SymbolConstructor {
    /**
     * The interop observable key, as RxJS, IxJS and others declare it (the same
     * declaration, so they merge): typed so that RxJS's `from(stage)` and
     * `from(flow)` accept genstage's observables. At run time it exists only where a
     * polyfill defined it; genstage then defines it too, and `'@@observable'` always.
     */
    readonly observable: symbol;
  }
}

/** `Symbol.observable` where a polyfill defined it, else undefined (then `'@@observable'` alone is the key). */
export const symbolObservable: symbol | undefined = (Symbol as unknown as { observable?: symbol }).observable;

/**
 * An observable whose every `subscribe` opens a sink with `open` and pushes each
 * event to the observer. Observers cannot push back: the sink's automatic demand
 * keeps events coming. `unsubscribe` cancels the sink, which reaches the source.
 * @internal
 */
export function sinkObservable<T>(open: (onEvents: (events: T[]) => void) => SinkHandle): InteropObservable<T> {
  const observable: InteropObservable<T> = {
    subscribe(observerOrNext) {
      const observer: InteropObserver<T> =
        typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
      let closed = false;
      const sink = open((events) => {
        for (let i = 0; i < events.length && !closed; i++) observer.next?.(events[i] as T);
      });
      sink.done.then(
        () => {
          if (closed) return;
          closed = true;
          observer.complete?.();
        },
        (error: unknown) => {
          if (closed) return;
          closed = true;
          if (observer.error === undefined) throw error;
          observer.error(error);
        },
      );
      return {
        unsubscribe() {
          if (closed) return;
          closed = true;
          void sink.cancel('normal');
        },
        get closed() {
          return closed;
        },
      };
    },
    '@@observable'() {
      return observable;
    },
  };
  if (symbolObservable !== undefined) (observable as unknown as Record<symbol, unknown>)[symbolObservable] = () => observable;
  return observable;
}

/**
 * The minimal observable shape (TC39 / RxJS): `subscribe(observer)` returning something
 * with `unsubscribe()` (or an unsubscribe function). genstage always passes an observer
 * object; the parameter also names the `next` function form so that the element type of
 * an RxJS `Observable` or `Subject` (whose last `subscribe` overload takes functions) is
 * inferred.
 */
export interface ObservableLike<T> {
  subscribe(
    observer: { next: (value: T) => void; error: (error: unknown) => void; complete: () => void } | ((value: T) => void),
  ): { unsubscribe(): void } | (() => void);
}

/**
 * The observable behind `value`, if it is one: its `Symbol.observable` /
 * `'@@observable'` method, or `value` itself when it has a `subscribe` method and is
 * not an async iterable. Undefined for anything else. A genstage `Stage` or `Flow` is
 * an observable too: callers that read those another way check for them first.
 */
export function asObservable(value: unknown): ObservableLike<unknown> | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const record = value as Record<string | symbol, unknown>;
  const interop = (symbolObservable !== undefined ? record[symbolObservable] : undefined) ?? record['@@observable'];
  if (typeof interop === 'function') {
    const obs = (interop as () => unknown).call(value);
    if (obs !== null && typeof obs === 'object' && typeof (obs as ObservableLike<unknown>).subscribe === 'function') return obs as ObservableLike<unknown>;
  }
  if (typeof record.subscribe === 'function' && typeof record[Symbol.asyncIterator] !== 'function') return value as ObservableLike<unknown>;
  return undefined;
}
