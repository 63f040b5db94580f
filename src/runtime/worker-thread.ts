import { typeError } from './errors.js';
import type { Worker } from 'node:worker_threads';
import { nodeBuiltin, requireBuiltin } from './builtins.js';
import { show } from './validate.js';
import { getLogger } from './logger.js';
import { describeReason } from './reason.js';
import { bootstrapSource, describeUncloneable, transferList } from './worker-bootstrap.js';

/**
 * One worker thread running the user's module, seen from the parent: start it, wait
 * for `ready`, send requests (each answered by one reply, in order), and end it.
 * Used by the Flow's worker stages (one thread per stage) and by the supervisors'
 * worker pools (one call at a time per thread).
 * @internal
 */

/** Where the work lives: a module (file URL) and one of its exports. */
export interface WorkerTarget {
  /** The module's URL (`file:` or `data:`). */
  readonly url: string;
  readonly exportName: string;
  /** `hash.mjs#hash`, for messages. */
  readonly label: string;
}

/**
 * An error of a worker thread: it exited (its code in `exitCode`), or its module
 * threw outside any request. Errors thrown by the user's code inside a request keep
 * their own name, message and worker-side stack instead.
 */
export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  /** `ERR_GENSTAGE_WORKER` (see `ErrorCodes`). */
  readonly code = 'ERR_GENSTAGE_WORKER';
  constructor(
    message: string,
    /** The worker's exit code, when it exited. */
    readonly exitCode: number | undefined = undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Checks `module` and `exportName` (throws TypeError naming them) and resolves the URL. */
export function checkWorkerTarget(where: string, module: unknown, exportName: unknown): WorkerTarget {
  let url: string;
  if (module instanceof URL) url = module.href;
  else if (typeof module === 'string' && /^(file|data):/.test(module)) url = new URL(module).href;
  // An absolute path needs Node's path and url (loaded here, not at import: the core bundles for browsers).
  else if (typeof module === 'string' && nodeBuiltin('node:path')?.isAbsolute(module) === true) {
    url = requireBuiltin('node:url', where).pathToFileURL(module).href;
  }
  else {
    throw typeError(
      'ERR_GENSTAGE_INVALID_TYPE',
      `${where}: expected module to be a URL (new URL('./work.mjs', import.meta.url)) or an absolute path, got: ${show(module)}`,
    );
  }
  if (typeof exportName !== 'string' || exportName === '') {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: expected exportName to be the name of an export of the module (a non-empty string), got: ${show(exportName)}`);
  }
  const file = url.startsWith('data:') ? 'data: module' : decodeURIComponent(url.slice(url.lastIndexOf('/') + 1));
  return { url, exportName, label: `${file}#${exportName}` };
}

let live = 0;

/** @internal Worker threads started by genstage that have not exited yet (for specs and leak checks). */
export function liveWorkerThreads(): number {
  return live;
}

let tsxApi: string | null | undefined;

/**
 * tsx's loader API when the parent runs under tsx (a worker does not inherit its
 * hooks on Node 20), so a worker can load `.ts` modules like the parent does.
 */
function tsxLoader(): string | undefined {
  if (tsxApi !== undefined) return tsxApi ?? undefined;
  tsxApi = null;
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (!/(^|[\s=/\\])tsx([\s/\\]|$)/.test(flags)) return undefined;
  const { createRequire } = requireBuiltin('node:module', 'worker threads');
  const { pathToFileURL } = requireBuiltin('node:url', 'worker threads');
  const { existsSync } = requireBuiltin('node:fs', 'worker threads');
  for (const base of [import.meta.url, pathToFileURL(`${process.cwd()}/`).href]) {
    try {
      // The ESM build of the API: its CommonJS one cannot be import()ed.
      const resolved = createRequire(base).resolve('tsx/esm/api');
      const esm = resolved.replace(/\.cjs$/, '.mjs');
      tsxApi = pathToFileURL(existsSync(esm) ? esm : resolved).href;
      break;
    } catch {
      // not resolvable from there
    }
  }
  return tsxApi ?? undefined;
}

interface Pending {
  resolve(reply: Record<string, unknown>): void;
  reject(error: unknown): void;
}

export interface WorkerThreadOptions {
  mode: 'stage' | 'task';
  /** Data for the engine of a `workerStage` (stage mode). */
  init?: unknown;
  /** Move the ArrayBuffers of events and results instead of copying them. */
  transfer?: boolean;
  /** A `emit` the worker sent on its own (a timer of its window). */
  onEmit?: (events: unknown[]) => void;
  /** The thread ended or crashed without being asked to; `busy` if a request was waiting. */
  onDown?: (error: unknown, busy: boolean) => void;
  /** Where start failures are reported (`inWorkers`, `workerTask`). */
  where: string;
}

export class WorkerThread {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private settled = false;
  private terminating: Promise<void> | undefined;
  private crash: unknown;
  private readyState: 'starting' | 'ready' | 'down' = 'starting';
  /** Resolves once the module is loaded and checked; rejects with a TypeError naming what is wrong. */
  readonly ready: Promise<{ stateful: boolean }>;

  constructor(
    readonly target: WorkerTarget,
    private readonly options: WorkerThreadOptions,
  ) {
    let onReady!: (info: { stateful: boolean }) => void;
    let onFail!: (error: unknown) => void;
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    this.ready.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
    const { Worker } = requireBuiltin('node:worker_threads', options.where);
    const tsx = tsxLoader();
    this.worker = new Worker(bootstrapSource(), {
      eval: true,
      workerData: {
        module: target.url,
        export: target.exportName,
        mode: options.mode,
        init: options.init,
        transfer: options.transfer === true,
        tsx,
      },
    });
    this.worker.on('message', (m: Record<string, unknown>) => {
      switch (m.t) {
        case 'ready':
          this.readyState = 'ready';
          onReady({ stateful: m.stateful === true });
          return;
        case 'fail': {
          this.readyState = 'down';
          const error = typeError('ERR_GENSTAGE_WORKER_MODULE', `${options.where}: worker module ${target.url} ${m.kind === 'load' ? `could not be loaded: ${String(m.message)}` : String(m.message)}`);
          onFail(error);
          void this.terminate(error);
          return;
        }
        case 'emit':
          options.onEmit?.(m.events as unknown[]);
          return;
        case 'reply':
          this.pending.shift()?.resolve(m);
          return;
        case 'error':
          this.pending.shift()?.reject(rebuildError(m.error as Record<string, unknown>));
          return;
        case 'clone':
          this.pending.shift()?.reject(typeError('ERR_GENSTAGE_NOT_CLONEABLE', `${options.where}(${target.label}): ${String(m.message)}`));
          return;
      }
    });
    this.worker.on('error', (error) => {
      this.crash ??= error;
    });
    live++;
    this.worker.on('exit', (code) => {
      live--;
      if (this.terminating !== undefined) return;
      const reason = this.crash !== undefined
        ? new WorkerError(`worker thread of ${target.label} crashed: ${describe(this.crash)}`, undefined, { cause: this.crash })
        : new WorkerError(`worker thread of ${target.label} exited with code ${code}`, code);
      this.down(reason, onFail);
    });
  }

  private down(reason: unknown, onFail: (error: unknown) => void): void {
    if (this.settled) return;
    this.settled = true;
    const busy = this.pending.length > 0;
    for (const p of this.pending.splice(0)) p.reject(reason);
    if (this.readyState === 'starting') {
      this.readyState = 'down';
      onFail(typeError('ERR_GENSTAGE_WORKER_MODULE', `${this.options.where}: worker module ${this.target.url} stopped while loading: ${describe(reason)}`));
      return;
    }
    this.readyState = 'down';
    this.options.onDown?.(reason, busy);
  }

  /** True until the thread has ended (or was asked to). */
  get alive(): boolean {
    return !this.settled && this.terminating === undefined;
  }

  /** Requests waiting for their reply. */
  get busy(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Sends `message` (whose payload is `values`, described as `label`s if they cannot
   * be cloned) and resolves with its reply. A value that cannot be cloned throws a
   * TypeError here, naming it; nothing was sent.
   */
  request(message: Record<string, unknown>, values: readonly unknown[], label: string): Promise<Record<string, unknown>> {
    if (!this.alive) return Promise.reject(this.crash ?? new WorkerError(`worker thread of ${this.target.label} is not running`));
    this.post(message, values, label);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  /** Sends a message that has no reply. */
  post(message: Record<string, unknown>, values: readonly unknown[] = [], label = 'value'): void {
    try {
      this.worker.postMessage(message, this.options.transfer === true && values.length > 0 ? transferList(values) : undefined);
    } catch (error) {
      throw typeError('ERR_GENSTAGE_NOT_CLONEABLE', `${this.options.where}(${this.target.label}): ${describeUncloneable(values, label, error)}`, { cause: error });
    }
  }

  /** Ends the thread; pending requests reject with `reason`. Resolves once it has exited. */
  terminate(reason: unknown = new WorkerError(`worker thread of ${this.target.label} was terminated`)): Promise<void> {
    if (this.terminating !== undefined) return this.terminating;
    this.settled = true;
    for (const p of this.pending.splice(0)) p.reject(reason);
    this.terminating = this.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
    return this.terminating;
  }
}

/**
 * Logs that a worker thread went down on its own (crashed, or exited) and a new one
 * takes its place, as a supervisor logs the exit of a child it restarts: one error
 * line per restart, with the reason. @internal
 */
export function logWorkerRestart(where: string, target: WorkerTarget, reason: unknown): void {
  getLogger().error(`${where}(${target.label}): worker thread exited with ${describeReason(reason)}; a new thread replaces it`, reason);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
}

/** The user's error, as thrown in the worker: same name, message, code and (worker-side) stack. */
function rebuildError(record: Record<string, unknown>): Error {
  const error = new Error(String(record.message));
  Object.defineProperty(error, 'name', { value: String(record.name), configurable: true, writable: true });
  if (typeof record.stack === 'string') error.stack = record.stack;
  if (record.code !== undefined) (error as Error & { code?: unknown }).code = record.code;
  return error;
}
