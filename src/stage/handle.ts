import { rangeError, typeError } from '../runtime/errors.js';
import type { StageProcess } from './stage-process.js';
import * as M from './messages.js';
import { Subscription } from './subscription.js';
import type { DemandMode, StageKind, SubscribeOptions } from './types.js';
import { expectCount, expectInteger, expectObject, expectOneOf, show } from '../runtime/validate.js';
import { resolveSubscription } from './options.js';
import { sinkObservable, symbolObservable, type InteropObservable, type ObservedSink } from './observable.js';

let readProcess: (stage: Stage<unknown>) => StageProcess;

// The sink behind a `Stage`'s observable (stage/sink.ts) is loaded on the first
// subscribe: `import { GenStage }` alone does not carry it (a dynamic `import()`, which
// an application bundler puts in a chunk of its own).
let sinks: typeof import('./sink.js') | undefined;

function openSinkOn<T>(producer: Stage<T>, onEvents: (events: T[]) => void): ObservedSink {
  if (sinks !== undefined) return sinks.openSink(producer, onEvents);
  const opened = import('./sink.js').then((module) => (sinks = module).openSink(producer, onEvents));
  return {
    done: opened.then((sink) => sink.done),
    cancel: (reason) => opened.then((sink) => sink.cancel(reason)),
  };
}

/** @internal The process behind `stage` (the kernel and core/internal.ts only). */
export function processOfStage(stage: Stage<unknown>): StageProcess {
  return readProcess(stage);
}

/** @internal What a handle shows of the actor behind it (a stage's or a supervisor's process). */
export interface Actor {
  readonly name: string;
  readonly alive: boolean;
  readonly done: Promise<unknown>;
  /** Counts a crash as observed by the reader of `done` (see `ActorHandle#done`). */
  markObserved(): void;
}

let actorOf: (handle: ActorHandle) => Actor;

/**
 * What every handle on a running actor shows, whichever it is (a `Stage`, a
 * `DynamicSupervisor`, `ConsumerSupervisor` or `TaskSupervisor`): its name, whether it
 * is alive, and its exit reason. The actor itself is not reachable from the handle.
 */
export abstract class ActorHandle {
  readonly #actor: Actor;

  /**
   * @internal `of`: the actor, or another handle on the same actor (a
   * `ConsumerSupervisor` is a handle on its stage's process, a `TaskSupervisor` on its
   * `DynamicSupervisor`'s).
   */
  constructor(of: Actor | ActorHandle) {
    this.#actor = of instanceof ActorHandle ? of.#actor : of;
  }

  static {
    actorOf = (handle) => handle.#actor;
  }

  /** Its `name` start option, or the name made for it (`'DynamicSupervisor#3'`...): what logs call it. */
  get name(): string {
    return this.#actor.name;
  }

  /** False once it has begun to exit. */
  get alive(): boolean {
    return this.#actor.alive;
  }

  /**
   * Resolves with the exit reason exactly as given (`'normal'`, `'shutdown'`, an
   * `Error`...; a supervisor whose restarts ran out exits `'shutdown'`); never rejects.
   * Reading it counts as observing a crash, which is then not reported to the logger:
   * this getter is the one public read with that effect, on purpose (`void stage.done`
   * takes ownership of a crash's report). The library itself never reads it for the
   * effect.
   */
  get done(): Promise<unknown> {
    this.#actor.markObserved();
    return this.#actor.done;
  }
}

/**
 * A running stage, as seen from outside. Every method sends a message: nothing runs
 * inside the stage's callbacks from here. `Out` is the type of the events it emits.
 */
export class Stage<Out = unknown> extends ActorHandle {
  /** @internal */
  constructor(process: StageProcess) {
    super(process);
  }

  static {
    readProcess = (stage) => stage.#process;
  }

  /** The process is the actor the base class holds (one field per handle, not two). */
  get #process(): StageProcess {
    return actorOf(this) as StageProcess;
  }

  get kind(): StageKind {
    return this.#process.kind;
  }

  /**
   * Subscribes this stage (a consumer or producer-consumer) to `producer`. Options are
   * checked here and throw; the promise resolves with the subscription once this
   * stage has sent its subscription (and, in automatic mode, its first ask).
   */
  subscribe<T>(producer: Stage<T>, options: SubscribeOptions = {}): Promise<Subscription<T>> {
    const sub = resolveSubscription(this.#process, { ...expectObject('subscribe options', options), to: producer as Stage<unknown> }, 'subscribe');
    return this.subscribeWith(sub);
  }

  /** @internal Sends an already checked subscription. */
  subscribeWith(sub: Subscription): Promise<Subscription> {
    return new Promise((resolve, reject) => {
      if (!this.#process.alive) {
        reject(typeError('ERR_GENSTAGE_INVALID_STATE', `cannot subscribe ${this.name}: it is not running`));
        return;
      }
      this.#process.post(M.subscribeTo(sub, resolve, reject));
    });
  }

  /** Cancels `subscription` (this stage's, on either side) with `reason`. */
  cancel(subscription: Subscription<unknown>, reason: unknown = 'normal'): void {
    if (!(subscription instanceof Subscription)) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected subscription to be a Subscription, got: ${show(subscription)}`);
    }
    if (subscription.consumerProcess !== this.#process && subscription.producerProcess !== this.#process) {
      throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `${subscription.toString()} does not belong to ${this.name}`);
    }
    if (subscription.consumerProcess === this.#process) {
      this.#process.post(M.query((p) => p.cancel(subscription, reason), () => {}));
    } else {
      subscription.producerProcess.post(M.producerCancel(subscription, reason, false));
    }
  }

  /**
   * Cancels `subscription` with `reason`, then subscribes again to the same producer
   * with `options` (the producer sees the cancel before the new subscription). The
   * consumer's `handleCancel` sees the cancel, but the old subscription's cancel mode
   * does not apply: even a `'permanent'` subscription does not stop the consumer.
   */
  resubscribe<T>(subscription: Subscription<T>, reason: unknown, options: SubscribeOptions = {}): Promise<Subscription<T>> {
    // The new options are checked before the old subscription is cancelled.
    const next =
      subscription instanceof Subscription
        ? resolveSubscription(this.#process, { ...expectObject('resubscribe options', options), to: subscription.producer as Stage<unknown> }, 'resubscribe')
        : undefined;
    // Unlike a plain cancel, the old subscription's cancel mode does not apply: a
    // consumer resubscribing (to change its options) is not stopped by its own cancel.
    if (subscription instanceof Subscription) subscription.replaced = true;
    this.cancel(subscription, reason);
    return this.subscribeWith(next as Subscription);
  }

  /** Sends `request` to `handleCall` and resolves with the reply; rejects after `timeoutMs` (default 5000; `Infinity` waits forever). */
  call<R = unknown>(request: unknown, timeoutMs = 5000): Promise<R> {
    if (timeoutMs !== Infinity) expectInteger('timeoutMs', timeoutMs, 0);
    return this.#process.call(request, timeoutMs) as Promise<R>;
  }

  /** Sends `message` to `handleCast`. */
  cast(message: unknown): void {
    this.#process.post(M.cast(message));
  }

  /** Sends `message` to `handleInfo`, in mailbox order. */
  send(message: unknown): void {
    this.#process.post(M.info(message));
  }

  /** Sends `message` to `handleInfo` once the events the producer buffers now are dispatched. */
  asyncInfo(message: unknown): void {
    this.#process.post(M.bufferedInfo(message));
  }

  /** As `asyncInfo`; resolves once the info is queued behind the buffered events. */
  syncInfo(message: unknown): Promise<void> {
    return new Promise((resolve) => this.#process.post(M.bufferedInfo(message, resolve)));
  }

  /**
   * The producer's demand mode, or sets it: `'accumulate'` stores demand (and the events
   * callbacks emit), `'forward'` replays them. The query rejects with a `StageExitError`
   * carrying the exit reason once the stage has exited, as `call` does.
   */
  demand(): Promise<DemandMode>;
  demand(mode: DemandMode): void;
  demand(mode?: DemandMode): Promise<DemandMode> | void {
    if (mode === undefined) {
      return new Promise((resolve, reject) => this.#process.post(M.query((p) => resolve(p.currentDemandMode), reject)));
    }
    expectOneOf('demand', mode, ['forward', 'accumulate'] as const);
    if (this.#process.kind !== 'producer') throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `demand mode applies to producers; ${this.name} is a ${this.#process.kind}`);
    this.#process.post(M.demand(mode));
  }

  /** How many events the producer holds in its buffer (infos not counted). Rejects with a `StageExitError` once the stage has exited. */
  estimateBufferedCount(): Promise<number> {
    return new Promise((resolve, reject) => this.#process.post(M.query((p) => resolve(p.bufferedCount), reject)));
  }

  /**
   * Stops the stage with `reason` (after the message it is handling, then `terminate`);
   * resolves once it has exited. A stage that has not exited `timeoutMs` after the call
   * (default 5000, as GenServer's call timeout; `Infinity` waits forever) is killed: it
   * exits with `'killed'` at once, the callback it was blocked in is abandoned (its late
   * result ignored), `terminate` does not run, its timers and resources are released, and
   * the logger names the callback that did not return.
   */
  stop(reason: unknown = 'normal', timeoutMs = 5000): Promise<void> {
    expectCount('timeoutMs', timeoutMs, 0);
    this.#process.markObserved(); // whoever stops a stage observes its exit
    const exited = this.#process.whenExited();
    if (this.#process.alive) this.#process.stopWithin(timeoutMs);
    this.#process.post(M.stop(reason));
    return exited.then(() => undefined);
  }

  override toString(): string {
    return `Stage(${this.name})`;
  }

  /**
   * The stage as an interop observable (RxJS's `from(stage)` accepts it): each
   * `subscribe` subscribes a new consumer to this producer with automatic demand and
   * pushes its events; `unsubscribe` cancels that subscription. Completes when the
   * producer exits normally, errors with its reason otherwise.
   *
   * ## Example
   * ```ts
   * import { from, take } from 'rxjs';
   * from(await GenStage.fromIterable([1, 2, 3])).pipe(take(2)).subscribe(console.log); // 1, 2
   * ```
   */
  '@@observable'(): InteropObservable<Out> {
    return sinkObservable<Out>((onEvents) => openSinkOn(this, onEvents));
  }

  /** As `'@@observable'`, under `Symbol.observable` where it is defined (typed for RxJS's `from`). */
  declare [Symbol.observable]: () => InteropObservable<Out>;
}

if (symbolObservable !== undefined) {
  Object.defineProperty(Stage.prototype, symbolObservable, {
    value: function (this: Stage<unknown>) {
      return this['@@observable']();
    },
    configurable: true,
    writable: true,
  });
}
