import { expect } from 'chai';
import { Flow, Window, window, reduce, onTrigger, partition, tap, map, type WindowInfo } from '../../src/flow/index.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';
import { setLogger } from '../../src/runtime/logger.js';
import { range, sorted } from './helpers.js';

const sum = reduce(() => 0, (n: number, acc: number) => acc + n);
const list = <T>() => reduce(() => [] as T[], (e: T, acc: T[]) => {
  acc.push(e);
  return acc;
});
const emitAcc = onTrigger((acc: unknown) => [[acc], acc]);

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error('condition not reached');
}

describe('Window', () => {
  it('should validate its arguments', () => {
    expect(() => Window.count(0)).to.throw(RangeError, 'expected count to be an integer >= 1, got: 0');
    expect(() => Window.periodic(1, 'day' as never)).to.throw(RangeError, /expected unit to be one of/);
    expect(() => Window.global().allowedLateness(1, 'second')).to.throw(TypeError, 'allowedLateness applies to fixed windows, got: a global window');
    expect(() => Window.global().triggerEvery(2).triggerEvery(3)).to.throw(TypeError, /one triggerEvery or trigger/);
    expect(() => Window.fixed(1, 'second', 5 as never)).to.throw(TypeError, 'expected by to be a function, got: 5');
  });

  describe('global', () => {
    it('should emit the reducer once, at the end, with trigger done and id global', async () => {
      const infos: WindowInfo[] = [];
      const out = await Flow.from(range(4)).pipe(sum, onTrigger((acc: number, _p, w) => {
        infos.push(w);
        return [[acc], acc];
      })).toArray();
      expect(out).to.deep.equal([10]);
      expect(infos).to.deep.equal([{ type: 'global', id: 'global', trigger: 'done' }]);
    });

    it('triggerEvery(10) over 1..100 should emit the running sums, then the total at done', async () => {
      const out = await Flow.from(range(100)).pipe(window(Window.global().triggerEvery(10)), sum, emitAcc).toArray();
      expect(out).to.deep.equal([55, 210, 465, 820, 1275, 1830, 2485, 3240, 4095, 5050, 5050]);
    });

    it('triggerEvery should name its trigger { every: n } and let onTrigger reset the accumulator', async () => {
      const out = await Flow.from(range(7)).pipe(
        window(Window.global().triggerEvery(3)),
        sum,
        onTrigger((acc: number, _p, w) => [[[w.trigger, acc]], 0]),
      ).toArray();
      expect(out).to.deep.equal([[{ every: 3 }, 6], [{ every: 3 }, 15], ['done', 7]]);
    });

    it('triggerPeriodically should fire on the flow clock with the name { periodically: [n, unit] }', async () => {
      const clock = new VirtualClock();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let atGate = false;
      async function* source(): AsyncGenerator<number> {
        yield 1;
        yield 2;
        atGate = true;
        await gate;
        yield 3;
      }
      const seen: unknown[] = [];
      const done = Flow.from(source(), { clock, window: Window.global().triggerPeriodically(1, 'second'), maxDemand: 2, minDemand: 1 })
        .pipe(sum, onTrigger((acc: number, _p, w) => {
          seen.push([w.trigger, acc]);
          return [[acc], acc];
        }))
        .toArray();
      await until(() => atGate);
      await clock.advance(1000);
      expect(seen).to.deep.equal([[{ periodically: [1, 'second'] }, 3]]);
      release();
      expect(await done).to.deep.equal([3, 6]);
      expect(clock.pendingTimers).to.equal(0);
    });

    it('a custom trigger should cut the batch where it says and fire its own name', async () => {
      const w = Window.global<number>().trigger(() => 0, (events, seen) => {
        const i = events.indexOf(0);
        if (i < 0) return { cont: seen + events.length };
        return { trigger: 'zero', pre: events.slice(0, i), pos: events.slice(i + 1), state: seen + i };
      });
      const out = await Flow.from([1, 2, 0, 3, 4, 0, 5]).pipe(
        window(w),
        sum,
        onTrigger((acc: number, _p, info) => [[[info.trigger, acc]], 0]),
      ).toArray();
      expect(out).to.deep.equal([['zero', 3], ['zero', 7], ['done', 5]]);
    });

    it('every partition should emit at done, including the empty ones', async () => {
      const out = await Flow.from(range(10)).pipe(
        partition({ stages: 4, hash: (n: number) => [n, n <= 3 ? 2 : 3] }),
        sum,
        onTrigger((acc: number, p) => [[[p.index, p.count, acc]], acc]),
      ).toArray();
      expect(sorted(out)).to.deep.equal([[0, 4, 0], [1, 4, 0], [2, 4, 6], [3, 4, 49]]);
    });
  });

  describe('count', () => {
    it('count(3) over 1..7 should emit [1,2,3], [4,5,6], [7]', async () => {
      const out = await Flow.from(range(7)).pipe(window(Window.count(3)), list<number>(), emitAcc).toArray();
      expect(out).to.deep.equal([[1, 2, 3], [4, 5, 6], [7]]);
    });

    it('count(3) over 1..6 should end with the trailing empty window', async () => {
      const out = await Flow.from(range(6)).pipe(window(Window.count(3)), list<number>(), emitAcc).toArray();
      expect(out).to.deep.equal([[1, 2, 3], [4, 5, 6], []]);
    });

    it('count(10) over 1..100 should emit each window sum and a trailing 0', async () => {
      const out = await Flow.from(range(100)).pipe(window(Window.count(10)), sum, emitAcc).toArray();
      expect(out).to.deep.equal([55, 155, 255, 355, 455, 555, 655, 755, 855, 955, 0]);
    });

    it('should number its windows 0, 1, 2 with trigger done', async () => {
      const out = await Flow.from(range(5)).pipe(
        window(Window.count(2)),
        sum,
        onTrigger((acc: number, _p, w) => [[[w.type, w.id, w.trigger, acc]], acc]),
      ).toArray();
      expect(out).to.deep.equal([['count', 0, 'done', 3], ['count', 1, 'done', 7], ['count', 2, 'done', 5]]);
    });

    it('should split windows across batch boundaries (batches of 2)', async () => {
      const out = await Flow.from(range(7), { maxDemand: 4, minDemand: 2 }).pipe(window(Window.count(3)), list<number>(), emitAcc).toArray();
      expect(out).to.deep.equal([[1, 2, 3], [4, 5, 6], [7]]);
    });

    it('should combine with triggerEvery inside each window', async () => {
      const out = await Flow.from(range(6)).pipe(
        window(Window.count(4).triggerEvery(2)),
        sum,
        onTrigger((acc: number, _p, w) => [[[w.id, w.trigger, acc]], acc]),
      ).toArray();
      expect(out).to.deep.equal([
        [0, { every: 2 }, 3], [0, { every: 2 }, 10], [0, 'done', 10],
        [1, { every: 2 }, 11], [1, 'done', 11],
      ]);
    });
  });

  describe('periodic', () => {
    it('should close a window per period on the clock, ids 0, 1, ...', async () => {
      const clock = new VirtualClock();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let atGate = false;
      async function* source(): AsyncGenerator<number> {
        yield 1;
        yield 2;
        atGate = true;
        await gate;
        yield 3;
      }
      const out: unknown[] = [];
      const done = Flow.from(source(), { clock, window: Window.periodic(1, 'second'), maxDemand: 2, minDemand: 1 })
        .pipe(list<number>(), onTrigger((acc: number[], _p, w) => [[[w.type, w.id, w.trigger, acc]], acc]), tap((e: unknown) => out.push(e)))
        .run();
      await until(() => atGate);
      await clock.advance(1000);
      expect(out).to.deep.equal([['periodic', 0, 'done', [1, 2]]]);
      release();
      await done;
      expect(out).to.deep.equal([['periodic', 0, 'done', [1, 2]], ['periodic', 1, 'done', [3]]]);
      expect(clock.pendingTimers).to.equal(0);
    });
  });

  describe('fixed', () => {
    interface Ev {
      name: string;
      t: number;
    }
    const at = (name: string, t: number): Ev => ({ name, t });
    const names = reduce(() => [] as string[], (e: Ev, acc: string[]) => {
      acc.push(e.name);
      return acc;
    });
    const byWindow = onTrigger((acc: string[], _p, w) => [[[w.id, w.trigger, [...acc]]], acc]);

    it('should emit gap windows with a fresh accumulator: 0:[a,b], 1000:[], 2000:[], 3000:[c]', async () => {
      const out = await Flow.from([at('a', 0), at('b', 500), at('c', 3500)])
        .pipe(window(Window.fixed(1, 'second', (e: Ev) => e.t)), names, byWindow)
        .toArray();
      expect(out).to.deep.equal([[0, 'done', ['a', 'b']], [1000, 'done', []], [2000, 'done', []], [3000, 'done', ['c']]]);
    });

    it('should name the window by its start in ms and type fixed', async () => {
      const infos: WindowInfo[] = [];
      await Flow.from([at('a', 61_000)]).pipe(
        window(Window.fixed(1, 'minute', (e: Ev) => e.t)),
        names,
        onTrigger((acc: string[], _p, w) => {
          infos.push(w);
          return [[], acc];
        }),
      ).run();
      expect(infos).to.deep.equal([{ type: 'fixed', id: 60_000, trigger: 'done' }]);
    });

    it('should accept an out-of-order event whose window is still open (same batch)', async () => {
      const out = await Flow.from([at('a', 0), at('b', 1500), at('c', 200)])
        .pipe(window(Window.fixed(1, 'second', (e: Ev) => e.t)), names, byWindow)
        .toArray();
      expect(out).to.deep.equal([[0, 'done', ['a', 'c']], [1000, 'done', ['b']]]);
    });

    it('should count a late event (its window done) and hand it to onLateEvent, not drop it silently', async () => {
      const late: unknown[] = [];
      const w = Window.fixed(1, 'second', (e: Ev) => e.t).onLateEvent((e, info) => late.push([e.name, info.windowId, info.partition]));
      // batches of one event: a | b (closes 0) | c (late for 0) | d (closes 1000) | e (late for 1000)
      const out = await Flow.from([at('a', 0), at('b', 1500), at('c', 200), at('d', 2100), at('e', 1900)], { maxDemand: 2, minDemand: 1 })
        .pipe(window(w), names, byWindow)
        .toArray();
      expect(out).to.deep.equal([[0, 'done', ['a']], [1000, 'done', ['b']], [2000, 'done', ['d']]]);
      expect(late).to.deep.equal([['c', 0, { index: 0, count: 1 }], ['e', 1000, { index: 0, count: 1 }]]);
    });

    it('should warn about late events when there is no hook', async () => {
      const warnings: string[] = [];
      setLogger({ warn: (m: string) => warnings.push(m), error: () => {} });
      try {
        await Flow.from([at('a', 0), at('b', 1500), at('c', 200)], { maxDemand: 2, minDemand: 1 })
          .pipe(window(Window.fixed(1, 'second', (e: Ev) => e.t)), names, byWindow)
          .run();
      } finally {
        setLogger();
      }
      expect(warnings.some((w) => w.includes('1 late events'))).to.equal(true);
    });

    it('with allowedLateness should fire watermark, accept late events until done fires after the lateness', async () => {
      const clock = new VirtualClock();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      async function* source(): AsyncGenerator<Ev> {
        yield at('a', 0);
        yield at('b', 1500);
        yield at('c', 300);
        await gate;
        yield at('d', 400);
      }
      const late: string[] = [];
      const w = Window.fixed(1, 'second', (e: Ev) => e.t).allowedLateness(1, 'second').onLateEvent((e) => late.push(e.name));
      const out: unknown[] = [];
      const done = Flow.from(source(), { clock, window: w, maxDemand: 2, minDemand: 1 })
        .pipe(names, byWindow, tap((e: unknown) => out.push(e)))
        .run();
      await until(() => out.length === 1);
      expect(out).to.deep.equal([[0, 'watermark', ['a']]]);
      await clock.advance(1000);
      expect(out).to.deep.equal([[0, 'watermark', ['a']], [0, 'done', ['a', 'c']]]);
      release();
      await done;
      expect(out).to.deep.equal([[0, 'watermark', ['a']], [0, 'done', ['a', 'c']], [1000, 'done', ['b']]]);
      expect(late).to.deep.equal(['d']);
      expect(clock.pendingTimers).to.equal(0);
    });

    it('should close a window only once every upstream producer has passed it (a watermark per producer)', async () => {
      let releaseRight!: () => void;
      const rightGate = new Promise<void>((r) => (releaseRight = r));
      const left = Flow.from([at('a', 0), at('b', 1500)]).pipe(tap((e: Ev) => {
        if (e.name === 'b') releaseRight();
      }));
      async function* rightSource(): AsyncGenerator<Ev> {
        await rightGate;
        await new Promise((r) => setTimeout(r, 5));
        yield at('c', 200);
      }
      const right = Flow.from(rightSource()).pipe(map((e: Ev) => e));
      const out = await Flow.merge([left, right], { window: Window.fixed(1, 'second', (e: Ev) => e.t), maxDemand: 2, minDemand: 1 })
        .pipe(names, byWindow)
        .toArray();
      expect(out).to.deep.equal([[0, 'done', ['a', 'c']], [1000, 'done', ['b']]]);
    });

    it('triggerEvery should count per fixed window', async () => {
      const out = await Flow.from([at('a', 0), at('b', 10), at('c', 20), at('d', 1000)])
        .pipe(window(Window.fixed(1, 'second', (e: Ev) => e.t).triggerEvery(2)), names, byWindow)
        .toArray();
      expect(out).to.deep.equal([[0, { every: 2 }, ['a', 'b']], [0, 'done', ['a', 'b', 'c']], [1000, 'done', ['d']]]);
    });

    it('should fail the flow when by does not return an integer', async () => {
      let caught: unknown;
      await Flow.from([at('a', 0.5)]).pipe(window(Window.fixed(1, 'second', (e: Ev) => e.t)), names).run().catch((e: unknown) => (caught = e));
      expect((caught as Error).message).to.match(/expected by\(event\) to return an integer time in ms, got: 0.5/);
    });
  });
});
