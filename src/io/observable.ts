// The observable adapter itself lives in the kernel (stage/observable.ts), because
// the `Stage` handle is an observable; the layers above take it from here.
export {
  sinkObservable, symbolObservable, type InteropObservable, type InteropObserver, type InteropSubscription,
} from '../stage/observable.js';
import { symbolObservable } from '../stage/observable.js';

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
