import { codedError, typeError } from '../../runtime/errors.js';
import { Writable } from 'node:stream';
import type { SinkHandle } from '../../stage/sink.js';
import { expectKnownKeys, expectObject, show } from '../../runtime/validate.js';
import { checkDemand, checkSource, openSource, type Source } from '../source.js';

/** Options of `pipeToWritable`. */
export interface PipeToWritableOptions {
  /** Events asked for at a time (default 16). */
  maxDemand?: number;
  /** Ask again when this many of them are left (default `Math.floor(maxDemand / 2)`). */
  minDemand?: number;
  /** Call `writable.end()` when the source ends (default true); false leaves it open for more. */
  end?: boolean;
}

/**
 * Writes the events of a flow or a producer stage into a Node `Writable`, with
 * back-pressure, and resolves once they are all written: at the stream's `'finish'`
 * (or, with `end: false`, once the last event has been handed to `write()`).
 *
 * The flow runs (or a consumer subscribes to the stage) when it is called, and asks
 * for `maxDemand` events at a time. When `write()` returns false the rest of the batch
 * waits for `'drain'`, and no more demand is sent meanwhile, so at most the stream's
 * own buffer (`writableHighWaterMark`) plus `maxDemand` events are held however slow
 * the stream. It rejects, and destroys the stream, with the source's error when the
 * flow fails or the stage exits abnormally; it rejects, and stops the flow (or
 * cancels the subscription), with the stream's error when the stream fails or is
 * closed before it finished. (The other direction, a `Writable` whose writes feed a
 * producer, is `writableProducer`.)
 *
 * ## Example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { Flow, map } from 'genstage';
 * import { pipeToWritable } from 'genstage/node';
 *
 * await pipeToWritable(Flow.from(rows).pipe(map((r: Row) => `${r.id},${r.name}\n`)), createWriteStream('out.csv'));
 * ```
 *
 * @param source a `Flow` or a running producer `Stage`.
 * @param writable the stream to write to (object mode for events that are not strings or Buffers).
 * @param options `maxDemand` (16), `minDemand`, `end` (true).
 * @returns a promise that resolves when everything is written, and rejects with the first error.
 */
export function pipeToWritable<T>(source: Source<T>, writable: Writable, options: PipeToWritableOptions = {}): Promise<void> {
  checkSource('pipeToWritable', source);
  if (!(writable instanceof Writable)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `pipeToWritable: expected writable to be a Writable stream, got: ${show(writable)}`);
  const o = expectObject('pipeToWritable options', options);
  expectKnownKeys('pipeToWritable options', o, ['maxDemand', 'minDemand', 'end']);
  if (o.end !== undefined && typeof o.end !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected end to be a boolean, got: ${show(o.end)}`);
  const demand = checkDemand('pipeToWritable', o.maxDemand ?? 16, o.minDemand);
  if (writable.destroyed || writable.writableEnded) {
    return Promise.reject(codedError(Error, 'ERR_GENSTAGE_CLOSED', 'pipeToWritable: the writable is already ended or destroyed'));
  }
  return run(source, writable, demand, o.end !== false);
}

function run<T>(source: Source<T>, writable: Writable, demand: ReturnType<typeof checkDemand>, end: boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    // eslint-disable-next-line prefer-const -- assigned below, read by abort() when the stream fails first
    let sink: SinkHandle | undefined;
    let wake: (() => void) | undefined;
    const finish = (error: unknown): void => {
      if (settled) return;
      settled = true;
      writable.off('error', onError);
      writable.off('close', onClose);
      writable.off('drain', onDrain);
      writable.off('finish', onFinish);
      wake?.();
      if (error === undefined) resolve();
      else reject(error);
    };
    // The stream failed or closed early: stop the source, then reject.
    let aborting = false;
    const abort = (error: unknown): void => {
      if (settled || aborting) return;
      aborting = true;
      const running = sink;
      const done = (): void => finish(error);
      if (running === undefined) done();
      else running.cancel().then(done, done);
    };
    const onError = (error: unknown): void => abort(error);
    const onClose = (): void => abort(codedError(Error, 'ERR_GENSTAGE_CLOSED', 'pipeToWritable: the writable closed before everything was written'));
    const onDrain = (): void => {
      const go = wake;
      wake = undefined;
      go?.();
    };
    const onFinish = (): void => finish(undefined);
    writable.on('error', onError);
    writable.on('close', onClose);
    writable.on('drain', onDrain);
    sink = openSource(source, async (events) => {
      for (let i = 0; i < events.length; i++) {
        if (settled || aborting) return;
        let room: boolean;
        try {
          room = writable.write(events[i]);
        } catch (error) {
          // write() throws for what the stream cannot take (null, a number in byte mode).
          writable.destroy(error as Error);
          return;
        }
        if (!room && !settled && !aborting) await new Promise<void>((r) => (wake = r));
      }
    }, demand);
    sink.done.then(
      () => {
        if (settled) return;
        if (!end) {
          finish(undefined);
          return;
        }
        writable.on('finish', onFinish);
        writable.end();
      },
      (error: unknown) => {
        if (settled) return;
        finish(error);
        writable.destroy(error instanceof Error ? error : new Error(String(error), { cause: error }));
      },
    );
  });
}
