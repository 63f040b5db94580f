import type { StageExitError } from '../runtime/reason.js';
import type { Subscription } from './subscription.js';
import type { DemandMode } from './types.js';
import type { PendingCall } from './calls.js';
import type { StageProcess } from './stage-process.js';

/**
 * The stage protocol: every message a stage's mailbox holds. One class at run time
 * (`Envelope`, four fields, so the hot path sees one shape); at compile time a
 * discriminated union on `kind`, built only by the typed constructors below, so the
 * handler's `switch` narrows each payload without a cast and is checked exhaustive.
 */
export const SUBSCRIBE_TO = 1;
export const P_SUBSCRIBE = 2;
export const P_ASK = 3;
export const P_CANCEL = 4;
export const C_EVENTS = 5;
export const C_CANCEL = 6;
export const CALL = 7;
export const CAST = 8;
export const INFO = 9;
export const BUFFERED_INFO = 10;
export const STOP = 11;
export const DEMAND = 12;
export const QUERY = 13;
export const EXIT = 14;

class Envelope<K extends number, A, B, C> {
  // Declared, not defined: each field is created by its one store in the constructor,
  // so a new map never sees it hold `undefined` first (issue 14, docs/performance.md).
  declare readonly kind: K;
  declare readonly a: A;
  declare readonly b: B;
  declare readonly c: C;
  constructor(kind: K, a: A, b: B, c: C) {
    this.kind = kind;
    this.a = a;
    this.b = b;
    this.c = c;
  }
}

/**
 * Consumer: subscribe to `a`'s producer; `b` resolves the caller once sent; `c` rejects
 * it when the consumer exited before handling this (deadLetter).
 */
export type SubscribeToMsg = Envelope<typeof SUBSCRIBE_TO, Subscription, (sub: Subscription) => void, (error: unknown) => void>;
/** Producer: a consumer subscribes. */
export type ProducerSubscribeMsg = Envelope<typeof P_SUBSCRIBE, Subscription, undefined, undefined>;
/** Producer: the consumer of `a` asks for `b` more. */
export type AskMsg = Envelope<typeof P_ASK, Subscription, number, undefined>;
/** Producer: `a` is cancelled with reason `b`; `c`: the consumer exited. */
export type ProducerCancelMsg = Envelope<typeof P_CANCEL, Subscription, unknown, boolean>;
/** Consumer: a batch `b` on `a`. */
export type EventsMsg = Envelope<typeof C_EVENTS, Subscription, unknown[], undefined>;
/** Consumer: `a` is cancelled with reason `b`; `c`: the producer exited. */
export type ConsumerCancelMsg = Envelope<typeof C_CANCEL, Subscription, unknown, boolean>;
export type CallMsg = Envelope<typeof CALL, unknown, PendingCall, undefined>;
export type CastMsg = Envelope<typeof CAST, unknown, undefined, undefined>;
export type InfoMsg = Envelope<typeof INFO, unknown, undefined, undefined>;
/** An info placed behind the buffered events; `b` runs once it is placed. */
export type BufferedInfoMsg = Envelope<typeof BUFFERED_INFO, unknown, (() => void) | undefined, undefined>;
export type StopMsg = Envelope<typeof STOP, unknown, undefined, undefined>;
export type DemandMsg = Envelope<typeof DEMAND, DemandMode, undefined, undefined>;
/**
 * Runs `a` inside the stage (it resolves its caller itself; a promise it returns blocks
 * the stage); `b` is told instead when the stage has exited (with a `StageExitError`).
 */
export type QueryMsg = Envelope<typeof QUERY, (process: StageProcess) => unknown, (error: StageExitError) => void, undefined>;
/** Exit with reason `a` in this stage's own turn (core/internal exitStage, stopWhenDrained). */
export type ExitMsg = Envelope<typeof EXIT, unknown, undefined, undefined>;

export type Message =
  | SubscribeToMsg | ProducerSubscribeMsg | AskMsg | ProducerCancelMsg | EventsMsg | ConsumerCancelMsg
  | CallMsg | CastMsg | InfoMsg | BufferedInfoMsg | StopMsg | DemandMsg | QueryMsg | ExitMsg;

/** What a producer-consumer queues while downstream has no demand (R6). */
export type UpstreamMsg = EventsMsg | ConsumerCancelMsg | InfoMsg;

export const subscribeTo = (sub: Subscription, resolve: (sub: Subscription) => void, reject: (error: unknown) => void): SubscribeToMsg =>
  new Envelope(SUBSCRIBE_TO, sub, resolve, reject);
export const producerSubscribe = (sub: Subscription): ProducerSubscribeMsg => new Envelope(P_SUBSCRIBE, sub, undefined, undefined);
export const ask = (sub: Subscription, count: number): AskMsg => new Envelope(P_ASK, sub, count, undefined);
export const producerCancel = (sub: Subscription, reason: unknown, down: boolean): ProducerCancelMsg => new Envelope(P_CANCEL, sub, reason, down);
export const events = (sub: Subscription, batch: unknown[]): EventsMsg => new Envelope(C_EVENTS, sub, batch, undefined);
export const consumerCancel = (sub: Subscription, reason: unknown, down: boolean): ConsumerCancelMsg => new Envelope(C_CANCEL, sub, reason, down);
export const call = (request: unknown, pending: PendingCall): CallMsg => new Envelope(CALL, request, pending, undefined);
export const cast = (message: unknown): CastMsg => new Envelope(CAST, message, undefined, undefined);
export const info = (message: unknown): InfoMsg => new Envelope(INFO, message, undefined, undefined);
export const bufferedInfo = (message: unknown, placed?: () => void): BufferedInfoMsg => new Envelope(BUFFERED_INFO, message, placed, undefined);
export const stop = (reason: unknown): StopMsg => new Envelope(STOP, reason, undefined, undefined);
export const demand = (mode: DemandMode): DemandMsg => new Envelope(DEMAND, mode, undefined, undefined);
export const query = (run: (process: StageProcess) => unknown, onExited: (error: StageExitError) => void): QueryMsg =>
  new Envelope(QUERY, run, onExited, undefined);
export const exit = (reason: unknown): ExitMsg => new Envelope(EXIT, reason, undefined, undefined);

/** Compile-time exhaustiveness: a `switch` on `kind` that reaches this missed a kind. */
export function unreachable(_m: never): never {
  throw new Error('unknown message kind');
}
