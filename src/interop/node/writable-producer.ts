import { codedError, typeError } from '../../runtime/errors.js';
import { Writable } from 'node:stream';
import { handleOf, isStarted, monitorStage, whenExited } from '../../core/internal.js';
import { GenStage } from '../../io/gen-stage.js';
import type { Stage } from '../../stage/handle.js';
import type { Clock } from '../../runtime/clock.js';
import { isNormalReason, StageExitError } from '../../runtime/reason.js';
import { expectKnownKeys, expectObject, show } from '../../runtime/validate.js';
import { SourceProducer } from '../../io/push-queue.js';

/** Options of `writableProducer`. */
export interface WritableProducerOptions {
  /** Default true: any value may be written. False: Buffers and strings, as a byte stream. */
  objectMode?: boolean;
  name?: string;
  clock?: Clock;
}

/** What `writableProducer` resolves with: the stream to write to and the producer consumers subscribe to. */
export interface WritableProducer<T> {
  readonly writable: Writable;
  readonly stage: Stage<T>;
}

type Callback = (error?: Error | null) => void;

/** The producer behind `writableProducer`: each write's chunks wait in its queue until demand takes them. */
class WritesProducer<T> extends SourceProducer<T> {
  private callback: Callback | undefined;
  writable: StageWritable<T> | undefined;

  constructor() {
    super(Infinity, 'drop-newest', undefined);
  }

  /** Demand not yet met, less the chunks written and not yet emitted. */
  room(written: number): number {
    return this.demandLeft - (written - this.stats.emitted);
  }

  /** From the Writable (outside the stage): one `_writev` batch; `callback` once all of it has gone out. */
  offer(chunks: T[], callback: Callback): void {
    this.callback = callback;
    for (const chunk of chunks) this.push(chunk);
  }

  end(): void {
    this.complete();
  }

  protected override afterTake(): void {
    if (this.callback !== undefined && this.wanted >= this.demandLeft) {
      // The queue is empty: the whole batch has gone out.
      const callback = this.callback;
      this.callback = undefined;
      callback();
    }
    this.writable?.maybeDrain();
  }

  protected close(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(codedError(Error, 'ERR_GENSTAGE_CLOSED', 'writableProducer: the producer stopped before these writes went out'));
  }
}

/** A Writable whose `write()` answers whether consumers want more. */
class StageWritable<T> extends Writable {
  private needDrain = false;
  private written = 0;
  constructor(private readonly producer: WritesProducer<T>, objectMode: boolean) {
    super({ objectMode, highWaterMark: Number.MAX_SAFE_INTEGER, decodeStrings: false });
  }

  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    this.written++;
    (super.write as (...args: unknown[]) => boolean)(chunk, encoding, callback);
    // Everything written and not yet emitted (this chunk included) against the demand.
    const room = this.producer.room(this.written) > 0;
    if (!room) this.needDrain = true;
    return room;
  }

  /** Emits `'drain'` once demand covers what is waiting, if a write returned false. */
  maybeDrain(): void {
    if (this.needDrain && this.producer.room(this.written) > 0 && !this.destroyed) {
      this.needDrain = false;
      this.emit('drain');
    }
  }

  override _writev(chunks: { chunk: unknown }[], callback: Callback): void {
    this.producer.offer(chunks.map((c) => c.chunk as T), callback);
  }

  override _final(callback: Callback): void {
    const stage = isStarted(this.producer) ? handleOf(this.producer) : undefined;
    this.producer.end();
    if (stage === undefined) {
      callback();
      return;
    }
    void whenExited(stage).then((reason) => callback(isNormalReason(reason) ? null : new StageExitError(reason)));
  }

  override _destroy(error: Error | null, callback: Callback): void {
    const stage = isStarted(this.producer) ? handleOf(this.producer) : undefined;
    if (stage === undefined || !stage.alive) {
      callback(error);
      return;
    }
    const done = (): void => callback(error);
    stage.stop(error ?? 'normal').then(done, done);
  }
}

let names = 1;

/**
 * A producer stage fed through a Node `Writable`: what is written to `writable`
 * becomes the events of `stage`. (The other direction, a flow or stage written into
 * a `Writable` you have, is `pipeToWritable`.)
 *
 * Subscribe consumers to `stage` (or read it with `Flow.fromStages`); each written
 * chunk is emitted once they ask for it. `write()` returns false when the
 * consumers' demand does not cover what has been written and not yet emitted
 * (with no demand at all, every write returns false), and `'drain'` comes when
 * demand does; the stream buffers what a writer writes regardless, as any
 * Writable. `end()` finishes the stream once every chunk has been emitted, and the
 * stage then exits `'normal'`. Destroying the stream stops the stage (with the
 * error if given); the stage stopping destroys the stream.
 *
 * ## Example
 * ```ts
 * import { pipeline } from 'node:stream/promises';
 * import { writableProducer } from 'genstage/node';
 *
 * const { writable, stage } = await writableProducer<Row>();
 * await GenStage.start(new RowWriter(), { subscribeTo: [{ to: stage, maxDemand: 100 }] });
 * await pipeline(source, writable);
 * ```
 *
 * @param options `objectMode` (true), `name`, `clock`.
 */
export function writableProducer<T = unknown>(options: WritableProducerOptions = {}): Promise<WritableProducer<T>> {
  const o = expectObject('writableProducer options', options);
  expectKnownKeys('writableProducer options', o, ['objectMode', 'name', 'clock']);
  if (o.objectMode !== undefined && typeof o.objectMode !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected objectMode to be a boolean, got: ${show(o.objectMode)}`);
  const producer = new WritesProducer<T>();
  const start: { name: string; clock?: Clock } = { name: options.name ?? `writableProducer#${names++}` };
  if (options.clock !== undefined) start.clock = options.clock;
  return GenStage.start(producer, start).then((started) => {
    const stage = started;
    const writable = new StageWritable<T>(producer, options.objectMode ?? true);
    producer.writable = writable;
    monitorStage(stage, (reason) => {
      if (writable.destroyed || writable.writableEnded) return; // after end(), _final reports the exit
      writable.destroy(isNormalReason(reason) ? undefined : new StageExitError(reason));
    });
    return { writable, stage };
  });
}

/**
 * @deprecated Renamed `writableProducer`: it makes a `Writable` that feeds a producer,
 * the opposite direction of the other `to*` conversions. To write a flow or a stage
 * into a `Writable`, use `pipeToWritable`. This alias goes in the next major version.
 */
export const toWritable = writableProducer;

/** @deprecated Renamed `WritableProducerOptions`. */
export type ToWritableOptions = WritableProducerOptions;
