/**
 * Small stages for the dispatcher specs: a producer driven by hand and a consumer that
 * records what it receives and asks only when told, so each spec controls exactly who
 * asked for what, in which order.
 */
import { Consumer, GenStage, Producer, setLogger, type DispatcherHost, type Stage, type Subscription } from '../../src/index.js';
import type { CancelReason, StartOptions, SubscribeOptions } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

/** A producer that emits what it is cast, and records every `handleDemand` argument. */
export class HandSource<T> extends Producer<T> {
  readonly demands: number[] = [];
  readonly infos: unknown[] = [];
  readonly cancels: CancelReason[] = [];
  handleDemand(demand: number): T[] {
    this.demands.push(demand);
    return [];
  }
  override handleCast(events: T[]): T[] {
    return events;
  }
  override handleInfo(message: unknown): void {
    this.infos.push(message);
  }
  override handleCancel(reason: CancelReason): void {
    this.cancels.push(reason);
  }
}

/** A consumer that records batches; in manual mode (the default) it asks only when cast a number. */
export class Recorder<T> extends Consumer<T> {
  readonly batches: T[][] = [];
  readonly cancels: CancelReason[] = [];
  sub: Subscription<T> | undefined;
  constructor(private readonly mode: 'automatic' | 'manual' = 'manual') {
    super();
  }
  get events(): T[] {
    return this.batches.flat();
  }
  override handleSubscribe(_kind: 'producer' | 'consumer', _options: unknown, from: Subscription<T>): 'automatic' | 'manual' {
    this.sub ??= from;
    return this.mode;
  }
  handleEvents(events: T[]): void {
    this.batches.push(events);
  }
  override handleCast(count: number): void {
    this.ask(this.sub as Subscription<T>, count);
  }
  override handleCancel(reason: CancelReason): void {
    this.cancels.push(reason);
  }
}

export interface Rig<T> {
  source: HandSource<T>;
  producer: Stage<T>;
}

export async function startSource<T>(options: StartOptions<T> = {}): Promise<Rig<T>> {
  const source = new HandSource<T>();
  const producer = (await GenStage.start(source, options as StartOptions<never>)) as unknown as Stage<T>;
  return { source, producer };
}

export interface Member<T> {
  rec: Recorder<T>;
  stage: Stage<never>;
  sub: Subscription<T>;
  /** Asks for `n` more and lets everything settle. */
  ask(n: number): Promise<void>;
  /** Cancels this consumer's subscription and lets everything settle. */
  cancel(reason?: unknown): Promise<void>;
}

/** Starts a recording consumer subscribed to `producer` (manual demand unless told) and settles. */
export async function join<T>(
  producer: Stage<T>,
  options: SubscribeOptions = {},
  mode: 'automatic' | 'manual' = 'manual',
): Promise<Member<T>> {
  const rec = new Recorder<T>(mode);
  const stage = await GenStage.start(rec);
  const sub = await stage.subscribe(producer, { cancel: 'temporary', ...options });
  await settle();
  return {
    rec,
    stage,
    sub,
    ask: async (n) => {
      stage.cast(n);
      await settle();
    },
    cancel: async (reason = 'normal') => {
      stage.cancel(sub as Subscription<unknown>, reason);
      await settle();
    },
  };
}

/** Emits `events` from a hand source and settles. */
export async function emit<T>(producer: Stage<T>, events: T[]): Promise<void> {
  producer.cast(events);
  await settle();
}

/** Captures warnings and errors while `body` runs. */
export async function captureLogs<R>(body: () => Promise<R>): Promise<{ result: R; warnings: string[]; errors: string[] }> {
  const warnings: string[] = [];
  const errors: string[] = [];
  setLogger({ warn: (m) => warnings.push(m), error: (m) => errors.push(m) });
  try {
    const result = await body();
    await settle();
    return { result, warnings, errors };
  } finally {
    setLogger();
  }
}

export { settle };

/** A host that records what a dispatcher did, with no live stage behind it (state-transition specs). */
export function fakeHost(): { host: DispatcherHost<number>; log: unknown[][] } {
  const log: unknown[][] = [];
  const host: DispatcherHost<number> = {
    deliver: (to, events) => log.push(['deliver', to.tag, events]),
    askAgain: (from, count) => log.push(['askAgain', from.tag, count]),
    sendInfo: (message) => log.push(['info', message]),
    warn: (message) => log.push(['warn', message]),
  };
  return { host, log };
}

/** A stand-in subscription: a dispatcher reads its tag and its consumer's identity only. */
export function fakeSubscription(tag: number, consumer: object = { describe: () => `consumer ${tag}` }): Subscription<number> {
  return { tag, consumerProcess: consumer } as unknown as Subscription<number>;
}
