// The protocol rules cited below (R1) are stated in docs/protocol.md.
/**
 * Random topologies for the property and fault specs: a plan (plain data, so
 * fast-check can print and shrink it), an arbitrary that generates plans, a runner
 * that builds the plan out of real stages and records what every stage asked for,
 * received and emitted, and a checker for the delivery invariants.
 *
 * Nodes are numbered: sources `0..S-1`, then producer-consumers `S..S+P-1`. A
 * producer-consumer subscribes only to nodes numbered below it, so the graph is a DAG.
 * Every delay in a callback is a microtask or a `setImmediate`, never a timer, so a run
 * that makes no progress across `settle()` is stuck, not slow.
 */
import fc from 'fast-check';
import {
  GenStage, Producer, ProducerConsumer, Consumer, DemandDispatcher, BroadcastDispatcher, PartitionDispatcher,
  defaultHash, setLogger, type Stage, type Subscription, type CancelMode, type CancelReason, type Dispatcher,
} from '../../src/index.js';
import { settle } from '../../src/testing/index.js';
import { consumerCount } from '../../src/core/internal.js';

export type Delay = 'sync' | 'micro' | 'immediate';
export type DispatcherKind = 'demand' | 'broadcast' | 'partition-default' | 'partition-mod';

export interface SubPlan {
  to: number;
  maxDemand: number;
  minDemand?: number;
  cancel: CancelMode;
  /** Broadcast only: accept events with `(p + seq) % mod === rem`. */
  selector?: [number, number];
  /** Partition only: filled in from the order of the producer's subscribers. */
  partition?: number;
}

export interface SourcePlan {
  impl: 'iterable' | 'custom';
  count: number;
  dispatcher: DispatcherKind;
  bufferSize?: number;
  bufferKeep: 'first' | 'last';
  /** Custom producers: at most this many events per callback; the rest later, from `handleInfo`. */
  chunk: number;
  delays: Delay[];
}

export interface PcPlan {
  dispatcher: DispatcherKind;
  /** Manual demand on its upstream side, with a window of `window` events per subscription. */
  manual: boolean;
  window: number;
  delays: Delay[];
  subs: SubPlan[];
}

export interface ConsumerPlan {
  manual: boolean;
  window: number;
  delays: Delay[];
  subs: SubPlan[];
}

export interface Plan {
  sources: SourcePlan[];
  pcs: PcPlan[];
  consumers: ConsumerPlan[];
}

export interface Ev {
  p: number;
  seq: number;
}

const key = (e: Ev): string => `${e.p}:${e.seq}`;

// ------------------------------------------------------------------ generation

const delays = fc.array(fc.constantFrom<Delay>('sync', 'sync', 'micro', 'immediate'), { minLength: 1, maxLength: 4 });
const dispatcherKind = fc.constantFrom<DispatcherKind>('demand', 'broadcast', 'partition-default', 'partition-mod');

const rawSub = fc.record({
  target: fc.nat(63),
  maxDemand: fc.integer({ min: 1, max: 12 }),
  minDemand: fc.option(fc.nat(11), { nil: undefined }),
  cancel: fc.constantFrom<CancelMode>('permanent', 'transient', 'temporary'),
  selector: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat(2)), { nil: undefined }),
});

const rawSource = fc.record({
  impl: fc.constantFrom<'iterable' | 'custom'>('iterable', 'custom'),
  count: fc.nat(120),
  dispatcher: dispatcherKind,
  bufferSize: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  bufferKeep: fc.constantFrom<'first' | 'last'>('first', 'last'),
  chunk: fc.integer({ min: 1, max: 8 }),
  delays,
});

const rawSink = fc.record({
  dispatcher: dispatcherKind,
  manual: fc.boolean(),
  window: fc.integer({ min: 1, max: 8 }),
  delays,
  subs: fc.array(rawSub, { minLength: 1, maxLength: 3 }),
});

interface RawSub {
  target: number;
  maxDemand: number;
  minDemand: number | undefined;
  cancel: CancelMode;
  selector: [number, number] | undefined;
}

interface RawSink {
  dispatcher: DispatcherKind;
  manual: boolean;
  window: number;
  delays: Delay[];
  subs: RawSub[];
}

/** Turns raw draws into a well-formed plan: every node has a subscriber, no duplicate edges. */
export function normalise(raw: { sources: SourcePlan[]; sinks: RawSink[]; pcCount: number }): Plan {
  const S = raw.sources.length;
  const pcsRaw = raw.sinks.slice(0, raw.pcCount);
  const consumersRaw = raw.sinks.slice(raw.pcCount);
  const nodes = (): number => S + pcsRaw.length;
  const dispatcherOf = (n: number): DispatcherKind =>
    n < S ? (raw.sources[n] as SourcePlan).dispatcher : (pcsRaw[n - S] as RawSink).dispatcher;
  const makeSubs = (subs: RawSub[], candidates: number): SubPlan[] => {
    const seen = new Set<number>();
    const out: SubPlan[] = [];
    for (const s of subs) {
      const to = s.target % candidates;
      if (seen.has(to)) continue;
      seen.add(to);
      const sub: SubPlan = { to, maxDemand: s.maxDemand, cancel: s.cancel };
      if (s.minDemand !== undefined) sub.minDemand = s.minDemand % s.maxDemand;
      if (s.selector !== undefined && dispatcherOf(to) === 'broadcast') sub.selector = [s.selector[0], s.selector[1] % s.selector[0]];
      out.push(sub);
    }
    return out;
  };
  const pcs: PcPlan[] = pcsRaw.map((r, i) => ({
    dispatcher: r.dispatcher, manual: r.manual, window: r.window, delays: r.delays, subs: makeSubs(r.subs, S + i),
  }));
  const consumers: ConsumerPlan[] = consumersRaw.map((r) => ({
    manual: r.manual, window: r.window, delays: r.delays, subs: makeSubs(r.subs, nodes()),
  }));
  // Every source and producer-consumer needs a subscriber, or its events go nowhere.
  const subscribers = (n: number): SubPlan[] =>
    [...pcs.map((p) => p.subs), ...consumers.map((c) => c.subs)].flat().filter((s) => s.to === n);
  for (let n = 0; n < nodes(); n++) {
    if (subscribers(n).length > 0) continue;
    const consumer = consumers[n % consumers.length] as ConsumerPlan;
    consumer.subs.push({ to: n, maxDemand: 4, cancel: 'transient' });
  }
  // A stage with several producers must outlive the first one that ends.
  for (const sink of [...pcs, ...consumers]) {
    if (sink.subs.length > 1) for (const s of sink.subs) if (s.cancel === 'permanent') s.cancel = 'transient';
  }
  // Partitions: one per subscriber, numbered in subscription order.
  for (let n = 0; n < nodes(); n++) {
    if (!dispatcherOf(n).startsWith('partition')) continue;
    subscribers(n).forEach((s, i) => (s.partition = i));
  }
  return { sources: raw.sources, pcs, consumers };
}

/** Random topologies: 1-4 sources, 0-3 producer-consumers, 1-4 consumers. */
export const planArbitrary: fc.Arbitrary<Plan> = fc
  .record({
    sources: fc.array(rawSource, { minLength: 1, maxLength: 4 }),
    pcCount: fc.nat(3),
    consumerCount: fc.integer({ min: 1, max: 4 }),
    sinks: fc.array(rawSink, { minLength: 7, maxLength: 7 }),
  })
  .map((r) => {
    const sources: SourcePlan[] = r.sources.map((s) => {
      const out: SourcePlan = { impl: s.impl, count: s.count, dispatcher: s.dispatcher, bufferKeep: s.bufferKeep, chunk: s.chunk, delays: s.delays };
      // A broadcast producer legitimately over-produces (demand asked before a later
      // subscriber joined waits for the slowest), so only it gets the default buffer.
      if (s.bufferSize !== undefined && s.dispatcher !== 'broadcast') out.bufferSize = s.bufferSize;
      return out;
    });
    return normalise({ sources, sinks: r.sinks.slice(0, r.pcCount + r.consumerCount), pcCount: r.pcCount });
  });

// ------------------------------------------------------------------ running

let progress = 0;

function later<T>(delay: Delay, fn: () => T): T | Promise<T> {
  progress++;
  if (delay === 'sync') return fn();
  if (delay === 'micro') return Promise.resolve().then(fn);
  return new Promise<void>((resolve) => setImmediate(resolve)).then(fn);
}

/** One edge's demand bookkeeping, from the consumer's side. */
interface Account {
  from: number;
  manual: boolean;
  max: number;
  min: number;
  asked: number;
  pending: number;
  received: number;
}

/** What a fault plan injects: node `node` throws at its `at`-th callback (0-based). */
export interface Fault {
  node: number;
  at: number;
  /** Throw synchronously, or reject after an awaited delay. */
  how: 'throw' | 'reject';
}

export class FaultError extends Error {
  constructor(readonly node: number) {
    super(`injected fault in node ${node}`);
  }
}

interface Recorder {
  node: number;
  calls: number;
  fault: Fault | undefined;
  emitted: Ev[];
  /** Per inbound subscription, in order of arrival. */
  received: Map<number, Ev[]>;
  accounts: Map<Subscription<Ev>, Account>;
  violations: string[];
}

function newRecorder(node: number, fault: Fault | undefined, violations: string[]): Recorder {
  return { node, calls: 0, fault: fault?.node === node ? fault : undefined, emitted: [], received: new Map(), accounts: new Map(), violations };
}

/** Counts a callback, and throws (or returns a rejection) if this is the faulty one. */
function tick(r: Recorder): Promise<never> | undefined {
  const n = r.calls++;
  if (r.fault === undefined || r.fault.at !== n) return undefined;
  const error = new FaultError(r.node);
  if (r.fault.how === 'throw') throw error;
  return Promise.resolve().then(() => Promise.reject(error));
}

function onEventsIn(r: Recorder, self: string, events: Ev[], from: Subscription<Ev>, nodeOf: Map<Stage<unknown>, number>): Account {
  const a = r.accounts.get(from);
  const upstream = nodeOf.get(from.producer as Stage<unknown>) ?? -1;
  if (a === undefined) {
    r.violations.push(`${self} got events on a subscription it never made (from node ${upstream})`);
    return { from: upstream, manual: true, max: 0, min: 0, asked: Infinity, pending: 0, received: 0 };
  }
  a.received += events.length;
  if (a.received > a.asked) r.violations.push(`${self} received ${a.received} events from node ${a.from} but asked for ${a.asked}`);
  if (!a.manual && events.length > a.max - a.min) {
    r.violations.push(`${self} got a chunk of ${events.length} from node ${a.from}, more than maxDemand - minDemand = ${a.max - a.min}`);
  }
  let list = r.received.get(a.from);
  if (list === undefined) r.received.set(a.from, (list = []));
  for (const e of events) list.push(e);
  return a;
}

/** After a chunk is handled: R1 for automatic subscriptions, a fresh ask for manual ones. */
function afterChunk(a: Account, count: number, ask: (n: number) => void, split: boolean): void {
  if (a.manual) {
    if (count === 0) return;
    if (split && count > 1) {
      a.asked += 1;
      ask(1);
      a.asked += count - 1;
      ask(count - 1);
    } else {
      a.asked += count;
      ask(count);
    }
    return;
  }
  let pending = a.pending - count;
  if (pending < 0) pending = 0;
  if (pending <= a.min) {
    a.asked += a.max - pending;
    a.pending = a.max;
  } else a.pending = pending;
}

function openAccount(r: Recorder, from: Subscription<Ev>, upstream: number, manual: boolean, window: number): Account {
  const a: Account = {
    from: upstream, manual, max: from.maxDemand, min: from.minDemand,
    asked: manual ? window : from.maxDemand, pending: from.maxDemand, received: 0,
  };
  r.accounts.set(from, a);
  return a;
}

const STOP = Symbol('stop');
const MORE = Symbol('more');

class CustomSource extends Producer<Ev> {
  private next = 0;
  private owed = 0;
  private finished = false;
  constructor(private readonly plan: SourcePlan, private readonly index: number, private readonly rec: Recorder) {
    super();
  }
  handleDemand(demand: number): Ev[] | Promise<Ev[]> {
    const fault = tick(this.rec);
    if (fault) return fault;
    this.owed += demand;
    const delay = this.plan.delays[this.rec.calls % this.plan.delays.length] as Delay;
    return later(delay, () => this.produce());
  }
  override handleInfo(message: unknown): Ev[] | Promise<Ev[]> | undefined {
    if (message === STOP) {
      this.stop('normal');
      return undefined;
    }
    if (message !== MORE) return undefined;
    const fault = tick(this.rec);
    if (fault) return fault;
    return this.produce();
  }
  override handleCancel(_reason: CancelReason): void {
    // As fromIterable's onCancel: 'stop': nobody left to produce for.
    if (faultsOn && consumerCount(this) === 0) this.stop('normal');
  }
  private produce(): Ev[] {
    const n = Math.min(this.owed, this.plan.count - this.next, this.plan.chunk);
    const out: Ev[] = [];
    for (let i = 0; i < n; i++) out.push({ p: this.index, seq: this.next++ });
    this.owed -= n;
    for (const e of out) this.rec.emitted.push(e);
    if (this.next >= this.plan.count) {
      if (!this.finished) {
        this.finished = true;
        this.asyncInfo(STOP);
      }
    } else if (this.owed > 0) this.self.send(MORE);
    return out;
  }
}

/** Set while a fault plan runs: orphaned producers stop instead of waiting forever. */
let faultsOn = false;

class PassThrough extends ProducerConsumer<Ev, Ev> {
  private open = 0;
  private downstream = 0;
  constructor(
    private readonly plan: PcPlan,
    private readonly rec: Recorder,
    private readonly nodeOf: Map<Stage<unknown>, number>,
  ) {
    super();
  }
  override handleSubscribe(kind: 'producer' | 'consumer', _opts: Readonly<Record<string, unknown>>, from: Subscription<Ev>): 'manual' | 'automatic' {
    if (kind === 'consumer') {
      this.downstream++;
      return 'automatic';
    }
    this.open++;
    const upstream = this.nodeOf.get(from.producer as Stage<unknown>) ?? -1;
    openAccount(this.rec, from, upstream, this.plan.manual, this.plan.window);
    if (this.plan.manual) this.ask(from, this.plan.window);
    return this.plan.manual ? 'manual' : 'automatic';
  }
  handleEvents(events: Ev[], from: Subscription<Ev>): Ev[] | Promise<Ev[]> {
    const fault = tick(this.rec);
    if (fault) return fault;
    const a = onEventsIn(this.rec, `pc node ${this.rec.node}`, events, from, this.nodeOf);
    const delay = this.plan.delays[this.rec.calls % this.plan.delays.length] as Delay;
    const split = this.rec.calls % 2 === 1;
    return later(delay, () => {
      afterChunk(a, events.length, (n) => this.ask(from, n), split);
      for (const e of events) this.rec.emitted.push(e);
      return events;
    });
  }
  override handleCancel(_reason: CancelReason, from: Subscription<Ev>): void {
    if (from.consumer === (this.self as Stage<unknown>)) {
      this.open--;
      if (this.open === 0 && this.plan.subs.every((s) => s.cancel !== 'permanent')) this.asyncInfo(STOP);
    } else {
      this.downstream--;
      if (faultsOn && this.downstream === 0) this.stop('normal');
    }
  }
  override handleInfo(message: unknown): undefined {
    if (message === STOP) this.stop('normal');
    return undefined;
  }
}

class Sink extends Consumer<Ev> {
  private open = 0;
  constructor(
    private readonly plan: ConsumerPlan,
    private readonly rec: Recorder,
    private readonly nodeOf: Map<Stage<unknown>, number>,
  ) {
    super();
  }
  override handleSubscribe(_kind: 'producer' | 'consumer', _opts: Readonly<Record<string, unknown>>, from: Subscription<Ev>): 'manual' | 'automatic' {
    this.open++;
    const upstream = this.nodeOf.get(from.producer as Stage<unknown>) ?? -1;
    openAccount(this.rec, from, upstream, this.plan.manual, this.plan.window);
    if (this.plan.manual) this.ask(from, this.plan.window);
    return this.plan.manual ? 'manual' : 'automatic';
  }
  handleEvents(events: Ev[], from: Subscription<Ev>): void | Promise<void> {
    const fault = tick(this.rec);
    if (fault) return fault;
    const a = onEventsIn(this.rec, `consumer node ${this.rec.node}`, events, from, this.nodeOf);
    const delay = this.plan.delays[this.rec.calls % this.plan.delays.length] as Delay;
    const split = this.rec.calls % 2 === 1;
    return later(delay, () => afterChunk(a, events.length, (n) => this.ask(from, n), split));
  }
  override handleCancel(): void {
    this.open--;
    if (this.open === 0 && this.plan.subs.every((s) => s.cancel !== 'permanent')) this.stop('normal');
  }
}

function makeDispatcher(kind: DispatcherKind, subscribers: number): Dispatcher<Ev> {
  switch (kind) {
    case 'demand':
      return new DemandDispatcher<Ev>();
    case 'broadcast':
      return new BroadcastDispatcher<Ev>();
    case 'partition-default':
      return new PartitionDispatcher<Ev, number>({ partitions: Math.max(1, subscribers) });
    case 'partition-mod':
      return new PartitionDispatcher<Ev, number>({ partitions: Math.max(1, subscribers), hash: (e) => [e, e.seq % Math.max(1, subscribers)] });
  }
}

function partitionOf(kind: DispatcherKind, subscribers: number, e: Ev): number {
  return kind === 'partition-mod' ? e.seq % subscribers : defaultHash(e) % subscribers;
}

export interface RunResult {
  plan: Plan;
  reasons: unknown[];
  recorders: Recorder[];
  violations: string[];
  warnings: string[];
  errors: string[];
  stuck: string | undefined;
}

function subsOf(plan: Plan): { from: number; sub: SubPlan }[] {
  const S = plan.sources.length;
  return [...plan.pcs.map((p, i) => p.subs.map((sub) => ({ from: S + i, sub }))).flat(),
    ...plan.consumers.map((c, i) => c.subs.map((sub) => ({ from: S + plan.pcs.length + i, sub }))).flat()];
}

/**
 * Builds `plan` out of real stages, lets it run to the end, and returns what was
 * recorded. Sources start in `'accumulate'` demand mode and switch to `'forward'`
 * only once every subscription is in place, so no stage misses the start.
 */
export async function runPlan(plan: Plan, fault?: Fault): Promise<RunResult> {
  const violations: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const previous = setLogger({ warn: (m) => warnings.push(m), error: (m) => errors.push(m) });
  faultsOn = fault !== undefined;
  const S = plan.sources.length;
  const P = plan.pcs.length;
  const total = S + P + plan.consumers.length;
  const recorders = Array.from({ length: total }, (_, i) => newRecorder(i, fault, violations));
  const nodeOf = new Map<Stage<unknown>, number>();
  const stages: Stage<unknown>[] = [];
  const reasons: unknown[] = new Array(total).fill(undefined);
  const ended: boolean[] = new Array(total).fill(false);
  const edges = subsOf(plan);
  const subscriberCount = (n: number): number => edges.filter((e) => e.sub.to === n).length;
  let stuck: string | undefined;
  try {
    for (let i = 0; i < S; i++) {
      const s = plan.sources[i] as SourcePlan;
      const opts = {
        dispatcher: makeDispatcher(s.dispatcher, subscriberCount(i)),
        bufferKeep: s.bufferKeep,
        demand: 'accumulate' as const,
        ...(s.bufferSize !== undefined ? { bufferSize: s.bufferSize } : {}),
      };
      const events: Ev[] = Array.from({ length: s.count }, (_, seq) => ({ p: i, seq }));
      let stage: Stage<Ev>;
      if (s.impl === 'iterable') {
        stage = await GenStage.fromIterable(events, { ...opts, onCancel: fault ? 'stop' : 'continue' });
        (recorders[i] as Recorder).emitted = events;
      } else {
        stage = await GenStage.start(new CustomSource(s, i, recorders[i] as Recorder), opts);
      }
      stages.push(stage as Stage<unknown>);
    }
    for (let j = 0; j < P; j++) {
      const n = S + j;
      const pc = plan.pcs[j] as PcPlan;
      stages.push((await GenStage.start(new PassThrough(pc, recorders[n] as Recorder, nodeOf), {
        dispatcher: makeDispatcher(pc.dispatcher, subscriberCount(n)),
      })) as Stage<unknown>);
    }
    for (let k = 0; k < plan.consumers.length; k++) {
      const n = S + P + k;
      stages.push((await GenStage.start(new Sink(plan.consumers[k] as ConsumerPlan, recorders[n] as Recorder, nodeOf))) as Stage<unknown>);
    }
    stages.forEach((s, i) => {
      nodeOf.set(s, i);
      void s.done.then((r) => {
        reasons[i] = r;
        ended[i] = true;
      });
    });
    for (const { from, sub } of edges) {
      const options: Record<string, unknown> = { maxDemand: sub.maxDemand, cancel: sub.cancel };
      if (sub.minDemand !== undefined) options.minDemand = sub.minDemand;
      if (sub.partition !== undefined) options.partition = sub.partition;
      if (sub.selector !== undefined) {
        const [mod, rem] = sub.selector;
        options.selector = (e: Ev) => (e.p + e.seq) % mod === rem;
      }
      await (stages[from] as Stage<unknown>).subscribe(stages[sub.to] as Stage<unknown>, options);
    }
    for (let i = 0; i < S; i++) (stages[i] as Stage<unknown>).demand('forward');

    let last = -1;
    for (let round = 0; round < 100_000; round++) {
      await settle();
      if (ended.every(Boolean)) break;
      if (progress === last) {
        stuck = stages.map((s, i) => `node ${i} ${s.alive ? 'alive' : 'exited'}`).join(', ');
        break;
      }
      last = progress;
    }
    await settle();
  } finally {
    for (const s of stages) if (s.alive) await Promise.race([s.stop('kill'), settle()]);
    faultsOn = false;
    setLogger(previous);
  }
  return { plan, reasons, recorders, violations, warnings, errors, stuck };
}

// ------------------------------------------------------------------ checking

function isSubsequence(sub: readonly Ev[], seq: readonly Ev[]): boolean {
  let j = 0;
  for (const e of sub) {
    const k = key(e);
    while (j < seq.length && key(seq[j] as Ev) !== k) j++;
    if (j === seq.length) return false;
    j++;
  }
  return true;
}

function counts(events: readonly Ev[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
  return m;
}

function sameMultiset(a: readonly Ev[], b: readonly Ev[]): string | undefined {
  const ca = counts(a);
  const cb = counts(b);
  for (const [k, n] of ca) if (cb.get(k) !== n) return `event ${k}: ${n} delivered, ${cb.get(k) ?? 0} emitted`;
  for (const [k, n] of cb) if (ca.get(k) !== n) return `event ${k}: ${ca.get(k) ?? 0} delivered, ${n} emitted`;
  return undefined;
}

const show = (events: readonly Ev[]): string => `[${events.map(key).join(' ')}]`;

/** The demand-bound, delivery and ordering invariants of a fault-free run; returns the failures. */
export function checkRun(result: RunResult): string[] {
  const { plan, recorders } = result;
  const problems = [...result.violations];
  if (result.stuck !== undefined) problems.push(`the topology did not end: ${result.stuck}`);
  result.reasons.forEach((r, i) => {
    if (r !== 'normal') problems.push(`node ${i} ended with ${r instanceof Error ? r.message : String(r)}, expected 'normal'`);
  });
  for (const w of result.warnings) if (!/more than the expected maximum/.test(w)) problems.push(`warning: ${w}`);
  for (const e of result.errors) problems.push(`error: ${e}`);
  const S = plan.sources.length;
  const edges = subsOf(plan);
  for (let i = 0; i < S; i++) {
    const s = plan.sources[i] as SourcePlan;
    const emitted = (recorders[i] as Recorder).emitted;
    if (emitted.length !== s.count || emitted.some((e, seq) => e.seq !== seq)) {
      problems.push(`source ${i} emitted ${show(emitted)}, expected 0..${s.count - 1}`);
    }
  }
  const producers = S + plan.pcs.length;
  for (let x = 0; x < producers; x++) {
    const kind = x < S ? (plan.sources[x] as SourcePlan).dispatcher : (plan.pcs[x - S] as PcPlan).dispatcher;
    const emitted = (recorders[x] as Recorder).emitted;
    const outs = edges.filter((e) => e.sub.to === x);
    const got = outs.map((e) => ({ node: e.from, sub: e.sub, events: (recorders[e.from] as Recorder).received.get(x) ?? [] }));
    if (kind === 'demand') {
      for (const g of got) {
        if (!isSubsequence(g.events, emitted)) problems.push(`node ${x} -> ${g.node}: ${show(g.events)} is out of order against ${show(emitted)}`);
      }
      const diff = sameMultiset(got.flatMap((g) => g.events), emitted);
      if (diff !== undefined) problems.push(`node ${x} (demand) delivered not exactly once: ${diff}`);
    } else {
      for (const g of got) {
        let expected: Ev[];
        if (kind === 'broadcast') {
          const sel = g.sub.selector;
          expected = sel === undefined ? emitted : emitted.filter((e) => (e.p + e.seq) % sel[0] === sel[1]);
        } else {
          expected = emitted.filter((e) => partitionOf(kind, outs.length, e) === g.sub.partition);
        }
        if (show(g.events) !== show(expected)) {
          problems.push(`node ${x} (${kind}) -> ${g.node}: got ${show(g.events)}, expected ${show(expected)}`);
        }
      }
    }
  }
  return problems;
}

// ------------------------------------------------------------------ faults

/**
 * The same plan without partition dispatchers. A PartitionDispatcher keeps a dead
 * consumer's queued events for a successor (documented), so a partitioned producer
 * whose consumer crashed waits for one forever: not what the fault runs look at.
 */
export function withoutPartitions(plan: Plan): Plan {
  const copy = JSON.parse(JSON.stringify(plan)) as Plan;
  for (const s of [...copy.sources, ...copy.pcs]) if (s.dispatcher.startsWith('partition')) s.dispatcher = 'demand';
  for (const sink of [...copy.pcs, ...copy.consumers]) for (const sub of sink.subs) delete sub.partition;
  return copy;
}

/** A plan and one callback that fails in it. */
export const faultArbitrary: fc.Arbitrary<{ plan: Plan; fault: Fault }> = fc
  .record({ plan: planArbitrary, node: fc.nat(63), at: fc.nat(5), how: fc.constantFrom<'throw' | 'reject'>('throw', 'reject') })
  .map(({ plan, node, at, how }) => {
    const p = withoutPartitions(plan);
    const total = p.sources.length + p.pcs.length + p.consumers.length;
    return { plan: p, fault: { node: node % total, at, how } };
  });

/**
 * What must hold when one callback fails: everything still ends; only the failing
 * stage and stages with a permanent or transient subscription to a stage that
 * exited with the error exit with it (temporary subscribers never do); everything
 * else ends 'normal'; demand bounds and per-edge order hold for what was delivered.
 */
export function checkFaultRun(result: RunResult, fault: Fault): string[] {
  const { plan, recorders, reasons } = result;
  const problems = [...result.violations];
  if (result.stuck !== undefined) problems.push(`the topology did not end: ${result.stuck}`);
  const fired = (recorders[fault.node] as Recorder).calls > fault.at;
  const isFault = (r: unknown): boolean => r instanceof FaultError && r.node === fault.node;
  reasons.forEach((r, i) => {
    if (r !== 'normal' && !isFault(r)) problems.push(`node ${i} ended with ${r instanceof Error ? r.message : String(r)}`);
  });
  if (fired && !isFault(reasons[fault.node])) problems.push(`node ${fault.node} failed but ended with ${String(reasons[fault.node])}`);
  const edges = subsOf(plan);
  reasons.forEach((r, i) => {
    if (!isFault(r) || i === fault.node) return;
    const cause = edges.some((e) => e.from === i && e.sub.cancel !== 'temporary' && isFault(reasons[e.sub.to]));
    if (!cause) problems.push(`node ${i} ended with the fault but has no permanent/transient subscription to a stage that did`);
  });
  // Events produced for a consumer that died have nowhere to go: a small buffer drops
  // them, or a producer that stops reports them as not delivered.
  for (const w of result.warnings) if (!/more than the expected maximum|has discarded|had not delivered/.test(w)) problems.push(`warning: ${w}`);
  for (const e of result.errors) problems.push(`error: ${e}`);
  const producers = plan.sources.length + plan.pcs.length;
  for (let x = 0; x < producers; x++) {
    const emitted = (recorders[x] as Recorder).emitted;
    for (const e of edges.filter((e) => e.sub.to === x)) {
      const got = (recorders[e.from] as Recorder).received.get(x) ?? [];
      if (!isSubsequence(got, emitted)) problems.push(`node ${x} -> ${e.from}: ${show(got)} is out of order against ${show(emitted)}`);
    }
  }
  return problems;
}
