import type { Clock } from '../runtime/clock.js';
import type { Dispatcher } from './dispatcher.js';
import type { Stage } from './handle.js';
import type { Runtime } from '../runtime/runtime.js';

export type StageKind = 'producer' | 'producer_consumer' | 'consumer';
/** How a consumer's demand to one producer is managed (see `handleSubscribe`). */
export type DemandManagement = 'automatic' | 'manual';
/** Whether a cancelled subscription stops the consumer: always, only on an abnormal reason, never. */
export type CancelMode = 'permanent' | 'transient' | 'temporary';
/** `'forward'` calls `handleDemand` as demand comes; `'accumulate'` stores it until set back to `'forward'`. */
export type DemandMode = 'forward' | 'accumulate';
export type BufferKeep = 'first' | 'last';

/** What `handleCancel` receives: the other side cancelled, or exited. */
export type CancelReason = { cancel: unknown } | { down: unknown };

/** Options of one subscription, given by the consumer. */
export interface SubscribeOptions {
  /** Most events in flight from this producer (the first ask). Default 1000. */
  maxDemand?: number;
  /** Ask again once pending demand falls to this. Default `Math.floor(maxDemand / 2)`. */
  minDemand?: number;
  /** Default `'permanent'`. */
  cancel?: CancelMode;
  /** For a `PartitionDispatcher`: the partition to receive. */
  partition?: unknown;
  /** For a `BroadcastDispatcher`: which events this consumer wants. */
  selector?: (event: never) => boolean;
  /**
   * Any other key must be declared, or it throws a `TypeError` at the call: by the
   * consumer's or producer's class (`static subscriptionOptions = ['tenant']`) or by the
   * producer's dispatcher (its `subscriptionOptions`). It is handed to `handleSubscribe`
   * and the dispatcher.
   */
  [option: string]: unknown;
}

/** One entry of `subscribeTo`: a producer, or a producer with options. */
export type SubscribeTo = Stage<unknown> | (SubscribeOptions & { to: Stage<unknown> });

export interface ProducerOptions<T = unknown> {
  /** Default: a new `DemandDispatcher`. */
  dispatcher?: Dispatcher<T>;
  /** Events kept while no consumer wants them: 10 000 for a producer, Infinity for a producer-consumer. */
  bufferSize?: number;
  /** On overflow: `'last'` (default) drops the oldest buffered events, `'first'` drops the incoming ones. */
  bufferKeep?: BufferKeep;
  /** Producers only. Default `'forward'`. */
  demand?: DemandMode;
}

export interface StartOptions<T = unknown> extends ProducerOptions<T> {
  /** Consumers and producer-consumers: producers to subscribe to once `init` has run. */
  subscribeTo?: readonly SubscribeTo[];
  /** Where timers (`sendAfter`, call timeouts) get their time. Default: the system clock. */
  clock?: Clock;
  /**
   * Where the stage runs and reports: the scheduler that gives it its turns and the
   * logger of its warnings and unobserved crashes. Default: `Runtime.default`.
   */
  runtime?: Runtime;
  /** A name for logs and errors. Default: the class name and a number. */
  name?: string;
}

/** The result of `handleCall`: reply now, or later with `this.reply(from, value)`. */
export type CallResult<Out> =
  | { reply: unknown; events?: Out[] }
  | { noreply: true; events?: Out[] }
  | { stop: unknown; reply?: unknown; events?: Out[] };

/** Identifies a pending `call`, for `this.reply`. */
export interface CallFrom {
  readonly id: number;
}

/** A callback's result: events to emit (producers), or nothing; or a promise of either. */
export type Emit<Out> = Out[] | void | undefined | Promise<Out[] | void | undefined>;
