import { expect } from 'chai';
import { createHook } from 'node:async_hooks';
import { scheduler, type Runnable } from '../../src/runtime/scheduler.js';
import { Consumer, GenStage, Producer, type CallResult } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

/** A runnable that always has more work: it puts itself back in the run queue after each slice until stopped. */
class Busy implements Runnable {
  queued = false;
  slices = 0;
  budgets = new Set<number>();
  running = true;
  constructor(private readonly log?: string[], private readonly name = 'busy', private remaining = Infinity) {}
  runSlice(budget: number): void {
    this.slices++;
    this.budgets.add(budget);
    this.log?.push(this.name);
    if (this.running && --this.remaining > 0) scheduler.enqueue(this);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `n` setImmediate callbacks one after the other and returns `sample()` taken in each. */
async function sampleOnTicks(n: number, sample: () => number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await tick();
    out.push(sample());
  }
  return out;
}

describe('runtime: scheduler', () => {
  it('should run queued processes round robin, one slice each', async () => {
    const log: string[] = [];
    scheduler.enqueue(new Busy(log, 'a', 3));
    scheduler.enqueue(new Busy(log, 'b', 3));
    await settle();
    expect(log).to.deep.equal(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('should ignore enqueue of a process already waiting in the run queue', async () => {
    const log: string[] = [];
    const once = new Busy(log, 'once', 1);
    scheduler.enqueue(once);
    scheduler.enqueue(once);
    scheduler.enqueue(once);
    await settle();
    expect(log).to.deep.equal(['once']);
  });

  it('should give each slice a budget of many messages, not one', async () => {
    const busy = new Busy(undefined, 'budget', 2);
    scheduler.enqueue(busy);
    await settle();
    expect([...busy.budgets]).to.deep.equal([64]);
  });

  it('should let setImmediate callbacks run while a process stays busy, with many slices between two of them', async () => {
    const busy = new Busy();
    scheduler.enqueue(busy);
    try {
      const marks = await sampleOnTicks(6, () => busy.slices);
      // Work continued between every two callbacks, and more than one slice ran per turn.
      for (let i = 1; i < marks.length; i++) expect(marks[i]! - marks[i - 1]!).to.be.greaterThan(1);
    } finally {
      busy.running = false;
    }
    await settle();
  });

  it('should let a timer fire while a process stays busy, and keep working after it', async () => {
    const busy = new Busy();
    scheduler.enqueue(busy);
    try {
      while (busy.slices === 0) await tick();
      const before = busy.slices;
      let fired = false;
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          fired = busy.running;
          resolve();
        }, 1),
      );
      const atTimer = busy.slices;
      await tick();
      await tick();
      expect(fired).to.equal(true);
      expect(atTimer).to.be.at.least(before);
      expect(busy.slices).to.be.greaterThan(atTimer);
    } finally {
      busy.running = false;
    }
    await settle();
  });

  it('should resolve whenIdle at once with nothing queued, and after the last slice otherwise', async () => {
    await scheduler.whenIdle();
    const log: string[] = [];
    scheduler.enqueue(new Busy(log, 'w', 5));
    await scheduler.whenIdle();
    expect(log).to.have.length(5);
  });

  it('should keep the event loop turning during a long pipeline: setImmediate callbacks see the count grow', async () => {
    class Endless extends Producer<number> {
      private n = 0;
      handleDemand(demand: number): number[] {
        const out = new Array<number>(demand);
        for (let i = 0; i < demand; i++) out[i] = this.n++;
        return out;
      }
    }
    class Count extends Consumer<number> {
      seen = 0;
      handleEvents(events: number[]): void {
        this.seen += events.length;
      }
    }
    const producer = await GenStage.start(new Endless());
    const count = new Count();
    const consumer = await GenStage.start(count, { subscribeTo: [{ to: producer, maxDemand: 100 }] });
    const samples = await sampleOnTicks(8, () => count.seen);
    await producer.stop('shutdown');
    expect(await consumer.done).to.equal('shutdown');
    // Every callback ran while events were flowing, and events flowed between every two.
    for (let i = 1; i < samples.length; i++) expect(samples[i]).to.be.greaterThan(samples[i - 1]!);
    // Many batches (of at most 50 events) between two callbacks: many messages handled per turn.
    expect(samples[samples.length - 1]! - samples[samples.length - 2]!).to.be.greaterThan(50);
  });

  it('should run a stage whose handler is blocked on a promise again once it settles, with other stages running meanwhile', async () => {
    const log: string[] = [];
    let release!: () => void;
    class Waiter extends Consumer<number> {
      handleEvents(): void {}
      override handleInfo(m: string): void | Promise<void> {
        log.push(`waiter ${m}`);
        if (m === 'block') return new Promise<void>((resolve) => (release = resolve));
      }
    }
    class Other extends Consumer<number> {
      handleEvents(): void {}
      override handleInfo(m: string): void {
        log.push(`other ${m}`);
      }
    }
    const waiter = await GenStage.start(new Waiter());
    const other = await GenStage.start(new Other());
    waiter.send('block');
    waiter.send('after');
    other.send('1');
    other.send('2');
    await settle();
    expect(log).to.deep.equal(['waiter block', 'other 1', 'other 2']);
    release();
    await settle();
    expect(log).to.deep.equal(['waiter block', 'other 1', 'other 2', 'waiter after']);
  });
  it('should resume a busy pipeline on microtasks without making an async resource for each (issue 14)', async () => {
    // Node's queueMicrotask makes an AsyncResource (type 'Microtask') per call: the loop
    // resumes on a microtask every few turns, so a busy pipeline made thousands of them.
    class Numbers extends Producer<number> {
      private n = 0;
      handleDemand(demand: number): number[] {
        const out: number[] = [];
        for (let i = 0; i < demand && this.n < 20_000; i++) out.push(this.n++);
        if (this.n >= 20_000) this.stop('normal');
        return out;
      }
    }
    class Total extends Consumer<number> {
      total = 0;
      handleEvents(events: number[]): void {
        for (const e of events) this.total += e;
      }
    }
    const made: string[] = [];
    const hook = createHook({ init: (_id, type) => void (type === 'Microtask' && made.push(type)) });
    const slices = scheduler.slices;
    const total = new Total();
    hook.enable();
    try {
      const producer = await GenStage.start(new Numbers());
      const consumer = await GenStage.start(total, { subscribeTo: [{ to: producer, maxDemand: 10 }] });
      await consumer.done;
    } finally {
      hook.disable();
    }
    expect(total.total).to.equal((20_000 * 19_999) / 2);
    expect(scheduler.slices - slices).to.be.greaterThan(100);
    expect(made).to.deep.equal([]);
  });
  describe('continuations during a busy pipeline (issue 14)', () => {
    class Endless extends Producer<number> {
      private n = 0;
      handleDemand(demand: number): number[] {
        const out = new Array<number>(demand);
        for (let i = 0; i < demand; i++) out[i] = this.n++;
        return out;
      }
    }
    class Count extends Consumer<number> {
      seen = 0;
      handleEvents(events: number[]): void {
        this.seen += events.length;
      }
    }
    /** Where the scheduler stood when the stage resolved the caller's promise. */
    interface Mark {
      slices: number;
      turns: number;
    }
    const mark = (): Mark => ({ slices: scheduler.slices, turns: scheduler.turns });
    class Idle extends Consumer<never> {
      atReply: Mark = { slices: -1, turns: -1 };
      handleEvents(): void {}
      override handleCall(): CallResult<never> {
        this.atReply = mark();
        return { reply: 'pong' };
      }
      override handleInfo(wake: { at: Mark; resolve: () => void }): void {
        wake.at = mark();
        wake.resolve();
      }
    }

    async function busyPipeline(maxDemand = 100): Promise<{ count: Count; stop: () => Promise<void> }> {
      const producer = await GenStage.start(new Endless());
      const count = new Count();
      const consumer = await GenStage.start(count, { subscribeTo: [{ to: producer, maxDemand }] });
      while (count.seen === 0) await tick();
      return {
        count,
        stop: async () => {
          await producer.stop('shutdown');
          expect(await consumer.done).to.equal('shutdown');
        },
      };
    }

    it('should let setImmediate callbacks run while a maxDemand 1 pipeline stays busy (its short slices read the clock seldom), with events between two of them', async () => {
      const { count, stop } = await busyPipeline(1);
      const seen = await sampleOnTicks(10, () => count.seen);
      await stop();
      for (let i = 1; i < seen.length; i++) expect(seen[i]! - seen[i - 1]!).to.be.greaterThan(0);
    });

    it('should run the continuation of an awaited call() before the next slice and before any other turn', async () => {
      const { count, stop } = await busyPipeline();
      const impl = new Idle();
      const idle = await GenStage.start(impl);
      const turnsAfter: number[] = [];
      const slicesAfter: number[] = [];
      const seenBefore = count.seen;
      for (let i = 0; i < 20; i++) {
        expect(await idle.call('ping')).to.equal('pong');
        const now = mark();
        slicesAfter.push(now.slices - impl.atReply.slices);
        turnsAfter.push(now.turns - impl.atReply.turns);
      }
      const seenDuring = count.seen - seenBefore;
      await idle.stop('normal');
      await stop();
      // The pipeline kept running (it was busy throughout), yet each continuation ran
      // before the scheduler started another slice or turn: a reply ends the slice.
      expect(seenDuring).to.be.greaterThan(0);
      expect(slicesAfter).to.deep.equal(new Array<number>(20).fill(0));
      expect(turnsAfter).to.deep.equal(new Array<number>(20).fill(0));
    });

    it('should run the continuation of a promise a stage resolves in handleInfo before the next slice', async () => {
      const { stop } = await busyPipeline();
      const idle = await GenStage.start(new Idle());
      const slicesAfter: number[] = [];
      const turnsAfter: number[] = [];
      for (let i = 0; i < 20; i++) {
        const wake = { at: { slices: -1, turns: -1 }, resolve: () => {} };
        const woken = new Promise<void>((resolve) => (wake.resolve = resolve));
        idle.send(wake);
        await woken;
        const now = mark();
        slicesAfter.push(now.slices - wake.at.slices);
        turnsAfter.push(now.turns - wake.at.turns);
      }
      await idle.stop('normal');
      await stop();
      expect(slicesAfter).to.deep.equal(new Array<number>(20).fill(0));
      for (const t of turnsAfter) expect(t).to.be.lessThan(4);
    });
  });
});
