import { typeError } from '../runtime/errors.js';
import { expectInteger, show } from '../runtime/validate.js';
import { checkSignalOption } from './child-spec.js';

/**
 * The options every bounded-concurrency runner shares, with one set of defaults:
 * `superviseStage`, the Flow `supervise` operator and `TaskSupervisor.asyncStream`.
 */
export interface ConcurrencyOptions {
  /** Children (tasks) running at once, at most. Default 10. */
  maxConcurrency?: number;
  /**
   * Results in the order of their inputs (`true`, the default), or as they finish
   * (`false`: a slow child does not hold back the results of faster ones).
   */
  ordered?: boolean;
}

/** The defaults of `ConcurrencyOptions`, the same for every runner. */
export const CONCURRENCY_DEFAULTS = Object.freeze({ maxConcurrency: 10, ordered: true });

/** @internal The checked shared options, and the worker pool when `fn` is a `workerTask`. */
export interface CheckedConcurrency {
  readonly max: number;
  readonly ordered: boolean;
  readonly signal: boolean;
  readonly workers: number | undefined;
}

/**
 * @internal Checks `maxConcurrency`, `ordered`, `workers` and `signal` (throws a
 * TypeError/RangeError naming the option) and applies the shared defaults. `where`
 * names the runner in the `workers` error (`fn` must then be a `workerTask`).
 */
export function checkConcurrency(o: Record<string, unknown>, fn: unknown, where: string): CheckedConcurrency {
  const max = o.maxConcurrency === undefined ? CONCURRENCY_DEFAULTS.maxConcurrency : expectInteger('maxConcurrency', o.maxConcurrency, 1);
  if (o.ordered !== undefined && typeof o.ordered !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ordered to be a boolean, got: ${show(o.ordered)}`);
  const ordered = o.ordered ?? CONCURRENCY_DEFAULTS.ordered;
  const workers = o.workers === undefined ? undefined : expectInteger('workers', o.workers, 1);
  const signal = checkSignalOption('signal', o.signal);
  if (workers !== undefined && poolFactoryOf(fn) === undefined) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: workers applies to a workerTask(...) function, got: ${show(fn)}`);
  }
  return { max, ordered, signal, workers };
}

/**
 * @internal Threads a runner's children run on: what a `workerTask(...)` brings (the
 * workers layer makes it; this layer only drives it). One pool per run, started with
 * the run and closed when it ends.
 */
export interface TaskPool {
  start(): Promise<void>;
  /** Runs the task with `args` on a free thread; rejects with its error, or `signal`'s reason once aborted. */
  run(args: readonly unknown[], signal: AbortSignal | undefined): Promise<unknown>;
  close(): Promise<void>;
}

/** @internal A pool for `maxConcurrency` children: `workers` threads, or a default that the pool's maker decides. */
export type TaskPoolFactory = (workers: number | undefined, maxConcurrency: number, where: string) => TaskPool;

/** @internal The property through which a task function (a `workerTask`) offers the pool it runs on. */
export const TASK_POOL: unique symbol = Symbol('genstage.taskPool');

function poolFactoryOf(fn: unknown): TaskPoolFactory | undefined {
  return typeof fn === 'function' ? (fn as { [TASK_POOL]?: TaskPoolFactory })[TASK_POOL] : undefined;
}

/** @internal The pool a runner owns when its `fn` is a `workerTask` (a new one per run). */
export function poolOf(fn: unknown, checked: CheckedConcurrency, where: string): TaskPool | undefined {
  return poolFactoryOf(fn)?.(checked.workers, checked.max, where);
}

/** @internal A result that yields nothing (a failure `onError` took, a task skipped on timeout). */
export const SKIP: unique symbol = Symbol('skip');

/** A place of `ConcurrencyWindow`'s ordered ring with no result yet. */
const EMPTY: unique symbol = Symbol('empty');

/**
 * @internal The bounded-concurrency engine under `superviseStage`, the Flow
 * `supervise` operator and `TaskSupervisor.asyncStream`: it counts the slots in use
 * (at most `max`), numbers the inputs in the order they start, and releases their
 * results in that order (`ordered`, holding a finished result until every earlier
 * input is done) or as they finish.
 *
 * A slot is taken before its input is read (`reserve`) and given back by the driver
 * once the result has been handed on (`release`): a result held for order, or not yet
 * taken downstream, still holds its slot, so a slow consumer stops the reading. The
 * drivers differ only in where inputs come from and where results go: a stage asks
 * its producers and emits to its consumers; `asyncStream` pulls its iterator and
 * yields to the `for await` loop.
 */
export class ConcurrencyWindow<R> {
  /** Slots in use: reserved inputs, running tasks, results not handed on yet. */
  private busy = 0;
  private nextSeq = 0;
  private nextOut = 0;
  /**
   * Ordered: finished results waiting for an earlier one, input `seq` at
   * `seq % finished.length` (`EMPTY`: still running). Inputs from `nextOut` on hold
   * their slots, so `max` places suffice while the drivers keep to the window; it
   * grows if one does not. An array, not a Map: a Map's set, has, get and delete per
   * result were a measurable part of a short task's cost.
   */
  private finished: unknown[];

  constructor(
    readonly max: number,
    readonly ordered: boolean,
  ) {
    this.finished = ordered ? new Array<unknown>(max).fill(EMPTY) : [];
  }

  /** Slots free now. */
  get free(): number {
    return this.max - this.busy;
  }

  /** Slots in use. */
  get used(): number {
    return this.busy;
  }

  reserve(n: number): void {
    this.busy += n;
  }

  release(n: number): void {
    this.busy -= n;
  }

  /** An input starts: its sequence number, for `settle`. */
  start(): number {
    return this.nextSeq++;
  }

  /**
   * The result of input `seq` (`SKIP`: it yields nothing). Appends to `out` the
   * results this releases, in order, and returns how many inputs it completed
   * (skipped ones included): 1 unordered; ordered, 0 while an earlier input runs.
   */
  settle(seq: number, value: R | typeof SKIP, out: { push(value: R): void }): number {
    if (!this.ordered) {
      if (value !== SKIP) out.push(value);
      return 1;
    }
    if (seq - this.nextOut >= this.finished.length) this.grow(seq - this.nextOut + 1);
    const ring = this.finished;
    ring[seq % ring.length] = value;
    let completed = 0;
    for (let at = this.nextOut % ring.length; ring[at] !== EMPTY; at = this.nextOut % ring.length) {
      const next = ring[at] as R | typeof SKIP;
      ring[at] = EMPTY;
      this.nextOut++;
      completed++;
      if (next !== SKIP) out.push(next);
    }
    return completed;
  }

  /** Room for `needed` inputs from `nextOut` on, each at its place in a longer ring. */
  private grow(needed: number): void {
    const old = this.finished;
    const ring = new Array<unknown>(Math.max(needed, 2 * old.length)).fill(EMPTY);
    for (let seq = this.nextOut; seq < this.nextOut + old.length; seq++) ring[seq % ring.length] = old[seq % old.length];
    this.finished = ring;
  }
}
