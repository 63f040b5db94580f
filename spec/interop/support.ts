import { Consumer, GenStage, Producer, type Stage, type Subscription } from '../../src/index.js';
import { activeResources } from '../support/resources.js';

export { activeResources };

/** A promise with its resolve exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const ASK = Symbol('ask');

/**
 * A consumer that asks only when told (`ask(n)`), collects what it gets, and lets a
 * spec wait until it holds `count` events.
 */
export class ManualConsumer<T> extends Consumer<T> {
  readonly got: T[] = [];
  private sub: Subscription<T> | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];

  override handleSubscribe(_kind: 'producer' | 'consumer', _options: unknown, from: Subscription<T>): 'manual' {
    this.sub = from;
    return 'manual';
  }

  handleEvents(events: T[]): void {
    this.got.push(...events);
    this.waiters = this.waiters.filter((w) => {
      if (this.got.length < w.count) return true;
      w.resolve();
      return false;
    });
  }

  override handleInfo(message: unknown): void {
    if (Array.isArray(message) && message[0] === ASK && this.sub !== undefined) this.ask(this.sub, message[1] as number);
  }

  /** Resolves once `count` events have arrived in all. */
  until(count: number): Promise<void> {
    if (this.got.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

/** Starts a manual consumer subscribed to `producer`; `ask(n)` sends demand. */
export async function manual<T>(producer: Stage<T>): Promise<{ consumer: ManualConsumer<T>; stage: Stage<never>; ask(n: number): void }> {
  const consumer = new ManualConsumer<T>();
  const stage = await GenStage.start(consumer, { subscribeTo: [{ to: producer as Stage<unknown>, cancel: 'temporary' }] });
  // The demand dispatcher takes the first ask as the most a consumer asks at once:
  // larger asks later are sent as several of that size.
  let unit = 0;
  const ask = (n: number): void => {
    if (unit === 0) unit = n;
    for (let left = n; left > 0; left -= unit) stage.send([ASK, Math.min(unit, left)]);
  };
  return { consumer, stage: stage as Stage<never>, ask };
}

/** A producer of 0, 1, 2... that records every demand and cancel it sees. */
export class Naturals extends Producer<number> {
  next = 0;
  readonly demands: number[] = [];
  readonly cancels: unknown[] = [];
  readonly cancelled = deferred<unknown>();
  handleDemand(demand: number): number[] {
    this.demands.push(demand);
    const out: number[] = [];
    for (let i = 0; i < demand; i++) out.push(this.next++);
    return out;
  }
  override handleCancel(reason: { cancel: unknown } | { down: unknown }): void {
    this.cancels.push(reason);
    this.cancelled.resolve(reason);
  }
}

/** An endless generator that counts what it yielded and resolves `closed` when `return()` reaches it. */
export function counting(): { iterable: Iterable<number>; pulled: () => number; closed: Promise<void> } {
  let n = 0;
  const closed = deferred();
  function* gen(): Generator<number> {
    try {
      for (;;) yield n++;
    } finally {
      closed.resolve();
    }
  }
  return { iterable: { [Symbol.iterator]: () => gen() }, pulled: () => n, closed: closed.promise };
}

/** Waits (a bounded number of event-loop turns) until the active resources of `types` are back to `before`. */
export async function resourcesBackTo(before: Map<string, number>, types: readonly string[], turns = 200): Promise<void> {
  for (let i = 0; i < turns; i++) {
    const now = activeResources();
    if (types.every((t) => (now.get(t) ?? 0) <= (before.get(t) ?? 0))) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const now = activeResources();
  throw new Error(`resources not released: before ${JSON.stringify([...before])}, after ${JSON.stringify([...now])}`);
}
