import { typeError } from '../runtime/errors.js';
import { StageCallbacks } from '../stage/stage.js';
import { PRODUCER_ROLE } from '../stage/producer-role.js';
import type { Stage } from '../stage/handle.js';
import type { CancelReason } from '../stage/types.js';
import { show } from '../runtime/validate.js';
import { startStage } from '../stage/gen-stage.js';
import { consumerCount, defineRole, macrotask, startBuiltStage, stopWhenDrained } from '../core/internal.js';
import type { BuiltStageOptions } from '../stage/start-built.js';
import type { CheckedFromIterable } from './iteration-options.js';

/** A `next()` left pending by a batch emitted early has settled: read on. */
const RESUME = Symbol('fromIterable resume');

/**
 * Reads up to `demand` items of a sync iterator into `out` in one loop; true once
 * the iterator is done. A free function on purpose: it touches only the iterator,
 * its results and the array, whose hidden classes outlive any one stage, so its
 * optimized code survives a full GC that collects every stage of a finished
 * pipeline (a method reading `this` is specialised on the stage's hidden class and
 * is thrown away with it; see docs/performance.md).
 */
function fill<T>(it: Iterator<T>, demand: number, out: T[]): boolean {
  for (let n = 0; n < demand; n++) {
    const r = it.next();
    if (r.done === true) return true;
    out.push(r.value);
  }
  return false;
}

/** The async items gathered for the demand being answered. */
interface Batch<T> {
  readonly out: T[];
  readonly resolve: (out: T[]) => void;
  readonly reject: (error: unknown) => void;
  /** Cancels the macrotask that fires when the turn of the event loop in which the batch got its first item ends. */
  immediate: (() => void) | undefined;
}

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
// A producer with the role of `Producer` without its class (producer-role.ts: this module
// loads on first use, and `Producer` should not load with `GenStage` for it).
class IterableProducer<T> extends StageCallbacks<never, T> {
  private array: readonly T[] | undefined;
  private index = 0;
  private iterator: Iterator<T> | undefined;
  private asyncIterator: AsyncIterator<T> | undefined;
  private finished = false;
  /** Async source: demand not met yet. */
  private owed = 0;
  /** Async source: the batch being gathered (the stage waits for it). */
  private batch: Batch<T> | undefined = undefined;
  /** Async source: a `next()` has been called and has not settled. */
  private inFlight = false;
  /** Async source: what a `next()` settled with after its batch had gone out early. */
  private held: { ok: true; result: IteratorResult<T> } | { ok: false; error: unknown } | undefined = undefined;

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
      if (fill(this.iterator, demand, out)) this.finish();
      return out;
    }
    this.owed += demand;
    return this.inFlight ? undefined : this.gather();
  }

  override handleInfo(message: unknown): Promise<T[]> | undefined {
    if (message !== RESUME || this.finished || this.inFlight || this.batch !== undefined || this.owed === 0) return undefined;
    return this.gather();
  }

  // An async source is read with callbacks rather than `await`, so that the end of
  // the turn can send a batch out while a `next()` is pending, at the cost of one
  // reaction per item, as awaiting costs.

  private gather(): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.batch = { out: [], resolve, reject, immediate: undefined };
      this.pump();
    });
  }

  /** Fills the batch: with what was held, then from `next()`, until the demand is met. */
  private pump(): void {
    const batch = this.batch as Batch<T>;
    for (;;) {
      if (batch.out.length >= this.owed) return this.close();
      const held = this.held;
      if (held !== undefined) {
        this.held = undefined;
        if (!held.ok) return this.fail(held.error);
        if (!this.take(held.result)) return undefined;
        continue;
      }
      let step: unknown;
      try {
        step = (this.asyncIterator as AsyncIterator<T>).next();
      } catch (error) {
        return this.fail(error);
      }
      this.inFlight = true;
      if (batch.out.length > 0 && batch.immediate === undefined) batch.immediate = macrotask((this.onTurnEnd ??= () => this.turnEnded()));
      Promise.resolve(step as Promise<IteratorResult<T>>).then(
        (this.onSettled ??= (result) => this.settled(result)),
        (this.onFailed ??= (error) => this.failed(error)),
      );
      return undefined;
    }
  }

  // The reactions an async source needs, made on its first `next()`: a sync source makes
  // none (issue 14, short flows: three closures less per fromIterable stage).
  private onSettled: ((result: IteratorResult<T>) => void) | undefined = undefined;
  private onFailed: ((error: unknown) => void) | undefined = undefined;
  private onTurnEnd: (() => void) | undefined = undefined;

  private settled(result: IteratorResult<T>): void {
    this.inFlight = false;
    if (this.batch === undefined) return this.hold({ ok: true, result });
    if (this.take(result)) this.pump();
  }

  private failed(error: unknown): void {
    this.inFlight = false;
    if (this.batch === undefined) return this.hold({ ok: false, error });
    this.fail(error);
  }

  /** A `next()` is still pending as the turn ends: what is in hand goes out now. */
  private turnEnded(): void {
    const batch = this.batch;
    if (batch === undefined) return;
    batch.immediate = undefined;
    if (this.inFlight && batch.out.length > 0) this.close();
  }

  private hold(held: NonNullable<IterableProducer<T>['held']>): void {
    this.held = held;
    if (!this.finished) this.self.send(RESUME);
  }

  /** Adds a result to the batch; false once the batch is closed (the source ended, or a bad result). */
  private take(r: IteratorResult<T>): boolean {
    if (typeof r !== 'object' || r === null) {
      this.fail(typeError('ERR_GENSTAGE_INVALID_TYPE', `the iterator's next() resolved to ${show(r)}, not an iterator result object`));
      return false;
    }
    if (r.done === true) {
      this.finish();
      this.close();
      return false;
    }
    (this.batch as Batch<T>).out.push(r.value);
    return true;
  }

  private close(): void {
    const batch = this.batch as Batch<T>;
    this.batch = undefined;
    batch.immediate?.();
    this.owed -= batch.out.length;
    batch.resolve(batch.out);
  }

  private fail(error: unknown): void {
    const batch = this.batch as Batch<T>;
    this.batch = undefined;
    batch.immediate?.();
    batch.reject(error);
  }

  private finish(): void {
    this.finished = true;
    stopWhenDrained(this);
  }

  override handleCancel(_reason: CancelReason): void {
    if (this.onCancel === 'stop' && consumerCount(this.self) === 0) this.stop('normal');
  }

  override terminate(): void | Promise<void> {
    const batch = this.batch;
    if (batch !== undefined) {
      // Stopped while waiting for the source: read nothing more.
      this.batch = undefined;
      batch.immediate?.();
      batch.resolve([]);
    }
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
defineRole(IterableProducer, PRODUCER_ROLE);

/**
 * `GenStage.fromIterable`'s producer over `source`, started with arguments that
 * `checkFromIterable` (iteration-options.ts) has checked at the call.
 */
export function startIterable<T>(source: Iterable<T> | AsyncIterable<T>, checked: CheckedFromIterable<T>): Promise<Stage<T>> {
  return startStage(new IterableProducer<T>(source, checked.onCancel), {
    name: `fromIterable#${nextName++}`,
    ...checked.startOptions,
  });
}

/**
 * A flow's producer over `source` (already checked by `Flow.from`), started by the
 * library with options it made (`startBuiltStage`): the handle at once, `init` as the
 * stage's first message. `onCancel` is `'continue'`, as `fromIterable`'s default.
 */
export function startBuiltIterable<T>(source: Iterable<T> | AsyncIterable<T>, options: BuiltStageOptions): Stage<T> {
  return startBuiltStage(new IterableProducer<T>(source, 'continue'), options);
}

let nextName = 1;
