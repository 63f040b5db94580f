import { expect } from 'chai';
import * as FakeTimers from '@sinonjs/fake-timers';
import { Consumer, Flow, GenStage, Producer, ProducerConsumer, filter, map, partition } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

type InstalledClock = ReturnType<typeof FakeTimers.install>;

/**
 * A test runner's fake timers (sinon's `install()` with its defaults fakes setTimeout,
 * setImmediate, queueMicrotask, process.nextTick, performance and Date) must not stop
 * the scheduler: it captured the real macrotask and microtask at load. None of these
 * tests ticks the fake clock.
 */

class Numbers extends Producer<number> {
  private next = 1;
  constructor(private readonly last: number) {
    super();
  }
  handleDemand(demand: number): number[] {
    const out: number[] = [];
    while (out.length < demand && this.next <= this.last) out.push(this.next++);
    if (this.next > this.last) this.stop('normal');
    return out;
  }
}

class Squares extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map((n) => n * n);
  }
}

class Collect extends Consumer<number> {
  constructor(readonly seen: number[]) {
    super();
  }
  handleEvents(events: number[]): void {
    this.seen.push(...events);
  }
}

describe('runtime: under @sinonjs/fake-timers installed with its defaults', () => {
  let clock: InstalledClock | undefined;
  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
  });

  it('should fake setImmediate, setTimeout, queueMicrotask, nextTick and performance by default (what the next tests rely on)', () => {
    const realImmediate = globalThis.setImmediate;
    const realMicrotask = globalThis.queueMicrotask;
    const realNow = performance.now;
    clock = FakeTimers.install();
    expect(globalThis.setImmediate).to.not.equal(realImmediate);
    expect(globalThis.queueMicrotask).to.not.equal(realMicrotask);
    expect(performance.now).to.not.equal(realNow);
    expect(clock.methods).to.include.members(['setImmediate', 'setTimeout', 'queueMicrotask', 'nextTick', 'performance', 'Date']);
  });

  it('should run a 3-stage pipeline to completion without ticking the clock', async () => {
    clock = FakeTimers.install();
    const seen: number[] = [];
    const a = await GenStage.start(new Numbers(2500));
    const b = await GenStage.start(new Squares(), { subscribeTo: [{ to: a, maxDemand: 100 }] });
    const c = await GenStage.start(new Collect(seen), { subscribeTo: [{ to: b, maxDemand: 100 }] });
    expect(await c.done).to.equal('normal');
    expect(seen.length).to.equal(2500);
    expect(seen.slice(0, 4)).to.deep.equal([1, 4, 9, 16]);
    expect(seen[2499]).to.equal(2500 * 2500);
    expect(clock.now).to.equal(0);
  });

  it('should run GenStage.fromIterable into GenStage.stream to the end without ticking the clock', async () => {
    clock = FakeTimers.install();
    const source = await GenStage.fromIterable(['a', 'b', 'c']);
    const out: string[] = [];
    for await (const s of GenStage.stream<string>([source])) out.push(s);
    expect(out).to.deep.equal(['a', 'b', 'c']);
    expect(clock.now).to.equal(0);
  });

  it('should read an async generator through GenStage.fromIterable to the end without ticking the clock', async () => {
    clock = FakeTimers.install();
    async function* letters(): AsyncGenerator<string> {
      for (const s of ['x', 'y', 'z']) {
        await Promise.resolve();
        yield s;
      }
    }
    const source = await GenStage.fromIterable(letters());
    const out: string[] = [];
    for await (const s of GenStage.stream<string>([{ to: source, maxDemand: 2 }])) out.push(s);
    expect(out).to.deep.equal(['x', 'y', 'z']);
    expect(clock.now).to.equal(0);
  });

  it('should run a partitioned Flow over an array to its result without ticking the clock', async () => {
    clock = FakeTimers.install();
    const out = await Flow.from(Array.from({ length: 10_000 }, (_, i) => i), { stages: 2 })
      .pipe(
        filter((n: number) => n % 2 === 0),
        partition({ stages: 2, key: (n: number) => n % 10 }),
        map((n: number) => n * 3),
      )
      .toArray();
    expect(out.length).to.equal(5000);
    expect(out.sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i * 6));
    expect(clock.now).to.equal(0);
  });

  it("should fire a stage's sendAfter on the system clock only when the fake clock is advanced past it", async () => {
    clock = FakeTimers.install();
    const got: string[] = [];
    class Ticker extends Producer<never> {
      override init(): void {
        this.sendAfter('tick', 1000);
      }
      handleDemand(): never[] {
        return [];
      }
      override handleInfo(message: unknown): void {
        got.push(String(message));
      }
    }
    const ticker = await GenStage.start(new Ticker());
    await settle();
    expect(got).to.deep.equal([]);
    await clock.tickAsync(999);
    expect(got).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(got).to.deep.equal(['tick']);
    await ticker.stop();
  });
});
