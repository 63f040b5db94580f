import { typeError } from '../runtime/errors.js';
import { expectInteger, show } from '../runtime/validate.js';
import type { WorkerPool } from '../runtime/worker-pool.js';
import { checkSignalOption } from './child-spec.js';
import { checkWorkers, poolFor } from './worker-task.js';

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
  const workers = checkWorkers(o.workers);
  const signal = checkSignalOption('signal', o.signal);
  poolFor(fn, workers, max, where); // checks workers against fn now
  return { max, ordered, signal, workers };
}

/** @internal The pool a runner owns when its `fn` is a `workerTask` (a new one per run). */
export function poolOf(fn: unknown, checked: CheckedConcurrency, where: string): WorkerPool | undefined {
  return poolFor(fn, checked.workers, checked.max, where);
}
