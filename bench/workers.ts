/**
 * Worker stages: a CPU-bound flow (each event's text hashed with sha256, 100 times
 * over) run on the main thread, then with its mapping stage in 1 and 2 worker
 * threads (`inWorkers`), in the same process, rounds interleaved. Worker start-up
 * (a thread and the module, once per run) is inside the timing: it is part of what a
 * flow with workers costs. Every run's digests are checked against the one-thread
 * run's. A last row does the same work on two threads by hand (half the input to
 * each, one message each way): the most this machine gives at that moment, since
 * other processes share its cores.
 *
 * Run alone: npx tsx bench/workers.ts [rounds]
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Flow, inWorkers, map } from '../src/index.js';
// @ts-expect-error: a plain .mjs module without types (it is what runs in the workers)
import { hashRounds } from './hash.worker.mjs';

export interface WorkersRow {
  name: string;
  /** Median seconds of the rounds. */
  seconds: number;
  /** One thread's median over this row's. */
  speedup: number;
}

const EVENTS = 20_000;
const MODULE = new URL('./hash.worker.mjs', import.meta.url);
/** The bench runs genstage from its TypeScript sources: its worker threads load them through tsx's require hook. */
const TSX = { execArgv: ['--require', 'tsx/cjs'] } as const;
const hash = hashRounds as (text: string) => string;

function texts(events: number): string[] {
  return Array.from({ length: events }, (_, i) => `event ${i}: ${'x'.repeat(i % 64)}`);
}

const runners: [string, (input: string[]) => Promise<string[]>][] = [
  ['one thread: map(sha256 x100)', (input) => Flow.from(input).pipe(map(hash)).toArray()],
  ['1 worker: inWorkers(sha256 x100)', (input) => Flow.from(input).pipe(inWorkers<string, string>(MODULE, 'hashRounds', TSX)).toArray()],
  [
    '2 workers: stages: 2, inWorkers(sha256 x100)',
    // Two stages: no order across them (the check sorts).
    (input) => Flow.from(input, { stages: 2 }).pipe(inWorkers<string, string>(MODULE, 'hashRounds', TSX)).toArray(),
  ],
  ['reference: hand-written worker_threads, 2 threads, one message each', (input) => byHand(input, 2)],
];

/**
 * The ceiling on this machine at this moment: each thread gets half the input in
 * one message and returns its digests in one message (no demand, no batches).
 */
async function byHand(input: string[], threads: number): Promise<string[]> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData).then((m) => parentPort.once('message', (texts) => parentPort.postMessage(texts.map(m.hashRounds))));`;
  const per = Math.ceil(input.length / threads);
  const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true, workerData: MODULE.href }));
  try {
    const parts = await Promise.all(
      workers.map((w, i) => new Promise<string[]>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.postMessage(input.slice(i * per, (i + 1) * per));
      })),
    );
    return parts.flat();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs each runner `rounds` times over `events` texts, interleaved; median seconds, and speedup over one thread. */
export async function workersBench(rounds = 5, events = EVENTS): Promise<WorkersRow[]> {
  const input = texts(events);
  const expected = [...(await runners[0]![1](input))].sort();
  const times = new Map<string, number[]>(runners.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of runners) {
      const t0 = performance.now();
      const out = await run(input);
      const seconds = (performance.now() - t0) / 1000;
      const sorted = [...out].sort();
      if (sorted.length !== expected.length || sorted.some((d, i) => d !== expected[i])) throw new Error(`${name}: digests differ from the one-thread run`);
      times.get(name)!.push(seconds);
    }
  }
  const base = median(times.get(runners[0]![0])!);
  return runners.map(([name]) => {
    const seconds = median(times.get(name)!);
    return { name, seconds, speedup: base / seconds };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.argv[2] ?? 5);
  const before = loadavg()[0]!.toFixed(2);
  const rows = await workersBench(rounds);
  console.log(`worker stages: ${EVENTS.toLocaleString('en')} events, sha256 x100 each; median of ${rounds} rounds; ${availableParallelism()} cores, load ${before} -> ${loadavg()[0]!.toFixed(2)}`);
  for (const row of rows) console.log(`${row.name.padEnd(46)} ${row.seconds.toFixed(3).padStart(7)} s  ${row.speedup.toFixed(2)}x`);
}
