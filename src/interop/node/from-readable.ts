import { typeError } from '../../runtime/errors.js';
import { finished, type Readable } from 'node:stream';
import { GenStage } from '../../io/gen-stage.js';
import type { Stage } from '../../stage/handle.js';
import type { Clock } from '../../runtime/clock.js';
import { expectKnownKeys, expectObject, show } from '../../runtime/validate.js';
import { SourceProducer } from '../../io/push-queue.js';

/** Options of `fromReadable`. */
export interface FromReadableOptions {
  /** Destroy the stream when the stage stops before the stream ended (default true). */
  destroyOnStop?: boolean;
  name?: string;
  clock?: Clock;
}

/** Turns the chunks of a stream into events (and what is left at the end). @internal */
export interface ChunkDecoder<C, T> {
  write(chunk: C): T[];
  end(): T[];
}

/**
 * A producer that reads a Readable in paused mode, only while consumers want more
 * than it holds: without demand it reads nothing, the stream's buffer fills to its
 * `highWaterMark`, and the stream stops reading its source.
 * @internal Also the producer behind `fromLines`.
 */
export class ReadableProducer<C, T> extends SourceProducer<T> {
  private stream: Readable | undefined;
  private ended = false;
  private stopFinished: (() => void) | undefined;
  private readonly onReadable = (): void => this.wake();

  constructor(
    private readonly open: () => Readable,
    private readonly decoder: ChunkDecoder<C, T> | undefined,
    private readonly destroyOnStop: boolean,
    private readonly lazy: boolean,
  ) {
    super(Infinity, 'drop-newest', undefined);
  }

  override init(): void {
    if (!this.lazy) this.attach();
  }

  /** Listens for the end and errors (neither starts the stream reading). */
  private attach(): Readable {
    if (this.stream !== undefined) return this.stream;
    const stream = this.open();
    this.stream = stream;
    this.stopFinished = finished(stream, { writable: false }, (error) => {
      this.ended = true;
      if (error) {
        this.fail(error);
        return;
      }
      if (this.decoder !== undefined) for (const item of this.decoder.end()) this.push(item);
      this.complete();
    });
    return stream;
  }

  protected override onFirstDemand(): void {
    // Listening for 'readable' makes the stream start filling its buffer: not before demand.
    this.attach().on('readable', this.onReadable);
  }

  protected override onWant(): void {
    const stream = this.stream;
    if (stream === undefined) return;
    while (this.wanted > 0) {
      const chunk = stream.read() as C | null;
      if (chunk === null) return;
      if (this.decoder === undefined) this.push(chunk as unknown as T);
      else for (const item of this.decoder.write(chunk)) this.push(item);
    }
  }

  protected close(): void {
    const stream = this.stream;
    if (stream === undefined) return;
    stream.off('readable', this.onReadable);
    this.stopFinished?.();
    if (!this.ended && this.destroyOnStop && !stream.destroyed) stream.destroy();
  }
}

/** @internal Starts a `ReadableProducer`. */
export function startReadableProducer<C, T>(
  open: () => Readable,
  decoder: ChunkDecoder<C, T> | undefined,
  o: { destroyOnStop: boolean; lazy: boolean; name: string; clock: Clock | undefined },
): Promise<Stage<T>> {
  const start: { name: string; clock?: Clock } = { name: o.name };
  if (o.clock !== undefined) start.clock = o.clock;
  return GenStage.start(new ReadableProducer<C, T>(open, decoder, o.destroyOnStop, o.lazy), start);
}

let names = 1;

/**
 * A producer stage that emits the chunks of a Node `Readable` (objects in object
 * mode, Buffers or strings otherwise) as consumers ask for them.
 *
 * The stream is read in paused mode and only while there is unmet demand: with no
 * demand nothing is read, the stream's buffer fills to its `highWaterMark` and it
 * stops reading from its source, so a slow consumer slows the stream's producer.
 * Nothing is read before the first demand. The stage exits `'normal'` after the
 * stream's `'end'`, and with the stream's error (or a premature-close error) if it
 * fails. When the stage stops first (its consumers cancelled, `stop()`), the stream
 * is destroyed, unless `destroyOnStop: false`.
 *
 * ## Example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { fromReadable } from 'genstage/node';
 *
 * const chunks = await fromReadable(createReadStream('big.log'));
 * for await (const chunk of GenStage.stream([{ to: chunks, maxDemand: 4 }])) process.stdout.write(chunk);
 * ```
 *
 * @param readable the stream; it should not be read by anyone else.
 * @param options `destroyOnStop` (true), `name`, `clock`.
 * @returns the started producer.
 */
export function fromReadable<T = unknown>(readable: Readable, options: FromReadableOptions = {}): Promise<Stage<T>> {
  if (readable === null || typeof readable !== 'object' || typeof readable.read !== 'function' || typeof readable.on !== 'function') {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `fromReadable: expected readable to be a Readable stream, got: ${show(readable)}`);
  }
  const o = expectObject('fromReadable options', options);
  expectKnownKeys('fromReadable options', o, ['destroyOnStop', 'name', 'clock']);
  if (o.destroyOnStop !== undefined && typeof o.destroyOnStop !== 'boolean') {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected destroyOnStop to be a boolean, got: ${show(o.destroyOnStop)}`);
  }
  return startReadableProducer<T, T>(() => readable, undefined, {
    destroyOnStop: options.destroyOnStop ?? true,
    lazy: false,
    name: options.name ?? `fromReadable#${names++}`,
    clock: options.clock,
  });
}
