// W3 in CPU time: the four genstage runners of bench/supervision.ts (supervisionRunners, built on the measured checkout's classes) and the promise pool, each run `rounds`
// times in turn in one process, reporting the median CPU time per run (`process.cpuUsage`, all threads, so the
// garbage collector is in it) and the median wall time. CPU time is what a loaded machine disturbs least; the
// wall-time rows of `npm run bench` move by 20% between runs of the same tree when others share the cores.
// Run: npx tsx bench/w3-cpu.ts [path to a checkout; default: this one] [rounds, default 9]
// FAST=1 replaces the 1 ms timer by a resolved promise: the supervisors' own per-task cost, magnified.
// The bench/RESULTS.md figures come from this file bundled by esbuild against each checkout's src/ (no tsx
// at run time): sed the import to <checkout>/src/index.ts, then
// npx esbuild w3.mts --bundle --platform=node --format=esm --outfile=w3.mjs && node w3.mjs 9
import { resolve } from 'node:path';
import type * as Genstage from '../src/index.js';
import { EVENTS, supervisionRunners } from './supervision.js';

const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
const rounds = Number(process.argv[3] ?? 9);
const lib = (await import(`${root}/src/index.ts`)) as typeof Genstage;

const tick = process.env.FAST ? (): Promise<number> => Promise.resolve(1) : undefined;
// The runners of bench/supervision.ts, built on the classes of the checkout measured.
const runners: Record<string, () => Promise<number>> = supervisionRunners(lib, tick);

const cpu: Record<string, number[]> = {};
const wall: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(runners)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n: number;
    try {
      n = await run();
    } catch (err) {
      // An older checkout refuses a newer option (the child spec's `signal: false`): skip that row.
      if (r > 0) throw err;
      console.log(`${name}: skipped, this checkout refused it: ${(err as Error).message}`);
      delete runners[name];
      continue;
    }
    if (n !== EVENTS) throw new Error(`${name}: expected ${EVENTS} results`);
    const c = process.cpuUsage(c0);
    (cpu[name] ??= []).push((c.user + c.system) / 1000);
    (wall[name] ??= []).push(performance.now() - t0);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const name of Object.keys(runners)) {
  const c = cpu[name]!;
  console.log(`${name.padEnd(20)} cpu ms ${median(c).toFixed(0).padStart(5)} (${Math.min(...c).toFixed(0)}-${Math.max(...c).toFixed(0)})  wall ms ${median(wall[name]!).toFixed(0)}`);
}
