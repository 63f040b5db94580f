/**
 * @internal The one privileged entry into the stage kernel.
 *
 * Library layers above the kernel (flow/, supervisor/, interop/, connectors/, the io
 * helpers) reach a stage's process only through these functions; nothing else in the
 * kernel is theirs to touch. They are not exported from the package. Each function
 * takes a `Stage` handle, or, from inside a stage's callbacks, the callbacks instance
 * itself (`this`). The API is written up in /work/notes/internal-api.md.
 */
import { typeError } from '../runtime/errors.js';
import { microtask } from '../runtime/scheduler.js';
import type { Process } from '../runtime/process.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { Stage } from '../stage/handle.js';
import { StageCallbacks } from '../stage/stage.js';
import type { StageProcess } from '../stage/stage-process.js';
import { processOfCallbacks, processOfHandle } from '../stage/stage-process.js';
import { setCancelMode, Subscription } from '../stage/subscription.js';
import type { CancelMode } from '../stage/types.js';
import { startBuilt, type BuiltStageOptions } from '../stage/start-built.js';
import * as M from '../stage/messages.js';
import { ExitMarker } from '../stage/role.js';

/** The base classes' roles for the library's own stages, which extend `StageCallbacks` (stage/producer-role.ts). */
export { defineRole } from '../stage/role.js';

/** A stage as library code holds it: its handle, or its callbacks (`this` inside them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any element type
export type StageRef = Stage<any> | StageCallbacks<any, any>;

function processOf(ref: StageRef, what: string): StageProcess {
  const process = ref instanceof Stage ? processOfHandle(ref) : ref instanceof StageCallbacks ? processOfCallbacks(ref) : undefined;
  if (process === undefined) throw typeError('ERR_GENSTAGE_INVALID_STATE', `${what} needs a started stage`);
  return process;
}

// ------------------------------------------------------------------ identity

/** The stage's name (its `name` start option, or the generated one). */
export function stageName(ref: StageRef): string {
  return processOf(ref, 'stageName').name;
}

/** The handle of the stage whose callbacks `self` are. */
export function handleOf<Out>(self: StageCallbacks<unknown, Out>): Stage<Out> {
  return processOf(self, 'handleOf').handle;
}

/** True once `GenStage.start` took `self` (and until its start failed). */
export function isStarted(self: StageCallbacks<unknown, unknown>): boolean {
  return processOfCallbacks(self) !== undefined;
}

/** The clock the stage was started with. */
export function clockOf(ref: StageRef): Clock {
  return processOf(ref, 'clockOf').clock;
}

/** The runtime the stage runs on: its scheduler, and the logger its reports go to (`runtimeOf(this).logger`). */
export function runtimeOf(ref: StageRef): Runtime {
  return processOf(ref, 'runtimeOf').runtime;
}

// ------------------------------------------------------------------ lifecycle

/**
 * Calls `onExit(reason)` once the stage has exited (on a later turn if it already has).
 * The monitor receives the reason, so it counts as handling a crash: the stage does not
 * report it to the logger; whoever monitors reports or propagates it (a flow, a
 * supervisor). Does not read `done`. Returns a function that removes the monitor.
 */
export function monitorStage(ref: StageRef, onExit: (reason: unknown) => void): () => void {
  return processOf(ref, 'monitorStage').monitor(onExit);
}

/**
 * As `monitorStage`, but NOT counting as handling a crash: a crash nobody else observes
 * is still reported to the logger (for cleanup that only needs to know the stage went).
 */
export function watchStage(ref: StageRef, onExit: (reason: unknown) => void): () => void {
  return processOf(ref, 'watchStage').monitor(onExit, false);
}

/** Resolves with the exit reason; as `monitorStage`, it counts as handling a crash. */
export function whenExited(ref: StageRef): Promise<unknown> {
  return processOf(ref, 'whenExited').whenExited();
}

/**
 * Resolves with the exit reason and counts as observing a crash (as attaching to `done`
 * does). To react to an exit and own its report, use this, or `monitorStage` and log.
 */
export function observeExit(ref: StageRef): Promise<unknown> {
  const process = processOf(ref, 'observeExit');
  process.markObserved();
  return process.done;
}

/** The reason the stage exited with; `undefined` while it runs. */
export function exitReason(ref: StageRef): unknown {
  return processOf(ref, 'exitReason').reason;
}

/**
 * Asks the stage to exit with `reason`, as a message it handles in its own turn: ahead
 * of the mail it has not started yet, after the callback it is in (a callback that is
 * blocked on a promise finishes first, and what it returns is dispatched). Never runs
 * anything of the target inside the caller's call stack. Does nothing once it exited.
 */
export function exitStage(ref: StageRef, reason: unknown): void {
  processOf(ref, 'exitStage').postFirst(M.exit(reason));
}

/**
 * Stops the stage with `reason` as a message it handles in its own turn, never inside
 * the caller's call stack (a flow stopping its stages from a crashing stage's monitor):
 * an idle stage exits ahead of its mail; a stage blocked in a callback exits without
 * waiting for it, and the events that callback returns when it resumes are dropped
 * (reported by the logger), not dispatched. `terminate` runs. Does nothing once it exited.
 */
export function abortStage(ref: StageRef, reason: unknown): void {
  const process = processOf(ref, 'abortStage');
  if (!process.alive) return;
  if (process.isBlocked) microtask(() => process.exit(reason));
  else process.postFirst(M.exit(reason));
}

/**
 * Ends the stage at once with `reason`, even inside a callback that never settles (its
 * late result is ignored, `terminate` does not run; timers and resources are released).
 * For supervisors' brutal kills and stop timeouts only.
 */
export function killStage(ref: StageRef, reason: unknown): void {
  processOf(ref, 'killStage').kill(reason);
}

/**
 * From inside a callback of `self`: exit with `reason` once the events buffered now
 * (and a dispatcher's partition queues) are dispatched; a consumer exits after the
 * messages already in its mailbox. Replaces `asyncInfo(new InternalInfo(...))`.
 */
export function stopWhenDrained(self: StageCallbacks<unknown, unknown>, reason: unknown = 'normal'): void {
  const process = processOf(self, 'stopWhenDrained');
  process.post(process.producer !== undefined ? M.bufferedInfo(new ExitMarker(reason)) : M.exit(reason));
}

/** Registers cleanup run when the stage stops (after `terminate`). */
export function onStageStop(ref: StageRef, dispose: () => unknown): void {
  const process = processOf(ref, 'onStageStop');
  (process.disposers ??= []).push(dispose);
}

/**
 * Starts a stage the library built itself, with options it made (a flow's own sources,
 * layers and sink), without the checks `GenStage.start` makes at a user's call, and
 * returns its handle at once: `init` runs as the stage's first message, and an `init`
 * that throws or rejects exits the stage with its error, which the caller learns by
 * monitoring the stage (`monitorStage`). The dispatcher must be a new instance.
 */
export function startBuiltStage(stage: StageCallbacks<unknown, unknown>, options: BuiltStageOptions): Stage<unknown> {
  return startBuilt(stage, options);
}

/** The subscription options `subscribeBuilt` takes: made by the library, already right. */
export interface BuiltSubscription {
  maxDemand?: number;
  minDemand?: number;
  cancel?: CancelMode;
  [option: string]: unknown;
}

/**
 * Subscribes `consumer` to `producer` with options the library made and knows to be
 * valid (a flow's links), as `consumer.subscribe(producer, options)` would but without
 * its checks and without a promise: the subscription is a message in the consumer's
 * mailbox, behind what is already there. `options` is kept (frozen) as the
 * subscription's options; the defaults are `subscribe`'s. Nothing happens if the consumer
 * has exited by then.
 */
export function subscribeBuilt(consumer: Stage<unknown>, producer: Stage<unknown>, options: BuiltSubscription): void {
  const maxDemand = options.maxDemand ?? 1000;
  const c = processOfHandle(consumer) as StageProcess;
  const sub = new Subscription(processOfHandle(producer) as StageProcess, c, maxDemand, options.minDemand ?? Math.floor(maxDemand / 2), options.cancel ?? 'permanent', Object.freeze(options));
  c.post(M.subscribeTo(sub, ignore, ignore));
}

function ignore(): void {}

// ------------------------------------------------------------------ demand and buffers

/** Producer-consumer: demand its consumers have asked for and not yet received. */
export function downstreamDemand(self: StageCallbacks<unknown, unknown>): number {
  return processOf(self, 'downstreamDemand').queue?.counter ?? 0;
}

/** Events the producer holds in its buffer (infos not counted). */
export function bufferedCount(self: StageCallbacks<unknown, unknown>): number {
  return processOf(self, 'bufferedCount').bufferedCount;
}

/**
 * Producer-consumer: `listener(pending)` runs inside the stage, in its turn, each time
 * downstream demand arrives (`pending`: the demand not yet met). Replaces the hidden
 * optional `handleDownstreamDemand` method. Returns a function that unregisters it.
 */
export function onDownstreamDemand(self: StageCallbacks<unknown, unknown>, listener: (pending: number) => void): () => void {
  return processOf(self, 'onDownstreamDemand').queue?.addListener(listener) ?? (() => {});
}

/** Subscriptions where the stage is the consumer (a snapshot). */
export function producersOf<In>(self: StageCallbacks<In, unknown>): Subscription<In>[] {
  return [...(processOf(self, 'producersOf').consumer?.producers ?? [])] as Subscription<In>[];
}

/** How many consumers are subscribed to the stage. */
export function consumerCount(ref: StageRef): number {
  return processOf(ref, 'consumerCount').producer?.consumers.length ?? 0;
}

/** True when `sub` is one of this stage's subscriptions as the producer. */
export function isOwnProducerSide(self: StageCallbacks<unknown, unknown>, sub: Subscription<unknown>): boolean {
  return sub.producerProcess === processOf(self, 'isOwnProducerSide');
}

/**
 * Makes `sub` temporary (its consumer does not stop when it ends) and returns the mode
 * it had, for a stage that applies the cancel mode itself (supervisors). Call it from
 * the consumer's `handleSubscribe`. Replaces writes of the readonly `cancelMode`.
 */
export function makeTemporary(sub: Subscription<unknown>): CancelMode {
  const previous = sub.cancelMode;
  setCancelMode(sub, 'temporary');
  return previous;
}

// ------------------------------------------------------------------ other handles

const controls = new WeakMap<object, Process<unknown>>();

/** Binds a library handle (a supervisor, a task) to the process behind it, for `processBehind`. */
export function bindHandle(handle: object, process: Process<unknown>): void {
  controls.set(handle, process);
}

/** The process behind a `Stage` or a handle bound with `bindHandle`; undefined for anything else. */
export function processBehind(value: unknown): Process<unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof Stage) return processOfHandle(value);
  return controls.get(value);
}

// ------------------------------------------------------------------ scheduling (added by P3 for io/from-iterable.ts)

/** Runs `task` on a later macrotask (after I/O callbacks); returns a function that cancels it. */
export { macrotask } from '../runtime/scheduler.js';

// ------------------------------------------------------------------ actors (added for supervisor/: SupervisorProcess is an actor, ChildSet holds process children)

export { Process } from '../runtime/process.js';
