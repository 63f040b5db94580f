import { expectInteger } from '../../runtime/validate.js';
import { checkConversion, checkDemand, pulledSource, type PulledSource, type Source } from '../source.js';

/** Options of `toReadableStream`. */
export interface ToReadableStreamOptions {
  /**
   * Events queued ahead of reads (default 0). At 0 nothing is pulled before a read
   * is pending; above 0 the stream starts pulling as soon as it is created.
   */
  highWaterMark?: number;
  /** Events asked for at a time (default 1000). */
  maxDemand?: number;
}

/**
 * A WHATWG `ReadableStream` of a flow's or a producer stage's events.
 *
 * Lazy: with the default `highWaterMark` of 0, nothing runs until the first
 * `read()` (the flow starts, or a consumer subscribes to the stage, at the first
 * pull). Each batch of events is enqueued whole; while the stream's queue is at or
 * above `highWaterMark`, no more demand is sent. The stream closes when the flow
 * ends (the stage exits normally) and errors with the failure otherwise.
 * `cancel()` (also what `for await ... break` and a cancelled `pipeTo` do) stops
 * the flow, or cancels the subscription, and its promise resolves once that is
 * done.
 *
 * ## Example
 * ```ts
 * import { Flow, map } from 'genstage';
 * import { toReadableStream } from 'genstage/web';
 *
 * const body = toReadableStream(Flow.from(rows).pipe(map((r: Row) => JSON.stringify(r) + '\n')))
 *   .pipeThrough(new TextEncoderStream());
 * return new Response(body);
 * ```
 *
 * @param source a `Flow` or a running producer `Stage`.
 * @param options `highWaterMark` (0), `maxDemand` (1000).
 */
export function toReadableStream<T>(source: Source<T>, options: ToReadableStreamOptions = {}): ReadableStream<T> {
  const o = checkConversion('toReadableStream', source, options, ['highWaterMark', 'maxDemand']);
  const highWaterMark = o.highWaterMark === undefined ? 0 : expectInteger('highWaterMark', o.highWaterMark, 0);
  const demand = checkDemand('toReadableStream', o.maxDemand, undefined);
  let pulled: PulledSource | undefined;
  return new ReadableStream<T>(
    {
      start(controller) {
        pulled = pulledSource(
          source,
          demand,
          (events) => {
            for (let i = 0; i < events.length; i++) controller.enqueue(events[i] as T);
            return (controller.desiredSize ?? 0) <= 0;
          },
          (done) => {
            done.then(
              () => ignoreClosed(() => controller.close()),
              (error: unknown) => ignoreClosed(() => controller.error(error)),
            );
          },
        );
      },
      pull: () => pulled?.pull(),
      cancel: () => pulled?.cancel(),
    },
    { highWaterMark },
  );
}

/** Closing or erroring a stream that was cancelled meanwhile throws: there is nothing left to tell. */
function ignoreClosed(settle: () => void): void {
  try {
    settle();
  } catch {
    // already cancelled
  }
}
