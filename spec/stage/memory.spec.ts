import { expect } from 'chai';
import { Consumer, GenStage, Producer, ProducerConsumer } from '../../src/index.js';

/**
 * Memory and back-pressure: the heavy specs. Demand bounds what is in flight, so a
 * long pipeline runs in constant memory and a slow consumer slows the producer.
 */

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;

/** Emits 0, 1, 2... up to `total`, exactly as many as asked, and counts them. */
class Source extends Producer<number> {
  emitted = 0;
  constructor(private readonly total: number) {
    super();
  }
  handleDemand(demand: number): number[] {
    const n = Math.min(demand, this.total - this.emitted);
    const out = new Array<number>(n);
    const base = this.emitted;
    for (let i = 0; i < n; i++) out[i] = base + i;
    this.emitted += n;
    if (this.emitted >= this.total) this.stop('normal');
    return out;
  }
}

class Double extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    const out = new Array<number>(events.length);
    for (let i = 0; i < events.length; i++) out[i] = (events[i] as number) * 2;
    return out;
  }
}

/** Sums what it receives; every `every` events it records the heap (after a full GC when it can). */
class Sum extends Consumer<number> {
  sum = 0;
  count = 0;
  maxHeap = 0;
  samples = 0;
  private nextSample: number;
  constructor(private readonly every: number) {
    super();
    this.nextSample = every;
  }
  handleEvents(events: number[]): void {
    let s = this.sum;
    for (let i = 0; i < events.length; i++) s += events[i] as number;
    this.sum = s;
    this.count += events.length;
    if (this.count >= this.nextSample) {
      this.nextSample += this.every;
      gc?.();
      const heap = process.memoryUsage().heapUsed;
      if (heap > this.maxHeap) this.maxHeap = heap;
      this.samples++;
    }
  }
}

/** Takes each batch slowly (a turn of the event loop) and checks the producer is not running ahead. */
class Slow extends Consumer<number> {
  consumed = 0;
  worst = 0;
  batches = 0;
  constructor(private readonly source: Source) {
    super();
  }
  async handleEvents(events: number[]): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.consumed += events.length;
    this.batches++;
    this.worst = Math.max(this.worst, this.source.emitted - this.consumed);
  }
}

describe('memory and back-pressure', function () {
  this.timeout(60_000);

  it('should run 10,000,000 events through source -> map -> sum with under 50 MB of heap growth', async () => {
    const total = 10_000_000;
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const source = await GenStage.start(new Source(total));
    const map = await GenStage.start(new Double(), { subscribeTo: [source] });
    // With a GC per sample, sample 10 times; without, sample the raw heap more often.
    const sum = new Sum(gc ? total / 10 : total / 200);
    const sink = await GenStage.start(sum, { subscribeTo: [map] });
    expect(await sink.done).to.equal('normal');
    expect(sum.count).to.equal(total);
    expect(sum.sum).to.equal(total * (total - 1)); // 2 * (0 + 1 + ... + total-1)
    expect(sum.samples).to.be.at.least(10);
    const growth = (sum.maxHeap - before) / MB;
    if (process.env.GENSTAGE_SPEC_VERBOSE) console.log(`heap growth ${growth.toFixed(1)} MB`);
    expect(growth, `heap grew by ${growth.toFixed(1)} MB`).to.be.below(50);
  });

  it('should keep emitted - consumed within maxDemand + bufferSize for a consumer that awaits each batch', async () => {
    const counter = new Source(20_000);
    const source = await GenStage.start(counter, { bufferSize: 50 });
    const slow = new Slow(counter);
    const sink = await GenStage.start(slow, { subscribeTo: [{ to: source, maxDemand: 100 }] });
    expect(await sink.done).to.equal('normal');
    expect(slow.consumed).to.equal(20_000);
    expect(slow.batches).to.be.at.least(200);
    expect(slow.worst).to.be.at.most(100 + 50);
    expect(slow.worst).to.be.greaterThan(0);
  });

  it('should bound what the source emitted ahead of a slow consumer behind a producer-consumer', async () => {
    const counter = new Source(10_000);
    const source = await GenStage.start(counter, { bufferSize: 50 });
    const map = await GenStage.start(new Double(), { subscribeTo: [{ to: source, maxDemand: 100 }] });
    const slow = new Slow(counter);
    const sink = await GenStage.start(slow, { subscribeTo: [{ to: map, maxDemand: 100 }] });
    expect(await sink.done).to.equal('normal');
    expect(slow.consumed).to.equal(10_000);
    // In flight at most: the map's demand on the source, the sink's on the map, the source buffer.
    expect(slow.worst).to.be.at.most(100 + 100 + 50);
  });

  it('should let a slow consumer hold a fast infinite producer to what it takes', async () => {
    const counter = new Source(Number.MAX_SAFE_INTEGER);
    const source = await GenStage.start(counter);
    const slow = new Slow(counter);
    const sink = await GenStage.start(slow, { subscribeTo: [{ to: source, maxDemand: 20 }] });
    while (slow.consumed < 2_000) await new Promise<void>((resolve) => setImmediate(resolve));
    await sink.stop();
    await source.stop();
    expect(counter.emitted - slow.consumed).to.be.at.most(20);
    expect(slow.worst).to.be.at.most(20);
  });
});
