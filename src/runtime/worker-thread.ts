import { typeError } from './errors.js';
import type { Worker } from 'node:worker_threads';
import { nodeBuiltin, requireBuiltin } from './builtins.js';
import { show } from './validate.js';
import { getLogger } from './logger.js';
import { describeReason } from './reason.js';
import { describeUncloneable, transferList } from './worker-bootstrap.js';
import type { WorkerEntryData } from './worker-entry.js';

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
  /** Node options of the thread (the `execArgv` option); `undefined`: Node's default. */
  readonly execArgv: readonly string[] | undefined;
}

/**
 * The program a worker thread starts: `worker-entry.js` next to this module in the
 * built package; `worker-entry.ts` when genstage runs from its TypeScript sources.
 */
const ENTRY_FILE = import.meta.url.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js';

/** The one line a worker runs when the entry is TypeScript (see the constructor of `WorkerThread`). */
const REQUIRE_ENTRY = "require(require('node:worker_threads').workerData.entry);";

let defaultExecArgv: readonly string[] | undefined;

/**
 * @internal The `execArgv` of worker threads whose `inWorkers`/`workerTask` options
 * give none. For genstage's own spec and bench setup, which run the TypeScript
 * sources (`['--require', 'tsx/cjs']`); not exported from the package.
 */
export function setDefaultWorkerExecArgv(execArgv: readonly string[] | undefined): void {
  defaultExecArgv = execArgv;
}

/** Checks an `execArgv` option: an array of strings (Node options for the worker threads). */
export function checkExecArgv(where: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((arg) => typeof arg === 'string')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: expected execArgv to be an array of strings (Node options for the worker threads, e.g. ['--require', 'tsx/cjs']), got: ${show(value)}`);
  }
  return [...value];
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
export function checkWorkerTarget(where: string, module: unknown, exportName: unknown, execArgv: readonly string[] | undefined = undefined): WorkerTarget {
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
  const args = execArgv ?? defaultExecArgv;
  if (args === undefined && ENTRY_FILE.endsWith('.ts')) {
    throw typeError(
      'ERR_GENSTAGE_INVALID_TYPE',
      `${where}: genstage runs from its TypeScript sources here, so its worker threads need a TypeScript loader: pass execArgv (for tsx: ['--require', 'tsx/cjs'])`,
    );
  }
  return { url, exportName, label: `${file}#${exportName}`, execArgv: args };
}

let live = 0;

/** @internal Worker threads started by genstage that have not exited yet (for specs and leak checks). */
export function liveWorkerThreads(): number {
  return live;
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
    const entry = requireBuiltin('node:url', options.where).fileURLToPath(new URL(ENTRY_FILE, import.meta.url));
    const workerData: WorkerEntryData & { entry: string } = {
      entry,
      module: target.url,
      export: target.exportName,
      mode: options.mode,
      init: options.init,
      transfer: options.transfer === true,
    };
    const execArgv = target.execArgv === undefined ? {} : { execArgv: [...target.execArgv] };
    this.worker = ENTRY_FILE.endsWith('.js')
      ? new Worker(entry, { workerData, ...execArgv })
      // From the TypeScript sources (a package of type "module", where Node's ESM loader
      // takes the entry and worker threads get no module hooks on Node 20): the entry is
      // required, through the require hook the user's execArgv installs.
      : new Worker(REQUIRE_ENTRY, { eval: true, workerData, ...execArgv });
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
