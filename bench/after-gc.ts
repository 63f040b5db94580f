/**
 * W1 as applications run it: a new pipeline per run, started right after a full
 * garbage collection (`global.gc()`, twice), 1,000,000 events. Each contender runs
 * once per round, interleaved; the figure is the median over the rounds. The same
 * contenders are then measured warm (no forced GC, warm-up rounds first, as in the
 * `pipeline` suite) so both columns come from the same process and the same minute.
 *
 * Two sources, each against RxJS reading the same source:
 *
 * - integers built in `handleDemand` (the counting `Producer` of bench/pipeline.ts)
 *   against RxJS `range`;
 * - a generator (`function*`) read through `GenStage.fromIterable` or `Flow.from`,
 *   against RxJS `from(generator)`.
 *
 * A forced full GC clears V8's weak references from optimized code to the objects it
 * was specialised on; code specialised on one pipeline's objects is thrown away with
 * them (see docs/performance.md).
 *
 * Run alone: npx tsx bench/after-gc.ts [--quick]
 */
import { Readable, Writable } from 'node:stream';
import { pipeline as nodePipeline } from 'node:stream/promises';
import { from as rxFrom, map as rxMap, range as rxRange, reduce as rxReduce } from 'rxjs';
import { from as ixFrom, reduce as ixReduce } from 'ix/iterable';
import { map as ixMap } from 'ix/iterable/operators';
import { Flow, GenStage, map, onTrigger, reduce } from '../src/index.js';
import { collectGarbage, getGc, measure, median, type Contender } from './lib.js';
import { Counter, MAX_DEMAND, Sum, double, threeStages } from './pipeline.js';

export interface AfterGcRow {
  name: string;
  /** Median rate of a new pipeline started right after a full GC. */
  afterGcPerSecond: number;
  /** Against the RxJS row reading the same source, after a GC too. */
  vsRxjsAfterGc: number;
  /** Median rate warm (no forced GC). */
  warmPerSecond: number;
  vsRxjsWarm: number;
  /** Warm rate over the after-GC rate: what a full GC costs the next run. */
  gcLossRatio: number;
}

export interface AfterGcOptions {
  /** Events per run. Default 1,000,000. */
  events?: number;
  /** Rounds after a GC (median). Default 7. */
  rounds?: number;
  /** Warm rounds (median), after 3 untimed. Default 5. */
  warmRounds?: number;
  /** Warm runs shorter than this are repeated within a sample (ms). Default 100; the smoke spec uses 0. */
  minSampleMs?: number;
}

const add = (acc: number, x: number): number => acc + x;

/** 0, 1 ... n - 1. */
export function* ints(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function loop(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i * 2;
  return sum;
}

export function rxRangeSum(n: number): number {
  let sum = NaN;
  rxRange(0, n).pipe(rxMap(double), rxReduce(add, 0)).subscribe((v) => (sum = v));
  return sum;
}

export function rxGeneratorSum(n: number): number {
  let sum = NaN;
  rxFrom(ints(n)).pipe(rxMap(double), rxReduce(add, 0)).subscribe((v) => (sum = v));
  return sum;
}

/** W1: counting Producer → ProducerConsumer → Consumer, default maxDemand unless given. */
export function w1(n: number, maxDemand?: number): Promise<number> {
  return threeStages(GenStage.start(new Counter(n)), new Sum(), maxDemand);
}

export function fromIterableStages(n: number, maxDemand?: number): Promise<number> {
  return threeStages(GenStage.fromIterable(ints(n)), new Sum(), maxDemand);
}

export async function flowGenerator(n: number): Promise<number> {
  const [sum] = await Flow.from(ints(n))
    .pipe(
      map(double),
      reduce(() => 0, (x: number, acc: number) => acc + x),
      onTrigger((acc: number) => [[acc], acc]),
    )
    .toArray();
  return sum as number;
}

async function nodeGenerator(n: number): Promise<number> {
  let sum = 0;
  await nodePipeline(
    Readable.from(ints(n), { highWaterMark: 1000 }),
    new Writable({
      objectMode: true,
      highWaterMark: 1000,
      write(x: number, _encoding, callback) {
        sum += x * 2;
        callback();
      },
    }),
  );
  return sum;
}

const RX_RANGE = 'RxJS range → map → reduce (sync)';
const RX_GEN = 'RxJS from(generator) → map → reduce (sync)';

interface Row extends Contender {
  /** The RxJS row this one is compared with. */
  against: string;
}

function contenders(n: number): Row[] {
  return [
    { name: 'for loop (integers)', against: RX_RANGE, run: () => loop(n) },
    { name: 'W1: genstage 3 stages, counting Producer (default maxDemand)', against: RX_RANGE, run: () => w1(n) },
    { name: `genstage 3 stages, counting Producer (maxDemand ${MAX_DEMAND.toLocaleString('en-US')})`, against: RX_RANGE, run: () => w1(n, MAX_DEMAND) },
    { name: RX_RANGE, against: RX_RANGE, run: () => rxRangeSum(n) },
    { name: 'genstage 3 stages, fromIterable(generator) (default maxDemand)', against: RX_GEN, run: () => fromIterableStages(n) },
    { name: 'Flow.from(generator) → map → reduce (defaults)', against: RX_GEN, run: () => flowGenerator(n) },
    { name: RX_GEN, against: RX_GEN, run: () => rxGeneratorSum(n) },
    { name: 'IxJS from(generator) → map → reduce', against: RX_GEN, run: () => ixReduce(ixFrom(ints(n)).pipe(ixMap(double)), add, 0) },
    { name: 'Node Readable.from(generator) → Writable (highWaterMark 1000)', against: RX_GEN, run: () => nodeGenerator(n) },
  ];
}

/** Runs every contender once per round, each right after a full GC; median seconds per contender. */
export async function measureAfterGc(list: readonly Contender[], rounds: number, expected: number): Promise<Map<string, number>> {
  if (getGc() === null) throw new Error('after-gc: global.gc is not available (run node with --expose-gc)');
  const samples = new Map<string, number[]>(list.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of list) {
      collectGarbage();
      const t0 = performance.now();
      const result = await c.run();
      const s = (performance.now() - t0) / 1000;
      if (result !== expected) throw new Error(`checksum mismatch in "${c.name}": got ${String(result)}, expected ${expected}`);
      (samples.get(c.name) as number[]).push(s);
    }
  }
  return new Map([...samples].map(([name, s]) => [name, median(s)]));
}

export async function afterGcBench(options: AfterGcOptions = {}): Promise<AfterGcRow[]> {
  const n = options.events ?? 1_000_000;
  const expected = loop(n);
  const list = contenders(n);
  // One untimed run of each first: module loading and first compilation are the
  // cold-start suite's business, not this one's.
  for (const c of list) await c.run();
  const cold = await measureAfterGc(list, options.rounds ?? 7, expected);
  const warm = await measure(list, { rounds: options.warmRounds ?? 5, warmup: 3, expected, minSampleMs: options.minSampleMs ?? 100 });
  const rate = (m: Map<string, number>, name: string): number => n / (m.get(name) as number);
  return list.map(({ name, against }) => ({
    name,
    afterGcPerSecond: rate(cold, name),
    vsRxjsAfterGc: rate(cold, name) / rate(cold, against),
    warmPerSecond: rate(warm, name),
    vsRxjsWarm: rate(warm, name) / rate(warm, against),
    gcLossRatio: rate(warm, name) / rate(cold, name),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable, loadLine } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(`load before: ${loadLine()}`);
  console.log(rowsTable(await afterGcBench(quick ? { events: 200_000, rounds: 3, warmRounds: 1 } : {})));
  console.log(`load after: ${loadLine()}`);
}
