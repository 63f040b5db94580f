// The protocol rules cited below (R3, R4, R13) are stated in docs/protocol.md.
import { expect } from 'chai';
import { BroadcastDispatcher, GenStage, Producer, type Stage } from '../../src/index.js';
import { Sink, Source, captureLogs, emit, range, settle, startSource, type Entry, manual } from './support.js';

describe('stage: the producer demand path (R3)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R3: should call handleDemand with the count the dispatcher passes upstream', async () => {
    const rig = await startSource('count');
    const c = await manual(rig.producer);
    await c.ask(7);
    await c.ask(2);
    expect(rig.source.demands).to.deep.equal([7, 2]);
    expect(c.sink.batches).to.deep.equal([range(0, 7), [7, 8]]);
  });

  it('R3: should serve demand from the buffer first and pass only the rest to handleDemand', async () => {
    const rig = await startSource('count');
    rig.source.next = 100;
    await emit(rig.producer, [1, 2, 3, 4, 5]);
    const c = await manual(rig.producer);
    await c.ask(3);
    expect(rig.source.demands).to.deep.equal([]);
    expect(c.sink.batches).to.deep.equal([[1, 2, 3]]);
    await c.ask(6);
    expect(rig.source.demands).to.deep.equal([4]);
    expect(c.sink.batches).to.deep.equal([[1, 2, 3], [4, 5], [100, 101, 102, 103]]);
  });

  it('R3: should stop serving from the buffer at an info, fire it, then go on with the events behind it', async () => {
    const rig = await startSource('count');
    rig.source.next = 100;
    await emit(rig.producer, [1, 2]);
    rig.producer.asyncInfo('mark');
    await emit(rig.producer, [3]);
    const c = await manual(rig.producer);
    expect(rig.source.infos).to.deep.equal([]);
    await c.ask(5);
    // Two batches from the buffer, split where the info stood, then the rest from handleDemand.
    expect(c.sink.batches).to.deep.equal([[1, 2], [3], [100, 101]]);
    expect(rig.source.infos).to.deep.equal(['mark']);
    expect(rig.source.demands).to.deep.equal([2]);
  });

  it('R3: should never re-send demand: a producer that emits less than asked is not asked again (#80)', async () => {
    class Stingy extends Producer<number> {
      readonly demands: number[] = [];
      private n = 0;
      handleDemand(demand: number): number[] {
        this.demands.push(demand);
        return range(this.n, 3).map(() => this.n++);
      }
      override handleCast(events: number[]): number[] {
        return events;
      }
    }
    const stingy = new Stingy();
    const producer = await GenStage.start(stingy);
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: producer, maxDemand: 10, minDemand: 5, cancel: 'temporary' }] });
    await settle();
    expect(stingy.demands).to.deep.equal([10]);
    expect(sink.events).to.deep.equal([0, 1, 2]);
    // The consumer still waits for 7 (above minDemand 5): events cast later fill that,
    // and only when its pending demand falls to 5 or below does it ask again.
    await emit(producer, [50]);
    expect(stingy.demands).to.deep.equal([10]);
    await emit(producer, [51, 52]);
    expect(stingy.demands).to.deep.equal([10, 6]);
    expect(sink.events).to.deep.equal([0, 1, 2, 50, 51, 52, 3, 4, 5]);
  });

  it('R3: should call handleDemand once per ask when several consumers ask', async () => {
    const rig = await startSource('hand');
    const a = await manual(rig.producer);
    const b = await manual(rig.producer);
    await a.ask(4);
    await b.ask(9);
    await a.ask(1);
    expect(rig.source.demands).to.deep.equal([4, 9, 1]);
  });

  it('R3: should hold asks while an async handleDemand is pending and answer them in order', async () => {
    class Slow extends Producer<number> {
      readonly demands: number[] = [];
      private n = 0;
      async handleDemand(demand: number): Promise<number[]> {
        this.demands.push(demand);
        await new Promise<void>((resolve) => setImmediate(resolve));
        return Array.from({ length: demand }, () => this.n++);
      }
    }
    const slow = new Slow();
    const producer = await GenStage.start(slow);
    const c = await manual(producer);
    c.consumer.cast({ ask: 2 });
    c.consumer.cast({ ask: 3 });
    await settle();
    expect(slow.demands).to.deep.equal([2, 3]);
    expect(c.sink.batches).to.deep.equal([[0, 1], [2, 3, 4]]);
  });

  it('R3: should treat handleDemand returning nothing as no events', async () => {
    class Quiet extends Producer<number> {
      handleDemand(): void {}
    }
    const producer = await GenStage.start(new Quiet());
    const c = await manual(producer);
    await c.ask(3);
    expect(producer.alive).to.equal(true);
    expect(c.sink.batches).to.deep.equal([]);
  });

  it('R3: should crash with a TypeError when handleDemand returns something other than an array', async () => {
    class Bad extends Producer<number> {
      handleDemand(): number[] {
        return 5 as unknown as number[];
      }
    }
    const producer = await GenStage.start(new Bad(), { name: 'bad' });
    const c = await manual(producer);
    await c.ask(1);
    const reason = await producer.done;
    expect(reason).to.be.instanceOf(TypeError);
    expect((reason as Error).message).to.equal('bad: handleDemand must return an array of events or nothing, got: 5');
  });

  it('R3: should never call handleDemand with 0 (a broadcast ask below the slowest consumer passes nothing up)', async () => {
    const rig = await startSource('hand', { inner: new BroadcastDispatcher<number>() });
    const a = await manual(rig.producer);
    const b = await manual(rig.producer);
    await a.ask(5);
    await b.ask(2);
    await a.ask(1);
    expect(rig.dispatcher.asks).to.deep.equal([5, 2, 1]);
    expect(rig.source.demands).to.deep.equal([2]);
  });
});

describe('stage: demand modes forward and accumulate (R4)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R4: should store demand without calling handleDemand while accumulating', async () => {
    const rig = await startSource('count', { demand: 'accumulate' });
    const c = await manual(rig.producer);
    await c.ask(10);
    await c.ask(4);
    expect(rig.dispatcher.asks).to.deep.equal([10, 4]);
    expect(rig.source.demands).to.deep.equal([]);
    expect(c.sink.batches).to.deep.equal([]);
  });

  it('R4: should replay stored demands one handleDemand per demand, in order, not summed', async () => {
    const rig = await startSource('count', { demand: 'accumulate' });
    const a = await manual(rig.producer);
    const b = await manual(rig.producer);
    await a.ask(10);
    await b.ask(4);
    await a.ask(3);
    rig.producer.demand('forward');
    await settle();
    expect(rig.source.demands).to.deep.equal([10, 4, 3]);
    expect(a.sink.events).to.deep.equal([...range(0, 10), ...range(14, 3)]);
    expect(b.sink.events).to.deep.equal(range(10, 4));
  });

  it('R4: should report the mode through demand(): forward by default, accumulate once set', async () => {
    const rig = await startSource('hand');
    expect(await rig.producer.demand()).to.equal('forward');
    rig.producer.demand('accumulate');
    expect(await rig.producer.demand()).to.equal('accumulate');
    rig.producer.demand('forward');
    expect(await rig.producer.demand()).to.equal('forward');
    const accumulating = await startSource('hand', { demand: 'accumulate' });
    expect(await accumulating.producer.demand()).to.equal('accumulate');
  });

  it('R4: should change nothing when accumulate is set again: every stored demand is still replayed', async () => {
    const rig = await startSource('count', { demand: 'accumulate' });
    const c = await manual(rig.producer);
    await c.ask(2);
    rig.producer.demand('accumulate');
    await c.ask(3);
    rig.producer.demand('accumulate');
    await settle();
    rig.producer.demand('forward');
    await settle();
    expect(rig.source.demands).to.deep.equal([2, 3]);
    expect(c.sink.events).to.deep.equal(range(0, 5));
  });

  it('R4: should start storing demand when switched to accumulate mid-stream', async () => {
    const rig = await startSource('count');
    const c = await manual(rig.producer);
    await c.ask(2);
    rig.producer.demand('accumulate');
    await c.ask(3);
    expect(rig.source.demands).to.deep.equal([2]);
    rig.producer.demand('forward');
    await settle();
    expect(rig.source.demands).to.deep.equal([2, 3]);
  });

  it('R4: should forward demand at once after the replay (forward twice is harmless)', async () => {
    const rig = await startSource('count', { demand: 'accumulate' });
    const c = await manual(rig.producer);
    await c.ask(1);
    rig.producer.demand('forward');
    rig.producer.demand('forward');
    await settle();
    await c.ask(2);
    expect(rig.source.demands).to.deep.equal([1, 2]);
  });

  it('R4: should hold events emitted by other callbacks while accumulating and dispatch them on forward, interleaved with stored demand', async () => {
    const rig = await startSource('count', { demand: 'accumulate' });
    rig.source.next = 100;
    const c = await manual(rig.producer);
    await c.ask(2);
    await emit(rig.producer, [7, 8]);
    await c.ask(3);
    await emit(rig.producer, [9]);
    await c.ask(3); // 8 asked in all: the last handleDemand's events find no demand left
    expect(c.sink.batches).to.deep.equal([]);
    expect(rig.source.demands).to.deep.equal([]);
    rig.producer.demand('forward');
    await settle();
    expect(rig.source.demands).to.deep.equal([2, 3, 3]);
    expect(await rig.producer.estimateBufferedCount()).to.equal(3);
    expect(c.sink.batches).to.deep.equal([[100, 101], [7, 8], [102, 103, 104], [9]]);
  });

  it('R4: should hold events cast to an accumulating broadcast producer until forward, then give every consumer each emission in order', async () => {
    // The example of issue 11, item 2: accumulate holds everything until all consumers have subscribed.
    const producer = await GenStage.start(new Source('hand'), { dispatcher: new BroadcastDispatcher<number>(), demand: 'accumulate' });
    const a = new Sink();
    const b = new Sink();
    await GenStage.start(a, { subscribeTo: [producer] });
    await GenStage.start(b, { subscribeTo: [producer] });
    for (const n of [1, 2, 3, 4]) producer.cast([n]);
    await settle();
    expect(a.batches).to.deep.equal([]);
    expect(b.batches).to.deep.equal([]);
    producer.demand('forward');
    await settle();
    expect(a.batches).to.deep.equal([[1], [2], [3], [4]]);
    expect(b.batches).to.deep.equal([[1], [2], [3], [4]]);
  });

  it('R4: should report events still held by accumulate when the producer stops, with their count', async () => {
    const rig = await startSource('hand', { demand: 'accumulate' });
    await emit(rig.producer, [1, 2, 3]);
    await rig.producer.stop();
    expect(logs.warnings).to.deep.equal([`${rig.producer.name} stopped with 3 events emitted while accumulating demand, never dispatched: dropped`]);
  });

  it('R4: should serve asks from the buffer while accumulating and store only the rest', async () => {
    const rig = await startSource('count');
    rig.source.next = 100;
    await emit(rig.producer, [1, 2]); // buffered (no consumer) before accumulating
    rig.producer.demand('accumulate');
    const c = await manual(rig.producer);
    await c.ask(5);
    expect(c.sink.batches).to.deep.equal([[1, 2]]);
    rig.producer.demand('forward');
    await settle();
    expect(rig.source.demands).to.deep.equal([3]);
    expect(c.sink.batches).to.deep.equal([[1, 2], [100, 101, 102]]);
  });

  it('R4: should await an async handleDemand for each stored demand before the next one', async () => {
    class Slow extends Producer<number> {
      readonly log: string[] = [];
      async handleDemand(demand: number): Promise<number[]> {
        this.log.push(`start ${demand}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.log.push(`end ${demand}`);
        return range(0, demand);
      }
    }
    const slow = new Slow();
    const producer = await GenStage.start(slow, { demand: 'accumulate' });
    const c = await manual(producer);
    await c.ask(3);
    await c.ask(5);
    await c.ask(2);
    producer.demand('forward');
    await settle();
    expect(slow.log).to.deep.equal(['start 3', 'end 3', 'start 5', 'end 5', 'start 2', 'end 2']);
  });

  it('R4: should stop the replay when a handleDemand stops the stage', async () => {
    class Once extends Source {
      override handleDemand(demand: number): number[] {
        this.stop('normal');
        return super.handleDemand(demand);
      }
    }
    const once = new Once('count');
    const producer = await GenStage.start(once, { demand: 'accumulate' });
    const c = await manual(producer);
    await c.ask(2);
    await c.ask(4);
    producer.demand('forward');
    expect(await producer.done).to.equal('normal');
    expect(once.demands).to.deep.equal([2]);
  });

  it('R4: should replay demand stored by a stage started with demand accumulate once a stream begins (R13 link)', async () => {
    const source = new Source('count');
    const producer = await GenStage.start(source, { demand: 'accumulate' });
    const out: number[] = [];
    for await (const n of GenStage.stream([{ to: producer, maxDemand: 4 }])) {
      out.push(n);
      if (out.length === 6) break;
    }
    expect(out).to.deep.equal(range(0, 6));
    expect(source.demands[0]).to.equal(4);
  });
});
