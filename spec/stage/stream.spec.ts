// The protocol rules cited below (R13) are stated in docs/protocol.md.
import { expect } from 'chai';
import { GenStage, Producer, type CancelReason, type Subscription } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

/** Counts from `start`, forever or up to `end`; records subscriptions, cancels and how much it emitted. */
class Counter extends Producer<number> {
  emitted = 0;
  subscribes = 0;
  readonly cancels: CancelReason[] = [];
  readonly demands: number[] = [];
  constructor(
    private next = 0,
    private readonly end = Infinity,
  ) {
    super();
  }
  override handleSubscribe(): void {
    this.subscribes++;
  }
  handleDemand(demand: number): number[] {
    this.demands.push(demand);
    const out: number[] = [];
    while (out.length < demand && this.next < this.end) out.push(this.next++);
    this.emitted += out.length;
    if (this.next >= this.end) this.stop('normal');
    return out;
  }
  override handleCancel(reason: CancelReason, _from: Subscription<number>): void {
    this.cancels.push(reason);
  }
  override handleCast(reason: unknown): void {
    this.stop(reason);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function take<T>(iterable: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  for await (const x of iterable) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

describe('GenStage.stream', () => {
  it('R13: should subscribe nothing before iteration begins', async () => {
    const counter = new Counter();
    const producer = await GenStage.start(counter);
    const stream = GenStage.stream([producer]);
    await settle();
    expect(counter.subscribes).to.equal(0);
    expect(counter.emitted).to.equal(0);
    expect(await take(stream, 3)).to.deep.equal([0, 1, 2]);
    expect(counter.subscribes).to.equal(1);
  });

  it('R13: should subscribe again for each new iteration of the same stream', async () => {
    const counter = new Counter();
    const producer = await GenStage.start(counter);
    const stream = GenStage.stream([{ to: producer, maxDemand: 2 }]);
    expect(await take(stream, 2)).to.deep.equal([0, 1]);
    const second = await take(stream, 2);
    expect(counter.subscribes).to.equal(2);
    expect(second).to.have.length(2);
    expect(second[0]).to.be.greaterThan(1);
  });

  it('R13: should yield the events in order', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => i * 3);
    const producer = await GenStage.fromIterable(items);
    const out: number[] = [];
    for await (const x of GenStage.stream([{ to: producer, maxDemand: 100 }])) out.push(x);
    expect(out).to.deep.equal(items);
  });

  it('R13: should end quietly when its producer ends normally', async () => {
    const producer = await GenStage.fromIterable(['a', 'b']);
    const out: string[] = [];
    for await (const x of GenStage.stream([producer])) out.push(x);
    expect(out).to.deep.equal(['a', 'b']);
    expect(await producer.done).to.equal('normal');
  });

  it('R13: should end quietly once every one of several producers has ended normally', async () => {
    const a = await GenStage.fromIterable([1, 2, 3]);
    const b = await GenStage.fromIterable([10, 20]);
    const out: number[] = [];
    for await (const x of GenStage.stream([a, b])) out.push(x);
    expect([...out].sort((p, q) => p - q)).to.deep.equal([1, 2, 3, 10, 20]);
    expect(out.filter((x) => x < 10)).to.deep.equal([1, 2, 3]);
    expect(out.filter((x) => x >= 10)).to.deep.equal([10, 20]);
  });

  it('R13: should cancel the producers when the loop breaks', async () => {
    const counter = new Counter();
    const producer = await GenStage.start(counter);
    expect(await take(GenStage.stream([producer]), 3)).to.deep.equal([0, 1, 2]);
    await settle();
    expect(counter.cancels).to.deep.equal([{ cancel: 'normal' }]);
    // Nothing was asked after the break: only the first ask of maxDemand (1000).
    expect(counter.demands).to.deep.equal([1000]);
    expect(producer.alive).to.equal(true);
  });

  it('R13: should stop a fromIterable producer with onCancel: stop when the loop breaks', async () => {
    let closed = false;
    function* naturals(): Generator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const producer = await GenStage.fromIterable(naturals(), { onCancel: 'stop' });
    expect(await take(GenStage.stream([producer]), 5)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(await producer.done).to.equal('normal');
    expect(closed).to.equal(true);
  });

  it('R13: should leave a fromIterable producer running after a break by default', async () => {
    const producer = await GenStage.fromIterable([1, 2, 3, 4, 5, 6]);
    expect(await take(GenStage.stream([{ to: producer, maxDemand: 2 }]), 2)).to.deep.equal([1, 2]);
    await settle();
    expect(producer.alive).to.equal(true);
    const rest: number[] = [];
    for await (const x of GenStage.stream([{ to: producer, maxDemand: 2 }])) rest.push(x);
    // 3 was asked when the first loop took 1 (chunks of max - min = 1) and is dropped
    // with that loop's consumer, as the original flushes it; the break asked nothing more.
    expect(rest).to.deep.equal([4, 5, 6]);
  });

  it('R13: should throw the reason when a permanent producer exits abnormally', async () => {
    const counter = new Counter();
    const producer = await GenStage.start(counter);
    const failure = new Error('producer failed');
    const out: number[] = [];
    let caught: unknown;
    try {
      for await (const x of GenStage.stream([{ to: producer, maxDemand: 4 }])) {
        out.push(x);
        if (x === 5) producer.cast(failure);
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(failure);
    expect(out.slice(0, 6)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(await producer.done).to.equal(failure);
  });

  it('R13: should throw the reason when a transient producer exits abnormally, and end quietly on a normal exit', async () => {
    const failing = await GenStage.start(new Counter(0, Infinity));
    const failure = new RangeError('out of range');
    let caught: unknown;
    try {
      for await (const x of GenStage.stream([{ to: failing, cancel: 'transient', maxDemand: 2 }])) {
        if (x === 1) failing.cast(failure);
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(failure);
    const ending = await GenStage.start(new Counter(0, 3));
    const out: number[] = [];
    for await (const x of GenStage.stream([{ to: ending, cancel: 'transient' }])) out.push(x);
    expect(out).to.deep.equal([0, 1, 2]);
  });

  it('R13: should ignore a temporary subscription whose producer crashes and go on with the others', async () => {
    const crashing = await GenStage.start(new Counter(100, Infinity));
    const crashed = crashing.done;
    const steady = await GenStage.fromIterable([1, 2, 3, 4, 5, 6, 7, 8]);
    const out: number[] = [];
    for await (const x of GenStage.stream([{ to: crashing, cancel: 'temporary', maxDemand: 2 }, { to: steady, maxDemand: 2 }])) {
      out.push(x);
      if (x === 100) crashing.cast(new Error('crash'));
      // The loop ends once the steady producer has ended and the other is gone.
    }
    expect(await crashed).to.be.instanceOf(Error);
    expect(out.filter((x) => x < 100)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(out.filter((x) => x >= 100)[0]).to.equal(100);
  });

  it('R13: should merge events from several producers, each in its own order', async () => {
    const evens = await GenStage.fromIterable(Array.from({ length: 50 }, (_, i) => 2 * i));
    const odds = await GenStage.fromIterable(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
    const out: number[] = [];
    for await (const x of GenStage.stream([{ to: evens, maxDemand: 5 }, { to: odds, maxDemand: 5 }])) out.push(x);
    expect(out).to.have.length(100);
    expect(out.filter((x) => x % 2 === 0)).to.deep.equal(Array.from({ length: 50 }, (_, i) => 2 * i));
    expect(out.filter((x) => x % 2 === 1)).to.deep.equal(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
  });

  it('R13: should let a slow loop bound what the producer emitted (demand-driven)', async () => {
    const counter = new Counter();
    const producer = await GenStage.start(counter);
    let consumed = 0;
    let worst = 0;
    for await (const x of GenStage.stream([{ to: producer, maxDemand: 10 }])) {
      expect(x).to.equal(consumed);
      consumed++;
      worst = Math.max(worst, counter.emitted - consumed);
      await tick();
      await tick();
      if (consumed === 60) break;
    }
    expect(worst).to.be.at.most(10);
    await settle();
    expect(counter.emitted).to.be.at.most(70);
    expect(counter.demands[0]).to.equal(10);
    for (const d of counter.demands) expect(d).to.be.at.most(10);
  });

  it('R13: should switch its producers to demand forward, so an accumulating producer starts emitting', async () => {
    const producer = await GenStage.fromIterable([7, 8, 9], { demand: 'accumulate' });
    await settle();
    expect(await producer.demand()).to.equal('accumulate');
    const out: number[] = [];
    for await (const x of GenStage.stream([producer])) out.push(x);
    expect(out).to.deep.equal([7, 8, 9]);
  });

  it('R13: should switch only the listed producers to forward with the producers option', async () => {
    const producer = await GenStage.fromIterable([1, 2, 3], { demand: 'accumulate' });
    const other = await GenStage.fromIterable([4], { demand: 'accumulate' });
    const iterator = GenStage.stream<number>([producer], { producers: [other] })[Symbol.asyncIterator]();
    const pending = iterator.next();
    await settle();
    expect(await other.demand()).to.equal('forward');
    expect(await producer.demand()).to.equal('accumulate');
    producer.demand('forward');
    expect(await pending).to.deep.equal({ value: 1, done: false });
    await iterator.return?.();
  });

  it('R13: should end a stream whose loop awaits between items without losing any', async () => {
    const producer = await GenStage.fromIterable(Array.from({ length: 30 }, (_, i) => i));
    const out: number[] = [];
    for await (const x of GenStage.stream([{ to: producer, maxDemand: 4 }])) {
      await tick();
      out.push(x);
    }
    expect(out).to.deep.equal(Array.from({ length: 30 }, (_, i) => i));
  });
});
