import { typeError } from '../../runtime/errors.js';
import { checkExecArgv, checkWorkerTarget } from '../../runtime/worker-thread.js';
import { expectInteger, expectKnownKeys, expectObject, expectOneOf, expectPositiveNumber, show } from '../../runtime/validate.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, lastLayer, withLastLayer } from '../extend.js';
import type { WorkerLayerSpec } from '../plan.js';
import { LayerWorker, type LayerWorkerConfig } from '../layer-worker.js';

export interface InWorkersOptions {
  /**
   * `'temporary'` (default): a worker that throws or dies crashes its stage, and the
   * flow fails with the error. `'transient'`: it is replaced and the batch it held
   * is sent again (stages without a reducer only: a reducer's accumulator dies with
   * its worker), while restarts last.
   */
  restart?: 'temporary' | 'transient';
  /** Restarts allowed within `maxSeconds` (default 3 within 5), per stage; past that the crash fails the flow. */
  maxRestarts?: number;
  maxSeconds?: number;
  /**
   * Move binary data instead of copying it: ArrayBuffers, and typed arrays or
   * Buffers that span their whole buffer, as events or as items of array events,
   * both ways. The sender's copy is detached (length 0): use it only for data
   * nothing else holds (not with a broadcast before the stage). Default `false`.
   */
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

const KEYS = ['restart', 'maxRestarts', 'maxSeconds', 'transfer', 'execArgv'] as const;

/**
 * Runs the work of the current stages in worker threads: one thread per stage, so a
 * layer of `stages: 2` uses two cores for its CPU work while the flow's other stages
 * stay on the main thread.
 *
 * The work is named, not passed (functions cannot cross threads): `exportName` of the
 * module at `module` (a URL or an absolute path), either a function mapped over each
 * event (`(event) => result`, possibly async), or a `workerStage(...)` of operators,
 * a reducer included, that run in the worker as they would in one stage. Mappers
 * piped before `inWorkers` in the same stage run on the main thread before the batch
 * is sent; mappers after it, on what comes back. A reducer goes inside the
 * `workerStage`, or after a `partition()`/`shuffle()`.
 *
 * Events cross in batches (the stage's demand: at most `maxDemand - minDemand`, 500
 * by default), by structured clone: plain data, arrays, Maps, Sets, Dates, typed
 * arrays cross; functions, symbols and class instances' methods do not, and an event
 * that cannot cross fails the stage with a TypeError naming it. A stage has at most
 * two batches in flight (one worked on, the next waiting in the worker's port) and
 * waits for a reply before it sends a third, so a slow worker slows its producers and
 * nothing piles up between the threads. Order is kept per stage.
 *
 * The worker starts with the flow: a module that cannot be loaded, or an export that
 * is missing or of the wrong kind, makes the flow reject at start with a TypeError.
 * A worker that throws or dies crashes its stage like any stage (see `restart`).
 * Workers end when their stage stops.
 *
 * ## Example
 * ```ts
 * // hash.worker.mjs: export function sha256(text) { return createHash('sha256').update(text).digest('hex'); }
 * const digests = await Flow.from(texts, { stages: 2 })
 *   .pipe(inWorkers(new URL('./hash.worker.mjs', import.meta.url), 'sha256'))
 *   .toArray(); // two worker threads hash in parallel
 * ```
 * @param module the worker module: a `URL` (`new URL('./work.mjs', import.meta.url)`) or an absolute path.
 * @param exportName the export to run.
 * @param options `restart`, `maxRestarts`, `maxSeconds`, `transfer`, `execArgv`.
 * @returns an operator for `pipe` (`T` the events in, `R` the events out: name them, the types cannot be read from the module).
 */
export function inWorkers<T = unknown, R = unknown>(module: URL | string, exportName: string, options: InWorkersOptions = {}): FlowOperator<T, R> {
  const o = expectObject('inWorkers options', options);
  expectKnownKeys('inWorkers options', o, KEYS);
  const target = checkWorkerTarget('inWorkers', module, exportName, checkExecArgv('inWorkers', o.execArgv));
  const restart = o.restart === undefined ? 'temporary' : expectOneOf('restart', o.restart, ['temporary', 'transient'] as const);
  const maxRestarts = o.maxRestarts === undefined ? 3 : expectInteger('maxRestarts', o.maxRestarts, 0);
  const maxSeconds = o.maxSeconds === undefined ? 5 : expectPositiveNumber('maxSeconds', o.maxSeconds);
  if (o.transfer !== undefined && typeof o.transfer !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected transfer to be a boolean, got: ${show(o.transfer)}`);
  const config: LayerWorkerConfig = { target, restart, maxRestarts, maxSeconds, transfer: o.transfer === true };
  const worker: WorkerLayerSpec = { label: target.label, create: (init, host) => new LayerWorker(config, init, host) };
  return (flow) => {
    checkFlow(flow);
    const last = lastLayer(flow);
    if (last.worker !== undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `inWorkers: this stage already runs in workers (${last.worker.label}); add partition() or shuffle() between them`);
    }
    if (last.reducer !== undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `inWorkers: this stage already has a reducer (${last.reducer.name}); add partition() or shuffle() before inWorkers`);
    }
    if (last.window !== undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `inWorkers: this stage has a window; set the window inside the workerStage(...) that runs in the workers`);
    }
    return withLastLayer<R>(flow, { ...last, worker });
  };
}
