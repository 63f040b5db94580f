import type { Channel } from 'node:diagnostics_channel';
import { nodeBuiltin } from './builtins.js';
import { macrotask } from './scheduler.js';
import type { Stage } from '../stage/handle.js';
import type { Subscription } from '../stage/subscription.js';
import type { StageKind } from '../stage/types.js';

type Subscriber = (message: unknown, name: string | symbol) => void;

/**
 * A channel for runtimes without `node:diagnostics_channel` (browsers, edge runtimes):
 * `subscribe`, `unsubscribe`, `hasSubscribers` and `publish` as Node's (not its
 * `bindStore` / `runStores`, which need AsyncLocalStorage), reached through `channels`
 * only: there is no registry to subscribe to by name. A subscriber that throws does
 * not affect the stage; its error is rethrown on a later turn, where the host reports it.
 * @internal
 */
export class LocalChannel {
  private subscribers: Subscriber[] = [];
  constructor(readonly name: string) {}

  get hasSubscribers(): boolean {
    return this.subscribers.length > 0;
  }

  subscribe(onMessage: Subscriber): void {
    this.subscribers = [...this.subscribers, onMessage];
  }

  unsubscribe(onMessage: Subscriber): boolean {
    const i = this.subscribers.indexOf(onMessage);
    if (i < 0) return false;
    this.subscribers = this.subscribers.filter((_, j) => j !== i);
    return true;
  }

  publish(message: unknown): void {
    for (const onMessage of this.subscribers) {
      try {
        onMessage(message, this.name);
      } catch (error) {
        macrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** Node's `diagnostics_channel`, or channels of our own where the runtime has none. */
const diagnostics: { channel(name: string): Channel } = nodeBuiltin('node:diagnostics_channel') ?? {
  channel: (name) => new LocalChannel(name) as unknown as Channel,
};

/**
 * Instrumentation on `node:diagnostics_channel`, Node's convention for it: subscribe
 * with `diagnostics_channel.subscribe(name, onMessage)` (or through `channels` below)
 * and genstage publishes what happens. Nothing is built or sent while a channel has no
 * subscriber, so an unobserved pipeline pays one property read per batch.
 *
 * | channel | message | when |
 * |---|---|---|
 * | `genstage:stage:start` | `{ stage, name, kind, dispatcher }` | a stage's `init` has run |
 * | `genstage:stage:exit` | `{ stage, name, kind, reason }` | a stage has exited |
 * | `genstage:subscription:start` | `{ subscription, producer, consumer }` | a producer accepted a subscription |
 * | `genstage:subscription:cancel` | `{ subscription, producer, consumer, reason, down }` | a producer removed one (`down`: the consumer exited) |
 * | `genstage:demand` | `{ stage, subscription, count }` | a producer received an ask of `count` |
 * | `genstage:events` | `{ stage, subscription, count, duration }` | a consumer (or producer-consumer) handled a batch of `count` events |
 * | `genstage:buffer:discard` | `{ stage, name, count }` | a producer's buffer dropped `count` events |
 * | `genstage:produce` | `{ stage, demand, count, duration }` | a producer's `handleDemand(demand)` returned (or resolved) `count` events |
 * | `genstage:supervisor:child` | `{ supervisor, id, state, reason, child }` | a supervised child started, is restarting, or left |
 *
 * `stage` is the `Stage` handle, `subscription` the `Subscription`. Messages are
 * published synchronously from inside the stage's process: a subscriber must not
 * block, and one that throws does not affect the stage (Node reports the error as
 * an uncaught exception on a later tick).
 *
 * Where the runtime has no `node:diagnostics_channel` (a browser, an edge runtime),
 * genstage imports nothing and `channels` are plain channels of its own with the same
 * `subscribe`, `unsubscribe`, `hasSubscribers` and `publish` (no `bindStore`):
 * subscribe through `channels` there (`channels.events.subscribe(fn)`), as there is no
 * registry by name.
 *
 * ## Example
 * ```ts
 * import diagnostics from 'node:diagnostics_channel';
 *
 * diagnostics.subscribe('genstage:events', ({ stage, count }) => tally(stage.name, count));
 * ```
 */
export const channels = {
  stageStart: diagnostics.channel('genstage:stage:start'),
  stageExit: diagnostics.channel('genstage:stage:exit'),
  subscriptionStart: diagnostics.channel('genstage:subscription:start'),
  subscriptionCancel: diagnostics.channel('genstage:subscription:cancel'),
  demand: diagnostics.channel('genstage:demand'),
  events: diagnostics.channel('genstage:events'),
  bufferDiscard: diagnostics.channel('genstage:buffer:discard'),
  produce: diagnostics.channel('genstage:produce'),
  supervisorChild: diagnostics.channel('genstage:supervisor:child'),
} as const;

export type ChannelName = keyof typeof channels;

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
export interface SubscriptionCancelMessage {
  readonly subscription: Subscription<unknown>;
  readonly producer: Stage<unknown>;
  readonly consumer: Stage<unknown>;
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
export interface EventsMessage {
  readonly stage: Stage<unknown>;
  readonly subscription: Subscription<unknown>;
  readonly count: number;
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
