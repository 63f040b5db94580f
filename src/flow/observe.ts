import { sinkObservable, type InteropObservable } from '../io/observable.js';
import { runToSink } from './ends.js';
import type { Plan } from './plan.js';

/** What `[Symbol.observable]()` / `['@@observable']()` returns: subscribe to run the flow. */
export type FlowObservable<T> = InteropObservable<T>;

export interface FlowObserver<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * A flow's plan as an observable (`Flow#['@@observable']`): each `subscribe` runs the
 * plan, events are pushed as they come, and `unsubscribe` stops every stage of that run.
 */
export function observe<T>(plan: Plan): FlowObservable<T> {
  return sinkObservable<T>((onEvents) => {
    let cancelled = false;
    let stop: (() => void) | undefined;
    const done = runToSink(plan, onEvents as (events: unknown[]) => void, (run) => {
      stop = () => run.abort('shutdown');
      if (cancelled) stop();
    });
    return {
      done,
      cancel: () => {
        cancelled = true;
        stop?.();
        return Promise.resolve();
      },
    };
  });
}
