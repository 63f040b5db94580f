import { expect } from 'chai';
import { Observable, Subject, from, lastValueFrom, take, toArray, map as rxMap, firstValueFrom } from 'rxjs';
import { Flow, GenStage, Producer, map, flatMap, partition, reduce, setLogger, type Stage } from '../../src/index.js';
import { toObservable, fromObservable, throughFlow, sourceStats, BufferOverflowError } from '../../src/interop/rxjs/index.js';
import { settle } from '../../src/testing/index.js';
import { Naturals, counting, deferred, manual } from './support.js';

class Failing extends Producer<number> {
  handleDemand(): number[] {
    throw new Error('producer failed');
  }
}

/** An observable that records subscriptions and teardowns, driven by the returned subject. */
function tracked<T>(): { observable: Observable<T>; subject: Subject<T>; subscribed: () => number; tornDown: () => number } {
  const subject = new Subject<T>();
  let subscribed = 0;
  let tornDown = 0;
  const observable = new Observable<T>((subscriber) => {
    subscribed++;
    const inner = subject.subscribe(subscriber);
    return () => {
      tornDown++;
      inner.unsubscribe();
    };
  });
  return { observable, subject, subscribed: () => subscribed, tornDown: () => tornDown };
}

describe('genstage/rxjs', () => {
  describe('interop observable (Symbol.observable / @@observable)', () => {
    it('should let rxjs.from(flow) run the flow and complete', async () => {
      const out = await lastValueFrom(from(Flow.from([1, 2, 3]).pipe(map((n: number) => n * 10))).pipe(toArray()));
      expect(out).to.deep.equal([10, 20, 30]);
    });

    it('should let rxjs.from(stage) subscribe to a producer stage', async () => {
      const stage = await GenStage.fromIterable(['a', 'b']);
      const out = await lastValueFrom(from(stage as unknown as Observable<string>).pipe(toArray()));
      expect(out).to.deep.equal(['a', 'b']);
    });

    it('should return itself from @@observable and a subscription with closed and unsubscribe', async () => {
      const stage = await GenStage.fromIterable([1]);
      const observable = stage['@@observable']();
      expect(observable['@@observable']()).to.equal(observable);
      const completed = deferred();
      const values: number[] = [];
      const subscription = observable.subscribe({ next: (v) => values.push(v), complete: () => completed.resolve() });
      expect(subscription.closed).to.equal(false);
      await completed.promise;
      expect(values).to.deep.equal([1]);
      expect(subscription.closed).to.equal(true);
    });

    it('should cancel the stage subscription when the interop subscription is unsubscribed', async () => {
      const naturals = new Naturals();
      const stage = await GenStage.start(naturals);
      const first = deferred<number>();
      const subscription = stage['@@observable']().subscribe((n) => first.resolve(n));
      expect(await first.promise).to.equal(0);
      subscription.unsubscribe();
      expect(await naturals.cancelled.promise).to.deep.equal({ cancel: 'normal' });
      await stage.stop();
    });
  });

  describe('toObservable', () => {
    it('should emit a flow\'s events in order and complete', async () => {
      const out = await lastValueFrom(toObservable(Flow.from([1, 2, 3, 4]).pipe(map((n: number) => n + 1))).pipe(toArray()));
      expect(out).to.deep.equal([2, 3, 4, 5]);
    });

    it('should not run the flow before it is subscribed', async () => {
      const source = counting();
      const observable = toObservable(Flow.from(source.iterable));
      await settle();
      expect(source.pulled()).to.equal(0);
      const out = await lastValueFrom(observable.pipe(take(3), toArray()));
      expect(out).to.deep.equal([0, 1, 2]);
    });

    it('should stop every stage of the flow when unsubscribed (the source iterator is closed)', async () => {
      const source = counting();
      const out = await lastValueFrom(toObservable(Flow.from(source.iterable).pipe(map((n: number) => n * 2))).pipe(take(4), toArray()));
      expect(out).to.deep.equal([0, 2, 4, 6]);
      await source.closed;
    });

    it('should error with the flow\'s error', async () => {
      const failing = Flow.from([1, 2]).pipe(map(() => {
        throw new Error('boom');
      }));
      const error = await lastValueFrom(toObservable(failing)).catch((e: unknown) => e);
      expect((error as Error).message).to.equal('boom');
    });

    it('should emit a stage\'s events and complete when it exits normally', async () => {
      const stage = await GenStage.fromIterable([5, 6, 7]);
      expect(await lastValueFrom(toObservable(stage).pipe(toArray()))).to.deep.equal([5, 6, 7]);
    });

    it('should create demand on subscribe, maxDemand at a time', async () => {
      const naturals = new Naturals();
      const stage = await GenStage.start(naturals);
      const observable = toObservable(stage, { maxDemand: 10 });
      await settle();
      expect(naturals.demands).to.deep.equal([]);
      const out = await lastValueFrom(observable.pipe(take(3), toArray()));
      expect(out).to.deep.equal([0, 1, 2]);
      expect(naturals.demands[0]).to.equal(10);
      await stage.stop();
    });

    it('should cancel upstream on unsubscribe (the producer sees the cancel)', async () => {
      const naturals = new Naturals();
      const stage = await GenStage.start(naturals);
      const subscription = toObservable(stage, { maxDemand: 5 }).subscribe((n) => {
        if (n === 2) subscription.unsubscribe();
      });
      expect(await naturals.cancelled.promise).to.deep.equal({ cancel: 'normal' });
      // The batch in hand when unsubscribe came is the last one asked for.
      expect(naturals.demands).to.deep.equal([5]);
      await stage.stop();
    });

    it('should error with the stage\'s abnormal exit reason', async () => {
      const stage = await GenStage.start(new Failing());
      void stage.done;
      const error = await firstValueFrom(toObservable(stage)).catch((e: unknown) => e);
      expect((error as Error).message).to.equal('producer failed');
    });

    it('should run the flow once per subscription', async () => {
      const observable = toObservable(Flow.from([1, 2]));
      const a = await lastValueFrom(observable.pipe(toArray()));
      const b = await lastValueFrom(observable.pipe(toArray()));
      expect([a, b]).to.deep.equal([[1, 2], [1, 2]]);
    });

    it('should reject what is not a flow or a producer, and bad demand', async () => {
      expect(() => toObservable([1, 2] as never)).to.throw(TypeError, /expected a Flow or a producer Stage/);
      expect(() => toObservable(Flow.from([1]), { maxDemand: 0 })).to.throw(RangeError, /maxDemand/);
      expect(() => toObservable(Flow.from([1]), { size: 1 } as never)).to.throw(TypeError, /unknown option size/);
    });
  });

  describe('fromObservable', () => {
    it('should not subscribe to the observable before the first demand', async () => {
      const source = tracked<number>();
      const stage = await fromObservable(source.observable);
      await settle();
      expect(source.subscribed()).to.equal(0);
      const { consumer, ask } = await manual(stage);
      await settle();
      expect(source.subscribed()).to.equal(0);
      ask(1);
      await settle();
      expect(source.subscribed()).to.equal(1);
      source.subject.next(42);
      await consumer.until(1);
      expect(consumer.got).to.deep.equal([42]);
      await stage.stop();
    });

    it('should emit the observable\'s values and exit normal once it completes and the buffer is empty', async () => {
      const stage = await fromObservable(from([1, 2, 3]).pipe(rxMap((n) => n * 2)));
      const out: number[] = [];
      for await (const n of GenStage.stream([stage])) out.push(n);
      expect(out).to.deep.equal([2, 4, 6]);
      expect(await stage.done).to.equal('normal');
    });

    it('should exit with the observable\'s error', async () => {
      const source = tracked<number>();
      const stage = await fromObservable(source.observable);
      const { ask } = await manual(stage);
      ask(5);
      await settle();
      source.subject.error(new Error('source failed'));
      const reason = await stage.done;
      expect((reason as Error).message).to.equal('source failed');
    });

    it('should keep the newest values with drop-oldest and count the drops', async () => {
      const source = tracked<number>();
      const drops: number[] = [];
      const stage = await fromObservable(source.observable, { bufferSize: 3, overflow: 'drop-oldest', onDrop: (n) => drops.push(n) });
      const { consumer, ask } = await manual(stage);
      ask(1);
      await settle();
      for (let i = 0; i < 10; i++) source.subject.next(i);
      await settle();
      expect(await sourceStats(stage)).to.deep.equal({ received: 10, emitted: 1, dropped: 6, buffered: 3 });
      ask(10);
      await consumer.until(4);
      // One value was asked for: the buffer holds bufferSize + 1 while it is on its way.
      expect(consumer.got).to.deep.equal([6, 7, 8, 9]);
      expect(drops.reduce((a, b) => a + b, 0)).to.equal(6);
      await stage.stop();
    });

    it('should keep the oldest values with drop-newest', async () => {
      const source = tracked<number>();
      const stage = await fromObservable(source.observable, { bufferSize: 3, overflow: 'drop-newest', onDrop: () => {} });
      const { consumer, ask } = await manual(stage);
      ask(1);
      await settle();
      for (let i = 0; i < 10; i++) source.subject.next(i);
      ask(10);
      await consumer.until(4);
      expect(consumer.got).to.deep.equal([0, 1, 2, 3]);
      expect((await sourceStats(stage)).dropped).to.equal(6);
      await stage.stop();
    });

    it('should stop with a BufferOverflowError and unsubscribe with overflow error', async () => {
      const source = tracked<number>();
      const stage = await fromObservable(source.observable, { bufferSize: 2, overflow: 'error' });
      const { ask } = await manual(stage);
      ask(1);
      await settle();
      for (let i = 0; i < 4; i++) source.subject.next(i);
      const reason = await stage.done;
      expect(reason).to.be.instanceOf(BufferOverflowError);
      expect((reason as BufferOverflowError).bufferSize).to.equal(2);
      expect(source.tornDown()).to.equal(1);
    });

    it('should unsubscribe from the observable when the stage stops', async () => {
      const source = tracked<number>();
      const stage = await fromObservable(source.observable);
      const { ask } = await manual(stage);
      ask(1);
      await settle();
      await stage.stop();
      expect(source.tornDown()).to.equal(1);
      expect(source.subject.observed).to.equal(false);
    });

    it('should log the first drop and the total at exit when no onDrop is given', async () => {
      const warnings: string[] = [];
      setLogger({ warn: (m: string) => warnings.push(m), error: () => {} });
      try {
        const source = tracked<number>();
        const stage = await fromObservable(source.observable, { bufferSize: 1, name: 'ticks' });
        const { ask } = await manual(stage);
        ask(1);
        await settle();
        for (let i = 0; i < 5; i++) source.subject.next(i);
        await settle();
        await stage.stop();
        expect(warnings).to.have.length(2);
        expect(warnings[0]).to.match(/ticks: buffer of 1 is full, dropping items \(drop-oldest\)/);
        expect(warnings[1]).to.match(/ticks: dropped 3 of 5 items/);
      } finally {
        setLogger();
      }
    });

    it('should account for every value under a flood: received = emitted + dropped + buffered', async () => {
      const subject = new Subject<number>();
      const stage = await fromObservable(subject, { bufferSize: 50, onDrop: () => {} });
      const { consumer, ask } = await manual(stage);
      ask(10);
      await settle();
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 500; i++) subject.next(round * 500 + i);
        ask(10);
        await settle();
      }
      const stats = await sourceStats(stage);
      expect(stats.received).to.equal(10_000);
      expect(stats.emitted).to.equal(consumer.got.length);
      expect(stats.emitted + stats.dropped + stats.buffered).to.equal(10_000);
      expect(stats.dropped).to.be.greaterThan(9000);
      for (let i = 1; i < consumer.got.length; i++) expect(consumer.got[i]).to.be.greaterThan(consumer.got[i - 1] as number);
      await stage.stop();
    });

    it('should check its options', () => {
      expect(() => fromObservable(null as never)).to.throw(TypeError, /expected an observable/);
      expect(() => fromObservable(new Subject(), { bufferSize: 0 })).to.throw(RangeError, /bufferSize/);
      expect(() => fromObservable(new Subject(), { overflow: 'drop' as never })).to.throw(RangeError, /overflow to be one of 'drop-oldest', 'drop-newest', 'error'/);
      expect(() => fromObservable(new Subject(), { onDrop: 1 as never })).to.throw(TypeError, /onDrop/);
      expect(() => fromObservable(new Subject(), { buffer: 1 } as never)).to.throw(TypeError, /unknown option buffer/);
    });
  });

  describe('throughFlow', () => {
    it('should run a flow pipeline inside an RxJS pipe', async () => {
      const out = await lastValueFrom(from([1, 2, 3]).pipe(throughFlow((flow) => flow.pipe(map((n: number) => n * 3))), toArray()));
      expect(out).to.deep.equal([3, 6, 9]);
    });

    it('should run partitioned reducers and emit their results', async () => {
      const out = await lastValueFrom(
        from(['a b', 'b c', 'c c']).pipe(
          throughFlow((flow) =>
            flow.pipe(
              flatMap((line: string) => line.split(' ')),
              partition({ stages: 2 }),
              reduce(() => new Map<string, number>(), (word: string, acc: Map<string, number>) => acc.set(word, (acc.get(word) ?? 0) + 1)),
            ),
          ),
          toArray(),
        ),
      );
      expect(new Map(out as [string, number][])).to.deep.equal(new Map([['a', 1], ['b', 2], ['c', 3]]));
    });

    it('should stop the flow and unsubscribe from the source when unsubscribed downstream', async () => {
      const source = tracked<number>();
      const got = deferred<number[]>();
      const values: number[] = [];
      const subscription = source.observable.pipe(throughFlow((flow) => flow.pipe(map((n: number) => n + 1)))).subscribe((v) => {
        values.push(v);
        if (values.length === 2) got.resolve(values);
      });
      await settle();
      source.subject.next(1);
      source.subject.next(2);
      expect(await got.promise).to.deep.equal([2, 3]);
      subscription.unsubscribe();
      for (let i = 0; i < 20 && source.tornDown() === 0; i++) await settle();
      expect(source.tornDown()).to.equal(1);
    });

    it('should error with the source\'s error', async () => {
      const failing = new Observable<number>((s) => {
        s.next(1);
        s.error(new Error('upstream failed'));
      });
      const error = await lastValueFrom(failing.pipe(throughFlow((flow) => flow))).catch((e: unknown) => e);
      expect((error as Error).message).to.equal('upstream failed');
    });

    it('should reject a build that does not return a flow', async () => {
      expect(() => throughFlow(1 as never)).to.throw(TypeError, /build/);
      const error = await lastValueFrom(from([1]).pipe(throughFlow(() => [1] as never))).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/build must return a Flow/);
    });
  });
});

export type { Stage };
