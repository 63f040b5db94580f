import { GenStage } from '../io/gen-stage.js';
import { startBuiltIterable } from '../io/from-iterable.js';
import type { Stage } from '../stage/handle.js';
import type { SubscribeOptions } from '../stage/types.js';
import type { Dispatcher } from '../stage/dispatcher.js';
import { DemandDispatcher } from '../stage/demand-dispatcher.js';
import { PartitionDispatcher } from '../dispatchers/partition.js';
import { isNormalReason, StageExitError } from '../runtime/reason.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { Runtime } from '../runtime/runtime.js';
import { MapReducerStage } from './map-reducer.js';
import { claimIterable, claimStage } from './one-shot.js';
import { KeyDispatcher } from './key-dispatcher.js';
import { abortStage, monitorStage, startBuiltStage, subscribeBuilt, whenExited } from '../core/internal.js';
import { startSource } from '../io/source.js';
import { DEFAULT_MAX_DEMAND, checkWindowUsed, isPassThrough, newLayer, type LayerSpec, type Plan, type Routing } from './plan.js';

/**
 * Compiling a plan into running stages, and the `FlowRun` that owns them.
 *
 * Every stage is started first with no subscription; then the subscriptions are
 * made from the last stage back to the sources, so nothing produces before its
 * whole path downstream exists (and no short stage can end before its consumer
 * has subscribed).
 *
 * The stages the flow makes itself (an iterable's producer, a layer's map-reducer
 * without workers, the sink) start without `GenStage.start`'s checks and without
 * waiting for each `init` (`startBuiltStage`), and when every link is between such
 * stages they are all sent in one go (`subscribeBuilt`): each is a message behind the
 * consumer's `init`, the consumers' `init`s are synchronous and on one scheduler,
 * and the scheduler runs processes in the order their mail arrived, so every consumer
 * has subscribed (sent its subscription upstream) before the stage it subscribes to
 * has handled its own subscription, let alone received an event. A short flow thus
 * starts in one pass of the scheduler (issue 14, short flows).
 * @internal
 */

/** The stages of one flow, started together, stopped together. */
export class FlowRun {
  readonly stages: Stage<unknown>[] = [];
  /** The subscriptions between the flow's stages (set once built), to find what feeds a stage. */
  links: readonly Link[] = [];
  /** The stages started with `startBuiltStage` (see above); links between two of them are sent in one go. */
  readonly built = new Set<Stage<unknown>>();
  private failure: { reason: unknown } | undefined;
  private aborted = false;
  /** How many of the owned stages have exited, and who waits for all of them (`whenExited`). */
  private exits = 0;
  private exitWaiters: (() => void)[] | undefined;
  /** True once a stage was adopted (not watched): `whenExited` then waits on each stage. */
  private adopted = false;

  constructor(
    readonly clock: Clock,
    /** The runtime every stage of the flow starts on. */
    readonly runtime: Runtime = Runtime.default,
  ) {}

  /** The first abnormal exit of any stage of the flow, if any. */
  get error(): { reason: unknown } | undefined {
    return this.failure;
  }

  own(stage: Stage<unknown>): void {
    this.stages.push(stage);
    monitorStage(stage, this.onExit);
  }

  /** The monitor of every owned stage: one function per run, not a closure per stage (issue 14, short flows). */
  private readonly onExit = (reason: unknown): void => {
    this.exits++;
    if (!isNormalReason(reason)) {
      this.failure ??= { reason };
      this.abort(reason);
    }
    const waiters = this.exitWaiters;
    if (waiters !== undefined && this.exits === this.stages.length) {
      this.exitWaiters = undefined;
      for (const resolve of waiters) resolve();
    }
  };

  /**
   * Adds a stage to stop with the flow, without watching its exit: the flow's exit
   * stage (`start`), whose crash is its own to report (its consumers, `done`, or the
   * logger when nobody looked), and which stops the run itself when it ends.
   */
  adopt(stage: Stage<unknown>): void {
    this.stages.push(stage);
    this.adopted = true;
  }

  /**
   * Stops every stage of the flow with `reason` (their timers go with them). Each stage
   * handles the stop in its own turn, never inside the caller's (a crashing stage's
   * monitor): one blocked in an async callback exits without waiting for it, and what
   * that callback returns afterwards is dropped, not emitted.
   */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const stage of this.stages) if (stage.alive) abortStage(stage, reason);
  }

  /**
   * Stops (`'shutdown'`) every stage of the flow that feeds `stage`, directly or
   * not; stages the flow does not own are left running (their subscriptions end
   * with the stages that held them).
   */
  stopUpstreamOf(stage: Stage<unknown>): void {
    const seen = new Set<Stage<unknown>>();
    const todo = [stage];
    while (todo.length > 0) {
      const consumer = todo.pop()!;
      for (const link of this.links) {
        if (link.consumer !== consumer || seen.has(link.producer)) continue;
        seen.add(link.producer);
        todo.push(link.producer);
      }
    }
    for (const s of this.stages) if (seen.has(s) && s.alive) abortStage(s, 'shutdown');
  }

  /** Resolves once every stage of the flow has exited. */
  whenExited(): Promise<void> {
    if (this.adopted) return Promise.all(this.stages.map((s) => whenExited(s))).then(() => undefined);
    // Every stage is owned, so the run's own monitor counts their exits.
    if (this.exits === this.stages.length) return Promise.resolve();
    return new Promise((resolve) => (this.exitWaiters ??= []).push(resolve));
  }
}

export interface Link {
  consumer: Stage<unknown>;
  producer: Stage<unknown>;
  options: SubscribeOptions;
}

export interface Built {
  /** The stages whose output is the flow's output. */
  group: Stage<unknown>[];
  links: Link[];
}

/** The plan's `clock` or `runtime`: its own, else the first one its inputs have (a merge, a join, a through). */
export function settingOf<K extends 'clock' | 'runtime'>(plan: Plan, key: K): Plan[K] {
  if (plan[key] !== undefined) return plan[key];
  const source = plan.source;
  if (source.kind === 'flows') {
    for (const input of source.inputs) {
      const c = settingOf(input.plan, key);
      if (c !== undefined) return c;
    }
  }
  if (source.kind === 'through') return settingOf(source.plan, key);
  return undefined;
}

export function dispatcherFor(routing: Routing, partitions: number): Dispatcher<unknown> {
  if (routing.kind === 'demand' || routing.kind === 'aligned') return new DemandDispatcher(routing.maxAsk === undefined ? {} : { maxDemand: routing.maxAsk });
  if (routing.kind === 'key') return new KeyDispatcher(partitions, routing.index);
  return new PartitionDispatcher<unknown, number>({ partitions, hash: routing.hash });
}

function subscribeOptions(layer: LayerSpec, index: number, side: 'left' | 'right' | undefined, routing: Routing): SubscribeOptions {
  const options: SubscribeOptions = { maxDemand: layer.maxDemand, cancel: 'temporary' };
  if (layer.minDemand !== undefined) options.minDemand = layer.minDemand;
  if (routing.kind === 'partition' || routing.kind === 'key') options.partition = index;
  if (side !== undefined) options.side = side;
  return options;
}

let flowNames = 1;

/**
 * Starts the stages of `plan`; its last stages get a dispatcher for `out` (how the
 * consumer of the flow wants events routed) into `outCount` consumers.
 */
export async function build(plan: Plan, run: FlowRun, out: Routing, outCount: number): Promise<Built> {
  const flowId = flowNames++;
  const source = plan.source;
  const external = source.kind === 'stages' || source.kind === 'through';
  checkWindowUsed(plan.layers[plan.layers.length - 1] as LayerSpec, 'the end of the flow');
  const layers = compile(plan.layers, external);
  const links: Link[] = [];
  const routingInto = (i: number): Routing => (i < layers.length ? (layers[i] as LayerSpec).routing : out);
  const countOf = (i: number): number => (i < layers.length ? (layers[i] as LayerSpec).stages : outCount);

  // The producers of the first layer (or of the output, when every layer was left out).
  let group: { stage: Stage<unknown>; side: 'left' | 'right' | undefined; routing: Routing }[] = [];
  switch (source.kind) {
    case 'iterables':
      for (const iterable of source.sources) {
        claimIterable(iterable);
        const stage = startBuiltIterable<unknown>(iterable, {
          dispatcher: dispatcherFor(routingInto(0), countOf(0)),
          clock: run.clock,
          runtime: run.runtime,
          name: `flow${flowId}:source#${group.length}`,
        });
        run.own(stage);
        run.built.add(stage);
        group.push({ stage, side: undefined, routing: routingInto(0) });
      }
      break;
    case 'source': {
      const shape = source.shape;
      claimIterable(shape.kind === 'iterable' ? shape.iterable : shape.kind === 'stream' ? shape.stream : shape.observable);
      const options = { dispatcher: dispatcherFor(routingInto(0), countOf(0)), clock: run.clock, runtime: run.runtime, name: `flow${flowId}:source#0` };
      // An iterable's producer is the flow's own (`fromIterable`'s); an observable's or a stream's starts as any stage.
      const stage = shape.kind === 'iterable'
        ? startBuiltIterable(shape.iterable, options)
        : await startSource(shape, { ...options, bounds: source.bounds });
      run.own(stage);
      if (shape.kind === 'iterable') run.built.add(stage);
      group.push({ stage, side: undefined, routing: routingInto(0) });
      break;
    }
    case 'stages':
      for (const stage of source.stages) claimStage(stage);
      group = source.stages.map((stage) => ({ stage, side: undefined, routing: routingInto(0) }));
      break;
    case 'flows':
      for (const input of source.inputs) {
        const routing = input.routing ?? routingInto(0);
        const built = await build(input.plan, run, routing, countOf(0));
        links.push(...built.links);
        for (const stage of built.group) group.push({ stage, side: input.side, routing });
      }
      break;
    case 'through': {
      const inner = await build(source.plan, run, { kind: 'demand' }, 1);
      links.push(...inner.links);
      const exit = await startLayer(newLayer('through'), 0, 1, inner.group.length, run, { kind: 'demand' }, source.stages.length, `flow${flowId}:through`);
      for (const producer of inner.group) links.push({ consumer: exit, producer, options: { cancel: 'temporary' } });
      for (const entry of source.stages) {
        links.push({ consumer: entry.stage, producer: exit, options: { ...entry.options } });
        group.push({ stage: entry.stage, side: undefined, routing: routingInto(0) });
      }
      break;
    }
  }

  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i] as LayerSpec;
    const next: typeof group = [];
    const aligned = layer.routing.kind === 'aligned' && group.length === layer.stages;
    const starts: (Stage<unknown> | Promise<Stage<unknown>>)[] = [];
    for (let index = 0; index < layer.stages; index++) {
      const feeding = aligned ? [group[index]!] : group;
      starts.push(startLayer(layer, index, layer.stages, feeding.length, run, routingInto(i + 1), countOf(i + 1), `flow${flowId}:${layer.name}${i}#${index}`));
    }
    // The stages of a layer start together: a worker layer's threads load at the same
    // time, not one after the other (each takes tens of ms, more on a loaded machine).
    // Every start settles before a failure is thrown, so each stage that did start is
    // owned by the run and stopped with it. No await for a stage the flow started itself
    // (one microtask and promise fewer per layer).
    const stages = starts.some((s) => s instanceof Promise) ? await allStarted(starts) : (starts as Stage<unknown>[]);
    for (let index = 0; index < layer.stages; index++) {
      const feeding = aligned ? [group[index]!] : group;
      const stage = stages[index] as Stage<unknown>;
      for (const producer of feeding) {
        links.push({ consumer: stage, producer: producer.stage, options: subscribeOptions(layer, index, producer.side, producer.routing) });
      }
      next.push({ stage, side: undefined, routing: routingInto(i + 1) });
    }
    group = next;
  }
  return { group: group.map((g) => g.stage), links };
}

/**
 * Leaves out the layers that would only pass events on. The demand a left-out layer
 * asked for (`Flow.from(src, { maxDemand })`) goes to the next layer, unless that
 * one set its own; an `'aligned'` layer after a left-out one takes its routing (it
 * has as many stages), so a partition's events still reach the same partition.
 */
function compile(all: readonly LayerSpec[], external: boolean): LayerSpec[] {
  const layers: LayerSpec[] = [];
  let carried: LayerSpec | undefined;
  all.forEach((original, i) => {
    let layer = original;
    if (carried !== undefined && layer.stage === undefined && layer.maxDemand === DEFAULT_MAX_DEMAND && layer.minDemand === undefined) {
      layer = { ...layer, maxDemand: carried.maxDemand, minDemand: carried.minDemand };
    }
    if (carried !== undefined && layer.routing.kind === 'aligned' && carried.stages === layer.stages) layer = { ...layer, routing: carried.routing };
    // A stage layer asks by hand, up to its maxDemand at once: its producers' demand dispatchers expect that much.
    if (layer.stage !== undefined && (layer.routing.kind === 'demand' || layer.routing.kind === 'aligned')) {
      layer = { ...layer, routing: { kind: layer.routing.kind, maxAsk: layer.maxDemand } };
    }
    carried = undefined;
    // A partition is applied even with nothing after it: its key runs (and may
    // fail), a hash may drop events, and the output comes partition by partition.
    const routed = layer.routing.kind === 'key' || layer.routing.kind === 'partition';
    if (isPassThrough(layer) && !routed && !(i === 0 && external)) carried = layer;
    else layers.push(layer);
  });
  return layers;
}

/** The stages of `starts` in order, once every start has settled; the first failure, if any. */
async function allStarted(starts: readonly (Stage<unknown> | Promise<Stage<unknown>>)[]): Promise<Stage<unknown>[]> {
  let failed: [unknown] | undefined;
  const stages = await Promise.all(starts.map((s) => Promise.resolve(s).catch((error: unknown) => void (failed ??= [error]))));
  if (failed !== undefined) throw failed[0];
  return stages as Stage<unknown>[];
}

/** Starts one stage of `layer`: at once for the flow's own map-reducer, else a promise (`GenStage.start`). */
function startLayer(
  layer: LayerSpec, index: number, count: number, producers: number, run: FlowRun,
  out: Routing, outCount: number, name: string,
): Stage<unknown> | Promise<Stage<unknown>> {
  // The stage's handle, once started (its mappers may stop what feeds it).
  const self: { stage?: Stage<unknown> } = {};
  const impl = layer.stage !== undefined
    ? layer.stage.create(index, count, producers)
    : new MapReducerStage(layer, index, count, producers, run.clock, () => {
      if (self.stage !== undefined) run.stopUpstreamOf(self.stage);
    });
  const options = { dispatcher: dispatcherFor(out, outCount), clock: run.clock, runtime: run.runtime, name };
  const opened = (stage: Stage<unknown>): Stage<unknown> => {
    self.stage = stage;
    run.own(stage);
    return stage;
  };
  // A stage layer, or one whose init waits for worker threads, starts as any stage; the
  // flow's own map-reducer at once.
  if (layer.stage !== undefined || layer.worker !== undefined) return GenStage.start(impl, options).then(opened);
  const stage = opened(startBuiltStage(impl, options));
  run.built.add(stage);
  return stage;
}

/**
 * Makes the subscriptions, from the last ones back to the sources. When both ends of
 * every link are in `built` (started with `startBuiltStage`), they are sent at once,
 * in that order (see the top of this file); otherwise one after the other, each
 * waited for.
 */
export async function connect(links: readonly Link[], built?: ReadonlySet<Stage<unknown>>): Promise<void> {
  if (built !== undefined && allBuilt(links, built)) {
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i] as Link;
      if (link.consumer.alive) subscribeBuilt(link.consumer, link.producer, link.options);
    }
    return;
  }
  for (let i = links.length - 1; i >= 0; i--) {
    const link = links[i] as Link;
    // Stopped while connecting (a `take` satisfied early, or a failure that stopped
    // the run, whose reason the run reports): nothing left to connect for it.
    if (!link.consumer.alive) continue;
    // A stop arrives as a message: a consumer can exit after this subscribe was sent
    // and before it handled it; the subscribe then rejects with StageExitError, which
    // ends the wait (the run reports why it stopped).
    await link.consumer.subscribe(link.producer, link.options).then(undefined, (error: unknown) => {
      if (!(error instanceof StageExitError)) throw error;
    });
  }
}

function allBuilt(links: readonly Link[], built: ReadonlySet<Stage<unknown>>): boolean {
  for (const link of links) if (!built.has(link.consumer) || !built.has(link.producer)) return false;
  return true;
}

/** Builds `plan` for a consumer that wants `out` routing into `outCount` stages. */
export async function materialize(plan: Plan, out: Routing = { kind: 'demand' }, outCount = 1): Promise<{ run: FlowRun; built: Built }> {
  const run = new FlowRun(settingOf(plan, 'clock') ?? systemClock, settingOf(plan, 'runtime') ?? Runtime.default);
  try {
    const built = await build(plan, run, out, outCount);
    run.links = built.links;
    return { run, built };
  } catch (error) {
    run.abort('shutdown');
    // The flow's promise settles once nothing of it runs (worker threads included).
    await run.whenExited();
    throw error;
  }
}
