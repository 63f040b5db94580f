import { typeError } from '../../runtime/errors.js';
import { Readable } from 'node:stream';
import { expectInteger } from '../../runtime/validate.js';
import { checkConversion, checkDemand, pulledSource, type Source } from '../source.js';

/** Options of `toReadable`. */
export interface ToReadableOptions {
  /** Events the stream buffers before it stops pulling (default 16, as for object streams). */
  highWaterMark?: number;
  /** Events asked for at a time (default: `highWaterMark`). */
  maxDemand?: number;
}

/**
 * An object-mode Node `Readable` of a flow's or a producer stage's events.
 *
 * Lazy: nothing is pulled until the stream is first read (`read()`, `'data'`,
 * `pipe`, `for await`); then the flow runs (or a consumer subscribes to the stage)
 * and asks for `maxDemand` events at a time. When the stream's buffer reaches
 * `highWaterMark` no more demand is sent until it is read again, so at most
 * `highWaterMark + maxDemand` events are held. The stream ends when the flow ends
 * (the stage exits normally) and is destroyed with the error when it fails.
 * Destroying the stream (as `break` in `for await` and a failed `pipeline` do)
 * stops the flow, or cancels the subscription, and `'close'` comes after that.
 * Events must not be `null` (a Readable's end marker): a `null` event destroys the
 * stream with a TypeError.
 *
 * ## Example
 * ```ts
 * import { pipeline } from 'node:stream/promises';
 * import { Flow, map } from 'genstage';
 * import { toReadable } from 'genstage/node';
 *
 * await pipeline(toReadable(Flow.from(rows).pipe(map(toCsvLine))), createWriteStream('out.csv'));
 * ```
 *
 * @param source a `Flow` or a running producer `Stage`.
 * @param options `highWaterMark` (16), `maxDemand` (`highWaterMark`).
 */
export function toReadable<T>(source: Source<T>, options: ToReadableOptions = {}): Readable {
  const o = checkConversion('toReadable', source, options, ['highWaterMark', 'maxDemand']);
  const highWaterMark = o.highWaterMark === undefined ? 16 : expectInteger('highWaterMark', o.highWaterMark, 1);
  const demand = checkDemand('toReadable', o.maxDemand ?? highWaterMark, undefined);
  const pulled = pulledSource(
    source,
    demand,
    (events) => {
      let room = true;
      for (let i = 0; i < events.length; i++) {
        const event = events[i];
        if (event === null) {
          readable.destroy(typeError('ERR_GENSTAGE_INVALID_RETURN', 'toReadable: a null event cannot go into a Readable (null ends the stream)'));
          return false;
        }
        room = readable.push(event);
      }
      return !room && !readable.destroyed;
    },
    (done) => {
      done.then(
        () => {
          if (!readable.destroyed) readable.push(null);
        },
        (error: unknown) => readable.destroy(error instanceof Error ? error : new Error(String(error), { cause: error })),
      );
    },
  );
  const readable: Readable = new Readable({
    objectMode: true,
    highWaterMark,
    read: () => pulled.pull(),
    destroy(error, callback) {
      const cancelled = pulled.cancel();
      if (cancelled === undefined) callback(error);
      else cancelled.then(() => callback(error), () => callback(error));
    },
  });
  return readable;
}
