import { typeError } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { isPromiseLike, show } from '../runtime/validate.js';
import type { Dispatcher } from './dispatcher.js';
import { Stage, processOfStage } from './handle.js';
import type { Subscription } from './subscription.js';
import { bindCallbacks } from './bindings.js';
import * as M from './messages.js';
import { StageCalls } from './calls.js';
import type { ConsumerSide } from './consumer-side.js';
import type { ProducerSide } from './producer-side.js';
import type { PcQueue } from './pc-queue.js';
import { setDemandMode } from './demand-mode.js';
import { buildAnchors } from './anchors.js';
import { StageExit } from './stage-exit.js';
import { declaredSubscriptionOptions, isExitMarker, type AnyCallbacks, type StageCore, type StageRole } from './role.js';
import type { StageCallbacks } from './stage.js';
import type { BufferKeep, CallFrom, DemandMode, StageKind } from './types.js';

/** @internal The process behind a handle (core/internal.ts reads it). */
export function processOfHandle(handle: Stage<unknown>): StageProcess | undefined {
  return processOfStage(handle);
}

export { processOfCallbacks } from './bindings.js';

let nextId = 1;

export interface StageConfig {
  /** The kind of stage and its role objects' factories: from the base class of `impl` (role.ts). */
  role: StageRole;
  name: string;
  clock: Clock;
  /** A producer's dispatcher; `undefined`: a new `DemandDispatcher`. */
  dispatcher: Dispatcher<unknown> | undefined;
  bufferSize: number;
  bufferKeep: BufferKeep;
  demand: DemandMode;
  /** Default: `Runtime.default`. */
  runtime?: Runtime | undefined;
}

/**
 * One stage: the process that runs the user's callbacks (`impl`) one message at a time,
 * composed of the role objects its kind needs and nothing more: a `ProducerSide`
 * (consumers, dispatcher, buffer, demand), a `ConsumerSide` (producers, events, cancel
 * modes), a producer-consumer's `PcQueue`; calls and timers (`StageCalls`) and the
 * `onStop` disposers once first used. Here: the message switch, emit, and what the
 * handle and the callbacks call; how it stops is its base class, `StageExit` (stage-exit.ts).
 */
export class StageProcess extends StageExit implements StageCore {
  readonly id = nextId++;
  // Declared, not defined: each is created by its one store in the constructor, so a
  // new map never sees it hold `undefined` first (issue 14, docs/performance.md).
  declare readonly kind: StageKind;
  declare readonly name: string;
  declare readonly clock: Clock;
  declare readonly handle: Stage<unknown>;
  declare readonly impl: AnyCallbacks;
  declare readonly producer: ProducerSide | undefined;
  declare readonly consumer: ConsumerSide | undefined;
  declare readonly queue: PcQueue | undefined;
  callback = 'init';

  /**
   * @internal A dormant producer → producer-consumer → consumer and messages, kept for
   * the life of the program so the hot path's hidden classes survive full GCs
   * (anchors.ts). Never scheduled, never visible.
   */
  static readonly anchors: readonly unknown[] = buildAnchors(this);

  constructor(impl: StageCallbacks<unknown, unknown>, config: StageConfig) {
    super(config.runtime);
    this.impl = impl;
    const role = config.role;
    this.kind = role.kind;
    this.name = config.name;
    this.clock = config.clock;
    this.handle = new Stage(this);
    // The role objects come from the base class (role.ts), so this module carries none of them.
    const consumer = role.consumer === undefined ? undefined : role.consumer(this);
    const producer = role.producer === undefined ? undefined : role.producer(this, config);
    this.queue = consumer !== undefined && producer !== undefined ? role.queue!(this, consumer) : undefined;
    if (this.queue !== undefined) {
      consumer!.attachQueue(this.queue);
      producer!.queue = this.queue;
    }
    this.consumer = consumer;
    this.producer = producer;
    bindCallbacks(impl, this);
  }

  describe(): string {
    return this.name;
  }

  /** The subscription option keys this stage's class declares it reads (`static subscriptionOptions = ['tag']`). */
  get subscriptionOptions(): readonly string[] {
    return declaredSubscriptionOptions(this.impl);
  }

  // ---------------------------------------------------------------- messages

  protected receive(m: M.Message): unknown {
    switch (m.kind) {
      case M.C_EVENTS:
        return this.consumer === undefined ? undefined : this.consumer.onEvents(m);
      case M.P_ASK:
        return this.producer === undefined ? undefined : this.producer.onAsk(m.a, m.b);
      case M.SUBSCRIBE_TO:
        if (this.consumer === undefined) return m.c(typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${this.name} is a producer: it cannot subscribe`));
        return this.consumer.onSubscribeTo(m.a, m.b);
      case M.P_SUBSCRIBE:
        if (this.producer === undefined) return m.a.consumerProcess.post(M.consumerCancel(m.a, 'not_a_producer', false));
        return this.producer.onSubscribe(m.a);
      case M.P_CANCEL:
        return this.producer === undefined ? undefined : this.producer.onCancel(m.a, m.b, m.c);
      case M.C_CANCEL:
        if (this.consumer === undefined) return undefined;
        if (this.queue !== undefined && this.queue.length > 0) return this.queue.enqueue(m);
        return this.consumer.onCancel(m.a, m.b, m.c);
      case M.CALL:
        return this.calls().onCall(m.a, m.b);
      case M.CAST:
        return this.emitAfter(this.invokeOptional('handleCast', m.a));
      case M.INFO:
        if (this.queue !== undefined && this.queue.length > 0) return this.queue.enqueue(m);
        return this.emitAfter(this.invokeOptional('handleInfo', m.a));
      case M.BUFFERED_INFO:
        this.placeInfo(m.a);
        m.b?.();
        return undefined;
      case M.STOP:
      case M.EXIT:
        this.requestExit(m.a);
        return undefined;
      case M.DEMAND:
        return this.producer === undefined ? undefined : setDemandMode(this.producer, this, m.a);
      case M.QUERY:
        return m.a(this);
      default:
        return M.unreachable(m);
    }
  }

  /** Emits a callback's events: through the producer side; a consumer's are counted as dropped. */
  emit(events: unknown, callback: string): void {
    if (events === undefined) return;
    if (!Array.isArray(events)) {
      throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.name}: ${callback} must return an array of events or nothing, got: ${show(events)}`);
    }
    if (events.length === 0) return;
    if (!this.alive) {
      // A callback that resumed after its stage was aborted or killed (abortStage,
      // kill): the stage is gone, so its output goes nowhere; said, not lost silently.
      this.logger.warn(`${this.name}: ${events.length} events from ${callback} dropped: the stage exited while the callback was running`);
      return;
    }
    if (this.producer !== undefined) this.producer.dispatch(events);
    else this.consumer!.drop(events.length, callback);
  }

  emitAfter(result: unknown): unknown {
    if (isPromiseLike(result)) return Promise.resolve(result).then((events) => this.emit(events, 'callback'));
    this.emit(result, 'callback');
    return undefined;
  }

  invokeOptional(name: 'handleCast' | 'handleInfo' | 'handleCancel', arg: unknown, sub?: Subscription): unknown {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with this.impl as `this`
    const fn = this.impl[name] as ((a: unknown, b?: unknown) => unknown) | undefined;
    this.callback = name;
    if (typeof fn !== 'function') {
      if (name !== 'handleCancel') this.logger.warn(`${this.name} received a ${name === 'handleCast' ? 'cast' : 'message'} but defines no ${name}: ${show(arg)}`);
      return undefined;
    }
    return fn.call(this.impl, arg, sub);
  }

  /** R12: an info behind the currently buffered events (producers), or at once (consumers). */
  placeInfo(message: unknown): void {
    if (this.producer !== undefined) this.producer.placeInfo(message);
    else this.post(isExitMarker(message) ? M.exit(message.reason) : M.info(message));
  }

  get stopping(): boolean {
    return this.exitRequested;
  }

  peekMail(): M.Message | undefined {
    return this.mailbox.peek();
  }

  skipMail(): void {
    this.mailbox.shift();
  }

  warn(message: string): void {
    this.logger.warn(message);
  }

  error(message: string, cause?: unknown): void {
    this.logger.error(message, cause);
  }

  // ------------------------------------------------------- what the handle and the callbacks call

  ask(sub: Subscription, count: number): void {
    this.consumer?.ask(sub, count);
  }

  cancel(sub: Subscription, reason: unknown): void {
    if (sub.consumerProcess === this) this.consumer?.cancel(sub, reason);
    else sub.producerProcess.post(M.producerCancel(sub, reason, false));
  }

  bufferedInfo(message: unknown): void {
    this.post(M.bufferedInfo(message));
  }

  get dispatcher(): Dispatcher<unknown> | undefined {
    return this.producer?.dispatcher;
  }

  get bufferedCount(): number {
    return this.producer?.bufferedCount ?? 0;
  }

  get currentDemandMode(): DemandMode {
    return this.producer?.demandMode ?? 'forward';
  }

  private calls(): StageCalls {
    return (this.callTable ??= new StageCalls(this, this.clock));
  }

  call(request: unknown, timeoutMs: number): Promise<unknown> {
    return this.calls().call(request, timeoutMs);
  }

  reply(from: CallFrom, value: unknown): void {
    this.callTable?.reply(from, value);
  }

  sendAfter(message: unknown, ms: number): () => void {
    return this.calls().sendAfter(message, ms);
  }
}
