import { typeError } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import { checkRuntimeOption, type Runtime } from '../runtime/runtime.js';
import { show } from '../runtime/validate.js';
import { Stage } from '../stage/handle.js';
import type { Dispatcher } from '../stage/dispatcher.js';
import { checkClockOption } from '../stage/options.js';
import { FlowIterator, runToSink, startExit, type SinkOptions } from './ends.js';
import { joinPlan, type JoinFunction, type JoinMode } from './join.js';
import { newLayer, type LayerSpec, type Plan } from './plan.js';
import { checkLayerOptions, partitionRouting, type LayerOptions } from './routing.js';
import type { ObservableLike, ReadableStreamLike } from './sources.js';
import { PUSH_OPTION_KEYS, checkPushOptions, classifySource } from '../io/source.js';
import type { Overflow, OverflowOptions } from '../io/push-queue.js';
import { Window } from './window.js';
import { isOneShot, markOneShot } from './one-shot.js';
import type { PipeChain, PipeResult, PipeStep } from './pipe-types.js';
import { symbolObservable } from '../io/observable.js';
import { observe, type FlowObservable } from './observe.js';
import { checkEntries, checkStartOptions, startInto, type StageEntry } from './stage-entries.js';

/** A step of a flow: takes a flow, returns a new one (the first is unchanged). */
export type FlowOperator<In, Out> = (flow: Flow<In>) => Flow<Out>;

/** Options of `Flow.from` and `Flow.fromStages`. */
export interface FromOptions<T = unknown> extends LayerOptions<T>, OverflowOptions {
  /** The clock of every stage of the flow (timers, windows, rate limits). Default: the system clock; a `VirtualClock` in tests. */
  clock?: Clock;
  /**
   * The runtime of every stage of the flow (the scheduler that runs them, the logger
   * they report to). Default: `Runtime.default`.
   */
  runtime?: Runtime;
  /**
   * An observable source only (it cannot be slowed down): most values held beyond what
   * the flow has asked for. Default 1000. Any other source is read as demand comes,
   * and these options are an error there.
   */
  bufferSize?: number;
  /**
   * An observable source only: what a full buffer does with one more value. Default
   * `'error'`: the flow fails with a `BufferOverflowError` (`'drop-oldest'` and
   * `'drop-newest'` thin the input instead, counting each drop for `onDrop`).
   */
  overflow?: Overflow;
}

/** Options of `Flow.merge`: a layer, routed by `key`/`hash` when given, else by demand. */
export interface MergeOptions<T = unknown> extends LayerOptions<T> {
  key?: (event: T) => unknown;
  hash?: (event: T) => readonly [T, number] | null;
}

/** Set by Flow's static block: reads the private plan (for `planOf`). */
let readPlan: (flow: Flow<unknown>) => Plan;

/**
 * A lazy, composable plan of stages: nothing runs until the flow is consumed
 * (`toArray`, `run`, `for await`, subscribing to it as an observable, `start`,
 * `intoStages`), and each consumption starts a fresh set of stages.
 *
 * A flow is built from a source (`Flow.from`, `Flow.fromStages`, `Flow.merge`, the
 * joins) and operators given to `pipe`. Consecutive mappers (`map`, `filter`,
 * `flatMap`...) run fused in one stage, each a loop over the batch. `partition`,
 * `shuffle`, `merge`, `departition`, `batch`, `rateLimit` and the joins add a layer of
 * stages; a reducer (`reduce`, `groupBy`...) runs in every stage of its layer, per
 * window, and emits at each trigger.
 *
 * Events travel in batches with demand-driven back-pressure: each stage asks its
 * producers for at most `maxDemand` (1000) events and asks again when half are
 * done. Order is kept from one stage to the next; nothing is promised across
 * stages or partitions (with `stages: 1` everywhere, the output keeps input order).
 *
 * An error in any operator fails the whole flow: every stage stops, their timers
 * are cleared, and `toArray`/`run` reject (the loop of `for await` throws) with it.
 *
 * ## Example
 * ```ts
 * const counts = await Flow.from(['roses are red', 'violets are blue'])
 *   .pipe(
 *     flatMap((line: string) => line.split(' ')),
 *     partition({ stages: 2 }),
 *     reduce(() => new Map<string, number>(), (word, acc) => acc.set(word, (acc.get(word) ?? 0) + 1)),
 *   )
 *   .toArray(); // [['roses', 1], ['are', 2], ...] in no particular order
 * ```
 */
export class Flow<T> {
  /** What the flow runs; read by the library through `planOf` (not a public member). */
  readonly #plan: Plan;

  /** @internal Flows are made by `Flow.from`, `Flow.fromStages`, `Flow.merge`, the joins and `pipe`. */
  constructor(plan: Plan) {
    this.#plan = plan;
  }

  static {
    readPlan = (flow) => flow.#plan;
  }

  /**
   * A flow over `source`: an array, an iterable, an async iterable, an observable
   * (`Symbol.observable`/`'@@observable'` or `subscribe`), a `ReadableStream`, or a
   * running stage. Iterables are read as demand comes (an async one is awaited item
   * by item, and what it has given goes out as soon as a `next()` has to wait, so a
   * slow source is not held back to fill the demand; a `ReadableStream` one chunk per
   * unit of demand); an observable cannot be slowed, so what it pushes early waits in
   * a queue bounded by `bufferSize` (1000), and `overflow` (`'error'`) says what one
   * more value does (the same producers as `fromObservable` and `fromReadableStream`).
   * `stages` (default 1) is the number of stages that run the operators that
   * follow, up to the first `partition`.
   *
   * @param source what to read.
   * @param options `stages`, `maxDemand`, `minDemand`, `window`, `clock`, `runtime`; for an observable also `bufferSize`, `overflow`, `onDrop`.
   */
  static from<T>(
    source: readonly T[] | Iterable<T> | AsyncIterable<T> | ObservableLike<T> | ReadableStreamLike<T> | Stage<T>,
    options: FromOptions<T> = {},
  ): Flow<T> {
    if (source instanceof Flow) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `Flow.from: got a Flow; pipe it directly, or combine flows with Flow.merge`);
    if (source instanceof Stage) {
      if (source.kind === 'consumer') throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `Flow.from: ${source.name} is a consumer; expected the source to be a producer or producer-consumer stage`);
      return Flow.fromStages([source], options);
    }
    const shape = classifySource(source);
    if (shape === undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `Flow.from: expected an array, iterable, async iterable, observable, ReadableStream or Stage as the source, got: ${show(source)}`);
    }
    // Only a push source (an observable) has a queue to bound.
    const push = shape.kind === 'observable';
    const o = checkLayerOptions('Flow.from', options, push ? [...PLACE_KEYS, ...PUSH_OPTION_KEYS] : PLACE_KEYS);
    const bounds = push ? checkPushOptions(o) : undefined;
    if (isOneShot(source)) markOneShot(source as object);
    return new Flow<T>({ source: { kind: 'source', shape, bounds }, layers: [fromLayer(o)], ...placeOf(o) });
  }

  /**
   * A flow over running producer stages (not owned by the flow: it subscribes to
   * them and does not stop them). The flow ends when every one of them has exited
   * normally (`'normal'`, `'shutdown'`, `{ shutdown }`); any other exit fails it.
   */
  static fromStages<T>(stages: readonly Stage<T>[], options: FromOptions<T> = {}): Flow<T> {
    if (!Array.isArray(stages) || stages.length === 0 || !stages.every((s) => s instanceof Stage)) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `Flow.fromStages: expected stages to be a non-empty array of stages, got: ${show(stages)}`);
    }
    const consumer = stages.find((s) => s.kind === 'consumer');
    if (consumer !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `Flow.fromStages: ${consumer.name} is a consumer; expected stages to be producers or producer-consumers`);
    const o = checkLayerOptions('Flow.fromStages', options, PLACE_KEYS);
    return new Flow<T>({ source: { kind: 'stages', stages: [...stages] as Stage<unknown>[] }, layers: [fromLayer(o)], ...placeOf(o) });
  }

  /**
   * Merges the output of `flows` into a new layer of `stages` stages: by demand,
   * or by `key`/`hash` as `partition` does. No order between the flows.
   */
  static merge<T>(flows: readonly Flow<T>[], options: MergeOptions<T> = {}): Flow<T> {
    if (!Array.isArray(flows) || flows.length === 0 || !flows.every((f) => f instanceof Flow)) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `Flow.merge: expected flows to be a non-empty array of flows, got: ${show(flows)}`);
    }
    const o = checkLayerOptions('Flow.merge', options, ['key', 'hash']);
    const routing = o.key !== undefined || o.hash !== undefined ? partitionRouting(o.stages, o.key, o.hash) : ({ kind: 'demand' } as const);
    const layer = newLayer('merge', { stages: o.stages, maxDemand: o.maxDemand, minDemand: o.minDemand, window: o.window, routing });
    return new Flow<T>({
      source: { kind: 'flows', inputs: flows.map((f) => ({ plan: readPlan(f), routing: undefined, side: undefined })) },
      layers: [layer],
      clock: undefined,
    });
  }

  /**
   * Joins two flows on a key, over all of their input (one global window): each
   * left event is paired with every right event of the same key, `join(left,
   * right)` emitted as soon as both are there. Outer modes also emit the events that
   * found no match, with `null` for the missing side, once the input has ended.
   * Every event is kept until the end: memory grows with the input.
   *
   * @param mode `'inner' | 'leftOuter' | 'rightOuter' | 'fullOuter'`.
   * The types follow the mode: in `'inner'` both sides of `join` are there, in
   * `'leftOuter'` the right one may be `null`, in `'rightOuter'` the left one.
   *
   * @param options `stages` (default 1: the join is partitioned by key), `maxDemand`, `minDemand`.
   */
  static boundedJoin<L, R, K, O, M extends JoinMode = JoinMode>(
    mode: M,
    left: Flow<L>,
    right: Flow<R>,
    leftKey: (event: L) => K,
    rightKey: (event: R) => K,
    join: JoinFunction<M, L, R, O>,
    options: LayerOptions = {},
  ): Flow<O> {
    return new Flow<O>(joinPlan('boundedJoin', mode, checkedPlanOf('boundedJoin', 'left', left), checkedPlanOf('boundedJoin', 'right', right), Window.global(), leftKey, rightKey, join, options));
  }

  /**
   * As `boundedJoin`, per window: events of the two sides meet only within the same
   * window (for fixed windows `window`'s `by` is applied to the raw event of either
   * side), and the unmatched events of outer modes go out when the window is done.
   * `join`'s sides are nullable by mode, as in `boundedJoin`.
   */
  static windowJoin<L, R, K, O, M extends JoinMode = JoinMode>(
    mode: M,
    left: Flow<L>,
    right: Flow<R>,
    window: Window<L | R>,
    leftKey: (event: L) => K,
    rightKey: (event: R) => K,
    join: JoinFunction<M, L, R, O>,
    options: LayerOptions = {},
  ): Flow<O> {
    return new Flow<O>(joinPlan('windowJoin', mode, checkedPlanOf('windowJoin', 'left', left), checkedPlanOf('windowJoin', 'right', right), window as Window<unknown>, leftKey, rightKey, join, options));
  }

  pipe(): this;
  pipe<A extends Flow<unknown>>(op1: (flow: this) => A): A;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>>(op1: (flow: this) => A, op2: (flow: A) => B): B;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C,
  ): C;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D,
  ): D;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E,
  ): E;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E, op6: (flow: E) => F,
  ): F;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>, G extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E, op6: (flow: E) => F, op7: (flow: F) => G,
  ): G;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>, G extends Flow<unknown>, H extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E, op6: (flow: E) => F, op7: (flow: F) => G, op8: (flow: G) => H,
  ): H;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>, G extends Flow<unknown>, H extends Flow<unknown>, I extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E, op6: (flow: E) => F, op7: (flow: F) => G, op8: (flow: G) => H, op9: (flow: H) => I,
  ): I;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>, G extends Flow<unknown>, H extends Flow<unknown>, I extends Flow<unknown>, J extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E, op6: (flow: E) => F, op7: (flow: F) => G, op8: (flow: G) => H, op9: (flow: H) => I, op10: (flow: I) => J,
  ): J;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>, G extends Flow<unknown>, H extends Flow<unknown>, I extends Flow<unknown>, J extends Flow<unknown>, K extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E, op6: (flow: E) => F, op7: (flow: F) => G, op8: (flow: G) => H, op9: (flow: H) => I, op10: (flow: I) => J, op11: (flow: J) => K,
  ): K;
  pipe<A extends Flow<unknown>, B extends Flow<unknown>, C extends Flow<unknown>, D extends Flow<unknown>, E extends Flow<unknown>, F extends Flow<unknown>, G extends Flow<unknown>, H extends Flow<unknown>, I extends Flow<unknown>, J extends Flow<unknown>, K extends Flow<unknown>, L extends Flow<unknown>>(
    op1: (flow: this) => A, op2: (flow: A) => B, op3: (flow: B) => C, op4: (flow: C) => D, op5: (flow: D) => E, op6: (flow: E) => F, op7: (flow: F) => G, op8: (flow: G) => H, op9: (flow: H) => I, op10: (flow: I) => J, op11: (flow: J) => K, op12: (flow: K) => L,
  ): L;
  /** Past twelve operators: the types of the operators are not inferred from the flow, but each must take the flow the one before it gives. */
  pipe<const Steps extends readonly PipeStep[]>(...ops: PipeChain<this, Steps>): PipeResult<this, Steps>;
  /** Applies `ops` in order; returns the new flow (this one is unchanged). */
  pipe(...ops: ((flow: never) => unknown)[]): unknown {
    let flow = this as Flow<unknown>;
    for (const op of ops) {
      if (typeof op !== 'function') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `pipe: expected operators (functions), got: ${show(op)}`);
      flow = (op as (flow: Flow<unknown>) => Flow<unknown>)(flow);
      if (!(flow instanceof Flow)) throw typeError('ERR_GENSTAGE_INVALID_RETURN', `pipe: an operator returned ${show(flow)} instead of a Flow`);
    }
    return flow;
  }

  /** Runs the flow and resolves with all it emits (in order with `stages: 1` throughout). Rejects with the first error. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    await runToSink(this.#plan, (events) => {
      for (let i = 0; i < events.length; i++) out.push(events[i] as T);
    });
    return out;
  }

  /** Runs the flow for its side effects and keeps none of its output. Resolves when every stage has ended. */
  run(): Promise<void> {
    return runToSink(this.#plan, () => {});
  }

  /**
   * Iterates over the flow's output. Demand follows the loop: a slow loop slows the
   * flow. Breaking out stops every stage; an error in the flow is thrown by the loop.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new FlowIterator<T>(this.#plan, {});
  }

  /** As `for await`, with the sink's own demand (`maxDemand`, `minDemand`). */
  iterate(options: SinkOptions = {}): AsyncIterable<T> {
    const o = checkLayerOptions('iterate', options);
    const sink: SinkOptions = { maxDemand: o.maxDemand };
    if (o.minDemand !== undefined) sink.minDemand = o.minDemand;
    return { [Symbol.asyncIterator]: () => new FlowIterator<T>(this.#plan, sink) };
  }

  /** As `'@@observable'`, under `Symbol.observable` where it is defined (typed for RxJS's `from`). */
  declare [Symbol.observable]: () => FlowObservable<T>;

  /**
   * The flow as an observable (RxJS's `from(flow)` accepts it). Each `subscribe`
   * runs the flow; `unsubscribe` stops it. Events are pushed as they come.
   */
  '@@observable'(): FlowObservable<T> {
    return observe<T>(this.#plan);
  }

  /**
   * Starts the flow's stages and resolves with a producer stage (a producer-consumer
   * that merges the flow's output) for other stages to subscribe to. Nothing is read
   * from the flow's sources before its first subscriber arrives: the flow connects
   * then, and from there on runs at the pace of its subscribers' demand (a consumer
   * that subscribes later gets what is left; with a `BroadcastDispatcher`, use
   * `intoStages` to have every consumer see every event). The stage exits `'normal'`
   * when the flow ends, or with the flow's error; an error nobody observes (no
   * subscriber, nobody read `done`) is logged, and a stage that subscribes to it
   * afterwards is told that error.
   */
  start(options: { dispatcher?: Dispatcher<T>; name?: string } = {}): Promise<Stage<T>> {
    const o = checkStartOptions(options);
    return startExit(this.#plan, o.dispatcher, o.name, true).then(({ exit }) => exit as Stage<T>);
  }

  /**
   * Starts the flow (as `start`) and subscribes `consumers` to it, each with its
   * options (`{ to: stage, ...options }`); resolves with the flow's exit stage.
   * Every consumer is subscribed before the first event leaves, so with a
   * `BroadcastDispatcher` each of them receives the whole flow.
   *
   * ## Example
   * ```ts
   * await Flow.from([1, 2, 3]).intoStages([x, y], { dispatcher: new BroadcastDispatcher() }); // x and y each get [1, 2, 3]
   * ```
   */
  intoStages(consumers: readonly StageEntry[], options: { dispatcher?: Dispatcher<T>; name?: string } = {}): Promise<Stage<T>> {
    return startInto<T>(this.#plan, checkEntries('intoStages', consumers, 'producer'), checkStartOptions(options));
  }

  /**
   * Sends the flow's output through running producer-consumer `stages` (each
   * subscribes to the flow with its options) and continues with their output. The
   * flow subscribes to them as to `fromStages` sources.
   */
  throughStages<U>(stages: readonly StageEntry[], options: LayerOptions<U> = {}): Flow<U> {
    const entries = checkEntries('throughStages', stages);
    const o = checkLayerOptions('throughStages', options);
    return new Flow<U>({
      source: { kind: 'through', plan: this.#plan, stages: entries },
      layers: [newLayer('through', { stages: o.stages, maxDemand: o.maxDemand, minDemand: o.minDemand, window: o.window })],
      clock: undefined,
    });
  }
}

// Where the runtime defines `Symbol.observable`, it names the same method as `'@@observable'`.
if (symbolObservable !== undefined) {
  Object.defineProperty(Flow.prototype, symbolObservable, Object.getOwnPropertyDescriptor(Flow.prototype, '@@observable')!);
}

function checkedPlanOf(where: string, side: 'left' | 'right', flow: unknown): Plan {
  if (!(flow instanceof Flow)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: expected ${side} to be a Flow, got: ${show(flow)}`);
  return readPlan(flow);
}

/** @internal Checks the options of `Flow.from`/`Flow.fromStages` (also for `throughFlow`, at its call). */
export function checkFromOptions(where: string, options: unknown): ReturnType<typeof checkLayerOptions> {
  const o = checkLayerOptions(where, options, PLACE_KEYS);
  placeOf(o);
  return o;
}

/** The options of `Flow.from`/`Flow.fromStages` that say where the flow's stages run: on which clock and runtime. */
const PLACE_KEYS: readonly string[] = ['clock', 'runtime'];

/** Checks `clock` and `runtime` of `Flow.from`/`Flow.fromStages` options (undefined: the defaults, or the inputs'). */
function placeOf(o: Record<string, unknown>): { clock: Clock | undefined; runtime: Runtime | undefined } {
  return { clock: checkClockOption(o.clock), runtime: checkRuntimeOption(o.runtime) };
}

function fromLayer(o: { stages: number; maxDemand: number; minDemand: number | undefined; window: Window<unknown> | undefined }): LayerSpec {
  return newLayer('from', { stages: o.stages, maxDemand: o.maxDemand, minDemand: o.minDemand, window: o.window });
}

// ------------------------------------------------------------ for operators

/**
 * @internal The plan of `flow`, for the library's operators, ends and interop (a flow's
 * plan is not a public member). Not exported from the package.
 */
export function planOf(flow: Flow<unknown>): Plan {
  return readPlan(flow);
}
