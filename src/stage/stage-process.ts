import { typeError } from '../runtime/errors.js';
import { Process } from '../runtime/process.js';
import { microtask } from '../runtime/scheduler.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { getLogger } from '../runtime/logger.js';
import { CallTimeoutError, StageExitError, describeReason, isNormalReason, Reasons } from '../runtime/reason.js';
import { isPromiseLike, show } from '../runtime/validate.js';
import { Deque } from '../runtime/deque.js';
import { channels } from '../runtime/diagnostics.js';
import type { Dispatcher, DispatcherHost, SubscribeRefusal } from '../dispatchers/dispatcher.js';
import { EventBuffer } from './buffer.js';
import { Stage, processOfStage } from './handle.js';
import { Subscription } from './subscription.js';
import { bindCallbacks } from './bindings.js';
import * as M from './messages.js';
import { PendingCall } from './calls.js';
import type { StageCallbacks } from './stage.js';
import type { BufferKeep, CallFrom, CallResult, DemandMode, StageKind } from './types.js';

/** @internal The process behind a handle (today's field; core/internal.ts reads it). */
export function processOfHandle(handle: Stage<unknown>): StageProcess | undefined {
  return processOfStage(handle);
}

export { processOfCallbacks } from './bindings.js';

/** Marks an info that asks the producer to exit once it reaches the dispatcher (stopWhenDrained). */
const EXIT_WHEN_DRAINED = Symbol('exit when drained');
interface ExitMarker {
  readonly [EXIT_WHEN_DRAINED]: unknown;
}
function exitMarker(reason: unknown): ExitMarker {
  return { [EXIT_WHEN_DRAINED]: reason };
}
function isExitMarker(message: unknown): message is ExitMarker {
  return typeof message === 'object' && message !== null && EXIT_WHEN_DRAINED in message;
}

let nextId = 1;

// Held directly so the hot path reads one property (`hasSubscribers`) per batch.
const stageStartChannel = channels.stageStart;
const stageExitChannel = channels.stageExit;
const subscriptionStartChannel = channels.subscriptionStart;
const subscriptionCancelChannel = channels.subscriptionCancel;
const demandChannel = channels.demand;
const eventsChannel = channels.events;
const bufferDiscardChannel = channels.bufferDiscard;
const produceChannel = channels.produce;

export interface StageConfig {
  kind: StageKind;
  name: string;
  clock: Clock;
  dispatcher: Dispatcher<unknown> | undefined;
  bufferSize: number;
  bufferKeep: BufferKeep;
  demand: DemandMode;
}

type AnyCallbacks = StageCallbacks<unknown, unknown> & {
  handleDemand?(n: number): unknown;
  handleEvents?(events: unknown[], from: Subscription): unknown;
};

/**
 * The GenStage protocol for one stage: subscriptions, demand, buffer, dispatcher,
 * cancellation and exit. The user's callbacks live in `impl`; everything here runs
 * inside this process's message handler, one message at a time.
 */
export class StageProcess extends Process<M.Message> {
  readonly id = nextId++;
  readonly kind: StageKind;
  readonly name: string;
  readonly clock: Clock;
  readonly handle: Stage<unknown>;
  private readonly impl: AnyCallbacks;
  private readonly isProducer: boolean;
  private readonly isConsumer: boolean;
  private readonly isPC: boolean;

  // Producer side.
  readonly dispatcher: Dispatcher<unknown> | undefined;
  private readonly buffer: EventBuffer<unknown> | undefined;
  /** Subscriptions where this stage is the producer. */
  readonly consumers = new Set<Subscription>();
  private demandMode: DemandMode;
  /**
   * R4: what came while accumulating, in arrival order: a number is a demand (for
   * `handleDemand`), an array is a batch a callback emitted (for the dispatcher).
   */
  private accumulated: (number | unknown[])[] = [];

  // Consumer side.
  /** Subscriptions where this stage is the consumer. */
  readonly producers = new Set<Subscription>();
  /** Producer-consumer: upstream messages waiting for downstream demand. */
  private readonly pcQueue = new Deque<M.UpstreamMsg>();
  /** Producer-consumer: downstream demand not yet met. */
  private pcCounter = 0;

  /** The user callback called last: while the process is blocked, the one that has not returned. */
  private callback = 'init';
  /** Set by a normal `this.stop` while events are held: no more production, exit once they are out. */
  private draining = false;
  private selfStop = false;
  private drainReason: unknown = undefined;
  /** Consumer: events its callbacks returned after the first warning (-1: no warning yet). */
  private droppedByConsumer = -1;
  private readonly timers = new Set<TimerHandle>();
  private readonly calls = new Map<number, PendingCall>();
  private readonly disposers: (() => unknown)[] = [];

  constructor(impl: StageCallbacks<unknown, unknown>, config: StageConfig) {
    super();
    this.impl = impl;
    this.kind = config.kind;
    this.name = config.name;
    this.clock = config.clock;
    this.isProducer = config.kind !== 'consumer';
    this.isConsumer = config.kind !== 'producer';
    this.isPC = config.kind === 'producer_consumer';
    this.demandMode = config.demand;
    this.handle = new Stage(this);
    if (this.isProducer) {
      this.dispatcher = config.dispatcher;
      this.buffer = new EventBuffer(config.bufferSize, config.bufferKeep);
      const host: DispatcherHost<unknown> = {
        deliver: (to, events) => to.consumerProcess.post(M.events(to, events)),
        askAgain: (from, count) => this.post(M.ask(from, count)),
        sendInfo: (message) => this.post(isExitMarker(message) ? M.exit(message[EXIT_WHEN_DRAINED]) : M.info(message)),
        warn: (message) => getLogger().warn(`${this.describe()}: ${message}`),
      };
      this.dispatcher!.init(host);
    } else {
      this.dispatcher = undefined;
      this.buffer = undefined;
    }
    bindCallbacks(impl, this);
  }

  describe(): string {
    return this.name;
  }

  /**
   * The subscription option keys this stage's class declares it reads in
   * `handleSubscribe` (`static subscriptionOptions = ['tag']`), beyond the kernel's and
   * the dispatcher's.
   */
  get subscriptionOptions(): readonly string[] {
    const declared = (this.impl.constructor as { subscriptionOptions?: unknown }).subscriptionOptions;
    if (declared === undefined) return [];
    if (!Array.isArray(declared) || !declared.every((k) => typeof k === 'string')) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${this.impl.constructor.name}.subscriptionOptions to be an array of option names, got: ${show(declared)}`);
    }
    return declared;
  }

  /** Runs `init` as this process's first piece of work; resolves or rejects with it. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.post(
        M.query(() => {
          let result: unknown;
          try {
            this.callback = 'init';
            result = this.impl.init?.();
          } catch (error) {
            this.markObserved(); // the caller of start() observes this failure
            reject(error);
            this.exit(error);
            return undefined;
          }
          if (isPromiseLike(result)) {
            return Promise.resolve(result).then(
              () => {
                this.publishStart();
                resolve();
              },
              (error: unknown) => {
                this.markObserved();
                reject(error);
                throw error;
              },
            );
          }
          this.publishStart();
          resolve();
          return undefined;
        }, () => {}),
      );
    });
  }

  private publishStart(): void {
    if (stageStartChannel.hasSubscribers) {
      const dispatcher = this.dispatcher === undefined ? undefined : (this.dispatcher as object).constructor.name;
      stageStartChannel.publish({ stage: this.handle, name: this.name, kind: this.kind, dispatcher });
    }
  }

  /** Registers cleanup to run when the stage stops (sockets, listeners, iterators). */
  onStop(dispose: () => unknown): void {
    this.disposers.push(dispose);
  }

  /** Resolves with the exit reason, without counting as observing it. */
  whenExited(): Promise<unknown> {
    return new Promise((resolve) => this.monitor(resolve));
  }

  // ---------------------------------------------------------------- messages

  protected receive(m: M.Message): unknown {
    switch (m.kind) {
      case M.C_EVENTS:
        return this.onEvents(m);
      case M.P_ASK:
        return this.onAsk(m.a, m.b);
      case M.SUBSCRIBE_TO:
        return this.onSubscribeTo(m.a, m.b);
      case M.P_SUBSCRIBE:
        return this.onProducerSubscribe(m.a);
      case M.P_CANCEL:
        return this.onProducerCancel(m.a, m.b, m.c);
      case M.C_CANCEL:
        if (this.isPC && this.pcQueue.length > 0) {
          this.pcQueue.push(m);
          return this.takePcEvents();
        }
        return this.onConsumerCancel(m.a, m.b, m.c);
      case M.CALL:
        return this.onCall(m.a, m.b);
      case M.CAST:
        return this.emitAfter(this.invokeOptional('handleCast', m.a));
      case M.INFO:
        if (this.isPC && this.pcQueue.length > 0) {
          this.pcQueue.push(m);
          return this.takePcEvents();
        }
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
        return this.setDemandMode(m.a);
      case M.QUERY:
        return m.a(this);
      default:
        return M.unreachable(m);
    }
  }

  // ------------------------------------------------------- consumer side

  private onSubscribeTo(sub: Subscription, resolve: (s: Subscription) => void): unknown {
    // As in the original, the subscription goes out before handleSubscribe runs, so
    // an ask made inside handleSubscribe reaches the producer after it.
    this.producers.add(sub);
    sub.producerProcess.post(M.producerSubscribe(sub));
    this.callback = 'handleSubscribe';
    const result = this.impl.handleSubscribe?.('producer', sub.options, sub);
    const proceed = (mode: unknown): void => {
      if (mode !== undefined && mode !== 'automatic' && mode !== 'manual') {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.name}: handleSubscribe must return 'automatic' or 'manual', got: ${show(mode)}`);
      }
      sub.manual = mode === 'manual';
      if (!sub.manual) {
        sub.pending = sub.maxDemand;
        sub.producerProcess.post(M.ask(sub, sub.maxDemand));
      }
      resolve(sub);
    };
    if (isPromiseLike(result)) return Promise.resolve(result).then(proceed);
    proceed(result);
    return undefined;
  }

  ask(sub: Subscription, count: number): void {
    if (count === 0 || sub.cancelling) return;
    sub.producerProcess.post(M.ask(sub, count));
  }

  cancel(sub: Subscription, reason: unknown): void {
    if (sub.consumerProcess === this) {
      if (!this.producers.has(sub) || sub.cancelling) return;
      sub.cancelling = true;
    }
    sub.producerProcess.post(M.producerCancel(sub, reason, false));
  }

  private onEvents(m: M.EventsMsg): unknown {
    const sub = m.a;
    if (!this.producers.has(sub)) {
      if (this.isConsumer) sub.producerProcess.post(M.producerCancel(sub, Reasons.UNKNOWN_SUBSCRIPTION, false));
      return undefined;
    }
    if (this.isPC) {
      if (this.pcQueue.length === 0 && this.pcCounter > 0) return this.consume(sub, m.b, 0, true);
      this.pcQueue.push(m);
      return this.takePcEvents();
    }
    return this.consume(sub, m.b, 0, true);
  }

  /** R6: upstream messages are taken a whole message at a time while downstream demand remains. */
  private takePcEvents(): unknown {
    for (;;) {
      if (this.exitRequested) return undefined;
      const head = this.pcQueue.peek();
      if (head === undefined) return undefined;
      let result: unknown;
      if (head.kind === M.C_EVENTS) {
        if (this.pcCounter <= 0) return undefined;
        this.pcQueue.shift();
        if (!this.producers.has(head.a)) continue;
        result = this.consume(head.a, head.b, 0, false);
      } else {
        this.pcQueue.shift();
        if (head.kind === M.C_CANCEL) result = this.onConsumerCancel(head.a, head.b, head.c);
        else result = this.emitAfter(this.invokeOptional('handleInfo', head.a));
      }
      if (isPromiseLike(result)) return Promise.resolve(result).then(() => this.takePcEvents());
    }
  }

  /**
   * R1/R2: hands `events` to `handleEvents`. Automatic subscriptions cut them into
   * chunks of `maxDemand - minDemand` and ask again after a chunk once pending demand
   * is at or below `minDemand`; manual ones get the whole batch.
   */
  private consume(sub: Subscription, events: unknown[], offset: number, resumePc: boolean): unknown {
    const len = events.length;
    const size = sub.manual ? len : sub.batchLimit;
    while (offset < len) {
      const chunk = offset === 0 && len <= size ? events : events.slice(offset, offset + size);
      offset += chunk.length;
      const started = eventsChannel.hasSubscribers ? performance.now() : -1;
      this.callback = 'handleEvents';
      const out = (this.impl.handleEvents as (e: unknown[], f: Subscription) => unknown)(chunk, sub);
      if (isPromiseLike(out)) {
        return Promise.resolve(out).then((value) => {
          this.afterChunk(sub, chunk.length, value, started);
          if (this.exitRequested) return undefined;
          const rest = this.consume(sub, events, offset, resumePc);
          return rest;
        });
      }
      this.afterChunk(sub, chunk.length, out, started);
      if (this.exitRequested) return undefined;
    }
    if (resumePc && this.isPC && this.pcQueue.length > 0) return this.takePcEvents();
    return undefined;
  }

  /** `started`: when handleEvents was called (performance.now()), -1 when nobody listened then. */
  private afterChunk(sub: Subscription, count: number, out: unknown, started: number): void {
    if (eventsChannel.hasSubscribers) {
      const duration = started < 0 ? 0 : performance.now() - started;
      eventsChannel.publish({ stage: this.handle, subscription: sub, count, duration });
    }
    if (out !== undefined) this.emit(out, 'handleEvents');
    if (sub.manual || !this.producers.has(sub)) return;
    let pending = sub.pending - count;
    if (pending < 0) {
      getLogger().warn(`${this.name} has received ${-pending} events in excess from ${sub.producerProcess.describe()}`);
      pending = 0;
    }
    if (pending <= sub.minDemand) {
      const ask = sub.maxDemand - pending;
      sub.pending = sub.maxDemand;
      if (!sub.cancelling) sub.producerProcess.post(M.ask(sub, ask));
    } else {
      sub.pending = pending;
    }
  }

  /** R7, consumer side: `handleCancel`, then the subscription's cancel mode. */
  private onConsumerCancel(sub: Subscription, reason: unknown, down: boolean): unknown {
    if (!this.producers.delete(sub)) return undefined;
    const result = this.invokeOptional('handleCancel', down ? { down: reason } : { cancel: reason }, sub);
    const proceed = (out: unknown): void => {
      if (out !== undefined) this.emit(out, 'handleCancel');
      this.applyCancelMode(sub, reason);
    };
    if (isPromiseLike(result)) return Promise.resolve(result).then(proceed);
    proceed(result);
    return undefined;
  }

  private applyCancelMode(sub: Subscription, reason: unknown): void {
    if (reason === Reasons.ALREADY_SUBSCRIBED || sub.replaced) return;
    const stop = sub.cancelMode === 'permanent' || (sub.cancelMode === 'transient' && !isNormalReason(reason));
    if (!stop) return;
    if (reason === Reasons.NOPROC) getLogger().error(`${this.name} subscribed to ${sub.producerProcess.describe()}, which is not running`);
    if (this.isPC && isNormalReason(reason)) {
      // Unlike the original, a producer-consumer whose source ended normally first
      // dispatches what it still buffers, then stops. Always through the dispatcher:
      // a PartitionDispatcher also holds events in its partition queues.
      this.placeInfo(exitMarker(reason));
    } else {
      this.requestExit(reason);
    }
  }

  // ------------------------------------------------------- producer side

  private onProducerSubscribe(sub: Subscription): unknown {
    if (!this.isProducer) {
      sub.consumerProcess.post(M.consumerCancel(sub, 'not_a_producer', false));
      return undefined;
    }
    if (this.consumers.has(sub)) {
      sub.consumerProcess.post(M.consumerCancel(sub, Reasons.DUPLICATED_SUBSCRIPTION, false));
      return undefined;
    }
    this.callback = 'handleSubscribe';
    const result = this.impl.handleSubscribe?.('consumer', sub.options, sub);
    const proceed = (mode: unknown): unknown => {
      if (mode === 'manual') {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.name}: handleSubscribe('consumer', ...) of a producer must not return 'manual'`);
      }
      if (mode !== undefined && mode !== 'automatic') {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.name}: handleSubscribe must return 'automatic' or 'manual', got: ${show(mode)}`);
      }
      let demand: number | SubscribeRefusal;
      try {
        demand = this.dispatcher!.subscribe(sub.options, sub);
      } catch (error) {
        sub.consumerProcess.post(M.consumerCancel(sub, error, false));
        return undefined;
      }
      if (typeof demand !== 'number') {
        sub.consumerProcess.post(M.consumerCancel(sub, demand.refuse, false));
        return undefined;
      }
      this.consumers.add(sub);
      if (subscriptionStartChannel.hasSubscribers) {
        subscriptionStartChannel.publish({ subscription: sub, producer: this.handle, consumer: sub.consumerProcess.handle });
      }
      return demand > 0 ? this.produceFor(demand) : undefined;
    };
    if (isPromiseLike(result)) return Promise.resolve(result).then(proceed);
    return proceed(result);
  }

  private onAsk(sub: Subscription, count: number): unknown {
    if (!this.isProducer) return undefined;
    if (!this.consumers.has(sub)) {
      sub.consumerProcess.post(M.consumerCancel(sub, Reasons.UNKNOWN_SUBSCRIPTION, false));
      return undefined;
    }
    if (demandChannel.hasSubscribers) demandChannel.publish({ stage: this.handle, subscription: sub, count });
    let demand = this.dispatcher!.ask(count, sub);
    if (this.dispatcher!.coalesceAsks === true) demand += this.takeQueuedAsks();
    return demand > 0 ? this.produceFor(demand) : undefined;
  }

  /**
   * The asks of known consumers waiting next in the mailbox, handed to the dispatcher
   * now, so one `handleDemand` answers them all (for a dispatcher that opts in with
   * `coalesceAsks`: a partitioned one, where each ask answered alone is split over every
   * partition in messages of a few events). Returns the upstream demand they add.
   */
  private takeQueuedAsks(): number {
    let demand = 0;
    for (let next = this.mailbox.peek(); next !== undefined && next.kind === M.P_ASK; next = this.mailbox.peek()) {
      const sub = next.a;
      if (!this.consumers.has(sub)) break;
      this.mailbox.shift();
      if (demandChannel.hasSubscribers) demandChannel.publish({ stage: this.handle, subscription: sub, count: next.b });
      demand += this.dispatcher!.ask(next.b, sub);
    }
    return demand;
  }

  /** R7, producer side: remove, tell the consumer, `handleCancel`, then the dispatcher. */
  private onProducerCancel(sub: Subscription, reason: unknown, down: boolean): unknown {
    if (!this.consumers.delete(sub)) return undefined;
    if (!down) sub.consumerProcess.post(M.consumerCancel(sub, reason, false));
    if (subscriptionCancelChannel.hasSubscribers) {
      subscriptionCancelChannel.publish({ subscription: sub, producer: this.handle, consumer: sub.consumerProcess.handle, reason, down });
    }
    // The dispatcher forgets the consumer before handleCancel runs, so events that
    // handleCancel emits go to the consumers that remain (the original dispatches
    // them to the departed one too, where they are lost); the demand the cancel
    // releases is served after them.
    const demand = this.dispatcher!.cancel(sub);
    // Draining towards a normal stop with nobody left to drain to: stop now (what is
    // still held is reported as dropped).
    if (this.draining && this.consumers.size === 0) this.requestExit(this.drainReason);
    const result = this.invokeOptional('handleCancel', down ? { down: reason } : { cancel: reason }, sub);
    const proceed = (out: unknown): unknown => {
      if (out !== undefined) this.emit(out, 'handleCancel');
      return demand > 0 ? this.produceFor(demand) : undefined;
    };
    if (isPromiseLike(result)) return Promise.resolve(result).then(proceed);
    return proceed(result);
  }

  /** R3: serve `demand` from the buffer, then from `handleDemand` (or the upstream queue, or store it). */
  private produceFor(demand: number): unknown {
    demand = this.takeFromBuffer(demand);
    if (demand <= 0 || this.exitRequested || this.draining) return undefined;
    if (this.isPC) {
      this.pcCounter += demand;
      for (const listener of this.demandListeners) listener(this.pcCounter);
      return this.takePcEvents();
    }
    if (this.demandMode === 'accumulate') {
      this.accumulated.push(demand);
      return undefined;
    }
    return this.callHandleDemand(demand);
  }

  private callHandleDemand(demand: number): unknown {
    const started = produceChannel.hasSubscribers ? performance.now() : -1;
    this.callback = 'handleDemand';
    const out = (this.impl.handleDemand as (n: number) => unknown)(demand);
    if (isPromiseLike(out)) {
      return Promise.resolve(out).then((events) => {
        this.emit(events, 'handleDemand');
        if (started >= 0) this.publishProduce(demand, events, started);
      });
    }
    this.emit(out, 'handleDemand');
    if (started >= 0) this.publishProduce(demand, out, started);
    return undefined;
  }

  private publishProduce(demand: number, events: unknown, started: number): void {
    if (!produceChannel.hasSubscribers) return;
    const count = Array.isArray(events) ? events.length : 0;
    produceChannel.publish({ stage: this.handle, demand, count, duration: performance.now() - started });
  }

  private takeFromBuffer(demand: number): number {
    const buffer = this.buffer!;
    while (!buffer.isEmpty) {
      if (demand > 0) {
        const events = buffer.takeEvents(demand);
        if (events.length > 0) {
          demand -= events.length;
          const left = this.dispatcher!.dispatch(events);
          if (left.length > 0) {
            buffer.unshift(left);
            demand += left.length;
            break;
          }
        }
      }
      const before = buffer.isEmpty;
      buffer.takeInfos(this.fireInfo);
      if (demand <= 0 || before || buffer.eventCount === 0) break;
    }
    return demand;
  }

  private readonly fireInfo = (message: unknown): void => this.dispatcher!.info(message);

  /** Emits a callback's events: through the dispatcher, leftovers into the buffer. */
  private emit(events: unknown, callback: string): void {
    if (events === undefined) return;
    if (!Array.isArray(events)) {
      throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.name}: ${callback} must return an array of events or nothing, got: ${show(events)}`);
    }
    if (events.length === 0) return;
    if (!this.alive) {
      // A callback that resumed after its stage was aborted or killed (abortStage,
      // kill): the stage is gone, so its output goes nowhere; said, not lost silently.
      getLogger().warn(`${this.name}: ${events.length} events from ${callback} dropped: the stage exited while the callback was running`);
      return;
    }
    if (!this.isProducer) {
      // Warned once per stage (a consumer returning its batch would otherwise log at
      // the rate of its batches); the rest are counted and reported when it stops.
      if (this.droppedByConsumer < 0) {
        this.droppedByConsumer = 0;
        getLogger().warn(
          `${this.name}: a consumer cannot dispatch events; ${events.length} events from ${callback} dropped (further drops by this stage are counted and reported when it stops)`,
        );
      } else this.droppedByConsumer += events.length;
      return;
    }
    if (this.demandMode === 'accumulate' && !this.isPC) {
      // Held with the stored demand, in order, so that accumulate holds everything
      // until `demand('forward')` (as GenStage does), not only the demand.
      this.accumulated.push(events);
      return;
    }
    const left = this.dispatcher!.dispatch(events);
    if (this.isPC) {
      this.pcCounter -= events.length - left.length;
      if (this.pcCounter < 0) this.pcCounter = 0;
    }
    if (left.length > 0) {
      const discarded = this.buffer!.store(left, this.fireInfo);
      if (discarded > 0) {
        if (bufferDiscardChannel.hasSubscribers) bufferDiscardChannel.publish({ stage: this.handle, name: this.name, count: discarded });
        this.reportDiscarded(discarded);
      }
    }
  }

  private reportDiscarded(count: number): void {
    const keepDefault = this.impl.formatDiscarded ? this.impl.formatDiscarded(count) !== false : true;
    if (keepDefault) getLogger().warn(`GenStage producer ${this.name} has discarded ${count} events from buffer`);
  }

  private emitAfter(result: unknown): unknown {
    if (isPromiseLike(result)) return Promise.resolve(result).then((events) => this.emit(events, 'callback'));
    this.emit(result, 'callback');
    return undefined;
  }

  private setDemandMode(mode: DemandMode): unknown {
    if (!this.isProducer || this.isPC) return undefined;
    if (mode === 'accumulate') {
      this.demandMode = 'accumulate';
      return undefined;
    }
    this.demandMode = 'forward';
    const stored = this.accumulated;
    this.accumulated = [];
    // R4: replayed one handleDemand per stored demand, in order, not summed, and
    // one dispatch per stored emission, interleaved with them as they came.
    const replay = (i: number): unknown => {
      for (; i < stored.length; i++) {
        if (this.exitRequested) {
          this.accumulated = stored.slice(i).concat(this.accumulated);
          return undefined;
        }
        const entry = stored[i] as number | unknown[];
        if (typeof entry !== 'number') {
          this.emit(entry, 'callback');
          continue;
        }
        const result = this.callHandleDemand(entry);
        if (isPromiseLike(result)) {
          const next = i + 1;
          return Promise.resolve(result).then(() => replay(next));
        }
      }
      return undefined;
    };
    return replay(0);
  }

  /**
   * `this.stop(reason)` from a callback. A producer that stops itself normally while it
   * still holds events (its buffer, its dispatcher's partition queues) first delivers
   * them as its consumers ask, as a producer-consumer does when its source ends; it
   * produces nothing more meanwhile, and stops at once if its last consumer leaves. Any
   * other stop takes effect when the callback returns; events still held then are
   * counted in a warning (dropped), never lost in silence.
   */
  stopFromCallback(reason: unknown): void {
    // Decided once the callback has returned (deferExit): the events it returns count.
    this.selfStop = true;
    this.requestExit(reason);
  }

  protected override deferExit(reason: unknown): boolean {
    const selfStop = this.selfStop;
    this.selfStop = false;
    if (!selfStop || !this.isProducer || !isNormalReason(reason) || this.draining) return false;
    if (this.consumers.size === 0 || this.heldEvents() === 0) return false;
    this.draining = true;
    this.drainReason = reason;
    this.placeInfo(exitMarker(reason));
    return true;
  }

  /** Events this producer holds and has not delivered: its buffer and its dispatcher's queues. */
  private heldEvents(): number {
    return (this.buffer?.eventCount ?? 0) + (this.dispatcher?.heldCount?.() ?? 0);
  }

  /** R12: an info behind the currently buffered events (producers), or at once (consumers). */
  placeInfo(message: unknown): void {
    if (this.isProducer && !this.buffer!.isEmpty) this.buffer!.pushInfo(message);
    else if (this.isProducer) this.dispatcher!.info(message);
    else this.post(isExitMarker(message) ? M.exit(message[EXIT_WHEN_DRAINED]) : M.info(message));
  }

  bufferedInfo(message: unknown): void {
    this.post(M.bufferedInfo(message));
  }

  /** Exit with `reason` once what is buffered now is dispatched (a consumer: after its current mail). */
  exitWhenDrained(reason: unknown): void {
    if (this.isProducer) this.post(M.bufferedInfo(exitMarker(reason)));
    else this.post(M.exit(reason));
  }

  /** Exit with `reason` in this process's own turn, ahead of mail not yet started. */
  postExit(reason: unknown): void {
    this.postFirst(M.exit(reason));
  }

  /**
   * Exit with `reason` in this process's own turn, never inside the caller's call stack:
   * an idle stage handles it ahead of its mail; a stage blocked in a callback exits
   * without waiting for it (on a microtask), and what that callback returns or does
   * when it resumes is not dispatched. `terminate` runs, as for any exit.
   */
  abort(reason: unknown): void {
    if (!this.alive) return;
    if (this.isBlocked) microtask(() => this.exit(reason));
    else this.postExit(reason);
  }

  private demandListeners: ((pending: number) => void)[] = [];

  /** Producer-consumer: `listener(pending)` runs each time downstream demand arrives. */
  addDemandListener(listener: (pending: number) => void): () => void {
    this.demandListeners.push(listener);
    return () => {
      const i = this.demandListeners.indexOf(listener);
      if (i >= 0) this.demandListeners.splice(i, 1);
    };
  }

  /** Producer-consumer: demand downstream has asked for and not yet received. */
  get downstreamDemand(): number {
    return this.pcCounter;
  }

  get bufferedCount(): number {
    return this.buffer?.eventCount ?? 0;
  }

  get currentDemandMode(): DemandMode {
    return this.demandMode;
  }

  // ------------------------------------------------------- calls, timers

  call(request: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const pending = new PendingCall(resolve, reject, this.clock);
      if (timeoutMs !== Infinity) {
        pending.timer = this.clock.setTimeout(() => {
          this.calls.delete(pending.id);
          pending.reject(new CallTimeoutError(timeoutMs));
        }, timeoutMs);
      }
      this.post(M.call(request, pending));
    });
  }

  private onCall(request: unknown, pending: PendingCall): unknown {
    if (pending.settled) return undefined;
    if (typeof this.impl.handleCall !== 'function') {
      pending.reject(typeError('ERR_GENSTAGE_INVALID_TYPE', `${this.name} does not define handleCall`));
      return undefined;
    }
    this.calls.set(pending.id, pending);
    this.callback = 'handleCall';
    const result = this.impl.handleCall(request, pending);
    const proceed = (value: unknown): void => {
      if (typeof value !== 'object' || value === null || !('reply' in value || 'noreply' in value || 'stop' in value)) {
        // Left in `calls`: the crash this throw causes rejects it with StageExitError at once.
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.name}: handleCall must return { reply }, { noreply: true } or { stop }, got: ${show(value)}`);
      }
      const r = value as CallResult<unknown> & { reply?: unknown; stop?: unknown };
      if (r.events !== undefined) this.emit(r.events, 'handleCall');
      if ('reply' in r) this.reply(pending, r.reply);
      if ('stop' in r) this.requestExit(r.stop);
    };
    if (isPromiseLike(result)) return Promise.resolve(result).then(proceed);
    proceed(result);
    return undefined;
  }

  reply(from: CallFrom, value: unknown): void {
    const pending = this.calls.get(from.id);
    if (pending === undefined) return;
    this.calls.delete(from.id);
    pending.resolve(value);
  }

  /**
   * Arms the timeout of a `stop`: if the stage has not exited `timeoutMs` after the
   * call, it is killed with `'killed'` and the log names the callback that did not
   * return. The timer is released when the stage exits.
   */
  stopWithin(timeoutMs: number): void {
    if (timeoutMs === Infinity) return;
    // Not in `timers`: cleanup clears those, and terminate may be what hangs. Released
    // once the process has exited.
    const timer = this.clock.setTimeout(() => {
      const where = this.isBlocked || !this.alive ? `${this.callback} has not returned` : 'it was still handling earlier messages';
      getLogger().error(`${this.name} did not stop within ${timeoutMs} ms: ${where}; killed`);
      this.kill(Reasons.KILLED);
    }, timeoutMs);
    this.monitor(() => this.clock.clearTimeout(timer));
  }

  sendAfter(message: unknown, ms: number): () => void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      this.post(M.info(message));
    }, ms);
    this.timers.add(timer);
    return () => {
      if (this.timers.delete(timer)) this.clock.clearTimeout(timer);
    };
  }

  // ------------------------------------------------------- exit

  protected cleanup(reason: unknown): unknown {
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    const disposers = this.disposers.splice(0);
    const results: unknown[] = [];
    let terminate: unknown;
    // A killed stage may still be inside a callback that never settled: terminate would
    // run beside it, so it is skipped (as a kill skips it in Erlang); timers and
    // resources are released all the same.
    if (!this.killed) {
      try {
        this.callback = 'terminate';
        terminate = this.impl.terminate?.(reason);
      } catch (error) {
        getLogger().error(`${this.name}: terminate threw`, error);
      }
    }
    for (const dispose of disposers) {
      try {
        results.push(dispose());
      } catch (error) {
        getLogger().error(`${this.name}: cleanup threw`, error);
      }
    }
    results.push(terminate);
    const promises = results.filter(isPromiseLike);
    if (promises.length === 0) return undefined;
    return Promise.allSettled(promises.map((p) => Promise.resolve(p))).then((settled) => {
      for (const s of settled) if (s.status === 'rejected') getLogger().error(`${this.name}: terminate failed`, s.reason);
    });
  }

  protected afterExit(reason: unknown): void {
    for (const sub of this.producers) sub.producerProcess.post(M.producerCancel(sub, reason, true));
    this.producers.clear();
    for (const sub of this.consumers) sub.consumerProcess.post(M.consumerCancel(sub, reason, true));
    // A consumer observes this exit if its subscription makes it react (permanent or
    // transient) or its handleCancel receives the { down }; a temporary subscription
    // of a consumer without handleCancel hears nothing, so it does not count.
    for (const sub of this.consumers) {
      if (sub.cancelMode !== 'temporary' || typeof sub.consumerProcess.impl.handleCancel === 'function') {
        this.exitObserved = true;
        break;
      }
    }
    this.consumers.clear();
    this.pcQueue.clear();
    const undelivered = this.isProducer ? this.heldEvents() : 0;
    if (undelivered > 0) {
      getLogger().warn(`${this.name} stopped with ${undelivered} events it had not delivered (buffered, or queued for partitions without demand): dropped`);
    }
    this.buffer?.clear();
    let held = 0;
    for (const entry of this.accumulated) if (typeof entry !== 'number') held += entry.length;
    this.accumulated = [];
    if (held > 0) getLogger().warn(`${this.name} stopped with ${held} events emitted while accumulating demand, never dispatched: dropped`);
    // A caller whose call fails with the reason has observed the crash.
    if (this.calls.size > 0) this.exitObserved = true;
    if (this.droppedByConsumer > 0) {
      getLogger().warn(`${this.name}: a consumer cannot dispatch events; ${this.droppedByConsumer} more events from its callbacks dropped since the first warning`);
    }
    for (const pending of this.calls.values()) pending.reject(new StageExitError(reason, `${this.name} exited before replying: ${describeReason(reason)}`));
    this.calls.clear();
    if (stageExitChannel.hasSubscribers) {
      stageExitChannel.publish({ stage: this.handle, name: this.name, kind: this.kind, reason });
    }
  }

  /** A consumer or a pending call receives this exit's reason (see `crashObservedElsewhere`). */
  private exitObserved = false;

  protected override crashObservedElsewhere(): boolean {
    return this.exitObserved;
  }

  protected deadLetter(m: M.Message): void {
    const reason = this.reason;
    switch (m.kind) {
      case M.P_SUBSCRIBE:
        // A producer that crashed tells a late subscriber why (a flow that failed
        // before anyone subscribed); one that ended normally is simply gone.
        m.a.consumerProcess.post(M.consumerCancel(m.a, isNormalReason(reason) ? Reasons.NOPROC : reason, true));
        return;
      case M.CALL:
        m.b.reject(new StageExitError(reason, `${this.name} is not running (${describeReason(reason)})`));
        return;
      case M.BUFFERED_INFO:
        m.b?.();
        return;
      case M.QUERY:
        // A query from the handle (demand(), estimateBufferedCount()) rejects as call does.
        m.b(new StageExitError(reason, `${this.name} is not running (${describeReason(reason)})`));
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------- helpers

  private invokeOptional(name: 'handleCast' | 'handleInfo' | 'handleCancel', arg: unknown, sub?: Subscription): unknown {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with this.impl as `this`
    const fn = this.impl[name] as ((a: unknown, b?: unknown) => unknown) | undefined;
    this.callback = name;
    if (typeof fn !== 'function') {
      if (name !== 'handleCancel') getLogger().warn(`${this.name} received a ${name === 'handleCast' ? 'cast' : 'message'} but defines no ${name}: ${show(arg)}`);
      return undefined;
    }
    return fn.call(this.impl, arg, sub);
  }
}
