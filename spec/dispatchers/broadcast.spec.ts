// The protocol rules cited below (R10) are stated in docs/protocol.md.
import { expect } from 'chai';
import { BroadcastDispatcher, Consumer, GenStage } from '../../src/index.js';
import { emit, join, settle, startSource } from './support.js';

describe('BroadcastDispatcher', () => {
  const broadcast = () => ({ dispatcher: new BroadcastDispatcher<number>() });

  it('R10: should deliver every event to every consumer', async () => {
    const { producer } = await startSource<number>(broadcast());
    const members = [await join(producer), await join(producer), await join(producer)];
    for (const m of members) await m.ask(5);
    await emit(producer, [1, 2, 3]);
    await emit(producer, [4, 5]);
    for (const m of members) expect(m.rec.batches).to.deep.equal([[1, 2, 3], [4, 5]]);
  });

  it('R10: should ask upstream only for what the slowest consumer wants', async () => {
    const { source, producer } = await startSource<number>(broadcast());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(5);
    expect(source.demands).to.deep.equal([]); // b wants nothing yet
    await b.ask(3);
    expect(source.demands).to.deep.equal([3]);
    await emit(producer, [1, 2, 3]);
    expect(a.rec.events).to.deep.equal([1, 2, 3]);
    expect(b.rec.events).to.deep.equal([1, 2, 3]);
    await b.ask(4); // a has 2 left, b 4: two more for both
    expect(source.demands).to.deep.equal([3, 2]);
    await a.ask(1); // a 1, b 2 after the 2 in flight: one more
    expect(source.demands).to.deep.equal([3, 2, 1]);
    await a.ask(10); // b is now the slowest: its last 1
    expect(source.demands).to.deep.equal([3, 2, 1, 1]);
  });

  it('R10: should hold events beyond the slowest consumer\'s demand in the buffer', async () => {
    const { producer } = await startSource<number>(broadcast());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(4);
    await b.ask(2);
    await emit(producer, [1, 2, 3, 4]);
    expect(a.rec.events).to.deep.equal([1, 2]);
    expect(b.rec.events).to.deep.equal([1, 2]);
    expect(await producer.estimateBufferedCount()).to.equal(2);
    await b.ask(2);
    expect(a.rec.events).to.deep.equal([1, 2, 3, 4]);
    expect(b.rec.events).to.deep.equal([1, 2, 3, 4]);
  });

  it('R10: should apply each consumer\'s selector to the events it receives', async () => {
    const { producer } = await startSource<number>(broadcast());
    const evens = await join(producer, { selector: (e: number) => e % 2 === 0 });
    const odds = await join(producer, { selector: (e: number) => e % 2 === 1 });
    const all = await join(producer);
    for (const m of [evens, odds, all]) await m.ask(6);
    await emit(producer, [1, 2, 3, 4, 5, 6]);
    expect(evens.rec.events).to.deep.equal([2, 4, 6]);
    expect(odds.rec.events).to.deep.equal([1, 3, 5]);
    expect(all.rec.events).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('R10: should credit the events a selector rejected back to that consumer\'s demand', async () => {
    const { source, producer } = await startSource<number>(broadcast());
    const evens = await join(producer, { selector: (e: number) => e % 2 === 0 });
    const all = await join(producer);
    await evens.ask(4);
    await all.ask(4);
    await emit(producer, [1, 2, 3, 4]);
    expect(evens.rec.events).to.deep.equal([2, 4]);
    // evens got 2 of its 4 back; `all` asks 2: both want 2 more now.
    await all.ask(2);
    expect(source.demands).to.deep.equal([4, 2]);
  });

  it('R10: should not starve a consumer whose selector rejects most events', async () => {
    class Take extends Consumer<number> {
      seen: number[] = [];
      handleEvents(events: number[]): void {
        this.seen.push(...events);
      }
    }
    const source = Array.from({ length: 200 }, (_, i) => i + 1);
    const producer = await GenStage.fromIterable(source, { dispatcher: new BroadcastDispatcher<number>(), demand: 'accumulate' });
    const tens = new Take();
    const every = new Take();
    const a = await GenStage.start(tens, { subscribeTo: [{ to: producer, maxDemand: 6, selector: (e: number) => e % 10 === 0 }] });
    const b = await GenStage.start(every, { subscribeTo: [{ to: producer, maxDemand: 6 }] });
    await settle();
    producer.demand('forward');
    expect(await producer.done).to.equal('normal');
    expect(await a.done).to.equal('normal');
    expect(await b.done).to.equal('normal');
    expect(tens.seen).to.deep.equal([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200]);
    expect(every.seen).to.deep.equal(source);
  });

  it('R10: should pause delivery when a consumer subscribes, until it asks', async () => {
    const { source, producer } = await startSource<number>(broadcast());
    const a = await join(producer);
    await a.ask(5);
    expect(source.demands).to.deep.equal([5]);
    const b = await join(producer);
    await emit(producer, [1, 2, 3]);
    expect(a.rec.events).to.deep.equal([]);
    expect(b.rec.events).to.deep.equal([]);
    expect(await producer.estimateBufferedCount()).to.equal(3);
    await b.ask(3);
    expect(a.rec.events).to.deep.equal([1, 2, 3]);
    expect(b.rec.events).to.deep.equal([1, 2, 3]);
    expect(await producer.estimateBufferedCount()).to.equal(0);
    // a still has 2 left and b none: nothing more is asked until b asks.
    expect(source.demands).to.deep.equal([5]);
    await b.ask(2);
    await emit(producer, [4, 5]);
    expect(a.rec.events).to.deep.equal([1, 2, 3, 4, 5]);
    expect(b.rec.events).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('R10: should hand events emitted while nobody was subscribed to the next subscriber, in order (the original strands them)', async () => {
    const { source, producer } = await startSource<number>(broadcast());
    await emit(producer, [1, 2, 3]);
    expect(await producer.estimateBufferedCount()).to.equal(3);
    const a = await join(producer);
    await a.ask(5);
    expect(a.rec.events).to.deep.equal([1, 2, 3]);
    expect(source.demands).to.deep.equal([2]);
    await emit(producer, [4, 5]);
    expect(a.rec.events).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('R10: should keep buffered events for a consumer that arrives after the last one left', async () => {
    const { producer } = await startSource<number>(broadcast());
    const a = await join(producer);
    await a.ask(1);
    await emit(producer, [1]);
    await a.cancel();
    await emit(producer, [2, 3]);
    const b = await join(producer);
    await b.ask(3);
    expect(a.rec.events).to.deep.equal([1]);
    expect(b.rec.events).to.deep.equal([2, 3]);
  });

  it('should buffer events emitted after the last consumer stopped with demand outstanding, for the next subscriber', async () => {
    // The departed consumer's demand (1000) must leave with it: the dispatcher used to
    // keep it and "deliver" [1, 2, 3] to nobody.
    const { producer } = await startSource<number>(broadcast());
    const first = await GenStage.start(new (class extends Consumer<number> {
      handleEvents(): void {}
    })(), { subscribeTo: [{ to: producer, maxDemand: 1000, cancel: 'temporary' }] });
    await settle();
    await first.stop();
    await emit(producer, [1, 2, 3]);
    expect(await producer.estimateBufferedCount()).to.equal(3);
    const next = await join(producer, {}, 'automatic');
    await settle();
    expect(next.rec.batches).to.deep.equal([[1, 2, 3]]);
  });

  it('R10: should release the slowest consumer\'s hold on upstream demand when it cancels', async () => {
    const { source, producer } = await startSource<number>(broadcast());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(6);
    await b.ask(1);
    expect(source.demands).to.deep.equal([1]);
    await b.cancel();
    expect(source.demands).to.deep.equal([1, 5]);
    await emit(producer, [1, 2, 3, 4, 5, 6]);
    expect(a.rec.events).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(b.rec.events).to.deep.equal([]);
  });

  it('R10: should serve an ask from the buffer even while upstream demand is still outstanding', async () => {
    // A asks 6, all of it sent upstream. B joins, so delivery waits for B. The source
    // then emits only 3 (3 of the 6 stay outstanding for good), which wait in the
    // buffer. B's ask of 3 must take them from the buffer rather than count them as
    // part of the 3 still outstanding.
    const { source, producer } = await startSource<number>(broadcast());
    const a = await join(producer);
    await a.ask(6);
    const b = await join(producer);
    await emit(producer, [1, 2, 3]);
    expect(await producer.estimateBufferedCount()).to.equal(3);
    await b.ask(3);
    expect(a.rec.events).to.deep.equal([1, 2, 3]);
    expect(b.rec.events).to.deep.equal([1, 2, 3]);
    expect(await producer.estimateBufferedCount()).to.equal(0);
    expect(source.demands).to.deep.equal([6]);
  });

  it('R10: should reject the same consumer subscribing twice with already_subscribed, keeping the first subscription', async () => {
    const { producer } = await startSource<number>(broadcast());
    const a = await join(producer);
    const second = await a.stage.subscribe(producer, { cancel: 'permanent' });
    await settle();
    expect(a.rec.cancels).to.deep.equal([{ cancel: 'already_subscribed' }]);
    expect(a.stage.alive).to.equal(true);
    expect(second).to.not.equal(a.sub);
    await a.ask(2);
    await emit(producer, [7, 8]);
    expect(a.rec.batches).to.deep.equal([[7, 8]]);
  });

  it('R10: should send no empty batch to a consumer whose selector rejected a whole batch', async () => {
    const { producer } = await startSource<string>({ dispatcher: new BroadcastDispatcher<string>() });
    const long = await join(producer, { selector: (e: string) => e.length > 3 });
    const any = await join(producer);
    await long.ask(4);
    await any.ask(4);
    await emit(producer, ['a', 'is']);
    await emit(producer, ['tree', 'of']);
    expect(long.rec.batches).to.deep.equal([['tree']]);
    expect(any.rec.batches).to.deep.equal([['a', 'is'], ['tree', 'of']]);
  });
});
