/**
 * The program every genstage worker thread runs: `WorkerThread` starts this file
 * (built to `dist/runtime/worker-entry.js`, next to `worker-thread.js`) with the user's
 * module, export and mode in `workerData`.
 *
 * It loads the user's module, checks the export, tells the parent `ready` (or `fail`),
 * then handles the parent's messages one at a time, in order:
 *
 * - stage mode (Flow `inWorkers`): `sub`, `batch` (or `strings`: a batch of strings,
 *   joined), `cancel`, `finish`; each but `sub` gets one `reply` with the events to
 *   emit. A `workerStage(...)` export supplies the engine (its mappers, reducer and
 *   window); a plain function is mapped over each event. Timers of the engine's window
 *   send `emit`.
 * - task mode (supervisors' `workerTask`): `call` gets one `reply` with the value.
 *
 * A thrown error goes back as `error` (name, message, stack); a reply that cannot be
 * structured-cloned goes back as `clone`, naming the value that failed.
 *
 * TypeScript: the thread runs with the `execArgv` the user passed (`inWorkers` and
 * `workerTask` options). Module hooks registered with `--import` do not reach a worker
 * thread on Node 20, so TypeScript is loaded through a `require` hook (for tsx:
 * `execArgv: ['--require', 'tsx/cjs']`): a module that `import()` cannot load for its
 * file extension is loaded with `require` instead.
 * @internal
 */
import { typeError } from './errors.js';
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { WORKER_STAGE, describeUncloneable, errorRecord, transferList, unpackStrings } from './worker-bootstrap.js';

/** What `WorkerThread` puts in `workerData`. @internal */
export interface WorkerEntryData {
  /** The user's module, a `file:` or `data:` URL. */
  readonly module: string;
  readonly export: string;
  readonly mode: 'stage' | 'task';
  /** The engine's `WorkerStageInit` (stage mode). */
  readonly init: unknown;
  readonly transfer: boolean;
}

/** A message from the parent. @internal */
export type ParentMessage =
  | { readonly t: 'sub'; readonly id: number }
  | { readonly t: 'batch'; readonly id: number; readonly events: unknown[] }
  /** A batch of strings, joined (`packStrings`). */
  | { readonly t: 'strings'; readonly id: number; readonly text: string; readonly lengths: Uint32Array }
  | { readonly t: 'cancel'; readonly id: number }
  | { readonly t: 'finish' }
  | { readonly t: 'call'; readonly args: unknown[] };

/** What a `workerStage(...)` export makes in the worker (see `WorkerStageEngine`). */
interface Engine {
  readonly stateful: boolean;
  subscribe(id: number): void;
  batch(id: number, events: unknown[]): unknown[] | Promise<unknown[]>;
  cancel(id: number): unknown[] | Promise<unknown[]>;
  finish(): unknown[] | Promise<unknown[]>;
}

type EngineFactory = (init: unknown, host: { emit(events: unknown[]): void; schedule(work: () => unknown): void }) => Engine;

const port = parentPort!;
const data = workerData as WorkerEntryData;

function send(message: Record<string, unknown>, values: readonly unknown[], label: string): void {
  try {
    port.postMessage(message, data.transfer ? transferList(values) : undefined);
  } catch (error) {
    port.postMessage({ t: 'clone', message: describeUncloneable(values, label, error) });
  }
}

function fail(kind: 'load' | 'export' | 'type', message: string): void {
  port.postMessage({ t: 'fail', kind, message });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function load(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !url.startsWith('file:')) throw error;
  }
  // A file `import()` does not know (`.ts`): through the `require` hooks of the thread's execArgv.
  return createRequire(url)(fileURLToPath(url)) as Record<string, unknown>;
}

function mapEngine(fn: (event: unknown) => unknown): Engine {
  return {
    stateful: false,
    subscribe() {},
    async batch(_id, events) {
      const out = new Array<unknown>(events.length);
      for (let i = 0; i < events.length; i++) {
        const r = fn(events[i]);
        // Only a promise is awaited: a plain result costs no turn of its own.
        out[i] = isThenable(r) ? await r : r;
      }
      return out;
    },
    cancel: () => [],
    finish: () => [],
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

async function main(): Promise<void> {
  let mod: Record<string, unknown>;
  try {
    mod = await load(data.module);
  } catch (error) {
    fail('load', messageOf(error));
    return;
  }
  let target = mod[data.export];
  const fallback = mod.default;
  if (target === undefined && fallback !== null && typeof fallback === 'object' && data.export !== 'default') target = (fallback as Record<string, unknown>)[data.export];
  if (target === undefined) {
    const names = Object.keys(mod).filter((k) => k !== 'default' || mod.default !== undefined);
    fail('export', `has no export ${JSON.stringify(data.export)} (its exports: ${names.length > 0 ? names.join(', ') : 'none'})`);
    return;
  }
  let queue: Promise<unknown> = Promise.resolve();
  const schedule = (work: () => unknown): void => {
    queue = queue.then(work).catch((error: unknown) => port.postMessage({ t: 'error', error: errorRecord(error) }));
  };
  let engine: Engine | undefined;
  let call: ((...args: unknown[]) => unknown) | undefined;
  if (data.mode === 'task') {
    if (typeof target !== 'function') {
      fail('type', `export ${JSON.stringify(data.export)} is not a function (got: ${kindOf(target)})`);
      return;
    }
    call = target as (...args: unknown[]) => unknown;
  } else {
    const factory = target !== null && (typeof target === 'object' || typeof target === 'function') ? (target as Record<symbol, unknown>)[WORKER_STAGE] : undefined;
    if (typeof factory !== 'function' && typeof target !== 'function') {
      fail('type', `export ${JSON.stringify(data.export)} is neither a function nor a workerStage(...) (got: ${kindOf(target)})`);
      return;
    }
    try {
      engine = typeof factory === 'function'
        ? (factory as EngineFactory).call(target, data.init, { emit: (events) => send({ t: 'emit', events }, events, 'result'), schedule })
        : mapEngine(target as (event: unknown) => unknown);
    } catch (error) {
      fail('type', messageOf(error));
      return;
    }
  }
  const reply = (events: unknown[]): void => send({ t: 'reply', events }, events, 'result');
  port.on('message', (m: ParentMessage) => schedule(async () => {
    switch (m.t) {
      case 'sub':
        engine!.subscribe(m.id);
        return;
      case 'batch':
        reply(await engine!.batch(m.id, m.events));
        return;
      case 'strings':
        reply(await engine!.batch(m.id, unpackStrings(m.text, m.lengths)));
        return;
      case 'cancel':
        reply(await engine!.cancel(m.id));
        return;
      case 'finish':
        reply(await engine!.finish());
        return;
      case 'call': {
        const value = await call!(...m.args);
        send({ t: 'reply', value }, [value], 'the result');
        return;
      }
      default: {
        const never: never = m;
        throw typeError('ERR_GENSTAGE_INVALID_TYPE', `unknown message from the parent: ${JSON.stringify(never)}`);
      }
    }
  }));
  port.postMessage({ t: 'ready', stateful: engine?.stateful === true });
}

void main();
