import { typeError } from '../runtime/errors.js';
import { Stage } from '../stage/handle.js';
import type { CancelMode, ProducerOptions, SubscribeTo } from '../stage/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { checkStartOptions, checkSubscription } from '../stage/options.js';
import { expectKnownKeys, expectObject, expectOneOf, show } from '../runtime/validate.js';

// The options of `GenStage.fromIterable` and `GenStage.stream`, checked at the call.
// They live apart from the producer and the iterator they configure (from-iterable.ts,
// stream.ts), which `GenStage` loads on first use: a bad option still throws at the
// call that made it, before anything is loaded.

export interface FromIterableOptions<T> extends ProducerOptions<T> {
  /** When the last consumer cancels: keep running (`'continue'`, default) or stop `'normal'`. */
  onCancel?: 'continue' | 'stop';
  name?: string;
  clock?: Clock;
  /** The runtime the producer runs on. Default: `Runtime.default`. */
  runtime?: Runtime;
}

export interface StreamOptions {
  /** Producers to switch to `demand('forward')` once subscribed. Default: the subscribed producers. */
  producers?: readonly Stage<unknown>[];
}

/** `fromIterable`'s arguments, checked: the start options apart from `onCancel`. */
export interface CheckedFromIterable<T> {
  readonly onCancel: 'continue' | 'stop';
  readonly startOptions: Omit<FromIterableOptions<T>, 'onCancel'>;
}

/** Checks `fromIterable(source, options)`; throws a TypeError/RangeError naming the argument. */
export function checkFromIterable<T>(source: Iterable<T> | AsyncIterable<T>, options: FromIterableOptions<T>): CheckedFromIterable<T> {
  const isIterable =
    source !== null && source !== undefined &&
    (typeof (source as Iterable<T>)[Symbol.iterator] === 'function' || typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function');
  if (!isIterable) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected source to be an iterable or async iterable, got: ${show(source)}`);
  const o = expectObject('fromIterable options', options);
  expectKnownKeys('fromIterable options', o, ['onCancel', 'dispatcher', 'bufferSize', 'bufferKeep', 'demand', 'name', 'clock', 'runtime']);
  const onCancel = o.onCancel === undefined ? 'continue' : expectOneOf('onCancel', o.onCancel, ['continue', 'stop'] as const);
  const { onCancel: _ignored, ...startOptions } = options;
  checkStartOptions(startOptions);
  return { onCancel, startOptions };
}

/** `stream(subscriptions, options)`, checked: each producer's cancel mode, and the producers to switch to forward demand. */
export interface CheckedStream {
  readonly entries: readonly SubscribeTo[];
  readonly modes: ReadonlyMap<Stage<unknown>, CancelMode>;
  readonly forward: readonly Stage<unknown>[];
}

/** Checks `stream(subscriptions, options)`; throws a TypeError/RangeError naming the argument. */
export function checkStream(entries: readonly SubscribeTo[], options: StreamOptions): CheckedStream {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected subscriptions to be a non-empty array of stages or { to, ...options }, got: ${show(entries)}`);
  }
  const o = expectObject('stream options', options);
  expectKnownKeys('stream options', o, ['producers']);
  if (o.producers !== undefined && !Array.isArray(o.producers)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected producers to be an array of stages, got: ${show(o.producers)}`);
  }
  for (const p of (o.producers as unknown[] | undefined) ?? []) {
    if (!(p instanceof Stage)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected producers to be an array of stages, got: ${show(p)} in it`);
  }
  const modes = new Map<Stage<unknown>, CancelMode>();
  const producers: Stage<unknown>[] = [];
  for (const entry of entries) {
    const checked = checkSubscription(entry, 'consumer', 'stream', 'stream');
    modes.set(checked.producer.handle, checked.cancel);
    producers.push(checked.producer.handle);
  }
  return { entries, modes, forward: (o.producers as Stage<unknown>[] | undefined) ?? producers };
}
