import { typeError } from '../runtime/errors.js';
import { nodeBuiltin } from '../runtime/builtins.js';
import { expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { WorkerPool } from '../runtime/worker-pool.js';
import { checkExecArgv, checkWorkerTarget } from '../runtime/worker-thread.js';
import { TASK_POOL, type TaskPoolFactory } from './concurrency.js';

/** Options of `workerTask`. */
export interface WorkerTaskOptions {
  /** Move ArrayBuffers (and typed arrays spanning their whole buffer) of the input and result instead of copying them. Default `false`. */
  transfer?: boolean;
  /**
   * Node options the worker threads start with (`Worker`'s `execArgv`). How a worker
   * loads TypeScript is yours to say, not guessed: with tsx,
   * `execArgv: ['--require', 'tsx/cjs']` (a module that `import()` cannot load for
   * its extension is then loaded with `require`; hooks registered with `--import`
   * do not reach worker threads on Node 20). Default: Node's.
   */
  execArgv?: readonly string[];
}

/**
 * A task function whose work runs in a worker thread: `exportName` of `module`,
 * called with the task's input. Made by `workerTask`.
 */
export interface WorkerTask<In, Out> {
  (input: In, signal?: AbortSignal): Promise<Out>;
}

/**
 * A task function that runs `exportName` of the worker module `module` in a worker
 * thread, for the supervisors: give it to `superviseStage` (and the Flow `supervise`
 * operator) or `TaskSupervisor.asyncStream` in place of an async function, and their
 * children run on a pool of worker threads that the stage (or the stream) owns:
 * `workers` threads (default: `maxConcurrency`, at most the number of cores), started
 * with it (a module that cannot be loaded, or an export that is missing or not a
 * function, fails the start with a TypeError) and ended when it stops.
 *
 * The export is called with the child's input (its event or item), one call at a
 * time per thread, and may be async; its result is the child's result. Input and
 * result cross by structured clone (see `inWorkers`). A thread that dies (or a call
 * that throws) is a crashed child: the supervisor's restart policy applies, and a
 * restarted child runs on a fresh thread with the same input. Stopping a child (its
 * signal fires: shutdown, timeout) ends its thread at once.
 *
 * Called anywhere else (a `ConsumerSupervisor` child, `TaskSupervisor.async`, by
 * hand), the function starts a thread for the one call and ends it after.
 *
 * ## Example
 * ```ts
 * const hash = workerTask<string, string>(new URL('./hash.worker.mjs', import.meta.url), 'sha256');
 * const digests = await GenStage.start(superviseStage(hash, { maxConcurrency: 4, workers: 2 }), { subscribeTo: [texts] });
 * ```
 * @param module the worker module: a `URL` or an absolute path.
 * @param exportName the function to call.
 */
export function workerTask<In = unknown, Out = unknown>(module: URL | string, exportName: string, options: WorkerTaskOptions = {}): WorkerTask<In, Out> {
  const o = expectObject('workerTask options', options);
  expectKnownKeys('workerTask options', o, ['transfer', 'execArgv']);
  const target = checkWorkerTarget('workerTask', module, exportName, checkExecArgv('workerTask', o.execArgv));
  if (o.transfer !== undefined && typeof o.transfer !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected transfer to be a boolean, got: ${show(o.transfer)}`);
  const transfer = o.transfer === true;
  const once = async (input: In, signal?: AbortSignal): Promise<Out> => {
    const pool = new WorkerPool(target, 1, transfer, 'workerTask');
    await pool.start();
    try {
      return (await pool.run([input], signal)) as Out;
    } finally {
      await pool.close();
    }
  };
  Object.defineProperty(once, 'name', { value: target.exportName });
  // The supervisors' runners find the pool their children run on under TASK_POOL (sized
  // `workers`, or `maxConcurrency` at most the cores); not part of the declared type.
  const pool: TaskPoolFactory = (workers, maxConcurrency, where) => new WorkerPool(target, workers ?? Math.max(1, Math.min(maxConcurrency, cores())), transfer, where);
  Object.defineProperty(once, TASK_POOL, { value: pool });
  return once;
}

/** The cores this host offers (Node's `availableParallelism`, a browser's `hardwareConcurrency`), at least 1. */
function cores(): number {
  const n = nodeBuiltin('node:os')?.availableParallelism() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : 1;
}
