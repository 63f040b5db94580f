import { rangeError, typeError } from '../runtime/errors.js';
import type { StageProcess } from './stage-process.js';
import { Subscription } from './subscription.js';
import { Stage, processOfStage } from './handle.js';
import type { CancelMode, StageKind, SubscribeTo } from './types.js';
import { expectCount, expectInteger, expectKnownKeys, expectObject, expectOneOf, show } from '../runtime/validate.js';
import { isClock, systemClock, type Clock } from '../runtime/clock.js';
import type { Dispatcher } from './dispatcher.js';
import { checkRuntimeOption, Runtime } from '../runtime/runtime.js';

export const START_OPTIONS = ['dispatcher', 'bufferSize', 'bufferKeep', 'demand', 'subscribeTo', 'clock', 'runtime', 'name'] as const;

export interface CheckedStartOptions {
  dispatcher: Dispatcher<unknown> | undefined;
  bufferSize: number | undefined;
  bufferKeep: 'first' | 'last';
  demand: 'forward' | 'accumulate';
  subscribeTo: readonly SubscribeTo[];
  clock: Clock;
  runtime: Runtime;
  name: string | undefined;
}

export function isDispatcher(value: unknown): value is Dispatcher<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return ['init', 'subscribe', 'cancel', 'ask', 'dispatch', 'info'].every((k) => typeof d[k] === 'function');
}

// One validator per option shared by the kernel, the flows, the supervisors and the
// conversions: each option is checked (and its error worded) in one place.

/**
 * Checks a `minDemand` option against the `maxDemand` it goes with: an integer >= 0
 * and < maxDemand. `name` is how the error names it (`'minDemand'`, `'toObservable minDemand'`).
 */
export function checkMinDemand(name: string, minDemand: unknown, maxDemand: number): number {
  const min = expectInteger(name, minDemand, 0);
  if (min >= maxDemand) throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected ${name} to be an integer >= 0 and < maxDemand (${maxDemand}), got: ${min}`);
  return min;
}

/** Checks a `clock` option: undefined (the caller's default) or a `Clock`. */
export function checkClockOption(clock: unknown): Clock | undefined {
  if (clock !== undefined && !isClock(clock)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected clock to have now(), setTimeout() and clearTimeout(), got: ${show(clock)}`);
  }
  return clock;
}

/** Dispatchers in use, with the name of the producer that owns each: one instance serves one producer. */
const claimedDispatchers = new WeakMap<object, string>();

/** Records that `producer` owns `dispatcher`, so another `start` with it throws. */
export function claimDispatcher(dispatcher: Dispatcher<unknown>, producer: string): void {
  claimedDispatchers.set(dispatcher, producer);
}

/** Checks `GenStage.start`'s options; throws a TypeError/RangeError naming the option. */
export function checkStartOptions(options: unknown): CheckedStartOptions {
  const o = expectObject('options', options ?? {});
  expectKnownKeys('GenStage.start options', o, START_OPTIONS);
  if (o.dispatcher !== undefined && !isDispatcher(o.dispatcher)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected dispatcher to be a Dispatcher instance (init, subscribe, cancel, ask, dispatch, info), got: ${show(o.dispatcher)}`);
  }
  const owner = o.dispatcher === undefined ? undefined : claimedDispatchers.get(o.dispatcher);
  if (owner !== undefined) {
    throw typeError('ERR_GENSTAGE_INVALID_STATE', `expected dispatcher to be a new instance (one per producer), got: the dispatcher of ${owner}`);
  }
  const bufferSize = o.bufferSize === undefined ? undefined : expectCount('bufferSize', o.bufferSize, 0);
  const bufferKeep = o.bufferKeep === undefined ? 'last' : expectOneOf('bufferKeep', o.bufferKeep, ['first', 'last'] as const);
  const demand = o.demand === undefined ? 'forward' : expectOneOf('demand', o.demand, ['forward', 'accumulate'] as const);
  if (o.subscribeTo !== undefined && !Array.isArray(o.subscribeTo)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected subscribeTo to be an array of stages or { to, ...options }, got: ${show(o.subscribeTo)}`);
  }
  const clock = checkClockOption(o.clock);
  const runtime = checkRuntimeOption(o.runtime);
  if (o.name !== undefined && typeof o.name !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected name to be a string, got: ${show(o.name)}`);
  return {
    dispatcher: o.dispatcher,
    bufferSize,
    bufferKeep,
    demand,
    subscribeTo: (o.subscribeTo as SubscribeTo[] | undefined) ?? [],
    clock: clock ?? systemClock,
    runtime: runtime ?? Runtime.default,
    name: o.name,
  };
}

export interface CheckedSubscription {
  producer: StageProcess;
  maxDemand: number;
  minDemand: number;
  cancel: CancelMode;
  rest: Readonly<Record<string, unknown>>;
}

/**
 * Checks one subscription (an entry of `subscribeTo`, or `subscribe`'s options) for
 * a subscriber of kind `consumerKind`; throws a TypeError/RangeError naming the option.
 */
export function checkSubscription(
  entry: unknown,
  consumerKind: StageKind,
  consumerName: string,
  where: string,
  consumerKeys: readonly string[] = [],
): CheckedSubscription {
  const what = where === 'subscribeTo' || where === 'stream' ? `${where} entry` : `${where} options`;
  // `rest` by destructuring, not by deleting `to` from a copy: a delete turns the object
  // every callback then reads into a slow dictionary (issue 14, short flows).
  const { to, ...rest } = entry instanceof Stage ? { to: entry } : expectObject(`${where} entry`, entry);
  if (!(to instanceof Stage)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected to (the producer to subscribe to) to be a Stage, got: ${show(to)}`);
  }
  const producer = processOfStage(to);
  // A misspelt key is an error, not a no-op: the known keys are the kernel's, the ones
  // the producer's dispatcher declares (selector, partition), and the ones the classes
  // of the consumer and producer declare (their handleSubscribe reads them). A custom
  // dispatcher that declares nothing accepts any key.
  const dispatcherKeys = producer.dispatcher?.subscriptionOptions;
  if (producer.kind !== 'consumer' && (producer.dispatcher === undefined || dispatcherKeys !== undefined)) {
    const producerKeys = producer.subscriptionOptions;
    for (const key of Object.keys(rest)) {
      // The joined list is built only for the error (issue 14: not one array per subscribe).
      if ((SUBSCRIPTION_OPTIONS as readonly string[]).includes(key) || dispatcherKeys?.includes(key) || consumerKeys.includes(key) || producerKeys.includes(key)) continue;
      expectKnownKeys(what, rest, [...SUBSCRIPTION_OPTIONS, ...(dispatcherKeys ?? []), ...consumerKeys, ...producerKeys]);
    }
  }
  if (consumerKind === 'producer') {
    throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${consumerName} is a producer and cannot subscribe to ${producer.name}`);
  }
  if (producer.kind === 'consumer') {
    throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `cannot subscribe ${consumerName} to ${producer.name}: it is a consumer, not a producer`);
  }
  const maxDemand = rest.maxDemand === undefined ? 1000 : expectInteger('maxDemand', rest.maxDemand, 1);
  let minDemand: number;
  if (rest.minDemand === undefined) minDemand = Math.floor(maxDemand / 2);
  else minDemand = checkMinDemand('minDemand', rest.minDemand, maxDemand);
  const cancel: CancelMode =
    rest.cancel === undefined ? 'permanent' : expectOneOf('cancel', rest.cancel, ['permanent', 'transient', 'temporary'] as const);
  // Options the dispatcher takes (`selector`, `partition`) are its to check (`validate`).
  Object.freeze(rest);
  producer.dispatcher?.validate?.(rest);
  return { producer, maxDemand, minDemand, cancel, rest };
}

/** The kernel's own subscription option keys. */
export const SUBSCRIPTION_OPTIONS = ['to', 'maxDemand', 'minDemand', 'cancel'] as const;

/** Checks a subscription of `consumer` and builds its `Subscription`. */
export function resolveSubscription(consumer: StageProcess, entry: unknown, where: string): Subscription {
  const c = checkSubscription(entry, consumer.kind, consumer.name, where, consumer.subscriptionOptions);
  if (c.producer === consumer) throw rangeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${consumer.name} cannot subscribe to itself`);
  return new Subscription(c.producer, consumer, c.maxDemand, c.minDemand, c.cancel, c.rest);
}
