import { typeError } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Stage } from '../stage/handle.js';
import type { ProducerConsumer } from '../stage/producer-consumer.js';
import type { Subscription } from '../stage/subscription.js';
import type { Window } from './window.js';
import type { PushBounds, SourceShape } from '../io/source.js';

/**
 * The plan behind a `Flow`: what to start, layer by layer. Nothing here runs; the
 * plan is compiled into stages by `materialize.ts` when the flow is consumed.
 *
 * A layer is a group of `stages` identical stages. Each runs, for every batch it
 * receives: its head (plain, a departition, a join tag, a batcher, a rate limiter),
 * the fused mappers before the reducer (`pre`), the reducer and its window, then the
 * mappers after the reducer (`post`) on what the triggers emit.
 * @internal
 */

/** One fused operator: a loop over the whole batch. May return a Promise (an async mapper). */
export type BatchFn = (events: unknown[]) => unknown[] | Promise<unknown[]>;
/** Makes a fresh `BatchFn` for one stage (so per-stage state, like uniq's seen set, is not shared). */
export type OpFactory = () => BatchFn;

/** How the stages of the previous layer route events into this one. */
export type Routing =
  /** `maxAsk`: the most a consumer asks at once, when it asks by hand (a stage layer) rather than `maxDemand`. */
  | { readonly kind: 'demand'; readonly maxAsk?: number }
  | { readonly kind: 'partition'; readonly hash: (event: unknown) => readonly [unknown, number] | null }
  /** By key: `index(event)` is the partition (the fast path, no pair per event). */
  | { readonly kind: 'key'; readonly index: (event: unknown) => number }
  /**
   * Stage i of the previous layer feeds stage i of this one only, so what a
   * partition holds stays in that partition (the layer has as many stages). When
   * the previous layer is left out when compiling, this layer takes its routing.
   */
  | { readonly kind: 'aligned'; readonly maxAsk?: number };

export interface ReducerSpec {
  readonly init: () => unknown;
  /** `reduce`: the next accumulator. */
  readonly step: ((event: unknown, acc: unknown) => unknown) | undefined;
  /** `emitAndReduce`: events to emit now and the next accumulator. */
  readonly emitStep: ((event: unknown, acc: unknown) => readonly [readonly unknown[], unknown]) | undefined;
  /** Where it came from, for error messages. */
  readonly name: string;
}

export type OnTriggerFn = (acc: unknown, partition: PartitionInfo, window: WindowInfo) => readonly [readonly unknown[], unknown];

/** Which stage of its layer a reducer runs in. */
export interface PartitionInfo {
  readonly index: number;
  readonly count: number;
}

/** The trigger name: `'done'`, `'watermark'`, `{ every: n }`, `{ periodically: [n, unit] }`, or a custom trigger's name. */
export type TriggerName = 'done' | 'watermark' | { readonly every: number } | { readonly periodically: readonly [number, TimeUnit] } | unknown;

/** What fired: the window's type and id, and the trigger. */
export interface WindowInfo {
  readonly type: 'global' | 'count' | 'periodic' | 'fixed';
  /** `'global'`; 0, 1, 2... for count and periodic windows; the window's start in ms for fixed windows. */
  readonly id: 'global' | number;
  readonly trigger: TriggerName;
}

export type TimeUnit = 'millisecond' | 'second' | 'minute' | 'hour';

/** What a head (the first step of a stage) needs from its stage. */
export interface HeadHost {
  readonly index: number;
  readonly count: number;
  readonly clock: Clock;
  /** Calls the head's `onInfo(message)` after `ms`; cancelled when the stage stops. */
  sendAfter(message: unknown, ms: number): () => void;
  /** Manual demand (heads with `manual: true`). */
  ask(from: Subscription, count: number): void;
  /** Events this stage holds for downstream, not yet delivered. */
  bufferedCount(): number;
  /**
   * This stage wants no more input (`take`): every stage of the flow that feeds it
   * stops (`'shutdown'`), so sources are no longer read and external stages see
   * their subscription go; this stage then finishes as if its input had ended.
   */
  stopInput(): void;
}

/**
 * The first step of a stage, before the mappers: turns what arrives (and timers)
 * into the events the rest of the stage processes.
 */
export interface Head {
  /** True when the head asks for demand itself (`HeadHost.ask`). */
  readonly manual?: boolean;
  onSubscribe?(from: Subscription): void;
  onCancel?(from: Subscription): void;
  input(events: unknown[], from: Subscription): unknown[] | undefined;
  onInfo?(message: unknown): unknown[] | undefined;
  /** Every producer has ended: what is still held goes out now (or, with `pending`, later). */
  flush(): unknown[] | undefined;
  /** True while the head still holds events it will release later (a rate limiter). */
  pending?(): boolean;
  /** The stage is stopping: release what the head holds (listeners). */
  close?(): void;
}

export interface HeadSpec {
  readonly name: string;
  create(host: HeadHost): Head;
}

export interface LayerSpec {
  readonly name: string;
  readonly stages: number;
  readonly maxDemand: number;
  readonly minDemand: number | undefined;
  readonly routing: Routing;
  readonly window: Window<unknown> | undefined;
  readonly head: HeadSpec | undefined;
  readonly pre: readonly OpFactory[];
  readonly reducer: ReducerSpec | undefined;
  readonly onTrigger: OnTriggerFn | undefined;
  readonly post: readonly OpFactory[];
  /** Set by `departition`: the layer's triggers emit envelopes for the departition stage. */
  readonly departitioned?: boolean;
  /**
   * Set by `supervise`: each stage of the layer is this producer-consumer instead of
   * a map-reducer (so the layer has no head, mappers, reducer or window of its own).
   */
  readonly stage?: StageLayerSpec;
  /** Set by `inWorkers`: each stage sends its batches (after `pre`) to a worker thread; `post` runs on what comes back. */
  readonly worker?: WorkerLayerSpec;
}

/** A layer whose stages are producer-consumers made by an operator (`supervise`). */
export interface StageLayerSpec {
  /**
   * A fresh stage for partition `index` of `count`, fed by `producers` stages; it
   * exits `'normal'` once all of them have ended normally and it has emitted all it
   * holds, and with the reason of the first that exits abnormally.
   */
  create(index: number, count: number, producers: number): ProducerConsumer<unknown, unknown>;
}

/**
 * How the stages of a layer run their work in worker threads (`inWorkers`). The
 * workers layer makes it; a flow stage only calls `create` and talks to the port, so
 * flow/ does not depend on worker threads.
 */
export interface WorkerLayerSpec {
  /** Names the worker target in errors (`work.mjs#fn`). */
  readonly label: string;
  /** The client of one stage of the layer (`index` of `count`, fed by `producers` stages). */
  create(init: { readonly index: number; readonly count: number; readonly producers: number }, host: LayerWorkerHost): LayerWorkerPort;
}

/** What a worker stage's client needs from its stage. */
export interface LayerWorkerHost {
  readonly clock: Clock;
  /** Output has arrived while the stage was not waiting for it: call `takeOutput()` in the stage's turn. */
  output(): void;
  /** The worker failed and is not restarted: the stage stops with `reason`. */
  crash(reason: unknown): void;
}

/** The stage's side of its worker (`LayerWorker` implements it). */
export interface LayerWorkerPort {
  /** Starts the thread; rejects if the module or export is wrong. */
  start(): Promise<void>;
  subscribe(from: Subscription): void;
  /** Sends a batch; a promise while the stage must wait for a reply first. */
  submit(events: unknown[], from: Subscription | null): Promise<void> | undefined;
  /** What has come back so far, in the worker's order. */
  takeOutput(): unknown[];
  cancel(from: Subscription): Promise<void>;
  finish(): Promise<void>;
  close(): Promise<void>;
}

export interface FlowInput {
  readonly plan: Plan;
  /** How this input's last stages route into the first layer (overrides the layer's routing). */
  readonly routing: Routing | undefined;
  /** Given to the subscription (`from.options.side`), so a join knows the side. */
  readonly side: 'left' | 'right' | undefined;
}

export type SourceSpec =
  | { readonly kind: 'iterables'; readonly sources: readonly (Iterable<unknown> | AsyncIterable<unknown>)[] }
  /** `Flow.from(source)`: a stage per run from the io source opener; `bounds` for an observable. */
  | { readonly kind: 'source'; readonly shape: SourceShape; readonly bounds: PushBounds | undefined }
  | { readonly kind: 'stages'; readonly stages: readonly Stage<unknown>[] }
  | { readonly kind: 'flows'; readonly inputs: readonly FlowInput[] }
  | { readonly kind: 'through'; readonly plan: Plan; readonly stages: readonly ThroughEntry[] };

export interface ThroughEntry {
  readonly stage: Stage<unknown>;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface Plan {
  readonly source: SourceSpec;
  /** Never empty: `Flow.from` makes the first layer. */
  readonly layers: readonly LayerSpec[];
  readonly clock: Clock | undefined;
  /** The runtime of the flow's stages (`Flow.from`'s option); a plan without one takes its inputs'. */
  readonly runtime?: Runtime | undefined;
}

export const DEFAULT_MAX_DEMAND = 1000;

export function newLayer(name: string, fields: Partial<LayerSpec> = {}): LayerSpec {
  return {
    name,
    stages: 1,
    maxDemand: DEFAULT_MAX_DEMAND,
    minDemand: undefined,
    routing: { kind: 'demand' },
    window: undefined,
    head: undefined,
    pre: [],
    reducer: undefined,
    onTrigger: undefined,
    post: [],
    ...fields,
  };
}

/** A layer that does nothing but pass events on (it can be left out when compiling). */
export function isPassThrough(layer: LayerSpec): boolean {
  return (
    layer.head === undefined && layer.pre.length === 0 && layer.reducer === undefined &&
    layer.onTrigger === undefined && layer.post.length === 0 && layer.departitioned !== true && layer.worker === undefined &&
    layer.stage === undefined
  );
}

/** Throws when `layer` has a window and nothing in it that uses one (before `next` closes it). */
export function checkWindowUsed(layer: LayerSpec, next: string): void {
  if (layer.window === undefined || layer.reducer !== undefined || layer.worker !== undefined || layer.stage !== undefined || layer.head !== undefined) return;
  throw typeError(
    'ERR_GENSTAGE_INVALID_TOPOLOGY',
    `window: the window of the ${layer.name} stage has no reducer after it (reduce, groupBy, countByKey...), so it would change nothing; add the reducer before ${next}, or remove the window`,
  );
}

export const UNIT_MS: Readonly<Record<TimeUnit, number>> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
};
