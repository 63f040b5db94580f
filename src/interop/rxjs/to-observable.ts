import { Observable } from 'rxjs';
import { checkConversion, checkDemand, openSource, type Source } from '../source.js';

/** Options of `toObservable`. */
export interface ToObservableOptions {
  /** Events asked for at a time (default 1000). */
  maxDemand?: number;
  /** Ask again when this many remain (default half of `maxDemand`). */
  minDemand?: number;
}

/**
 * An RxJS `Observable` of a flow's or a producer stage's events.
 *
 * Nothing happens until it is subscribed: each subscription runs the flow afresh
 * (or subscribes a new consumer to the stage) and keeps demand open, `maxDemand`
 * events at a time; an observer cannot push back, so events are pushed as fast as
 * they come. `unsubscribe` cancels upstream: every stage of the flow stops, or the
 * stage's subscription is cancelled (its `handleCancel` sees it). Completes when
 * the flow ends or the stage exits normally; errors with the flow's error or the
 * stage's abnormal exit reason.
 *
 * ## Example
 * ```ts
 * import { take } from 'rxjs';
 * import { Flow, map } from 'genstage';
 * import { toObservable } from 'genstage/rxjs';
 *
 * toObservable(Flow.from(naturals()).pipe(map((n: number) => n * 2)))
 *   .pipe(take(3))
 *   .subscribe((n) => console.log(n)); // 0, 2, 4; then the flow stops
 * ```
 *
 * @param source a `Flow` or a running producer `Stage`.
 * @param options `maxDemand`, `minDemand`.
 * @returns a cold observable.
 */
export function toObservable<T>(source: Source<T>, options: ToObservableOptions = {}): Observable<T> {
  const o = checkConversion('toObservable', source, options, ['maxDemand', 'minDemand']);
  const demand = checkDemand('toObservable', o.maxDemand, o.minDemand);
  return new Observable<T>((subscriber) => {
    const sink = openSource(source, (events) => {
      for (let i = 0; i < events.length && !subscriber.closed; i++) subscriber.next(events[i] as T);
    }, demand);
    sink.done.then(
      () => subscriber.complete(),
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      void sink.cancel();
    };
  });
}
