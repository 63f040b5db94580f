import { typeError } from '../runtime/errors.js';
import { WORKER_STAGE } from '../runtime/worker-bootstrap.js';
import { getLogger } from '../runtime/logger.js';
import type { Subscription } from '../stage/subscription.js';
import { Flow, planOf } from './flow.js';
import type { FlowElement, PipeStep } from './pipe-types.js';
import { runOps } from './fuse.js';
import { newLayer, type BatchFn, type LayerSpec } from './plan.js';
import { Window } from './window.js';
import { WindowState, type WindowHost } from './window-state.js';

/** What the parent tells a worker stage's engine at start. @internal */
export interface WorkerStageInit {
  /** The stage's index in its layer, and the layer's size (a reducer's `partition`). */
  readonly index: number;
  readonly count: number;
  /** Producers the stage subscribes to (a fixed window waits for all). */
  readonly producers: number;
}

/** What the bootstrap gives the engine. @internal */
export interface WorkerStageHost {
  /** Sends events to the parent outside any request (a timer of the window fired). */
  emit(events: unknown[]): void;
  /** Runs `work` after the messages being handled, one at a time (so timers never interleave a batch). */
  schedule(work: () => unknown): void;
}

/**
 * The operators of a worker stage, made in the worker module with `workerStage(...)`
 * and named to `inWorkers(module, exportName)` in the parent.
 */
export interface WorkerStage<In, Out> {
  /** @internal The input and output types, for inference only. */
  readonly __types?: (input: In) => Out;
  /** @internal Makes the engine in the worker. */
  readonly [WORKER_STAGE]: (init: WorkerStageInit, host: WorkerStageHost) => WorkerStageEngine;
}

/**
 * Defines, in a worker module, what a worker stage runs: mappers (`map`, `filter`,
 * `flatMap`, `mapBatch`...), at most one reducer (`reduce`, `groupBy`,
 * `countByKey`...) with its `window` and `onTrigger`, and mappers after it, exactly as
 * they would run fused in one stage of a flow. Export the result and name it in
 * `inWorkers(moduleUrl, exportName)`.
 *
 * Operators that add stages (`partition`, `shuffle`, `batch`, `rateLimit`,
 * `departition`, `takeSort` after a reducer) cannot run inside a worker stage: put
 * them around `inWorkers` in the parent's flow. Time-based windows and triggers run
 * on the worker's own system clock (a `VirtualClock` of the parent does not reach it).
 *
 * ## Example
 * ```ts
 * // count-words.worker.mjs
 * import { workerStage, flatMap, reduce } from 'genstage';
 * export const countWords = workerStage(
 *   flatMap((line) => line.split(' ')),
 *   reduce(() => new Map(), (word, acc) => acc.set(word, (acc.get(word) ?? 0) + 1)),
 * );
 * ```
 * Takes the operators in order, as given to `pipe` (types are inferred through up
 * to five; past that, write each operator's parameter types).
 *
 * @returns the definition to export from the worker module.
 */
export function workerStage<In, B extends Flow<unknown>>(
  op1: (flow: Flow<In>) => B,
): WorkerStage<In, FlowElement<B>>;
export function workerStage<In, B extends Flow<unknown>, C extends Flow<unknown>>(
  op1: (flow: Flow<In>) => B, op2: (flow: B) => C,
): WorkerStage<In, FlowElement<C>>;
export function workerStage<In, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>>(
  op1: (flow: Flow<In>) => B, op2: (flow: B) => C, op3: (flow: C) => D,
): WorkerStage<In, FlowElement<D>>;
export function workerStage<In, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>>(
  op1: (flow: Flow<In>) => B, op2: (flow: B) => C, op3: (flow: C) => D, op4: (flow: D) => E,
): WorkerStage<In, FlowElement<E>>;
export function workerStage<In, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>>(
  op1: (flow: Flow<In>) => B, op2: (flow: B) => C, op3: (flow: C) => D, op4: (flow: D) => E, op5: (flow: E) => F,
): WorkerStage<In, FlowElement<F>>;
export function workerStage(...operators: PipeStep[]): WorkerStage<unknown, unknown>;
export function workerStage(...operators: PipeStep[]): WorkerStage<unknown, unknown> {
  if (operators.length === 0) throw typeError('ERR_GENSTAGE_INVALID_TYPE', 'workerStage: expected at least one operator (map, flatMap, reduce...)');
  const probe = new Flow<unknown>({ source: { kind: 'iterables', sources: [[]] }, layers: [newLayer('worker')], clock: undefined });
  const flow = probe.pipe(...operators);
  const layers = planOf(flow).layers;
  const layer = layers[0] as LayerSpec;
  if (layers.length !== 1 || layer.head !== undefined || layer.departitioned === true) {
    throw typeError(
      'ERR_GENSTAGE_INVALID_TOPOLOGY',
      `workerStage: its operators must run in one stage; ${(layers[1] ?? layer).name} adds a stage ` +
        `(partition, shuffle, batch, rateLimit, departition and takeSort after a reducer go around inWorkers, in the parent's flow)`,
    );
  }
  if (layer.worker !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', 'workerStage: inWorkers cannot be nested inside a worker stage');
  return {
    [WORKER_STAGE]: (init: WorkerStageInit, host: WorkerStageHost) => new WorkerStageEngine(layer, init, host),
  };
}

/**
 * The work of one worker stage, inside the worker: for each batch the mappers
 * before the reducer, the reducer with its window and triggers, the mappers after
 * it; the same steps as the parent's map-reducer stage, minus the head (which stays
 * in the parent). Each method returns the events to emit.
 * @internal
 */
export class WorkerStageEngine {
  readonly stateful: boolean;
  private readonly pre: BatchFn[];
  private readonly post: BatchFn[];
  private readonly windows: WindowState | undefined;
  /** One key per producer of the parent stage (a fixed window's watermarks are per producer). */
  private readonly producers = new Map<number, Subscription>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(layer: LayerSpec, init: WorkerStageInit, private readonly host: WorkerStageHost) {
    this.pre = layer.pre.map((make) => make());
    this.post = layer.post.map((make) => make());
    this.stateful = layer.reducer !== undefined;
    if (layer.reducer !== undefined) {
      const windowHost: WindowHost = {
        partition: { index: init.index, count: init.count },
        producers: init.producers,
        sendAfter: (message, ms) => this.sendAfter(message, ms),
        // Inside the worker thread: that thread's logger (the parent's runtime is not here).
        warn: (message) => getLogger().warn(message),
      };
      this.windows = WindowState.create(layer.reducer, layer.onTrigger, layer.window ?? Window.global(), windowHost);
    }
  }

  private sendAfter(message: unknown, ms: number): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.host.schedule(() => {
        const out: unknown[] = [];
        if (this.windows?.onTimer(message, out) !== true || out.length === 0) return undefined;
        const r = this.emit(out);
        return r instanceof Promise ? r.then((xs) => this.host.emit(xs)) : this.host.emit(r);
      });
    }, ms);
    this.timers.add(timer);
    return () => {
      if (this.timers.delete(timer)) clearTimeout(timer);
    };
  }

  private key(id: number): Subscription {
    let key = this.producers.get(id);
    if (key === undefined) {
      key = { id } as unknown as Subscription;
      this.producers.set(id, key);
    }
    return key;
  }

  subscribe(id: number): void {
    this.windows?.addProducer(this.key(id));
  }

  batch(id: number, events: unknown[]): unknown[] | Promise<unknown[]> {
    const mapped = this.pre.length === 0 ? events : runOps(this.pre, events);
    if (mapped instanceof Promise) return mapped.then((ys) => this.reduce(ys, id));
    return this.reduce(mapped, id);
  }

  private reduce(events: unknown[], id: number): unknown[] | Promise<unknown[]> {
    const windows = this.windows;
    if (windows === undefined) return this.post.length === 0 ? events : runOps(this.post, events);
    const out: unknown[] = [];
    windows.feed(events, this.key(id), out);
    return this.emit(out);
  }

  private emit(out: unknown[]): unknown[] | Promise<unknown[]> {
    if (out.length === 0 || this.post.length === 0) return out;
    return runOps(this.post, out);
  }

  /** A producer ended normally. */
  cancel(id: number): unknown[] | Promise<unknown[]> {
    const out: unknown[] = [];
    this.windows?.removeProducer(this.key(id), out);
    this.producers.delete(id);
    return this.emit(out);
  }

  /** Every producer ended: `'done'` fires for the open windows; no timer fires after. */
  finish(): unknown[] | Promise<unknown[]> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const out: unknown[] = [];
    this.windows?.finish(out);
    const r = this.emit(out);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    return r;
  }
}
