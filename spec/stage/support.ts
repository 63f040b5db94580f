// The protocol rules cited below (R1, R13) are stated in docs/protocol.md.
/**
 * Small stages for the stage-protocol specs (R1..R13). Each one records what happened
 * to it in order, so a spec can compare whole arrays: the asks a producer received
 * (through a recording dispatcher, exactly as they arrived), the `handleDemand`
 * calls, the batches a consumer was handed, and a shared timeline when the order
 * between callbacks matters.
 */
import {
  Consumer, DemandDispatcher, GenStage, Producer, ProducerConsumer, setLogger,
  type CancelReason, type Dispatcher, type DispatcherHost, type SubscribeRefusal, type Stage, type StartOptions, type Subscription,
} from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

export { settle };

/** One line of a timeline: what happened, in which stage. */
export type Entry = [string, ...unknown[]];

/**
 * Wraps a dispatcher (a `DemandDispatcher` unless given) and records every call the
 * producer made into it: `asks` holds each ask's count in arrival order.
 */
export class RecordingDispatcher<T = unknown> implements Dispatcher<T> {
  readonly asks: number[] = [];
  readonly log: Entry[] = [];
  constructor(private readonly inner: Dispatcher<T> = new DemandDispatcher<T>()) {}
  init(host: DispatcherHost<T>): void {
    this.inner.init(host);
  }
  validate(options: Readonly<Record<string, unknown>>): void {
    this.inner.validate?.(options);
  }
  subscribe(options: Readonly<Record<string, unknown>>, from: Subscription<T>): number | SubscribeRefusal {
    this.log.push(['subscribe', from.tag]);
    return this.inner.subscribe(options, from);
  }
  cancel(from: Subscription<T>): number {
    this.log.push(['cancel', from.tag]);
    return this.inner.cancel(from);
  }
  ask(count: number, from: Subscription<T>): number {
    this.asks.push(count);
    this.log.push(['ask', from.tag, count]);
    return this.inner.ask(count, from);
  }
  dispatch(events: T[]): T[] {
    return this.inner.dispatch(events);
  }
  info(message: unknown): void {
    this.inner.info(message);
  }
}

/**
 * A dispatcher that ignores demand: every event goes to every subscriber, even one
 * that has cancelled (to provoke excess events and unknown subscriptions).
 */
export class Firehose<T = unknown> implements Dispatcher<T> {
  private host!: DispatcherHost<T>;
  readonly subs: Subscription<T>[] = [];
  readonly asks: number[] = [];
  init(host: DispatcherHost<T>): void {
    this.host = host;
  }
  subscribe(_options: Readonly<Record<string, unknown>>, from: Subscription<T>): number {
    this.subs.push(from);
    return 0;
  }
  cancel(): number {
    return 0;
  }
  ask(count: number): number {
    this.asks.push(count);
    return 0;
  }
  dispatch(events: T[]): T[] {
    for (const s of this.subs) this.host.deliver(s, events);
    return this.subs.length === 0 ? events : [];
  }
  info(message: unknown): void {
    this.host.sendInfo(message);
  }
}

/**
 * A producer that emits what it is cast (an array of events) and, in `'count'` mode,
 * answers each demand with that many consecutive integers from 0. Records every
 * `handleDemand` argument, info, subscribe and cancel.
 */
export class Source extends Producer<number> {
  readonly demands: number[] = [];
  readonly infos: unknown[] = [];
  readonly cancels: CancelReason[] = [];
  readonly subscribes: Readonly<Record<string, unknown>>[] = [];
  next = 0;
  constructor(
    private readonly mode: 'hand' | 'count' = 'hand',
    readonly timeline: Entry[] = [],
  ) {
    super();
  }
  handleDemand(demand: number): number[] {
    this.demands.push(demand);
    this.timeline.push(['demand', demand]);
    if (this.mode === 'hand') return [];
    return Array.from({ length: demand }, () => this.next++);
  }
  override handleCast(events: number[]): number[] {
    return events;
  }
  override handleInfo(message: unknown): void {
    this.infos.push(message);
    this.timeline.push(['info', message]);
  }
  override handleSubscribe(kind: 'producer' | 'consumer', options: Readonly<Record<string, unknown>>): void {
    this.subscribes.push(options);
    this.timeline.push(['subscribe', kind]);
  }
  override handleCancel(reason: CancelReason): void {
    this.cancels.push(reason);
    this.timeline.push(['cancel', reason]);
  }
}

/** `count` consecutive integers from `from`. */
export function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/**
 * A consumer that records each `handleEvents` batch, cancel and info. In manual mode
 * it asks only when cast `{ ask: n }` (on its first subscription).
 */
export class Sink<T = number> extends Consumer<T> {
  readonly batches: T[][] = [];
  readonly cancels: CancelReason[] = [];
  readonly infos: unknown[] = [];
  readonly subs: Subscription<T>[] = [];
  terminated: unknown[] = [];
  constructor(
    private readonly mode: 'automatic' | 'manual' = 'automatic',
    readonly timeline: Entry[] = [],
    private readonly onEvents?: (events: T[], from: Subscription<T>) => void | Promise<void>,
  ) {
    super();
  }
  get events(): T[] {
    return this.batches.flat();
  }
  override handleSubscribe(_kind: 'producer' | 'consumer', _options: unknown, from: Subscription<T>): 'automatic' | 'manual' {
    this.subs.push(from);
    return this.mode;
  }
  handleEvents(events: T[], from: Subscription<T>): void | Promise<void> {
    this.batches.push(events);
    this.timeline.push(['events', ...events]);
    return this.onEvents?.(events, from);
  }
  override handleCast(message: { ask: number; sub?: number }): void {
    this.ask(this.subs[message.sub ?? 0] as Subscription<T>, message.ask);
  }
  override handleInfo(message: unknown): void {
    this.infos.push(message);
    this.timeline.push(['info', message]);
  }
  override handleCancel(reason: CancelReason): void {
    this.cancels.push(reason);
    this.timeline.push(['cancel', reason]);
  }
  override terminate(reason: unknown): void {
    this.terminated.push(reason);
    this.timeline.push(['terminate', reason]);
  }
}

/** A producer-consumer that maps each event with `fn` (identity by default) and records batches. */
export class Pass extends ProducerConsumer<number, number> {
  readonly batches: number[][] = [];
  readonly infos: unknown[] = [];
  readonly cancels: CancelReason[] = [];
  constructor(
    private readonly fn: (events: number[]) => number[] = (e) => e,
    readonly timeline: Entry[] = [],
    private readonly mode: 'automatic' | 'manual' = 'automatic',
  ) {
    super();
  }
  override handleSubscribe(): 'automatic' | 'manual' {
    return this.mode;
  }
  handleEvents(events: number[]): number[] {
    this.batches.push(events);
    this.timeline.push(['pc-events', ...events]);
    return this.fn(events);
  }
  override handleCast(events: number[]): number[] {
    return events;
  }
  override handleInfo(message: unknown): void {
    this.infos.push(message);
    this.timeline.push(['pc-info', message]);
  }
  override handleCancel(reason: CancelReason): void {
    this.cancels.push(reason);
    this.timeline.push(['pc-cancel', reason]);
  }
}

export interface SourceRig {
  source: Source;
  producer: Stage<number>;
  dispatcher: RecordingDispatcher<number>;
}

/** Starts a `Source` behind a recording dispatcher. */
export async function startSource(
  mode: 'hand' | 'count' = 'hand',
  options: Omit<StartOptions<number>, 'dispatcher'> & { inner?: Dispatcher<number> } = {},
  timeline: Entry[] = [],
): Promise<SourceRig> {
  const { inner, ...rest } = options;
  const source = new Source(mode, timeline);
  const dispatcher = new RecordingDispatcher<number>(inner);
  const producer = await GenStage.start(source, { ...rest, dispatcher });
  return { source, producer, dispatcher };
}

/** Emits `events` from a `Source` (or a `Pass`) and lets everything settle. */
export async function emit(producer: Stage<number>, events: number[]): Promise<void> {
  producer.cast(events);
  await settle();
}

/** Captures warnings and errors until `restore()`. */
export function captureLogs(): { warnings: string[]; errors: string[]; restore: () => void } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const previous = setLogger({ warn: (m) => warnings.push(m), error: (m) => errors.push(m) });
  return { warnings, errors, restore: () => setLogger(previous) };
}

/** A promise with its resolve function, to hold a callback open. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A manual consumer of `producer` (cancel `'temporary'`), with an `ask(n)` that settles. */
export async function manual(producer: Stage<number>, timeline: Entry[] = []) {
  const sink = new Sink('manual', timeline);
  const consumer = await GenStage.start(sink);
  await consumer.subscribe(producer, { cancel: 'temporary' });
  await settle();
  return {
    sink,
    consumer,
    ask: async (n: number) => {
      consumer.cast({ ask: n });
      await settle();
    },
  };
}
