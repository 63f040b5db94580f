/**
 * The core pipeline: N integers (1,000,000 by default) from an array → map(x * 2)
 * → sum, through a plain loop, genstage (three stages, and the same as a Flow), RxJS,
 * IxJS (sync and async iterables), Node object-mode streams and WHATWG streams, in
 * the same process. Each contender runs once per round, interleaved with the others;
 * the figure is the median of the timed rounds after warm-up rounds. Every run's sum
 * is checked against the loop's.
 *
 * genstage is measured as a user would write it:
 *
 * - "stages": `GenStage.fromIterable(input)` → a `ProducerConsumer` whose
 *   `handleEvents` returns `events.map(double)` → a `Consumer` adding up each batch;
 *   both subscriptions with `maxDemand: 10_000` (so batches of 5,000: the default
 *   `minDemand` is half). Also shown with the default `maxDemand` (1,000).
 * - "Flow": `Flow.from(input, { maxDemand: 10_000 }).pipe(map(double), reduce(...),
 *   onTrigger(...)).toArray()`, the same without the option too.
 *
 * Larger batches cost less per event until a batch no longer fits a regular heap
 * object: at `maxDemand: 50_000` (batches of 25,000 numbers, 200 KB) V8 allocates
 * each in large-object space and the rate drops several-fold.
 *
 * `pipelineLarge` runs 10,000,000 events through the three stages (a counting
 * `Producer`, no input array) and reports the heap: growth from before the run to
 * after it (both after a full GC) and the most live heap seen during it (a GC every
 * million events, in a separate untimed run).
 *
 * Run alone: npx tsx bench/pipeline.ts [--quick]
 */
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline as nodePipeline } from 'node:stream/promises';
import { from as rxFrom, map as rxMap, reduce as rxReduce } from 'rxjs';
import { from as ixFrom, reduce as ixReduce } from 'ix/iterable';
import { map as ixMap } from 'ix/iterable/operators';
import { from as ixAsyncFrom, reduce as ixAsyncReduce } from 'ix/asynciterable';
import { map as ixAsyncMap } from 'ix/asynciterable/operators';
import { Consumer, Flow, GenStage, Producer, ProducerConsumer, map, onTrigger, reduce } from '../src/index.js';
import { getGc, heapAfterGc, measure, median, type Contender } from './lib.js';

export interface PipelineRow {
  name: string;
  /** Median rate over the timed rounds. */
  eventsPerSecond: number;
  /** This rate over the genstage stages row (maxDemand 10,000). */
  vsGenstage: number;
  /** This rate over the RxJS row. */
  vsRxjs: number;
}

export interface PipelineLargeRow {
  name: string;
  events: number;
  /** Median of the timed runs. */
  seconds: number;
  eventsPerSecond: number;
  /** heapUsed after the run minus before it, both after a full GC. */
  heapGrowthMB?: number;
  /** The most live heap (after a GC) seen during the run, above the heap before it. */
  peakLiveMB?: number;
}

export interface PipelineOptions {
  /** Events per run. Default 1,000,000. */
  events?: number;
  /** Timed rounds. Default 7. */
  rounds?: number;
  /** Untimed rounds first. Default 3. */
  warmup?: number;
  /** Short runs are repeated to fill a sample of at least this many ms. Default 100. */
  minSampleMs?: number;
  /** Only the genstage rows and RxJS (the peer of every ratio), without the slower peers: a quicker table for before/after runs (bench/ab.ts `--quick`). */
  genstageAndRxjsOnly?: boolean;
}

/** The `maxDemand` of every genstage subscription in the tuned rows. */
export const MAX_DEMAND = 10_000;

// Module-local on purpose: an exported binding lives in a module cell, and V8 then does
// not inline a callback loaded from it into `Array.prototype.map` (`events.map(double)`
// measured 2-3x slower with `export const double`, the same library code; docs/performance.md).
const twice = (x: number): number => x * 2;
/** `x * 2`, for the other suites (this module's contenders use the local `twice`). */
export const double = twice;
const add = (acc: number, x: number): number => acc + x;

/** Doubles each batch. */
export class Double extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map(twice);
  }
}

/** Adds up what it receives. */
export class Sum extends Consumer<number> {
  sum = 0;
  handleEvents(events: number[]): void {
    let s = this.sum;
    for (let i = 0; i < events.length; i++) s += events[i] as number;
    this.sum = s;
  }
}

/** 0, 1, 2 ... `limit - 1`, exactly as many as asked; stops once all are out. */
export class Counter extends Producer<number> {
  private n = 0;
  constructor(private readonly limit: number) {
    super();
  }
  handleDemand(demand: number): number[] {
    const end = Math.min(this.n + demand, this.limit);
    const out = new Array<number>(end - this.n);
    for (let i = 0; i < out.length; i++) out[i] = this.n + i;
    this.n = end;
    if (end === this.limit) this.stop('normal');
    return out;
  }
}

/** The Sum consumer, with a hook called after each batch (heap sampling). */
class ObservedSum extends Sum {
  constructor(private readonly after: (sum: ObservedSum, count: number) => void) {
    super();
  }
  count = 0;
  override handleEvents(events: number[]): void {
    super.handleEvents(events);
    this.count += events.length;
    this.after(this, events.length);
  }
}

export async function threeStages(source: Promise<import('../src/index.js').Stage<number>>, sink: Sum, maxDemand: number | undefined): Promise<number> {
  const opts = maxDemand === undefined ? {} : { maxDemand };
  const src = await source;
  const mid = await GenStage.start(new Double(), { subscribeTo: [{ to: src, ...opts }] });
  const end = await GenStage.start(sink, { subscribeTo: [{ to: mid, ...opts }] });
  await end.done;
  return sink.sum;
}

/** genstage: fromIterable → ProducerConsumer → Consumer. */
export function genstageStages(input: readonly number[], maxDemand: number | undefined = MAX_DEMAND): Promise<number> {
  return threeStages(GenStage.fromIterable(input), new Sum(), maxDemand);
}

/** genstage: the counting Producer → ProducerConsumer → Consumer over `events` integers. */
export function genstageCounter(events: number, maxDemand = MAX_DEMAND, sink: Sum = new Sum()): Promise<number> {
  return threeStages(GenStage.start(new Counter(events)), sink, maxDemand);
}

async function genstageFlow(input: readonly number[], maxDemand?: number): Promise<number> {
  const [sum] = await Flow.from(input, maxDemand === undefined ? {} : { maxDemand })
    .pipe(
      map(twice),
      reduce(() => 0, (x: number, acc: number) => acc + x),
      onTrigger((acc: number) => [[acc], acc]),
    )
    .toArray();
  return sum as number;
}

function forLoop(input: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < input.length; i++) sum += (input[i] as number) * 2;
  return sum;
}

function rxjs(input: readonly number[]): number {
  let sum = NaN;
  rxFrom(input).pipe(rxMap(twice), rxReduce(add, 0)).subscribe((v) => (sum = v));
  return sum;
}

function ixSync(input: readonly number[]): number {
  return ixReduce(ixFrom(input).pipe(ixMap(twice)), add, 0);
}

function ixAsync(input: readonly number[]): Promise<number> {
  return ixAsyncReduce(ixAsyncFrom(input).pipe(ixAsyncMap(twice)), { callback: add, seed: 0 });
}

const NODE_HWM = 1000;

async function nodeStreams(input: readonly number[]): Promise<number> {
  let sum = 0;
  await nodePipeline(
    Readable.from(input, { highWaterMark: NODE_HWM }),
    new Transform({
      objectMode: true,
      highWaterMark: NODE_HWM,
      transform(x: number, _encoding, callback) {
        callback(null, x * 2);
      },
    }),
    new Writable({
      objectMode: true,
      highWaterMark: NODE_HWM,
      write(x: number, _encoding, callback) {
        sum += x;
        callback();
      },
    }),
  );
  return sum;
}

const WEB_HWM = 1000;

async function webStreams(input: readonly number[]): Promise<number> {
  let sum = 0;
  const from = (ReadableStream as unknown as { from(i: Iterable<number>): ReadableStream<number> }).from;
  await from(input)
    .pipeThrough(
      new TransformStream<number, number>(
        { transform: (x, controller) => controller.enqueue(x * 2) },
        { highWaterMark: WEB_HWM },
        { highWaterMark: WEB_HWM },
      ),
    )
    .pipeTo(new WritableStream<number>({ write: (x) => void (sum += x) }, { highWaterMark: WEB_HWM }));
  return sum;
}

export const GENSTAGE_ROW = `genstage stages (maxDemand ${MAX_DEMAND.toLocaleString('en-US')})`;
export const RXJS_ROW = 'RxJS from → map → reduce (sync)';

/** The contenders over `input`, in table order. */
export function contenders(input: readonly number[]): Contender[] {
  return [
    { name: 'for loop', run: () => forLoop(input) },
    { name: GENSTAGE_ROW, run: () => genstageStages(input) },
    { name: 'genstage stages (default maxDemand 1,000)', run: () => genstageStages(input, undefined) },
    { name: `genstage Flow (maxDemand ${MAX_DEMAND.toLocaleString('en-US')})`, run: () => genstageFlow(input, MAX_DEMAND) },
    { name: 'genstage Flow (defaults)', run: () => genstageFlow(input) },
    { name: RXJS_ROW, run: () => rxjs(input) },
    { name: 'IxJS iterable (sync)', run: () => ixSync(input) },
    { name: 'IxJS async iterable', run: () => ixAsync(input) },
    { name: `Node object streams (highWaterMark ${NODE_HWM})`, run: () => nodeStreams(input) },
    { name: `WHATWG streams (highWaterMark ${WEB_HWM})`, run: () => webStreams(input) },
  ];
}

/** The 1,000,000-event table (or `events`): median rates and ratios. */
export async function pipelineBench(options: PipelineOptions = {}): Promise<PipelineRow[]> {
  const events = options.events ?? 1_000_000;
  const input = Array.from({ length: events }, (_, i) => i);
  const expected = forLoop(input);
  const list = contenders(input).filter(({ name }) => !options.genstageAndRxjsOnly || name.startsWith('genstage') || name === RXJS_ROW);
  const times = await measure(list, { rounds: options.rounds ?? 7, warmup: options.warmup ?? 3, expected, minSampleMs: options.minSampleMs ?? 100 });
  const rate = (name: string): number => events / (times.get(name) as number);
  const genstage = rate(GENSTAGE_ROW);
  const rx = rate(RXJS_ROW);
  return list.map(({ name }) => ({ name, eventsPerSecond: rate(name), vsGenstage: rate(name) / genstage, vsRxjs: rate(name) / rx }));
}

export interface LargeOptions {
  /** Default 10,000,000. */
  events?: number;
  /** Timed runs (median). Default 3. */
  runs?: number;
}

/** 10,000,000 events through Counter → Double → Sum: time, and the heap before, during and after. */
export async function pipelineLarge(options: LargeOptions = {}): Promise<PipelineLargeRow> {
  const events = options.events ?? 10_000_000;
  const check = (sum: number, n = events): void => {
    if (sum !== n * (n - 1)) throw new Error(`checksum mismatch in the ${n}-event pipeline: got ${sum}, expected ${n * (n - 1)}`);
  };
  const warm = Math.min(events, 1_000_000);
  for (let i = 0; i < 3; i++) check(await genstageCounter(warm), warm);
  const times: number[] = [];
  for (let r = 0; r < (options.runs ?? 3); r++) {
    const t0 = performance.now();
    check(await genstageCounter(events));
    times.push((performance.now() - t0) / 1000);
  }
  const seconds = median(times);
  const row: PipelineLargeRow = {
    name: `genstage Producer → ProducerConsumer → Consumer (maxDemand ${MAX_DEMAND.toLocaleString('en-US')})`,
    events,
    seconds,
    eventsPerSecond: events / seconds,
  };
  const gc = getGc();
  if (gc === null) return row;
  const before = heapAfterGc() as number;
  let peak = before;
  const every = Math.max(1, Math.floor(events / 10));
  let next = every;
  const sink = new ObservedSum((s) => {
    if (s.count >= next) {
      next += every;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  });
  check(await genstageCounter(events, MAX_DEMAND, sink));
  const after = heapAfterGc() as number;
  row.heapGrowthMB = (after - before) / 1024 / 1024;
  row.peakLiveMB = (peak - before) / 1024 / 1024;
  return row;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await pipelineBench(quick ? { events: 100_000, rounds: 1, warmup: 1, minSampleMs: 0 } : {})));
  console.log();
  console.log(rowsTable([await pipelineLarge(quick ? { events: 1_000_000, runs: 1 } : {})]));
}
