import { Producer } from './stage.js';
import { InternalInfo } from './stage-process.js';
import type { Stage } from './handle.js';
import type { CancelReason, ProducerOptions } from './types.js';
import type { Clock } from '../runtime/clock.js';
import { expectKnownKeys, expectObject, expectOneOf, show } from '../runtime/validate.js';
import { GenStage } from './gen-stage.js';

export interface FromIterableOptions<T> extends ProducerOptions<T> {
  /** When the last consumer cancels: keep running (`'continue'`, default) or stop `'normal'`. */
  onCancel?: 'continue' | 'stop';
  name?: string;
  clock?: Clock;
}

const STOP_WHEN_DRAINED = new InternalInfo((process) => process.requestExit('normal'));
/** A `next()` left pending by a batch emitted early has settled: read on. */
const RESUME = Symbol('fromIterable resume');
/** The turn of the event loop in which a batch began has ended. */
const TURN_ENDED = Symbol('turn ended');

/**
 * Emits exactly as many items as demanded. Arrays are read by index (no iterator);
 * a sync iterable fills the whole demand at once. An async iterable is awaited item
 * by item while the stage handles nothing else, and the items gathered so far go
 * out as soon as a `next()` has to wait: one still pending when the event loop
 * turns (a source waiting on I/O or a timer). So a slow source delivers each item
 * as it comes, and one that answers at once still fills the demand in one batch.
 * The demand not met yet is served as the pending `next()` and those after it
 * settle. The iterator is closed (`return()`) if the stage stops before the source
 * ends.
 */
class IterableProducer<T> extends Producer<T> {
  private array: readonly T[] | undefined;
  private index = 0;
  private iterator: Iterator<T> | undefined;
  private asyncIterator: AsyncIterator<T> | undefined;
  private finished = false;
  /** Async source: demand not met yet. */
  private owed = 0;
  /** Async source: a `next()` that was still pending when a batch went out early. */
  private pending: Promise<IteratorResult<T>> | undefined = undefined;
  private waiting = false;

  constructor(
    private readonly source: Iterable<T> | AsyncIterable<T>,
    private readonly onCancel: 'continue' | 'stop',
  ) {
    super();
  }

  override init(): void {
    const source = this.source;
    if (Array.isArray(source)) this.array = source;
    else if (typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
      this.asyncIterator = (source as AsyncIterable<T>)[Symbol.asyncIterator]();
    } else this.iterator = (source as Iterable<T>)[Symbol.iterator]();
  }

  handleDemand(demand: number): T[] | Promise<T[]> | undefined {
    if (this.finished) return undefined;
    if (this.array !== undefined) {
      const out = this.array.slice(this.index, this.index + demand);
      this.index += out.length;
      if (this.index >= this.array.length) this.finish();
      return out;
    }
    if (this.iterator !== undefined) {
      const out: T[] = [];
      const it = this.iterator;
      while (out.length < demand) {
        const r = it.next();
        if (r.done) {
          this.finish();
          break;
        }
        out.push(r.value);
      }
      return out;
    }
    this.owed += demand;
    return this.waiting ? undefined : this.pullAsync();
  }

  override handleInfo(message: unknown): Promise<T[]> | undefined {
    if (message !== RESUME || this.finished || this.waiting || this.owed === 0) return undefined;
    return this.pullAsync();
  }

  private async pullAsync(): Promise<T[]> {
    const out: T[] = [];
    const it = this.asyncIterator as AsyncIterator<T>;
    let turnEnded: Promise<typeof TURN_ENDED> | undefined;
    let immediate: ReturnType<typeof setImmediate> | undefined;
    try {
      while (out.length < this.owed) {
        const step = this.pending ?? it.next();
        this.pending = undefined;
        let r: IteratorResult<T>;
        if (out.length === 0) r = await step;
        else {
          turnEnded ??= new Promise((resolve) => (immediate = setImmediate(resolve, TURN_ENDED)));
          const first = await Promise.race([step, turnEnded]);
          if (first === TURN_ENDED) {
            this.waitFor(Promise.resolve(step));
            break;
          }
          r = first;
        }
        if (typeof r !== 'object' || r === null) throw new TypeError(`the iterator's next() resolved to ${show(r)}, not an iterator result object`);
        if (r.done) {
          this.finish();
          break;
        }
        out.push(r.value);
      }
    } finally {
      if (immediate !== undefined) clearImmediate(immediate);
    }
    this.owed -= out.length;
    return out;
  }

  /** Emits what is in hand now; `step` is read (and the rest of the demand served) once it settles. */
  private waitFor(step: Promise<IteratorResult<T>>): void {
    this.pending = step;
    this.waiting = true;
    const resume = (): void => {
      this.waiting = false;
      if (!this.finished) this.process!.handle.send(RESUME);
    };
    step.then(resume, resume);
  }

  private finish(): void {
    this.finished = true;
    this.asyncInfo(STOP_WHEN_DRAINED);
  }

  override handleCancel(_reason: CancelReason): void {
    if (this.onCancel === 'stop' && this.process!.consumers.size === 0) this.stop('normal');
  }

  override terminate(): void | Promise<void> {
    if (this.finished) return undefined;
    this.finished = true;
    const it = this.iterator ?? this.asyncIterator;
    const closed = it?.return?.();
    if (closed !== undefined && typeof (closed as Promise<unknown>).then === 'function') {
      return (closed as Promise<unknown>).then(() => undefined);
    }
    return undefined;
  }
}

export function fromIterable<T>(source: Iterable<T> | AsyncIterable<T>, options: FromIterableOptions<T> = {}): Promise<Stage<T>> {
  const isIterable =
    source !== null && source !== undefined &&
    (typeof (source as Iterable<T>)[Symbol.iterator] === 'function' || typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function');
  if (!isIterable) throw new TypeError(`expected source to be an iterable or async iterable, got: ${show(source)}`);
  const o = expectObject('fromIterable options', options);
  expectKnownKeys('fromIterable options', o, ['onCancel', 'dispatcher', 'bufferSize', 'bufferKeep', 'demand', 'name', 'clock']);
  const onCancel = o.onCancel === undefined ? 'continue' : expectOneOf('onCancel', o.onCancel, ['continue', 'stop'] as const);
  const { onCancel: _ignored, ...startOptions } = options;
  return GenStage.start(new IterableProducer<T>(source, onCancel), {
    name: `fromIterable#${nextName++}`,
    ...startOptions,
  }) as Promise<Stage<T>>;
}

let nextName = 1;
