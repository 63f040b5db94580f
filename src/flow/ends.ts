import { GenStage } from '../io/gen-stage.js';
import type { Stage } from '../stage/handle.js';
import type { Subscription } from '../stage/subscription.js';
import type { CancelReason, DemandManagement, SubscribeOptions } from '../stage/types.js';
import type { Dispatcher } from '../stage/dispatcher.js';
import { DemandDispatcher } from '../stage/demand-dispatcher.js';
import { isNormalReason } from '../runtime/reason.js';
import { connect, materialize, type FlowRun, type Link } from './materialize.js';
import { MapReducerStage } from './map-reducer.js';
import { newLayer, type Plan } from './plan.js';
import { ChunkHandoff, DONE } from '../io/chunks.js';
import { SinkConsumer } from '../stage/sink.js';
import { isOwnProducerSide, startBuiltStage } from '../core/internal.js';

let sinkNames = 1;

/** The demand a flow's sink (`SinkConsumer`, the one of `stage/sink.ts`) keeps open on the flow's last stages. */
export interface SinkOptions {
  maxDemand?: number;
  minDemand?: number;
}

/**
 * Runs `plan` into a sink calling `onEvents`. `onRun` receives the run as soon as
 * it exists (to abort it). Resolves when every stage has exited; rejects with the
 * first error of any stage.
 */
export async function runToSink(
  plan: Plan,
  onEvents: (events: unknown[]) => void | Promise<void>,
  onRun?: (run: FlowRun) => void,
  options: SinkOptions = {},
): Promise<void> {
  const { run, built } = await materialize(plan);
  onRun?.(run);
  try {
    const sink = startBuiltStage(new SinkConsumer<unknown>(onEvents, built.group.length), { clock: run.clock, runtime: run.runtime, name: `flow:sink#${sinkNames++}` });
    run.own(sink);
    run.built.add(sink);
    const subscribe: SubscribeOptions = { cancel: 'temporary', ...options };
    const links: Link[] = built.links.slice();
    for (const producer of built.group) links.push({ consumer: sink, producer, options: subscribe });
    await connect(links, run.built);
  } catch (error) {
    // A stage that failed while the flow was still connecting stops the rest, and a
    // later subscribe then fails: the stage's own error is the one to report.
    run.abort('shutdown');
    await run.whenExited();
    throw run.error !== undefined ? run.error.reason : error;
  }
  await run.whenExited();
  if (run.error !== undefined) throw run.error.reason;
}


/**
 * `for await` over a flow: the sink does not return from `handleEvents` until the
 * loop has taken the whole chunk, so demand follows the loop. Breaking out stops
 * every stage of the flow.
 */
export class FlowIterator<T> implements AsyncIterator<T> {
  private readonly handoff = new ChunkHandoff<T>();
  private run: FlowRun | undefined;
  private started = false;
  /** Settles once the run is over (every stage exited), however it ended. */
  private finished: Promise<void> | undefined;

  constructor(private readonly plan: Plan, private readonly options: SinkOptions) {}

  private start(): void {
    this.started = true;
    const onRun = (run: FlowRun): void => {
      this.run = run;
      // Left before the flow had started: stop it as soon as it exists.
      if (this.handoff.left) run.abort('shutdown');
    };
    this.finished = runToSink(this.plan, (events) => this.handoff.push(events as T[]), onRun, this.options).then(
      () => this.handoff.end(),
      (reason: unknown) => this.handoff.end({ reason }),
    );
  }

  next(): Promise<IteratorResult<T>> {
    if (!this.started) this.start();
    return this.handoff.next();
  }

  async return(): Promise<IteratorResult<T>> {
    this.handoff.close();
    if (this.run !== undefined) {
      this.run.abort('shutdown');
      await this.run.whenExited();
    } else if (this.finished !== undefined) {
      await this.finished; // still starting: aborted once it exists
    }
    return DONE;
  }
}

/**
 * The producer-consumer behind `start()`/`intoStages()`: it merges the flow's output
 * and dispatches it to the stages that subscribe to it. Its upstream subscriptions
 * are made only when `connect` is called (at its first subscriber for `start`, once
 * every consumer has subscribed for `intoStages`), so nothing is read from a source
 * before someone is there to receive it. It is not watched by the run: its exit is
 * reported like any stage's (to its consumers, `done`, or the logger), and whatever
 * ends it stops the rest of the flow.
 * @internal
 */
class ExitStage extends MapReducerStage {
  private subscribed = false;
  constructor(producers: number, clock: FlowRun['clock'], private readonly hooks: { firstConsumer: () => void; exited: (reason: unknown) => void }) {
    super(newLayer('exit'), 0, 1, producers, clock);
  }

  override handleSubscribe(kind: 'producer' | 'consumer', options: unknown, from: Subscription): DemandManagement {
    if (kind === 'consumer' && !this.subscribed) {
      this.subscribed = true;
      this.hooks.firstConsumer();
    }
    return super.handleSubscribe(kind, options, from);
  }

  override handleCancel(reason: CancelReason, from: Subscription): ReturnType<MapReducerStage['handleCancel']> {
    // A consumer leaving is not an input ending.
    if (isOwnProducerSide(this, from)) return undefined;
    return super.handleCancel(reason, from);
  }

  override terminate(reason: unknown): Promise<void> | undefined {
    this.hooks.exited(reason);
    return super.terminate();
  }
}

/**
 * A flow's stages behind one producer-consumer others can subscribe to. With
 * `lazy`, the flow connects at the exit's first subscriber; otherwise the caller
 * calls `connect()` once its consumers have subscribed.
 */
export async function startExit(
  plan: Plan,
  dispatcher: Dispatcher<unknown> | undefined,
  name: string | undefined,
  lazy: boolean,
): Promise<{ run: FlowRun; exit: Stage<unknown>; connect: () => Promise<void> }> {
  const { run, built } = await materialize(plan);
  let connecting: Promise<void> | undefined;
  let exit: Stage<unknown> | undefined;
  const connectUpstream = (): Promise<void> => {
    connecting ??= connect([...built.links, ...built.group.map((producer) => ({ consumer: exit!, producer, options: { cancel: 'temporary' as const } }))]).catch(
      (error: unknown) => {
        // A stage that failed while connecting has stopped the flow with its reason already.
        if (run.error === undefined) run.abort(error);
      },
    );
    return connecting;
  };
  try {
    exit = await GenStage.start(
      new ExitStage(built.group.length, run.clock, {
        firstConsumer: () => {
          if (lazy) void connectUpstream();
        },
        exited: (reason) => run.abort(isNormalReason(reason) ? 'shutdown' : reason),
      }),
      {
        dispatcher: dispatcher ?? new DemandDispatcher(),
        clock: run.clock,
        runtime: run.runtime,
        name: name ?? `flow:exit#${sinkNames++}`,
      },
    );
    run.adopt(exit);
    return { run, exit, connect: connectUpstream };
  } catch (error) {
    run.abort('shutdown');
    throw run.error !== undefined ? run.error.reason : error;
  }
}
