/**
 * The first run in a fresh process against a warm run: for each contender a child
 * process is spawned (the same node and flags as this one) that loads the modules,
 * then times its first run of 1,000,000 events, then `WARM_RUNS` more; the warm time
 * is the median of the last five. Children are spawned one at a time, contenders
 * interleaved, `rounds` children per contender; the ratio is the median over them.
 *
 * Module loading is outside the timed first run: what is measured is the
 * interpreter-to-optimized-code path of the pipeline itself (and of the library's
 * first `GenStage.start`), which a short-lived process or a first request pays.
 *
 * Run alone: npx tsx bench/cold-start.ts [--quick]
 *   (child mode, used by the suite: npx tsx bench/cold-start.ts --child=<name> --events=N)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './lib.js';

export interface ColdStartRow {
  name: string;
  /** Median over the children of the first run's time. */
  firstMs: number;
  /** Median over the children of the warm run time. */
  warmMs: number;
  /** Median over the children of first ÷ warm (1 is ideal). */
  firstOverWarmRatio: number;
  /** Runs a child needed before one ran within 1.5× of its warm time (median over the children). */
  runsToWarm: number;
}

const WARM_RUNS = 20;

/** The contenders, by name; each is loaded lazily so a child compiles only its own. */
const CONTENDERS: Record<string, () => Promise<(n: number) => unknown>> = {
  'for loop': async () => (n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += i * 2;
    return sum;
  },
  'W1: genstage 3 stages, counting Producer (default maxDemand)': async () => (await import('./after-gc.js')).w1,
  'Flow.from(generator) → map → reduce': async () => (await import('./after-gc.js')).flowGenerator,
  'RxJS range → map → reduce (sync)': async () => (await import('./after-gc.js')).rxRangeSum,
  'RxJS from(generator) → map → reduce (sync)': async () => (await import('./after-gc.js')).rxGeneratorSum,
};

interface ChildResult {
  times: number[];
}

async function child(name: string, events: number): Promise<void> {
  const load = CONTENDERS[name];
  if (load === undefined) throw new RangeError(`cold-start: no contender named ${JSON.stringify(name)}`);
  const run = await load();
  const times: number[] = [];
  for (let i = 0; i <= WARM_RUNS; i++) {
    const t0 = performance.now();
    await run(events);
    times.push(performance.now() - t0);
  }
  process.stdout.write(JSON.stringify({ times } satisfies ChildResult) + '\n');
}

function spawnChild(name: string, events: number): Promise<ChildResult> {
  const file = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, file, `--child=${name}`, `--events=${events}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => (out += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`cold-start child "${name}" exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() as string) as ChildResult);
      } catch (error) {
        reject(new Error(`cold-start child "${name}" printed no result: ${String(error)}`));
      }
    });
  });
}

/** `only`: a subset of the contenders' names (the smoke spec runs one). */
export async function coldStartBench(rounds = 3, events = 1_000_000, only?: readonly string[]): Promise<ColdStartRow[]> {
  const names = Object.keys(CONTENDERS).filter((n) => only === undefined || only.includes(n));
  const results = new Map<string, ChildResult[]>(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) for (const name of names) (results.get(name) as ChildResult[]).push(await spawnChild(name, events));
  return names.map((name) => {
    const runs = results.get(name) as ChildResult[];
    const warmOf = (t: number[]): number => median(t.slice(-5));
    const toWarm = (t: number[]): number => {
      const w = warmOf(t);
      const i = t.findIndex((x) => x <= w * 1.5);
      return i + 1;
    };
    return {
      name,
      firstMs: median(runs.map((c) => c.times[0] as number)),
      warmMs: median(runs.map((c) => warmOf(c.times))),
      firstOverWarmRatio: median(runs.map((c) => (c.times[0] as number) / warmOf(c.times))),
      runsToWarm: median(runs.map((c) => toWarm(c.times))),
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const childName = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
  const events = Number(process.argv.find((a) => a.startsWith('--events='))?.slice('--events='.length) ?? 1_000_000);
  if (childName !== undefined) await child(childName, events);
  else {
    const { rowsTable } = await import('./lib.js');
    const quick = process.argv.includes('--quick');
    console.log(rowsTable(await coldStartBench(quick ? 1 : 3, quick ? 200_000 : 1_000_000)));
  }
}
