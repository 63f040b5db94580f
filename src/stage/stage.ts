import { rangeError, typeError } from '../runtime/errors.js';
import type { StageProcess } from './stage-process.js';
import type { Stage } from './handle.js';
import type { Subscription } from './subscription.js';
import type { CallFrom, CallResult, CancelReason, DemandManagement, Emit } from './types.js';
import { expectInteger, show } from '../runtime/validate.js';

let writeProcess: (callbacks: StageCallbacks<unknown, unknown>, process: StageProcess | undefined) => void;
let readProcess: (callbacks: object) => StageProcess | undefined;

/** @internal Records which process runs `callbacks` (bindings.ts). */
export function bindProcess(callbacks: StageCallbacks<unknown, unknown>, process: StageProcess | undefined): void {
  writeProcess(callbacks, process);
}

/** @internal The process running `callbacks`, if started (bindings.ts). */
export function processOfInstance(callbacks: object): StageProcess | undefined {
  return readProcess(callbacks);
}

/**
 * What every stage may define. Extend `Producer`, `ProducerConsumer` or `Consumer`
 * instead of this class; the role decides which callback is required.
 *
 * Callbacks run one at a time, never concurrently, and may return a Promise: the
 * stage handles nothing else until it settles. A callback that throws (or rejects)
 * stops the stage with that error as its exit reason.
 */
export abstract class StageCallbacks<In, Out> {
  // Which process runs this instance: a true private field, so the user's class keeps
  // every member name, and no WeakMap entry per stage (a WeakMap of short-lived keys
  // made the collector's ephemeron work 30% of a short flow's time; issue 14).
  #stageProcess: StageProcess | undefined = undefined;

  static {
    writeProcess = (callbacks, process) => {
      callbacks.#stageProcess = process;
    };
    readProcess = (callbacks) => (#stageProcess in callbacks ? (callbacks as StageCallbacks<unknown, unknown>).#stageProcess : undefined);
  }

  /** Runs once before the stage takes messages; `GenStage.start` resolves after it. */
  init?(): void | Promise<void>;

  /**
   * A subscription is being made. `kind` is the role of the other side. A consumer
   * may return `'manual'` to send demand itself with `this.ask`; the default is
   * `'automatic'`. A producer must not return `'manual'`.
   */
  handleSubscribe?(
    kind: 'producer' | 'consumer',
    options: Readonly<Record<string, unknown>>,
    from: Subscription<In | Out>,
  ): DemandManagement | void | Promise<DemandManagement | void>;

  /**
   * A subscription ended: `{ cancel: reason }` when the other side cancelled,
   * `{ down: reason }` when it exited. May emit events (producers).
   */
  handleCancel?(reason: CancelReason, from: Subscription<In | Out>): Emit<Out>;

  /** A `call`: reply with `{ reply }`, or `{ noreply: true }` and `this.reply(from, v)` later. Events are dispatched before the reply. */
  handleCall?(request: unknown, from: CallFrom): CallResult<Out> | Promise<CallResult<Out>>;

  /** A `cast`. */
  handleCast?(message: unknown): Emit<Out>;

  /** A `send` (or a timer from `sendAfter`, or an `asyncInfo` once the events before it are gone). */
  handleInfo?(message: unknown): Emit<Out>;

  /** The stage is stopping with `reason`; release what `init` took. */
  terminate?(reason: unknown): void | Promise<void>;

  /** `count` events were dropped by the buffer. Return `false` to silence the default warning. */
  formatDiscarded?(count: number): boolean;

  /** This stage's handle. */
  protected get self(): Stage<Out> {
    return ownerOf(this, 'self').handle;
  }

  /** Asks the producer of `from` for `count` more events (manual demand). `0` does nothing. */
  protected ask(from: Subscription<In>, count: number): void {
    expectInteger('count', count, 0);
    ownerOf(this, 'ask').ask(from, count);
  }

  /** Answers a `call` that returned `{ noreply: true }`. */
  protected reply(from: CallFrom, value: unknown): void {
    ownerOf(this, 'reply').reply(from, value);
  }

  /** Cancels a subscription (either side). The consumer's `handleCancel` sees `{ cancel: reason }`. */
  protected cancel(from: Subscription<In | Out>, reason: unknown = 'normal'): void {
    ownerOf(this, 'cancel').cancel(from, reason);
  }

  /**
   * Stops this stage with `reason` once the current callback returns. A producer that
   * stops itself normally while it still holds events (its buffer, a `PartitionDispatcher`'s
   * queues) first delivers them as its consumers ask, producing nothing more, and stops
   * at once if its last consumer leaves; events dropped at any stop are counted in a warning.
   */
  protected stop(reason: unknown = 'normal'): void {
    ownerOf(this, 'stop').stopFromCallback(reason);
  }

  /** Delivers `message` to `handleInfo` after `ms` on the stage's clock. Cancelled when the stage stops. */
  protected sendAfter(message: unknown, ms: number): () => void {
    if (typeof ms !== 'number' || Number.isNaN(ms)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ms to be a number >= 0, got: ${show(ms)}`);
    if (ms < 0 || ms === Infinity) throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected ms to be a finite number >= 0, got: ${show(ms)}`);
    return ownerOf(this, 'sendAfter').sendAfter(message, ms);
  }

  /** Delivers `message` to `handleInfo` once the events buffered before it are dispatched. */
  protected asyncInfo(message: unknown): void {
    ownerOf(this, 'asyncInfo').bufferedInfo(message);
  }
}

/** The process running `callbacks` (module-private: subclasses see no member of ours). */
function ownerOf(callbacks: object, method: string): StageProcess {
  const process = readProcess(callbacks);
  if (process === undefined) throw typeError('ERR_GENSTAGE_INVALID_STATE', `this.${method}() needs a started stage: call GenStage.start first`);
  return process;
}
