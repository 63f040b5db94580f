import type { Stage } from './handle.js';
import type { Subscription } from './subscription.js';
import type { StageKind } from './types.js';

// The messages of the diagnostics channels (runtime/diagnostics.ts lists the channels and
// when each publishes). They name the kernel's types, so they are declared here, with
// the kernel that publishes them, and not in the runtime below it.

/** `genstage:stage:start`: `init` has run (a stage whose `init` fails publishes only `stage:exit`). */
export interface StageStartMessage {
  readonly stage: Stage<unknown>;
  readonly name: string;
  readonly kind: StageKind;
  /** The class name of a producer's dispatcher (`'DemandDispatcher'`...); `undefined` for a consumer. */
  readonly dispatcher: string | undefined;
}

/** `genstage:stage:exit`: the stage has exited with `reason` (after `terminate`, before `done` resolves). */
export interface StageExitMessage {
  readonly stage: Stage<unknown>;
  readonly name: string;
  readonly kind: StageKind;
  readonly reason: unknown;
}

/** `genstage:subscription:start`: `producer` accepted `subscription` from `consumer`. */
export interface SubscriptionStartMessage {
  readonly subscription: Subscription<unknown>;
  readonly producer: Stage<unknown>;
  readonly consumer: Stage<unknown>;
}

/**
 * `genstage:subscription:cancel`: `producer` removed `subscription`, because either
 * side cancelled it (`down: false`) or the consumer exited (`down: true`, `reason`
 * is the consumer's exit reason). A producer that exits publishes `stage:exit`, not
 * one cancel per subscription.
 */
export interface SubscriptionCancelMessage extends SubscriptionStartMessage {
  readonly reason: unknown;
  readonly down: boolean;
}

/** `genstage:demand`: the producer `stage` received an ask of `count` on `subscription`. */
export interface DemandMessage {
  readonly stage: Stage<unknown>;
  readonly subscription: Subscription<unknown>;
  readonly count: number;
}

/**
 * `genstage:events`: the consumer or producer-consumer `stage` handled `count`
 * events from `subscription` (one message per `handleEvents` call, after it returned
 * or its promise resolved).
 */
export interface EventsMessage extends DemandMessage {
  /**
   * Milliseconds from the `handleEvents` call to its return (or to its promise
   * resolving): time the stage was blocked in the callback. Measured only while the
   * channel has a subscriber (0 for a call that began before the first one came).
   */
  readonly duration: number;
}

/** `genstage:buffer:discard`: the producer `stage` (named `name`) dropped `count` events from its buffer. */
export interface BufferDiscardMessage {
  readonly stage: Stage<unknown>;
  readonly name: string;
  readonly count: number;
}

/**
 * `genstage:produce`: the producer `stage` ran `handleDemand(demand)`, which returned
 * (or resolved with) `count` events after `duration` milliseconds. Not published for
 * demand served from the buffer, stored in `'accumulate'` mode, or met by a
 * producer-consumer's upstream queue (those run no callback).
 */
export interface ProduceMessage {
  readonly stage: Stage<unknown>;
  readonly demand: number;
  readonly count: number;
  readonly duration: number;
}

/**
 * `genstage:supervisor:child`: a child of the supervisor named `supervisor`
 * (a `DynamicSupervisor`, `TaskSupervisor`, `ConsumerSupervisor` or `superviseStage`
 * stage) changed state. `id` is the child's id in that supervisor (kept across
 * restarts); `state` is `'running'` (started or restarted), `'restarting'` (it exited
 * with `reason` and its restart begins) or `'exited'` (it left the supervisor with
 * `reason`: ended, terminated, or out of restarts). `child` is the running `Stage`
 * or supervisor of a process child, `undefined` for a task.
 */
export interface SupervisorChildMessage {
  readonly supervisor: string;
  readonly id: number;
  readonly state: 'running' | 'restarting' | 'exited';
  readonly reason: unknown;
  readonly child: unknown;
}

/** The message type of each channel, by its key in `channels`. */
export interface ChannelMessages {
  stageStart: StageStartMessage;
  stageExit: StageExitMessage;
  subscriptionStart: SubscriptionStartMessage;
  subscriptionCancel: SubscriptionCancelMessage;
  demand: DemandMessage;
  events: EventsMessage;
  bufferDiscard: BufferDiscardMessage;
  produce: ProduceMessage;
  supervisorChild: SupervisorChildMessage;
}
