import { StageCallbacks } from './stage.js';
import { CONSUMER_ROLE } from './consumer-role.js';
import { defineRole } from './role.js';
import { startStage } from './gen-stage.js';
import { processOfStage, type Stage } from './handle.js';
import { processOfCallbacks } from './bindings.js';
import type { Subscription } from './subscription.js';
import type { CancelReason } from './types.js';
import { isNormalReason, NOPROC } from '../runtime/reason.js';
import { isPromiseLike } from '../runtime/validate.js';

/** Options of `openSink`: the demand the sink keeps open on its producer. */
export interface SinkDemand {
  maxDemand?: number;
  minDemand?: number;
}

/** A running sink: `done` settles when the producer ends; `cancel` ends it early. */
export interface SinkHandle {
  /** Resolves when the producer exits normally (or had already: `'noproc'`), rejects with its reason otherwise; resolves after `cancel`. */
  readonly done: Promise<void>;
  /** Cancels the subscription (the producer's `handleCancel` sees it) and stops the sink; resolves once stopped. */
  cancel(reason?: unknown): Promise<void>;
}

/**
 * @internal The one sink: a consumer that hands each batch to `onEvents` and, when
 * that returns a promise, asks for nothing more until it settles. Behind `openSink`
 * (the interop conversions, a `Stage`'s observable) and a flow's end (`toArray`,
 * `run`, `for await`, a flow's observable).
 *
 * How it ends, the same for both:
 * - once each of its `producers` has ended normally it exits `'normal'`. `'noproc'`
 *   counts as normal: the producer had already ended normally when the sink
 *   subscribed (a producer that crashed tells a late subscriber its own reason, so
 *   `'noproc'` never hides a crash), and whether the sink subscribed a moment
 *   earlier or later does not change the outcome;
 * - a producer that ends (or cancels the sink) with any other reason makes the sink
 *   exit with that reason at once: whoever watches the sink sees the error;
 * - `cancelling` (set by `openSink`'s `cancel`): the batch in hand is let go, the
 *   sink cancels its producers with the given reason and exits `'normal'`.
 */
export class SinkConsumer<T> extends StageCallbacks<T, never> {
  /** Lets `cancel` through while `onEvents` is still pending. */
  release: (() => void) | undefined;
  /** Set by `cancel`: the next batch (or the end of this one) cancels instead of asking again. */
  cancelling: { reason: unknown } | undefined;
  private remaining: number;
  constructor(
    private readonly onEvents: (events: T[]) => void | Promise<void>,
    producers = 1,
  ) {
    super();
    this.remaining = producers;
  }
  handleEvents(events: T[]): void | Promise<void> {
    if (this.cancelling !== undefined) return this.finish();
    const result = this.onEvents(events);
    if (!isPromiseLike(result)) return this.finish();
    return new Promise<void>((resolve, reject) => {
      this.release = resolve;
      result.then(() => {
        this.release = undefined;
        resolve();
      }, reject);
    }).then(() => this.finish());
  }
  /** Cancels before the automatic ask that follows a batch, once `cancel` was called. */
  private finish(): void {
    const cancelling = this.cancelling;
    if (cancelling === undefined) return;
    for (const sub of [...(processOfCallbacks(this)?.consumer?.producers ?? [])]) this.cancel(sub, cancelling.reason);
    this.stop('normal');
  }
  override handleCancel(reason: CancelReason): void {
    const why = 'down' in reason ? reason.down : reason.cancel;
    if (this.cancelling !== undefined) return; // its own cancel: `finish` stops it
    if (!isNormalReason(why) && why !== NOPROC) this.stop(why);
    else if (--this.remaining === 0) this.stop('normal');
  }
}
defineRole(SinkConsumer, CONSUMER_ROLE);

let sinkNames = 1;

/**
 * Subscribes a new consumer to `producer` and hands it every batch the producer
 * emits. Demand is automatic (`maxDemand`, default 1000); while the promise
 * `onEvents` returned is pending, no more demand is sent, so a slow `onEvents` slows
 * the producer. The subscription is `'temporary'`: the producer's exit settles `done`
 * and stops the sink (see `SinkConsumer`: a producer that had already ended normally
 * when the sink subscribed, `'noproc'`, is an empty stream, and `done` resolves; a
 * crash rejects `done` with its reason however late the sink came). Cancelling reaches the producer as a cancel (a
 * `fromIterable` producer then closes its iterator if it was started with
 * `onCancel: 'stop'`; the producer's own policy decides).
 * @internal Used by the interop helpers and by the `Stage` handle's observable.
 */
export function openSink<T>(producer: Stage<T>, onEvents: (events: T[]) => void | Promise<void>, demand: SinkDemand = {}): SinkHandle {
  let settleDone!: (error: { reason: unknown } | undefined) => void;
  let settled = false;
  const done = new Promise<void>((resolve, reject) => {
    settleDone = (error) => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else reject(error.reason);
    };
  });
  let cancelled = false;
  let subscription: Subscription<T> | undefined;
  const consumer = new SinkConsumer<T>(onEvents);
  const stage = startStage(consumer, { name: `sink#${sinkNames++}` });
  const started = stage.then(async (sink) => {
    // The sink's exit settles `done`: 'normal', or the error of the producer or of onEvents.
    const process = processOfStage(sink);
    process.markObserved(); // its error goes to `done`, so it is observed
    process.monitor((reason) => settleDone(isNormalReason(reason) ? undefined : { reason }));
    if (cancelled) return sink;
    subscription = await sink.subscribe(producer, { ...demand, cancel: 'temporary' });
    return sink;
  });
  started.catch((error: unknown) => settleDone({ reason: error }));
  return {
    done,
    async cancel(reason: unknown = 'normal'): Promise<void> {
      if (cancelled) return;
      cancelled = true;
      consumer.cancelling = { reason };
      consumer.release?.();
      settleDone(undefined);
      const sink = await started.catch(() => undefined);
      if (sink === undefined || !sink.alive) return;
      if (subscription !== undefined) sink.cancel(subscription, reason);
      await sink.stop('normal');
    },
  };
}
