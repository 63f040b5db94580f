// W1 alone: the 3-stage pipeline (Counter → Double → Sum, maxDemand 10,000, 1M events, timed to `done`)
// in a process of its own, so no other contender shapes the JIT state. 40 runs; the median of the last 20.
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
async function once(maxDemand: number): Promise<number> {
  const t = performance.now();
  const src = await GenStage.start(new Counter(N));
  const mid = await GenStage.start(new Double(), { subscribeTo: [{ to: src, maxDemand }] });
  const end = await GenStage.start(new Sum(), { subscribeTo: [{ to: mid, maxDemand }] });
  await end.done;
  return performance.now() - t;
}

const times: number[] = [];
for (let i = 0; i < 40; i++) {
  const ms = await once(10_000);
  if (i >= 20) times.push(ms);
}
times.sort((a, b) => a - b);
const median = times[10] ?? NaN;
console.log(`${root}: median ${median.toFixed(2)} ms, ${(N / median / 1000).toFixed(1)} M events/s`);
