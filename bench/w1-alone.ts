// W1 alone: the 3-stage pipeline in a process of its own (no other contender shapes the JIT state).
// Run: npx tsx bench/w1-alone.ts [path to a checkout, default: this one]
const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const { GenStage, Producer, ProducerConsumer, Consumer } = await import(root.replace(/\/$/, '') + '/src/index.ts');
class Counter extends Producer<number> { n = 0; constructor(readonly limit: number) { super(); } handleDemand(demand: number) { const end = Math.min(this.n + demand, this.limit); const out = new Array<number>(end - this.n); for (let i = 0; i < out.length; i++) out[i] = this.n + i; this.n = end; if (end === this.limit) this.stop('normal'); return out; } }
class Double extends ProducerConsumer<number, number> { handleEvents(e: number[]) { return e.map((x) => x * 2); } }
class Sum extends Consumer<number> { sum = 0; handleEvents(e: number[]) { let s = this.sum; for (let i = 0; i < e.length; i++) s += e[i]; this.sum = s; } }
const N = 1_000_000;
async function once(md: number) {
  const t = performance.now();
  const src = await GenStage.start(new Counter(N));
  const mid = await GenStage.start(new Double(), { subscribeTo: [{ to: src, maxDemand: md }] });
  const t1 = performance.now();
  const sink = new Sum();
  const end = await GenStage.start(sink, { subscribeTo: [{ to: mid, maxDemand: md }] });
  await end.done;
  return [performance.now() - t, performance.now() - t1];
}
const r: number[][] = [];
for (let i = 0; i < 40; i++) { const x = await once(10000); if (i >= 20) r.push(x); }
r.sort((a, b) => a[0] - b[0]);
console.log(root.split('/').pop(), 'median ms', r[10][0].toFixed(2), 'M/s', (N / r[10][0] / 1000).toFixed(1));
process.exit(0);
