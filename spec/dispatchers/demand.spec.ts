// The protocol rules cited below (R9) are stated in docs/protocol.md.
import { expect } from 'chai';
import { Consumer, DemandDispatcher, GenStage, Producer } from '../../src/index.js';
import { captureLogs, emit, join, settle, startSource } from './support.js';

describe('DemandDispatcher', () => {
  const withMax = () => ({ dispatcher: new DemandDispatcher<number>({ maxDemand: 100 }) });

  it('R9: should send events to the consumer with the largest demand first', async () => {
    const { producer } = await startSource<number>(withMax());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(2);
    await b.ask(5);
    await emit(producer, [1, 2, 3, 4]);
    expect(b.rec.batches).to.deep.equal([[1, 2, 3, 4]]);
    expect(a.rec.batches).to.deep.equal([]);
    // Now a has 2 and b has 1: a first, then b.
    await emit(producer, [5, 6, 7]);
    expect(a.rec.batches).to.deep.equal([[5, 6]]);
    expect(b.rec.batches).to.deep.equal([[1, 2, 3, 4], [7]]);
  });

  it('R9: should serve equal demands in the order the consumers asked', async () => {
    const { producer } = await startSource<number>(withMax());
    const a = await join(producer);
    const b = await join(producer);
    const c = await join(producer);
    await a.ask(3);
    await b.ask(3);
    await c.ask(3);
    await emit(producer, [1, 2, 3, 4, 5, 6, 7]);
    expect(a.rec.events).to.deep.equal([1, 2, 3]);
    expect(b.rec.events).to.deep.equal([4, 5, 6]);
    expect(c.rec.events).to.deep.equal([7]);
  });

  it('R9: should rotate between consumers of equal demand, one event at a time', async () => {
    const { producer } = await startSource<number>(withMax());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(2);
    await b.ask(2);
    for (const n of [1, 2, 3, 4]) await emit(producer, [n]);
    expect(a.rec.batches).to.deep.equal([[1], [3]]);
    expect(b.rec.batches).to.deep.equal([[2], [4]]);
  });

  it('R9: should ask upstream for exactly what each consumer asks', async () => {
    const { source, producer } = await startSource<number>(withMax());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(4);
    await b.ask(7);
    await a.ask(1);
    expect(source.demands).to.deep.equal([4, 7, 1]);
  });

  it('R9: should keep a cancelled consumer\'s demand as pending and not ask for it twice', async () => {
    const { source, producer } = await startSource<number>(withMax());
    const a = await join(producer);
    await a.ask(10);
    await a.cancel();
    const b = await join(producer);
    await b.ask(4); // covered by the 10 already asked
    await b.ask(8); // 6 left pending: only 2 more upstream
    await b.ask(5);
    expect(source.demands).to.deep.equal([10, 2, 5]);
    // The events the producer owed a now go to b.
    await emit(producer, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(b.rec.events).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('R9: should add up the demand of several cancelled consumers as pending', async () => {
    const { source, producer } = await startSource<number>(withMax());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(3);
    await b.ask(4);
    await a.cancel();
    await b.cancel();
    const c = await join(producer);
    await c.ask(6);
    await c.ask(6);
    expect(source.demands).to.deep.equal([3, 4, 5]);
  });

  it('R9: should let leftover events reduce pending demand and serve them from the buffer', async () => {
    const { source, producer } = await startSource<number>(withMax());
    const a = await join(producer);
    await a.ask(10);
    await a.cancel();
    await emit(producer, [1, 2, 3, 4, 5, 6]); // nobody wants them: buffered, pending 10 -> 4
    expect(await producer.estimateBufferedCount()).to.equal(6);
    const b = await join(producer);
    await b.ask(10);
    expect(b.rec.events).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(source.demands).to.deep.equal([10]);
    await emit(producer, [7, 8, 9, 10]);
    expect(b.rec.events).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await b.ask(3);
    expect(source.demands).to.deep.equal([10, 3]);
  });

  it('R9: should buffer events emitted beyond every consumer\'s demand, in order', async () => {
    const { producer } = await startSource<number>(withMax());
    const a = await join(producer);
    await a.ask(2);
    await emit(producer, [1, 2, 3, 4, 5]);
    expect(a.rec.events).to.deep.equal([1, 2]);
    expect(await producer.estimateBufferedCount()).to.equal(3);
    await a.ask(2);
    expect(a.rec.batches).to.deep.equal([[1, 2], [3, 4]]);
    await a.ask(2);
    expect(a.rec.batches).to.deep.equal([[1, 2], [3, 4], [5]]);
  });

  it('R9: should warn when an ask is larger than the first ask (the default maxDemand)', async () => {
    const { warnings } = await captureLogs(async () => {
      const { producer } = await startSource<number>();
      const a = await join(producer);
      await a.ask(5);
      await a.ask(5);
      await a.ask(6);
    });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('asked for 6 events, more than the expected maximum of 5');
  });

  it('R9: should warn against an explicit maxDemand and still serve the whole ask', async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new DemandDispatcher<number>({ maxDemand: 3 }) });
    const a = await join(producer);
    const { warnings } = await captureLogs(async () => {
      await a.ask(3);
      await a.ask(4);
    });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('asked for 4 events, more than the expected maximum of 3');
    expect(source.demands).to.deep.equal([3, 4]);
    await emit(producer, [1, 2, 3, 4, 5, 6, 7]);
    expect(a.rec.events).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
  });

  it('R9: should keep consumers in subscription order when shuffleDemandsOnFirstDispatch is off', async () => {
    const { producer } = await startSource<number>({ dispatcher: new DemandDispatcher<number>({ maxDemand: 10, shuffleDemandsOnFirstDispatch: false }) });
    const members = [await join(producer), await join(producer), await join(producer)];
    for (const m of members) await m.ask(1);
    await emit(producer, [1, 2, 3]);
    expect(members.map((m) => m.rec.events)).to.deep.equal([[1], [2], [3]]);
  });

  it('R9: should shuffle the consumers once, before the first dispatch only, with shuffleDemandsOnFirstDispatch', async () => {
    const { producer } = await startSource<number>({ dispatcher: new DemandDispatcher<number>({ maxDemand: 10, shuffleDemandsOnFirstDispatch: true }) });
    const [a, b, c] = [await join(producer), await join(producer), await join(producer)];
    for (const m of [a, b, c]) await m.ask(1);
    const random = Math.random;
    Math.random = () => 0; // Fisher-Yates with j = 0: [a, b, c] -> [c, b, a] -> [b, c, a]
    try {
      await emit(producer, [1, 2, 3]);
      expect([a.rec.events, b.rec.events, c.rec.events]).to.deep.equal([[3], [1], [2]]);
      for (const m of [a, b, c]) await m.ask(1);
      await emit(producer, [4, 5, 6]);
    } finally {
      Math.random = random;
    }
    // Not shuffled again: the second round follows the order of the asks.
    expect([a.rec.events, b.rec.events, c.rec.events]).to.deep.equal([[3, 4], [1, 5], [2, 6]]);
  });

  it('R9: should split a batch between automatic consumers by demand, every event delivered once', async () => {
    class Counter extends Producer<number> {
      n = 0;
      handleDemand(demand: number): number[] {
        const out: number[] = [];
        while (out.length < demand && this.n < 100) out.push(this.n++);
        return out;
      }
    }
    class Take extends Consumer<number> {
      seen: number[] = [];
      handleEvents(events: number[]): void {
        this.seen.push(...events);
      }
    }
    const producer = await GenStage.start(new Counter(), { demand: 'accumulate' });
    const x = new Take();
    const y = new Take();
    await GenStage.start(x, { subscribeTo: [{ to: producer, maxDemand: 10 }] });
    await GenStage.start(y, { subscribeTo: [{ to: producer, maxDemand: 10 }] });
    await settle();
    producer.demand('forward');
    await settle();
    expect([...x.seen, ...y.seen].sort((p, q) => p - q)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    // The first replayed demand (10) goes to x, which asked first; the second to y.
    expect(x.seen.slice(0, 10)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(y.seen.slice(0, 10)).to.deep.equal([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    for (const seen of [x.seen, y.seen]) expect(seen).to.deep.equal([...seen].sort((p, q) => p - q));
  });

  it('R9: should forget a cancelled consumer, so later events go only to those left', async () => {
    const { producer } = await startSource<number>(withMax());
    const a = await join(producer);
    const b = await join(producer);
    await a.ask(5);
    await b.ask(5);
    await a.cancel();
    await emit(producer, [1, 2, 3, 4, 5, 6, 7]);
    expect(a.rec.events).to.deep.equal([]);
    expect(b.rec.events).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await producer.estimateBufferedCount()).to.equal(2);
  });

  it('should buffer events emitted after the last consumer stopped with demand outstanding, for the next subscriber', async () => {
    const { producer } = await startSource<number>();
    const first = await join(producer, { maxDemand: 1000 }, 'automatic');
    await first.stage.stop();
    await emit(producer, [1, 2, 3]);
    expect(await producer.estimateBufferedCount()).to.equal(3);
    const next = await join(producer, {}, 'automatic');
    expect(next.rec.batches).to.deep.equal([[1, 2, 3]]);
  });
});
