/**
 * Fairness: does a busy pipeline let timers run? A 1 ms `setInterval` records, at
 * each tick, its lag: the time since the previous tick (or the start) minus 1 ms.
 * It runs while 10,000,000 events go through the three-stage genstage pipeline
 * (counting Producer → ProducerConsumer doubling → Consumer summing, maxDemand
 * 10,000), and, for contrast, while the same sum runs as a plain synchronous loop
 * and as a synchronous RxJS pipeline: those hold the thread until they finish, so
 * the timer fires once, after them, with all the wait in one lag.
 *
 * genstage's scheduler gives the event loop a turn (`setImmediate`) after about
 * 8 ms of continuous work, so its lag stays near that slice however long the
 * pipeline runs.
 *
 * Run alone: npx tsx bench/fairness.ts [--quick]
 */
import { range as rxRange, map as rxMap, reduce as rxReduce } from 'rxjs';
import { genstageCounter } from './pipeline.js';
import { median, quantile } from './lib.js';

export interface FairnessRow {
  name: string;
  events: number;
  /** Wall time of the work (median run). */
  ms: number;
  /** Timer ticks from the start of the work to the first tick after it ended (median run). */
  ticks: number;
  /** Lag quantiles over the ticks of every run. */
  p50LagMs: number;
  p99LagMs: number;
  maxLagMs: number;
}

interface Run {
  ms: number;
  lags: number[];
}

const INTERVAL_MS = 1;

/** Runs `work` under a 1 ms interval; the last tick counted is the first one after `work` ended. */
async function underTimer(name: string, work: () => number | Promise<number>, expected: number): Promise<Run> {
  const lags: number[] = [];
  let last = performance.now();
  let finished = false;
  let release: () => void = () => {};
  const after = new Promise<void>((resolve) => (release = resolve));
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(now - last - INTERVAL_MS);
    last = now;
    if (finished) release();
  }, INTERVAL_MS);
  let sum: number;
  const t0 = performance.now();
  last = t0;
  try {
    sum = await work();
  } finally {
    finished = true;
  }
  const ms = performance.now() - t0;
  await after;
  clearInterval(timer);
  if (sum !== expected) throw new Error(`checksum mismatch in "${name}": got ${sum}, expected ${expected}`);
  return { ms, lags };
}

function plainLoop(events: number): number {
  let sum = 0;
  for (let i = 0; i < events; i++) sum += i * 2;
  return sum;
}

function rxjsSync(events: number): number {
  let sum = NaN;
  rxRange(0, events).pipe(rxMap((x) => x * 2), rxReduce((acc, x) => acc + x, 0)).subscribe((v) => (sum = v));
  return sum;
}

export interface FairnessOptions {
  /** Default 10,000,000. */
  events?: number;
  /** Runs of each, interleaved. Default 5. */
  runs?: number;
  /**
   * Also run genstage and the plain loop over this many events, to show that the
   * loop's lag grows with the work and genstage's does not. Default 50,000,000
   * (every partial sum stays below 2^53, so the checksum is exact); 0 to skip.
   */
  longEvents?: number;
}

/** Timer lag under a busy genstage pipeline, a synchronous loop and a synchronous RxJS pipeline. */
export async function fairnessBench(options: FairnessOptions = {}): Promise<FairnessRow[]> {
  const events = options.events ?? 10_000_000;
  const runs = options.runs ?? 5;
  const expected = events * (events - 1);
  const long = options.longEvents ?? 50_000_000;
  const subjects: [string, number, () => number | Promise<number>][] = [
    ['genstage Producer → ProducerConsumer → Consumer', events, () => genstageCounter(events)],
    ['plain synchronous loop', events, () => plainLoop(events)],
    ['RxJS range → map → reduce (sync)', events, () => rxjsSync(events)],
  ];
  if (long > 0) {
    subjects.push(
      ['genstage Producer → ProducerConsumer → Consumer', long, () => genstageCounter(long)],
      ['plain synchronous loop', long, () => plainLoop(long)],
    );
  }
  // Warm-up, untimed: a cold first run (interpreted, then on-stack replacement) would
  // show as one long lag that says nothing about scheduling.
  const warm = Math.min(events, 1_000_000);
  for (let i = 0; i < 3; i++) {
    await genstageCounter(warm);
    plainLoop(warm);
    rxjsSync(warm);
  }
  const results: Run[][] = subjects.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < subjects.length; i++) {
      const [name, n, work] = subjects[i] as (typeof subjects)[number];
      (results[i] as Run[]).push(await underTimer(name, work, n * (n - 1)));
    }
  }
  return subjects.map(([name, n], i) => {
    const list = results[i] as Run[];
    const lags = list.flatMap((run) => run.lags);
    return {
      name,
      events: n,
      ms: median(list.map((run) => run.ms)),
      ticks: median(list.map((run) => run.lags.length)),
      p50LagMs: Math.max(0, quantile(lags, 0.5)),
      p99LagMs: Math.max(0, quantile(lags, 0.99)),
      maxLagMs: Math.max(0, ...lags),
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await fairnessBench(quick ? { events: 1_000_000, runs: 1, longEvents: 0 } : {})));
}
