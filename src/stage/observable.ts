// The interop observable protocol, and the adapter from a sink to it: in the kernel
// because the `Stage` handle is an observable; io/observable.ts re-exports it for the
// layers above (Flow's observable, the conversions).

/** What the adapter needs of a sink: `done` settles when the source ends; `cancel` ends it early. */
export interface ObservedSink {
  readonly done: Promise<void>;
  cancel(reason?: unknown): Promise<void>;
}

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
export function sinkObservable<T>(open: (onEvents: (events: T[]) => void) => ObservedSink): InteropObservable<T> {
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
