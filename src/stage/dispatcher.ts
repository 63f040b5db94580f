import type { Subscription } from '../stage/subscription.js';

/**
 * What a producer uses to reach its consumers. The producer calls it; it never calls
 * the producer back except through this host.
 */
export interface DispatcherHost<T> {
  /** Sends a batch to one consumer (a message into its mailbox). */
  deliver(to: Subscription<T>, events: T[]): void;
  /**
   * Posts an ask to the producer as if `from` had asked for `count` more: used to
   * credit back demand the dispatcher consumed without delivering (selectors).
   */
  askAgain(from: Subscription<T>, count: number): void;
  /** Posts `message` to the producer's own `handleInfo`, behind what it already has. */
  sendInfo(message: unknown): void;
  /** Logs a warning with the producer's name. */
  warn(message: string): void;
}

/**
 * Decides which consumer gets which event, and how much demand to ask of the
 * producer. One instance serves one producer: pass a new instance to each
 * `GenStage.start`. Implement this interface to write your own.
 *
 * Every method that returns a number returns upstream demand: how many more events
 * the producer should now produce (0 for none).
 */
export interface Dispatcher<T = unknown> {
  /**
   * The subscription option keys this dispatcher reads (`['selector']`,
   * `['partition']`): a consumer subscribing with a key that is neither one of these nor
   * a kernel option (`maxDemand`, `minDemand`, `cancel`) nor declared by the consumer's
   * class gets a `TypeError`. A dispatcher that leaves it undefined accepts any key.
   */
  readonly subscriptionOptions?: readonly string[];
  /** Called once, when the producer starts. */
  init(host: DispatcherHost<T>): void;
  /**
   * Checks a subscription's options at the consumer's `subscribe` call, before any
   * message is sent, so a bad `partition` or `selector` throws there. Optional.
   */
  validate?(options: Readonly<Record<string, unknown>>): void;
  /**
   * A consumer subscribed. Returning a `SubscribeRefusal` (`{ refuse: reason }`)
   * rejects the subscription: the consumer is cancelled with its reason. Throwing does the
   * same with the error.
   */
  subscribe(options: Readonly<Record<string, unknown>>, from: Subscription<T>): number | SubscribeRefusal;
  /** A consumer cancelled or exited. */
  cancel(from: Subscription<T>): number;
  /** A consumer asked for `count` more events. */
  ask(count: number, from: Subscription<T>): number;
  /**
   * Delivers what it can of `events` (produced against earlier demand) and returns
   * the rest, in order, which the producer keeps in its buffer (as in GenStage). The
   * producer offers what a call returned again at once as long as that call delivered
   * some of it, so a dispatcher may deliver in pieces (one event per call, say); what a
   * call delivers none of stays buffered, ahead of newer events, and is offered at the
   * next ask. An offer that delivers nothing must change nothing, since the events are
   * offered again later.
   */
  dispatch(events: T[]): T[];
  /**
   * Delivers `message` to the producer's `handleInfo` once every event dispatched
   * before it has been delivered (`host.sendInfo` when nothing is held back).
   */
  info(message: unknown): void;
  /**
   * How many events the dispatcher itself holds for consumers without demand (a
   * `PartitionDispatcher`'s partition queues). A producer that stops itself normally
   * waits for them to go out; one that stops otherwise reports them as dropped. Optional.
   */
  heldCount?(): number;
  /**
   * True: the producer may hand the dispatcher several queued asks in a row and answer
   * them with one `handleDemand` (their sum). For dispatchers that route each event to
   * one consumer by its content (partitions), where one ask answered alone is split
   * into many small messages. Optional; default false.
   */
  readonly coalesceAsks?: boolean;
}

/** What `Dispatcher.subscribe` returns to refuse a consumer: it is cancelled with `reason`. */
export interface SubscribeRefusal {
  readonly refuse: unknown;
}

/** A `SubscribeRefusal` with `reason` (`'already_subscribed'` for a second subscription of one consumer). */
export function refuseSubscription(reason: unknown): SubscribeRefusal {
  return { refuse: reason };
}

export const NO_EVENTS: never[] = [];
