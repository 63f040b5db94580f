import { typeError } from '../../runtime/errors.js';
import type { Stage } from '../../stage/handle.js';
import { expectKnownKeys, expectObject, show } from '../../runtime/validate.js';
import { startSource } from '../../io/source.js';
import type { ReadableStreamLike } from '../../io/push-sources.js';
import type { SourceStageOptions } from '../source.js';

/** Options of `fromReadableStream`. */
export interface FromReadableStreamOptions extends SourceStageOptions {
  /** When the stage stops before the stream is done: only release the lock, do not cancel the stream (default false). */
  preventCancel?: boolean;
}

let names = 1;

/**
 * A producer stage that emits the chunks of a WHATWG `ReadableStream`.
 *
 * It locks the stream at the first demand and reads one chunk per event asked
 * for, never more than consumers want (so the stream's own back-pressure reaches
 * its source); without demand it reads nothing. At the end of the stream it
 * releases the lock and exits `'normal'`; if a read fails it exits with that error.
 * If the stage stops first, the stream is cancelled with the stop reason and the
 * lock released (with `preventCancel`, only released).
 *
 * ## Example
 * ```ts
 * import { fromReadableStream } from 'genstage/web';
 *
 * const response = await fetch(url);
 * const chunks = await fromReadableStream(response.body!.pipeThrough(new TextDecoderStream()));
 * ```
 *
 * @param stream the stream; it must not be locked.
 * @param options `preventCancel` (false), `name`, `clock`, `runtime`.
 * @returns the started producer.
 */
export function fromReadableStream<T>(stream: ReadableStream<T>, options: FromReadableStreamOptions = {}): Promise<Stage<T>> {
  if (stream === null || typeof stream !== 'object' || typeof stream.getReader !== 'function') {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `fromReadableStream: expected stream to be a ReadableStream, got: ${show(stream)}`);
  }
  if (stream.locked) throw typeError('ERR_GENSTAGE_INVALID_STATE', 'fromReadableStream: the stream is locked (another reader has it)');
  const o = expectObject('fromReadableStream options', options);
  expectKnownKeys('fromReadableStream options', o, ['preventCancel', 'name', 'clock', 'runtime']);
  if (o.preventCancel !== undefined && typeof o.preventCancel !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected preventCancel to be a boolean, got: ${show(o.preventCancel)}`);
  return startSource<T>(
    { kind: 'stream', stream: stream as unknown as ReadableStreamLike<unknown> },
    { name: options.name ?? `fromReadableStream#${names++}`, clock: options.clock, runtime: options.runtime, preventCancel: options.preventCancel ?? false },
  );
}
