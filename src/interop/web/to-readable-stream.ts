import type { SinkHandle } from '../../io/sink.js';
import { expectInteger, expectKnownKeys, expectObject } from '../../runtime/validate.js';
import { checkDemand, checkSource, openSource, type Source } from '../source.js';

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
  checkSource('toReadableStream', source);
  const o = expectObject('toReadableStream options', options);
  expectKnownKeys('toReadableStream options', o, ['highWaterMark', 'maxDemand']);
  const highWaterMark = o.highWaterMark === undefined ? 0 : expectInteger('highWaterMark', o.highWaterMark, 0);
  const demand = checkDemand('toReadableStream', o.maxDemand, undefined);
  let sink: SinkHandle | undefined;
  let resume: (() => void) | undefined;
  return new ReadableStream<T>(
    {
      pull(controller) {
        if (sink !== undefined) {
          const go = resume;
          resume = undefined;
          go?.();
          return;
        }
        sink = openSource(source, (events) => {
          for (let i = 0; i < events.length; i++) controller.enqueue(events[i] as T);
          if ((controller.desiredSize ?? 0) > 0) return undefined;
          return new Promise<void>((resolve) => (resume = resolve));
        }, demand);
        sink.done.then(
          () => {
            try {
              controller.close();
            } catch {
              // already cancelled
            }
          },
          (error: unknown) => {
            try {
              controller.error(error);
            } catch {
              // already cancelled
            }
          },
        );
      },
      cancel() {
        resume?.();
        return sink?.cancel();
      },
    },
    { highWaterMark },
  );
}
