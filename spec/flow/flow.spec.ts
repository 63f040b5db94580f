import { expect } from 'chai';
import { of, from as rxFrom, Observable, firstValueFrom, toArray as rxToArray } from 'rxjs';
import { Flow, map, reduce, onTrigger, window, Window, tap } from '../../src/flow/index.js';
import { GenStage } from '../../src/io/gen-stage.js';
import { Producer } from '../../src/stage/producer.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';
import { range, sorted } from './helpers.js';

describe('Flow', () => {
  describe('from', () => {
    it('should read an array in order through one stage', async () => {
      expect(await Flow.from(range(10)).pipe(map((n: number) => n * 2)).toArray()).to.deep.equal([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    });

    it('should read a sync iterable (a generator)', async () => {
      function* gen(): Generator<number> {
        for (let i = 0; i < 5; i++) yield i;
      }
      expect(await Flow.from(gen()).toArray()).to.deep.equal([0, 1, 2, 3, 4]);
    });

    it('should read an async iterable', async () => {
      async function* gen(): AsyncGenerator<string> {
        yield 'a';
        yield 'b';
      }
      expect(await Flow.from(gen()).toArray()).to.deep.equal(['a', 'b']);
    });

    it('should read an RxJS observable through Symbol.observable or @@observable', async () => {
      expect(await Flow.from(of(1, 2, 3)).toArray()).to.deep.equal([1, 2, 3]);
    });

    it('should read a bare object with a subscribe method as an observable', async () => {
      const source = {
        subscribe(observer: { next: (v: number) => void; complete: () => void }) {
          observer.next(7);
          observer.next(8);
          observer.complete();
          return { unsubscribe() {} };
        },
      };
      expect(await Flow.from(source as never).toArray()).to.deep.equal([7, 8]);
    });

    it('should fail the flow when the observable errors', async () => {
      const failing = new Observable<number>((s) => {
        s.next(1);
        s.error(new Error('obs broke'));
      });
      let caught: unknown;
      await Flow.from(failing).toArray().catch((e: unknown) => (caught = e));
      expect((caught as Error).message).to.equal('obs broke');
    });

    it('should read a ReadableStream', async () => {
      const stream = new ReadableStream<number>({
        start(controller) {
          controller.enqueue(1);
          controller.enqueue(2);
          controller.close();
        },
      });
      expect(await Flow.from(stream).toArray()).to.deep.equal([1, 2]);
    });

    it('should read a running producer stage without stopping it on its own', async () => {
      const source = await GenStage.fromIterable([3, 2, 1]);
      expect(await Flow.from(source).toArray()).to.deep.equal([3, 2, 1]);
    });

    it('should be lazy: nothing is read before the flow is consumed', async () => {
      let pulled = 0;
      function* gen(): Generator<number> {
        for (let i = 0; i < 3; i++) {
          pulled++;
          yield i;
        }
      }
      const flow = Flow.from(gen()).pipe(map((n: number) => n + 1));
      await new Promise((r) => setImmediate(r));
      expect(pulled).to.equal(0);
      expect(await flow.toArray()).to.deep.equal([1, 2, 3]);
      expect(pulled).to.equal(3);
    });

    it('should start fresh stages for each consumption of the same flow', async () => {
      const flow = Flow.from([1, 2]).pipe(map((n: number) => n * 3));
      expect(await flow.toArray()).to.deep.equal([3, 6]);
      expect(await flow.toArray()).to.deep.equal([3, 6]);
    });

    it('should reject bad sources and options with errors naming them', () => {
      expect(() => Flow.from('abc' as never)).to.throw(TypeError, /Flow.from: expected an array/);
      expect(() => Flow.from(42 as never)).to.throw(TypeError, /got: 42/);
      expect(() => Flow.from([1], { stages: 0 })).to.throw(RangeError, 'expected stages to be an integer >= 1, got: 0');
      expect(() => Flow.from([1], { maxDemand: 10, minDemand: 10 })).to.throw(RangeError, /minDemand/);
      expect(() => Flow.from([1], { stage: 2 } as never)).to.throw(TypeError, /unknown option stage/);
      expect(() => Flow.from(Flow.from([1]) as never)).to.throw(TypeError, /got a Flow/);
    });

    it('should keep input order with stages: 1 and lose none with stages: 3', async () => {
      const input = range(5000);
      expect(await Flow.from(input).pipe(map((n: number) => n)).toArray()).to.deep.equal(input);
      const three = await Flow.from(input, { stages: 3 }).pipe(map((n: number) => n)).toArray();
      expect(sorted(three)).to.deep.equal(input);
    });
  });

  describe('fromStages', () => {
    it('should end when every producer has ended normally', async () => {
      const a = await GenStage.fromIterable([1, 2]);
      const b = await GenStage.fromIterable([3]);
      expect(sorted(await Flow.fromStages([a, b]).pipe(map((n: number) => n * 10)).toArray())).to.deep.equal([10, 20, 30]);
    });

    it('should fail when a producer exits abnormally', async () => {
      class Broken extends Producer<number> {
        handleDemand(): number[] {
          throw new Error('producer broke');
        }
      }
      const stage = await GenStage.start(new Broken());
      void stage.done;
      let caught: unknown;
      await Flow.fromStages([stage]).toArray().catch((e: unknown) => (caught = e));
      expect((caught as Error).message).to.equal('producer broke');
    });

    it('should reject an empty list', () => {
      expect(() => Flow.fromStages([])).to.throw(TypeError, /non-empty array of stages/);
    });
  });

  describe('merge', () => {
    it('should merge the output of several flows', async () => {
      const a = Flow.from([1, 2, 3]).pipe(map((n: number) => n * 10));
      const b = Flow.from([4, 5]);
      expect(sorted(await Flow.merge([a, b]).toArray())).to.deep.equal([4, 5, 10, 20, 30]);
    });

    it('should route merged events by key when given one', async () => {
      const a = Flow.from(['x', 'y']);
      const b = Flow.from(['x', 'z', 'x']);
      const counts = await Flow.merge([a, b], { stages: 3, key: (w: string) => w })
        .pipe(reduce(() => new Map<string, number>(), (w: string, acc) => acc.set(w, (acc.get(w) ?? 0) + 1)))
        .toArray();
      expect(sorted(counts)).to.deep.equal([['x', 3], ['y', 1], ['z', 1]]);
    });
  });

  describe('toArray and run', () => {
    it('should resolve run() once every stage has ended, keeping nothing', async () => {
      const seen: number[] = [];
      const result = await Flow.from(range(5)).pipe(tap((n: number) => seen.push(n))).run();
      expect(result).to.equal(undefined);
      expect(seen).to.deep.equal([1, 2, 3, 4, 5]);
    });

    it('should resolve an empty source with no events', async () => {
      expect(await Flow.from([]).pipe(map((n: number) => n)).toArray()).to.deep.equal([]);
    });
  });

  describe('for await', () => {
    it('should yield the events in order', async () => {
      const out: number[] = [];
      for await (const n of Flow.from([1, 2, 3]).pipe(map(async (n: number) => n + 1))) out.push(n);
      expect(out).to.deep.equal([2, 3, 4]);
    });

    it('should stop the flow when the loop breaks, also over an endless source', async () => {
      let pulled = 0;
      function* endless(): Generator<number> {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const out: number[] = [];
      for await (const n of Flow.from(endless()).pipe(map((n: number) => n * 2))) {
        out.push(n);
        if (out.length === 5) break;
      }
      expect(out).to.deep.equal([0, 2, 4, 6, 8]);
      const after = pulled;
      await new Promise((r) => setTimeout(r, 5));
      expect(pulled).to.equal(after);
    });

    it('should be demand-driven: a loop that has not finished a chunk holds the source back', async () => {
      let pulled = 0;
      function* endless(): Generator<number> {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const it = Flow.from(endless(), { maxDemand: 10 }).iterate({ maxDemand: 10 })[Symbol.asyncIterator]();
      await it.next();
      await new Promise((r) => setTimeout(r, 10));
      // source: at most what the one stage and the sink asked for (10 + 10) plus one buffered batch
      expect(pulled).to.be.at.most(30);
      await it.return!();
    });

    it('should throw the error of a failing operator in the loop', async () => {
      let caught: unknown;
      try {
        for await (const _ of Flow.from(range(10)).pipe(map((n: number) => {
          if (n === 5) throw new Error('five');
          return n;
        }))) {
          // consume
        }
      } catch (e) {
        caught = e;
      }
      expect((caught as Error).message).to.equal('five');
    });
  });

  describe('observable end', () => {
    it('should be accepted by RxJS from() and complete', async () => {
      const values = await firstValueFrom(rxFrom(Flow.from([1, 2, 3]).pipe(map((n: number) => n * 2))).pipe(rxToArray()));
      expect(values).to.deep.equal([2, 4, 6]);
    });

    it('should hand errors to the observer', async () => {
      const flow = Flow.from([1]).pipe(map(() => {
        throw new Error('in flow');
      }));
      const error = await new Promise<unknown>((resolve) => flow['@@observable']().subscribe({ error: resolve }));
      expect((error as Error).message).to.equal('in flow');
    });

    it('should stop the flow on unsubscribe', async () => {
      // Waits for the source to be closed (the flow stopped), not for a fixed time.
      let pulled = 0;
      let closed!: () => void;
      const whenClosed = new Promise<void>((resolve) => (closed = resolve));
      function* endless(): Generator<number> {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        } finally {
          closed();
        }
      }
      const got: number[] = [];
      let unsubscribe: (() => void) | undefined;
      let stopAsked = false;
      const sub = Flow.from(endless())['@@observable']().subscribe((n) => {
        got.push(n);
        if (got.length === 3) {
          stopAsked = true;
          unsubscribe?.();
        }
      });
      unsubscribe = () => sub.unsubscribe();
      if (stopAsked) sub.unsubscribe();
      await whenClosed;
      expect(sub.closed).to.equal(true);
      expect(got).to.deep.equal([0, 1, 2]);
      // The source was closed (the flow stopped): a closed generator is never read again.
      expect(pulled).to.be.at.least(3);
    });
  });

  describe('errors', () => {
    it('should reject toArray with a mapper error and stop every stage', async () => {
      let caught: unknown;
      await Flow.from(range(100), { stages: 2 })
        .pipe(map((n: number) => {
          if (n === 50) throw new RangeError('bad 50');
          return n;
        }))
        .toArray()
        .catch((e: unknown) => (caught = e));
      expect(caught).to.be.instanceOf(RangeError);
      expect((caught as Error).message).to.equal('bad 50');
    });

    it('should reject run with an async mapper rejection', async () => {
      let caught: unknown;
      await Flow.from([1, 2, 3]).pipe(map(async (n: number) => {
        if (n === 2) throw new Error('async 2');
        return n;
      })).run().catch((e: unknown) => (caught = e));
      expect((caught as Error).message).to.equal('async 2');
    });

    it('should leave no timer behind when a windowed flow fails', async () => {
      const clock = new VirtualClock();
      let caught: unknown;
      await Flow.from(range(10), { clock, window: Window.periodic(1, 'second').triggerPeriodically(100, 'millisecond') })
        .pipe(
          reduce(() => 0, (n: number, acc: number) => {
            if (n === 7) throw new Error('seven');
            return acc + n;
          }),
          onTrigger((acc: number) => [[acc], acc]),
        )
        .toArray()
        .catch((e: unknown) => (caught = e));
      expect((caught as Error).message).to.equal('seven');
      expect(clock.pendingTimers).to.equal(0);
    });

    it('should reject a reducer error raised at the end of input (onTrigger)', async () => {
      let caught: unknown;
      await Flow.from([1]).pipe(
        window(Window.global()),
        reduce(() => 0, (n: number, acc: number) => acc + n),
        onTrigger(() => {
          throw new Error('at done');
        }),
      ).toArray().catch((e: unknown) => (caught = e));
      expect((caught as Error).message).to.equal('at done');
    });
  });
});
