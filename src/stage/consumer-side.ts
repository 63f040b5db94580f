import { typeError } from '../runtime/errors.js';
import { ALREADY_SUBSCRIBED, isNormalReason, NOPROC, UNKNOWN_SUBSCRIPTION } from '../runtime/reason.js';
import { isPromiseLike, show } from '../runtime/validate.js';
import { eventsChannel } from '../runtime/diagnostics.js';
import { removeItem } from '../runtime/lists.js';
import * as M from './messages.js';
import type { PcQueue } from './pc-queue.js';
import { andThen, ExitMarker, type AnyCallbacks, type StageCore } from './role.js';
import type { Subscription } from './subscription.js';

/** How `consume` hands a chunk over: `toConsumer` or `toRelay`. */
type DeliverChunk = (side: ConsumerSide, sub: Subscription, chunk: unknown[], started: number) => unknown;

/**
 * One chunk into a consumer's `handleEvents`, then `afterChunk` (its events, the demand it frees),
 * or, when it returned a promise, that promise, which `consume` waits for. `toRelay` does the same
 * for producer-consumers.
 *
 * Two functions, one per kind of consuming stage, reached from `consume` through one field
 * (`deliver`): `consume`'s call site sees two targets, so V8 never inlines either into it
 * (issue 14, docs/performance.md, tenth part):
 *
 * - once optimized, each inlines the user's `handleEvents` (its load of `impl.handleEvents` sees
 *   only the classes of one kind of stage), so the user's loop runs in regular optimized code.
 *   Called on its own instead (one megamorphic call site for every class), a user's method can be
 *   left running its loop in the loop-only (OSR) code V8 compiled for it, entered from unoptimized
 *   code at every call and never replaced: W1 ran three times slower in a third of the processes;
 * - when a full GC collects a pipeline's objects, only these two functions, which embed the maps
 *   of the user's classes, are thrown away; `consume` keeps its optimized code.
 */
function toConsumer(side: ConsumerSide, sub: Subscription, chunk: unknown[], started: number): unknown {
  const out = side.impl.handleEvents!(chunk, sub);
  return isPromiseLike(out) ? out : side.afterChunk(sub, chunk.length, out, started);
}

/** `toConsumer` for producer-consumers: its own function, with its own feedback (see there). */
function toRelay(side: ConsumerSide, sub: Subscription, chunk: unknown[], started: number): unknown {
  const out = side.impl.handleEvents!(chunk, sub);
  return isPromiseLike(out) ? out : side.afterChunk(sub, chunk.length, out, started);
}

/**
 * The consumer side of a stage (consumers and producer-consumers): its subscriptions to
 * producers, their demand (automatic asks or the user's manual ones), the events they
 * bring and how their end stops the stage (cancel modes). Not allocated for a producer.
 */
export class ConsumerSide {
  /**
   * Subscriptions where this stage is the consumer. Whether it holds one is the
   * subscription's own `consumerLinked` flag (no Set per stage: issue 14's idle heap).
   */
  producers: Subscription[] = [];
  /** A producer-consumer's upstream queue (set once, right after construction); null for a consumer. */
  queue: PcQueue | null = null;
  /** A consumer: events its callbacks returned after the first warning (-1: no warning yet). */
  private dropped = -1;

  /** Declared, not defined: created by its one store in the constructor (issue 14, docs/performance.md). */
  private declare readonly core: StageCore;
  /** How `consume` hands a chunk over: `toConsumer`, or `toRelay` once a queue is attached (see there). */
  private declare deliver: DeliverChunk;

  constructor(core: StageCore) {
    this.core = core;
    this.deliver = toConsumer;
  }

  /** A producer-consumer: its upstream queue, set once right after construction. */
  attachQueue(queue: PcQueue): void {
    this.queue = queue;
    this.deliver = toRelay;
  }

  /** `subscribe`: sends the subscription, runs `handleSubscribe`, then the first ask (automatic mode). */
  onSubscribeTo(sub: Subscription, resolve: (sub: Subscription) => void): unknown {
    // As in the original, the subscription goes out before handleSubscribe runs, so
    // an ask made inside handleSubscribe reaches the producer after it.
    if (!sub.consumerLinked) {
      sub.consumerLinked = true;
      // The first one in an array of its exact size (most consumers have one producer).
      if (this.producers.length === 0) this.producers = [sub];
      else this.producers.push(sub);
    }
    sub.producerProcess.post(M.producerSubscribe(sub));
    const core = this.core;
    core.callback = 'handleSubscribe';
    // `reject` is for a subscribe that never reaches this point (deadLetter); a
    // handleSubscribe that fails crashes the stage, and the caller learns it from the exit.
    const mode = core.impl.handleSubscribe?.('producer', sub.options, sub);
    // No closure unless handleSubscribe returned a promise (issue 14, short flows).
    if (!isPromiseLike(mode)) return this.subscribed(sub, mode, resolve);
    return andThen(mode, (settled: unknown) => this.subscribed(sub, settled, resolve));
  }

  /** After `handleSubscribe` returned `mode`: the demand mode, the first ask (automatic), then `resolve`. */
  private subscribed(sub: Subscription, mode: unknown, resolve: (sub: Subscription) => void): undefined {
    if (mode !== undefined && mode !== 'automatic' && mode !== 'manual') {
      throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.core.name}: handleSubscribe must return 'automatic' or 'manual', got: ${show(mode)}`);
    }
    sub.manual = mode === 'manual';
    if (!sub.manual) {
      sub.pending = sub.maxDemand;
      sub.producerProcess.post(M.ask(sub, sub.maxDemand));
    }
    resolve(sub);
    return undefined;
  }

  /** A manual ask (`this.ask`); nothing once the subscription is being cancelled. */
  ask(sub: Subscription, count: number): void {
    if (count === 0 || sub.cancelling) return;
    sub.producerProcess.post(M.ask(sub, count));
  }

  /** `this.cancel(sub)` on a subscription this stage consumes: once, then the producer confirms. */
  cancel(sub: Subscription, reason: unknown): void {
    if (!sub.consumerLinked || sub.cancelling) return;
    sub.cancelling = true;
    sub.producerProcess.post(M.producerCancel(sub, reason, false));
  }

  onEvents(m: M.EventsMsg): unknown {
    const sub = m.a;
    if (!sub.consumerLinked) {
      sub.producerProcess.post(M.producerCancel(sub, UNKNOWN_SUBSCRIPTION, false));
      return undefined;
    }
    if (this.queue !== null) return this.queue.onEvents(m);
    return this.consume(sub, m.b, 0, true);
  }

  /**
   * R1/R2: hands `events` to `handleEvents`. Automatic subscriptions cut them into
   * chunks of `maxDemand - minDemand` and ask again after a chunk once pending demand
   * is at or below `minDemand`; manual ones get the whole batch.
   */
  consume(sub: Subscription, events: unknown[], offset: number, resumeQueue: boolean): unknown {
    const core = this.core;
    const len = events.length;
    const size = sub.manual ? len : sub.batchLimit;
    while (offset < len) {
      const chunk = offset === 0 && len <= size ? events : events.slice(offset, offset + size);
      offset += chunk.length;
      const started = eventsChannel.hasSubscribers ? performance.now() : -1;
      core.callback = 'handleEvents';
      const pending = this.deliver(this, sub, chunk, started);
      if (pending !== undefined) {
        return Promise.resolve(pending).then((value) => {
          this.afterChunk(sub, chunk.length, value, started);
          if (core.stopping) return undefined;
          return this.consume(sub, events, offset, resumeQueue);
        });
      }
      if (core.stopping) return undefined;
    }
    if (resumeQueue && this.queue !== null && this.queue.length > 0) return this.queue.take();
    return undefined;
  }

  /** The stage's callbacks (for `toConsumer` and `toRelay`). */
  get impl(): AnyCallbacks {
    return this.core.impl;
  }

  /**
   * After `handleEvents` returned `out` for `count` events: its events, then the demand they free.
   * `started`: when handleEvents was called (performance.now()), -1 when nobody listened then.
   */
  afterChunk(sub: Subscription, count: number, out: unknown, started: number): void {
    if (eventsChannel.hasSubscribers) {
      const duration = started < 0 ? 0 : performance.now() - started;
      eventsChannel.publish({ stage: this.core.handle, subscription: sub, count, duration });
    }
    if (out !== undefined) this.core.emit(out, 'handleEvents');
    if (sub.manual || !sub.consumerLinked) return;
    let pending = sub.pending - count;
    if (pending < 0) {
      this.core.warn(`${this.core.name} has received ${-pending} events in excess from ${sub.producerProcess.describe()}`);
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
  onCancel(sub: Subscription, reason: unknown, down: boolean): unknown {
    if (!sub.consumerLinked) return undefined;
    sub.consumerLinked = false;
    removeItem(this.producers, sub);
    const result = this.core.invokeOptional('handleCancel', down ? { down: reason } : { cancel: reason }, sub);
    return andThen(result, (out: unknown) => {
      if (out !== undefined) this.core.emit(out, 'handleCancel');
      this.applyCancelMode(sub, reason);
    });
  }

  /** R7: permanent stops the stage, transient stops it on an abnormal reason, temporary never. */
  private applyCancelMode(sub: Subscription, reason: unknown): void {
    if (reason === ALREADY_SUBSCRIBED || sub.replaced) return;
    const stop = sub.cancelMode === 'permanent' || (sub.cancelMode === 'transient' && !isNormalReason(reason));
    if (!stop) return;
    if (reason === NOPROC) this.core.error(`${this.core.name} subscribed to ${sub.producerProcess.describe()}, which is not running`);
    if (this.queue !== null && isNormalReason(reason)) {
      // Unlike the original, a producer-consumer whose source ended normally first
      // dispatches what it still buffers, then stops. Always through the dispatcher:
      // a PartitionDispatcher also holds events in its partition queues.
      this.core.placeInfo(new ExitMarker(reason));
    } else {
      this.core.requestExit(reason);
    }
  }

  /**
   * A consumer's callback returned `count` events: nobody can receive them. Warned once
   * per stage (a consumer returning its batch would otherwise log at the rate of its
   * batches); the rest are counted and reported when it stops.
   */
  drop(count: number, callback: string): void {
    if (this.dropped >= 0) {
      this.dropped += count;
      return;
    }
    this.dropped = 0;
    this.core.warn(
      `${this.core.name}: a consumer cannot dispatch events; ${count} events from ${callback} dropped (further drops by this stage are counted and reported when it stops)`,
    );
  }

  /** The stage exited: each producer hears it as a `down` cancel; drops are reported. */
  afterExit(reason: unknown): void {
    if (this.dropped > 0) {
      this.core.warn(`${this.core.name}: a consumer cannot dispatch events; ${this.dropped} more events from its callbacks dropped since the first warning`);
    }
    for (const sub of this.producers) {
      sub.consumerLinked = false;
      sub.producerProcess.post(M.producerCancel(sub, reason, true));
    }
    this.producers.length = 0;
    this.queue?.clear();
  }
}
