import type { Channel } from 'node:diagnostics_channel';
import { openChannel } from './host.js';

// One constant per channel, read by the kernel instead of `channels.x`: a member read
// keeps the whole `channels` object (and every channel in it) in an application bundle;
// a constant nobody imports is dropped. `channels` is built from the same channels.
/** @internal */ export const stageStartChannel: Channel = /* @__PURE__ */ openChannel('genstage:stage:start');
/** @internal */ export const stageExitChannel: Channel = /* @__PURE__ */ openChannel('genstage:stage:exit');
/** @internal */ export const subscriptionStartChannel: Channel = /* @__PURE__ */ openChannel('genstage:subscription:start');
/** @internal */ export const subscriptionCancelChannel: Channel = /* @__PURE__ */ openChannel('genstage:subscription:cancel');
/** @internal */ export const demandChannel: Channel = /* @__PURE__ */ openChannel('genstage:demand');
/** @internal */ export const eventsChannel: Channel = /* @__PURE__ */ openChannel('genstage:events');
/** @internal */ export const bufferDiscardChannel: Channel = /* @__PURE__ */ openChannel('genstage:buffer:discard');
/** @internal */ export const produceChannel: Channel = /* @__PURE__ */ openChannel('genstage:produce');
/** @internal */ export const supervisorChildChannel: Channel = /* @__PURE__ */ openChannel('genstage:supervisor:child');

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
 * `stage` is the `Stage` handle, `subscription` the `Subscription` (the message types,
 * `ChannelMessages`, are declared with the stage kernel, in stage/channel-messages.ts:
 * the runtime publishes nothing itself and names no stage type). Messages are
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
  stageStart: stageStartChannel,
  stageExit: stageExitChannel,
  subscriptionStart: subscriptionStartChannel,
  subscriptionCancel: subscriptionCancelChannel,
  demand: demandChannel,
  events: eventsChannel,
  bufferDiscard: bufferDiscardChannel,
  produce: produceChannel,
  supervisorChild: supervisorChildChannel,
} as const;

export type ChannelName = keyof typeof channels;
