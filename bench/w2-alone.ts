// W2 one stage alone: Flow.from(lines) → flatMap(split) → reduce(Map count) over the 200,000 lines of bench/word-count.ts,
// and the hand-written loop, as CPU ms per run (median of the second half of RUNS, default 20), in a process of its own.
// Run: npx tsx bench/w2-alone.ts [path to a checkout; default: this one]
import type * as Genstage from '../src/index.js';
import { generateLines } from './word-count.js';
const root = (process.argv[2] ?? new URL('..', import.meta.url).pathname).replace(/\/$/, '');
const { Flow, flatMap, reduce } = (await import(`${root}/src/index.ts`)) as typeof Genstage;
const lines = generateLines(200_000);
const count = (acc: Map<string, number>, word: string): Map<string, number> => acc.set(word, (acc.get(word) ?? 0) + 1);
const runs = Number(process.env.RUNS ?? 20);
const t: number[] = [];
const loop: number[] = [];
for (let i = 0; i < runs; i++) {
  let c0 = process.cpuUsage();
  await Flow.from(lines).pipe(flatMap((line: string) => line.split(' ')), reduce(() => new Map<string, number>(), (word: string, acc) => count(acc, word))).toArray();
  let c = process.cpuUsage(c0);
  t.push((c.user + c.system) / 1000);
  c0 = process.cpuUsage();
  const acc = new Map<string, number>();
  for (const line of lines) for (const w of line.split(' ')) count(acc, w);
  c = process.cpuUsage(c0);
  loop.push((c.user + c.system) / 1000);
}
const med = (a: number[]): number => a.slice(runs / 2).sort((x, y) => x - y)[Math.floor(runs / 4)]!;
console.log(JSON.stringify({ root, flow: med(t), loop: med(loop), ratio: med(loop) / med(t) }));
