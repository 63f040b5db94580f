// W1 Flow alone: the W1 Flow rows (Flow.from(array) → map → reduce → onTrigger, 1M events, maxDemand 10,000
// and defaults) and RxJS's row, in a process of its own, as CPU time (process.cpuUsage()) per run: the median
// of the second half of RUNS runs (default 30), and its minimum (less moved by other processes' load). NORX=1 leaves RxJS out (for a --cpu-prof of the flow alone).
// Per process the rates are bimodal (about 10 or 13 ms per flow on this machine), so compare checkouts over
// several processes, alternating.
// Run: npx tsx bench/flow-alone.ts [path to a checkout; default: this one]
import type * as Genstage from '../src/index.js';
import { from as rxFrom, map as rxMap, reduce as rxReduce } from 'rxjs';

const root = (process.argv[2] ?? new URL('..', import.meta.url).pathname).replace(/\/$/, '');
const { Flow, map, reduce, onTrigger } = (await import(`${root}/src/index.ts`)) as typeof Genstage;
const twice = (x: number): number => x * 2;
const input = Array.from({ length: 1_000_000 }, (_, i) => i);

async function flow(maxDemand?: number): Promise<number> {
  const [sum] = await Flow.from(input, maxDemand === undefined ? {} : { maxDemand })
    .pipe(map(twice), reduce(() => 0, (x: number, acc: number) => acc + x), onTrigger((acc: number) => [[acc], acc]))
    .toArray();
  return sum as number;
}

function rx(): number {
  let s = NaN;
  rxFrom(input).pipe(rxMap(twice), rxReduce((a: number, b: number) => a + b, 0)).subscribe((v) => (s = v));
  return s;
}

const runs = Number(process.env.RUNS ?? 30);
const rows: [string, () => Promise<number> | number][] = [
  ['flow10k', () => flow(10_000)],
  ['flowDefaults', () => flow()],
  ...(process.env.NORX ? [] : [['rxjs', rx] as [string, () => number]]),
];
const times = new Map<string, number[]>(rows.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, run] of rows) {
    const c0 = process.cpuUsage();
    await run();
    const c = process.cpuUsage(c0);
    times.get(name)!.push((c.user + c.system) / 1000);
  }
}
const med = (a: number[]): number => a.slice(runs / 2).sort((x, y) => x - y)[Math.floor(runs / 4)]!;
const out: Record<string, number | string> = { root };
for (const [name, ts] of times) {
  out[`${name}Ms`] = Number(med(ts).toFixed(2));
  out[`${name}MinMs`] = Number(Math.min(...ts.slice(runs / 2)).toFixed(2));
}
console.log(JSON.stringify(out));
