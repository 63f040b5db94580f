// W1 alone: the 3-stage pipeline (Counter → Double → Sum, maxDemand 10,000, 1M events, timed to `done`)
// in a process of its own, so no other contender shapes the JIT state. 40 runs; the median of the last 20,
// wall time and process CPU time (process.cpuUsage(), user + system): on a loaded machine the wall time
// mostly measures the wait for a core, the CPU time still tells a fast process from a slow one.
// Run: npx tsx bench/w1-alone.ts [path to a checkout; default: this one]
// Counter, Double and Sum restate bench/pipeline.ts on purpose: they must extend the base classes of the
// checkout being measured, which bench/pipeline.ts (bound to this checkout's src/) cannot.
import type * as Genstage from '../src/index.js';

const root = (process.argv[2] ?? new URL('..', import.meta.url).pathname).replace(/\/$/, '');
const { GenStage, Producer, ProducerConsumer, Consumer } = (await import(`${root}/src/index.ts`)) as typeof Genstage;

class Counter extends Producer<number> {
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
class Double extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map((x) => x * 2);
  }
}
class Sum extends Consumer<number> {
  sum = 0;
  handleEvents(events: number[]): void {
    let s = this.sum;
    for (const e of events) s += e;
    this.sum = s;
  }
}

const N = 1_000_000;
async function once(maxDemand: number): Promise<[wall: number, cpu: number]> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const src = await GenStage.start(new Counter(N));
  const mid = await GenStage.start(new Double(), { subscribeTo: [{ to: src, maxDemand }] });
  const end = await GenStage.start(new Sum(), { subscribeTo: [{ to: mid, maxDemand }] });
  await end.done;
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000];
}

const walls: number[] = [];
const cpus: number[] = [];
for (let i = 0; i < 40; i++) {
  const [wall, cpu] = await once(10_000);
  if (i < 20) continue;
  walls.push(wall);
  cpus.push(cpu);
}
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[10] ?? NaN;
const wall = median(walls);
const cpu = median(cpus);
console.log(
  `${root}: median ${wall.toFixed(2)} ms, ${(N / wall / 1000).toFixed(1)} M events/s; CPU ${cpu.toFixed(2)} ms, ${(N / cpu / 1000).toFixed(1)} M events/s of CPU`,
);
