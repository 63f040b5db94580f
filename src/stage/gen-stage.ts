import { typeError } from '../runtime/errors.js';
import { StageProcess } from './stage-process.js';
import { processOfCallbacks, unbindCallbacks } from './bindings.js';
import { Consumer, Producer, ProducerConsumer, StageCallbacks } from './stage.js';
import type { Stage } from './handle.js';
import { checkStartOptions, claimDispatcher, resolveSubscription } from './options.js';
import type { StageKind, StartOptions, SubscribeTo } from './types.js';
import { DemandDispatcher } from '../dispatchers/demand.js';
import { show } from '../runtime/validate.js';
import { fromIterable, type FromIterableOptions } from '../io/from-iterable.js';
import { stream, type StreamOptions } from '../io/stream.js';

/** The type of events a stage implementation emits. */
export type OutputOf<S> = S extends StageCallbacks<unknown, infer O> ? O : S extends StageCallbacks<never, infer O> ? O : unknown;

const OPTIONAL_CALLBACKS = [
  'init', 'handleSubscribe', 'handleCancel', 'handleCall', 'handleCast', 'handleInfo', 'terminate', 'formatDiscarded',
] as const;

function kindOf(stage: unknown): StageKind {
  if (stage instanceof Producer) return 'producer';
  if (stage instanceof ProducerConsumer) return 'producer_consumer';
  if (stage instanceof Consumer) return 'consumer';
  throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected stage to be an instance of Producer, ProducerConsumer or Consumer, got: ${show(stage)}`);
}

function checkCallbacks(stage: StageCallbacks<unknown, unknown>, kind: StageKind): void {
  const record = stage as unknown as Record<string, unknown>;
  const required = kind === 'producer' ? 'handleDemand' : 'handleEvents';
  if (typeof record[required] !== 'function') {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${stage.constructor.name}.${required} to be a function, got: ${show(record[required])}`);
  }
  for (const name of OPTIONAL_CALLBACKS) {
    const value = record[name];
    if (value !== undefined && typeof value !== 'function') {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${stage.constructor.name}.${name} to be a function, got: ${show(value)}`);
    }
  }
}

/**
 * Starting stages, and the two bridges between stages and iteration.
 *
 * ## Example
 * ```ts
 * const numbers = await GenStage.fromIterable([1, 2, 3]);
 * for await (const n of GenStage.stream([numbers])) console.log(n); // 1, 2, 3
 * ```
 */
export class GenStage {
  private constructor() {}

  /**
   * Starts `stage` and resolves with its handle once `init` has run (rejects if
   * `init` throws). Options are checked here, synchronously: a bad one throws a
   * `TypeError`/`RangeError` naming it. `subscribeTo` subscriptions are made after
   * `init`, in order.
   *
   * @param stage an instance of a `Producer`, `ProducerConsumer` or `Consumer` subclass, not yet started.
   * @param options producer options (`dispatcher`, `bufferSize`, `bufferKeep`, `demand`), `subscribeTo`, `clock`, `name`.
   * @returns the running stage.
   */
  static start<S extends StageCallbacks<never, unknown> | StageCallbacks<unknown, unknown>>(
    stage: S,
    options: StartOptions<OutputOf<S>> = {},
  ): Promise<Stage<OutputOf<S>>> {
    const kind = kindOf(stage);
    const callbacks = stage as unknown as StageCallbacks<unknown, unknown>;
    checkCallbacks(callbacks, kind);
    const running = processOfCallbacks(callbacks);
    if (running !== undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_STATE', `this ${stage.constructor.name} instance was already started (as ${running.name}); create a new one`);
    }
    const o = checkStartOptions(options);
    if (kind !== 'producer') {
      if (o.demand !== 'forward' && options.demand !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `demand applies to producers; ${stage.constructor.name} is a ${kind}`);
    }
    if (kind === 'consumer') {
      for (const key of ['dispatcher', 'bufferSize', 'bufferKeep', 'demand'] as const) {
        if (options[key] !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${key} applies to producers; ${stage.constructor.name} is a consumer`);
      }
    }
    if (kind === 'producer' && o.subscribeTo.length > 0) {
      throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${stage.constructor.name} is a producer and cannot subscribeTo other stages`);
    }
    const process = new StageProcess(callbacks, {
      kind,
      name: o.name ?? `${stage.constructor.name}#${nextName++}`,
      clock: o.clock,
      dispatcher: kind === 'consumer' ? undefined : (o.dispatcher ?? new DemandDispatcher()),
      bufferSize: o.bufferSize ?? (kind === 'producer_consumer' ? Infinity : 10_000),
      bufferKeep: o.bufferKeep,
      demand: o.demand,
    });
    let subscriptions;
    try {
      subscriptions = o.subscribeTo.map((entry: SubscribeTo) => resolveSubscription(process, entry, 'subscribeTo'));
    } catch (error) {
      unbindCallbacks(callbacks);
      throw error;
    }
    if (process.dispatcher !== undefined) claimDispatcher(process.dispatcher, process.name);
    return process.start().then(() => {
      // subscribeWith rejects only when the stage is no longer running: it stopped in
      // init (this.stop), and its exit reason reaches `done` and its monitors. There is
      // nothing left to subscribe for, and no second report to make.
      for (const sub of subscriptions) process.handle.subscribeWith(sub).catch(() => {});
      return process.handle;
    });
  }

  /**
   * A producer that emits the items of `source` (an array, iterable or async
   * iterable) as demand comes, exactly as many as asked, and stops `'normal'` once
   * the source is exhausted and its buffer is empty. A sync source fills each demand
   * at once; from an async one, the items in hand go out as soon as a `next()` has to
   * wait (is still pending when the event loop turns), so a slow source delivers each
   * item as it comes.
   */
  static fromIterable<T>(source: Iterable<T> | AsyncIterable<T>, options: FromIterableOptions<T> = {}): Promise<Stage<T>> {
    return fromIterable(source, options);
  }

  /**
   * Subscribes to `subscriptions` when iteration begins and yields their events,
   * asking for more as the loop consumes them (a slow loop slows the producers).
   * Breaking out of the loop cancels the subscriptions. The loop ends when every
   * producer has ended normally, and throws the reason when one exits abnormally
   * (on a `'permanent'` or `'transient'` subscription).
   */
  static stream<T>(subscriptions: readonly (Stage<T> | (SubscribeTo & { to: Stage<T> }))[], options: StreamOptions = {}): AsyncIterable<T> {
    return stream<T>(subscriptions, options);
  }
}

let nextName = 1;
