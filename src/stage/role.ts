import { typeError } from '../runtime/errors.js';
import { isPromiseLike, show } from '../runtime/validate.js';
import type * as M from './messages.js';
import type { Stage } from './handle.js';
import { StageCallbacks } from './stage.js';
import type { Subscription } from './subscription.js';
import type { StageKind } from './types.js';
import type { ConsumerSide } from './consumer-side.js';
import type { ProducerSide } from './producer-side.js';
import type { PcQueue } from './pc-queue.js';
import type { StageConfig, StageProcess } from './stage-process.js';

/**
 * What the role objects of a stage (producer side, consumer side, producer-consumer
 * queue, calls) need of the stage they belong to. `StageProcess` implements it; the
 * role specs (spec/stage/*-side.spec.ts) pass a fake, so each role is tested as state
 * transitions without a live stage.
 */
export interface StageCore {
  readonly name: string;
  readonly handle: Stage<unknown>;
  readonly impl: AnyCallbacks;
  /** The user callback called last: while the stage is blocked, the one that has not returned. */
  callback: string;
  /** True once the running handler asked to exit, or the stage is exiting. */
  readonly stopping: boolean;
  /** Puts a message in this stage's own mailbox. */
  post(message: M.Message): void;
  /** The next message in the mailbox, not taken. */
  peekMail(): M.Message | undefined;
  /** Takes the next message out of the mailbox (after `peekMail`). */
  skipMail(): void;
  /** Exit once the running handler returns. */
  requestExit(reason: unknown): void;
  /** Emits what a callback returned: checked, then dispatched (or counted as dropped). */
  emit(events: unknown, callback: string): void;
  /** `emit` of what a cast or info callback returned, or will (a promise). */
  emitAfter(result: unknown): unknown;
  /** Calls an optional callback; a cast or info nobody handles is warned about. */
  invokeOptional(name: 'handleCast' | 'handleInfo' | 'handleCancel', arg: unknown, sub?: Subscription): unknown;
  /** Puts an info (or the exit-when-drained marker) behind the events held now. */
  placeInfo(message: unknown): void;
  warn(message: string): void;
  error(message: string, cause?: unknown): void;
}

export type AnyCallbacks = StageCallbacks<unknown, unknown> & {
  handleDemand?(n: number): unknown;
  handleEvents?(events: unknown[], from: Subscription): unknown;
};

/**
 * An info that asks a producer to exit once it reaches the dispatcher (stopWhenDrained,
 * a drained stop). Kernel-only: nothing a user sends can be one.
 */
export class ExitMarker {
  constructor(readonly reason: unknown) {}
}

export function isExitMarker(message: unknown): message is ExitMarker {
  return message instanceof ExitMarker;
}

/**
 * The "a callback returned a value or a promise of it" continuation: `next(value)` now,
 * or once the promise settles (the stage is then blocked on the promise returned).
 */
export function andThen<T>(result: unknown, next: (value: T) => unknown): unknown {
  if (isPromiseLike(result)) return Promise.resolve(result).then((value) => next(value as T));
  return next(result as T);
}

/**
 * The subscription option keys a stage's class declares it reads in `handleSubscribe`
 * (`static subscriptionOptions = ['tag']`), beyond the kernel's and the dispatcher's.
 */
export function declaredSubscriptionOptions(impl: object): readonly string[] {
  const declared = (impl.constructor as { subscriptionOptions?: unknown }).subscriptionOptions;
  if (declared === undefined) return [];
  if (!Array.isArray(declared) || !declared.every((k) => typeof k === 'string')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${impl.constructor.name}.subscriptionOptions to be an array of option names, got: ${show(declared)}`);
  }
  return declared;
}

/**
 * What a kind of stage brings to its process: the factories of its role objects. Each
 * base class carries its own (`defineRole` in producer.ts, consumer.ts,
 * producer-consumer.ts; the roles are in producer-role.ts and consumer-role.ts), so a
 * program holds the code of the kinds it defines and no other: `import { GenStage }`
 * alone carries no role, `Consumer` no producer side (issue 12, pay for what you import).
 */
export interface StageRole {
  readonly kind: StageKind;
  readonly consumer: ((process: StageProcess) => ConsumerSide) | undefined;
  /** The producer side, with a new `DemandDispatcher` when `config.dispatcher` is undefined. */
  readonly producer: ((process: StageProcess, config: StageConfig) => ProducerSide) | undefined;
  readonly queue: ((process: StageProcess, consumer: ConsumerSide) => PcQueue) | undefined;
}

// Which base class has which role, by prototype. The prototypes are left as they are: a
// property defined on Producer.prototype and the others once the classes were built
// kept W1 out of its fast JIT mode in every process (docs/performance.md, "The role split").
const roles = new Map<object, StageRole>();

/** Gives the instances of `base` (and of its subclasses) `role`. Called once per base class, where it is defined. */
export function defineRole(base: abstract new (...args: never[]) => object, role: StageRole): void {
  roles.set(base.prototype as object, role);
}

/** The role of an instance of the callback base classes; a TypeError for anything else. */
export function roleOf(stage: unknown): StageRole {
  if (stage instanceof StageCallbacks) {
    for (let proto: object | null = Object.getPrototypeOf(stage) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
      const role = roles.get(proto);
      if (role !== undefined) return role;
    }
  }
  throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected stage to be an instance of Producer, ProducerConsumer or Consumer, got: ${show(stage)}`);
}
