import { typeError } from '../runtime/errors.js';
import { DUPLICATED_SUBSCRIPTION, UNKNOWN_SUBSCRIPTION } from '../runtime/reason.js';
import { isPromiseLike, show } from '../runtime/validate.js';
import { demandChannel, produceChannel, subscriptionCancelChannel, subscriptionStartChannel } from '../runtime/diagnostics.js';
import { removeItem } from '../runtime/lists.js';
import type { Dispatcher, DispatcherHost, SubscribeRefusal } from './dispatcher.js';
import { EventBuffer } from './buffer.js';
import * as M from './messages.js';
import type { PcQueue } from './pc-queue.js';
import { offer, reportDiscarded, reportHeldAtExit, serveFromBuffer } from './producer-buffer.js';
import { andThen, ExitMarker, isExitMarker, type StageCore } from './role.js';
import type { Subscription } from './subscription.js';
import type { BufferKeep, DemandMode } from './types.js';

/**
 * The producer side of a stage (producers and producer-consumers): its consumers, the
 * dispatcher it hosts, the buffer of events nobody asked for, and how demand is served
 * (`handleDemand`, or the producer-consumer's queue). Not allocated for a consumer. It
 * is the dispatcher's host itself: one class for every stage, no closures per stage.
 */
export class ProducerSide implements DispatcherHost<unknown> {
  /**
   * Subscriptions where this stage is the producer. Whether it holds one is the
   * subscription's own `producerLinked` flag (no Set per stage: issue 14's idle heap).
   */
  consumers: Subscription[] = [];
  /** R5: created with the first event nobody asked for. */
  private buffer: EventBuffer<unknown> | null = null;
  /** The producer-consumer's upstream queue, where downstream demand is counted; null for a producer. */
  queue: PcQueue | null = null;
  /** Set by a normal `this.stop` while events are held: no more production, exit once they are out. */
  draining = false;
  private drainReason: unknown = undefined;
  /** R4, while accumulating: demands (numbers) and emitted batches (arrays), in arrival order; see demand-mode.ts. */
  accumulated: (number | unknown[])[] | null = null;
  // Declared, not defined: each is created by its one store in the constructor, so a
  // new map never sees it hold `undefined` first (issue 14, docs/performance.md).
  declare demandMode: DemandMode;
  private declare readonly core: StageCore;
  declare readonly dispatcher: Dispatcher<unknown>;
  private declare readonly bufferSize: number;
  private declare readonly bufferKeep: BufferKeep;

  constructor(core: StageCore, dispatcher: Dispatcher<unknown>, bufferSize: number, bufferKeep: BufferKeep, demandMode: DemandMode) {
    this.core = core;
    this.dispatcher = dispatcher;
    this.bufferSize = bufferSize;
    this.bufferKeep = bufferKeep;
    this.demandMode = demandMode;
    dispatcher.init(this);
  }

  // ------------------------------------------------ DispatcherHost

  deliver(to: Subscription, events: unknown[]): void {
    to.consumerProcess.post(M.events(to, events));
  }

  askAgain(from: Subscription, count: number): void {
    this.core.post(M.ask(from, count));
  }

  sendInfo(message: unknown): void {
    this.core.post(isExitMarker(message) ? M.exit(message.reason) : M.info(message));
  }

  warn(message: string): void {
    this.core.warn(`${this.core.name}: ${message}`);
  }

  // ------------------------------------------------ messages from consumers

  onSubscribe(sub: Subscription): unknown {
    if (sub.producerLinked) {
      sub.consumerProcess.post(M.consumerCancel(sub, DUPLICATED_SUBSCRIPTION, false));
      return undefined;
    }
    const core = this.core;
    core.callback = 'handleSubscribe';
    return andThen(core.impl.handleSubscribe?.('consumer', sub.options, sub), (mode: unknown) => {
      if (mode === 'manual') {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${core.name}: handleSubscribe('consumer', ...) of a producer must not return 'manual'`);
      }
      if (mode !== undefined && mode !== 'automatic') {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${core.name}: handleSubscribe must return 'automatic' or 'manual', got: ${show(mode)}`);
      }
      let demand: number | SubscribeRefusal;
      try {
        demand = this.dispatcher.subscribe(sub.options, sub);
      } catch (error) {
        sub.consumerProcess.post(M.consumerCancel(sub, error, false));
        return undefined;
      }
      if (typeof demand !== 'number') {
        sub.consumerProcess.post(M.consumerCancel(sub, demand.refuse, false));
        return undefined;
      }
      sub.producerLinked = true;
      if (this.consumers.length === 0) this.consumers = [sub]; // an array of its exact size
      else this.consumers.push(sub);
      if (subscriptionStartChannel.hasSubscribers) {
        subscriptionStartChannel.publish({ subscription: sub, producer: core.handle, consumer: sub.consumerProcess.handle });
      }
      return demand > 0 ? this.produceFor(demand) : undefined;
    });
  }

  onAsk(sub: Subscription, count: number): unknown {
    if (!sub.producerLinked) {
      sub.consumerProcess.post(M.consumerCancel(sub, UNKNOWN_SUBSCRIPTION, false));
      return undefined;
    }
    if (demandChannel.hasSubscribers) demandChannel.publish({ stage: this.core.handle, subscription: sub, count });
    let demand = this.dispatcher.ask(count, sub);
    if (this.dispatcher.coalesceAsks === true) demand += this.takeQueuedAsks();
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
    for (let next = this.core.peekMail(); next !== undefined && next.kind === M.P_ASK; next = this.core.peekMail()) {
      const sub = next.a;
      if (!sub.producerLinked) break;
      this.core.skipMail();
      if (demandChannel.hasSubscribers) demandChannel.publish({ stage: this.core.handle, subscription: sub, count: next.b });
      demand += this.dispatcher.ask(next.b, sub);
    }
    return demand;
  }

  /** R7, producer side: remove, tell the consumer, `handleCancel`, then the dispatcher. */
  onCancel(sub: Subscription, reason: unknown, down: boolean): unknown {
    if (!sub.producerLinked) return undefined;
    sub.producerLinked = false;
    removeItem(this.consumers, sub);
    const core = this.core;
    if (!down) sub.consumerProcess.post(M.consumerCancel(sub, reason, false));
    if (subscriptionCancelChannel.hasSubscribers) {
      subscriptionCancelChannel.publish({ subscription: sub, producer: core.handle, consumer: sub.consumerProcess.handle, reason, down });
    }
    // The dispatcher forgets the consumer before handleCancel runs, so events that
    // handleCancel emits go to the consumers that remain (the original dispatches
    // them to the departed one too, where they are lost); the demand the cancel
    // releases is served after them.
    const demand = this.dispatcher.cancel(sub);
    // Draining towards a normal stop with nobody left to drain to: stop now (what is
    // still held is reported as dropped).
    if (this.draining && this.consumers.length === 0) core.requestExit(this.drainReason);
    return andThen(core.invokeOptional('handleCancel', down ? { down: reason } : { cancel: reason }, sub), (out: unknown) => {
      if (out !== undefined) core.emit(out, 'handleCancel');
      return demand > 0 ? this.produceFor(demand) : undefined;
    });
  }

  // ------------------------------------------------ serving demand

  /** R3: serve `demand` from the buffer, then from `handleDemand` (or the upstream queue, or store it). */
  produceFor(demand: number): unknown {
    if (this.buffer !== null) demand = serveFromBuffer(this.buffer, this.dispatcher, demand);
    if (demand <= 0 || this.core.stopping || this.draining) return undefined;
    if (this.queue !== null) return this.queue.addDemand(demand);
    if (this.demandMode === 'accumulate') {
      (this.accumulated ??= []).push(demand);
      return undefined;
    }
    return this.callHandleDemand(demand);
  }

  callHandleDemand(demand: number): unknown {
    const core = this.core;
    const started = produceChannel.hasSubscribers ? performance.now() : -1;
    core.callback = 'handleDemand';
    const out = (core.impl.handleDemand as (n: number) => unknown)(demand);
    if (isPromiseLike(out)) {
      return Promise.resolve(out).then((events) => {
        core.emit(events, 'handleDemand');
        if (started >= 0) this.publishProduce(demand, events, started);
      });
    }
    core.emit(out, 'handleDemand');
    if (started >= 0) this.publishProduce(demand, out, started);
    return undefined;
  }

  private publishProduce(demand: number, events: unknown, started: number): void {
    if (!produceChannel.hasSubscribers) return;
    const count = Array.isArray(events) ? events.length : 0;
    produceChannel.publish({ stage: this.core.handle, demand, count, duration: performance.now() - started });
  }

  /** A callback's events (checked by the stage): through the dispatcher, leftovers into the buffer. */
  dispatch(events: unknown[]): void {
    if (this.demandMode === 'accumulate' && this.queue === null) {
      // Held with the stored demand, in order, so that accumulate holds everything
      // until `demand('forward')` (as GenStage does), not only the demand.
      (this.accumulated ??= []).push(events);
      return;
    }
    const left = offer(this.dispatcher, events);
    if (this.queue !== null) this.queue.delivered(events.length - left.length);
    if (left.length > 0) this.store(left);
  }

  private store(events: unknown[]): void {
    const discarded = (this.buffer ??= new EventBuffer(this.bufferSize, this.bufferKeep)).store(events, this.dispatcher);
    if (discarded > 0) reportDiscarded(this.core, discarded);
  }

  /** R12: an info behind the currently buffered events, or to the dispatcher at once. */
  placeInfo(message: unknown): void {
    if (this.buffer !== null && !this.buffer.isEmpty) this.buffer.pushInfo(message);
    else this.dispatcher.info(message);
  }

  // ------------------------------------------------ stopping

  /** Events held and not delivered: the buffer and the dispatcher's own queues. */
  heldEvents(): number {
    return (this.buffer?.eventCount ?? 0) + (this.dispatcher.heldCount?.() ?? 0);
  }

  get bufferedCount(): number {
    return this.buffer?.eventCount ?? 0;
  }

  /**
   * A normal `this.stop` while events are held and consumers remain: deliver them first
   * (nothing more is produced), then exit with `reason`. False when there is nothing to wait for.
   */
  drainThenExit(reason: unknown): boolean {
    if (this.draining || this.consumers.length === 0 || this.heldEvents() === 0) return false;
    this.draining = true;
    this.drainReason = reason;
    this.placeInfo(new ExitMarker(reason));
    return true;
  }

  /**
   * The stage exited: each consumer hears it as a `down` cancel, and what was held is
   * reported as dropped. True when a consumer receives the reason (it then counts as observed).
   */
  afterExit(reason: unknown): boolean {
    let observed = false;
    for (const sub of this.consumers) {
      sub.producerLinked = false;
      sub.consumerProcess.post(M.consumerCancel(sub, reason, true));
      // A consumer observes this exit if its subscription makes it react (permanent or
      // transient) or its handleCancel receives the { down }; a temporary subscription
      // of a consumer without handleCancel hears nothing, so it does not count.
      if (sub.cancelMode !== 'temporary' || typeof sub.consumerProcess.impl.handleCancel === 'function') observed = true;
    }
    this.consumers.length = 0;
    reportHeldAtExit(this.core, this.heldEvents(), this.accumulated);
    this.buffer?.clear();
    this.accumulated = null;
    return observed;
  }
}
