// The protocol rules cited below (R1) are stated in docs/protocol.md.
import { expect } from 'chai';
import { GenStage, type Subscription } from '../../src/index.js';
import { Firehose, Sink, captureLogs, emit, gate, range, settle, startSource, type Entry } from './support.js';

describe('stage: automatic consumer demand (R1)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  async function consumerOf(options: { maxDemand?: number; minDemand?: number } = {}) {
    const rig = await startSource('hand');
    const sink = new Sink();
    const consumer = await GenStage.start(sink, { subscribeTo: [{ to: rig.producer, cancel: 'temporary', ...options }] });
    await settle();
    return { ...rig, sink, consumer };
  }

  it('R1: should ask maxDemand (default 1000) as soon as it subscribes, before any event', async () => {
    const { dispatcher, source } = await consumerOf();
    expect(dispatcher.asks).to.deep.equal([1000]);
    expect(source.demands).to.deep.equal([1000]);
  });

  it('R1: should ask the given maxDemand at subscribe', async () => {
    const { dispatcher } = await consumerOf({ maxDemand: 10 });
    expect(dispatcher.asks).to.deep.equal([10]);
  });

  it('R1: should send the first ask right behind the subscription, without waiting for a reply', async () => {
    const { dispatcher } = await consumerOf({ maxDemand: 7 });
    expect(dispatcher.log.map((e) => e[0])).to.deep.equal(['subscribe', 'ask']);
    expect(dispatcher.log[1]?.[2]).to.equal(7);
  });

  it('R1: should default minDemand to floor(maxDemand / 2)', async () => {
    const rig = await startSource('hand');
    const consumer = await GenStage.start(new Sink());
    const s1 = await consumer.subscribe(rig.producer, { maxDemand: 7, cancel: 'temporary' });
    const s2 = await consumer.subscribe(rig.producer, { cancel: 'temporary' });
    const s3 = await consumer.subscribe(rig.producer, { maxDemand: 1, cancel: 'temporary' });
    expect([s1.maxDemand, s1.minDemand]).to.deep.equal([7, 3]);
    expect([s2.maxDemand, s2.minDemand]).to.deep.equal([1000, 500]);
    expect([s3.maxDemand, s3.minDemand]).to.deep.equal([1, 0]);
  });

  it('R1: should cut a 10-event message into chunks of maxDemand - minDemand (10/5: two chunks of 5)', async () => {
    const { producer, sink } = await consumerOf({ maxDemand: 10 });
    await emit(producer, range(0, 10));
    expect(sink.batches).to.deep.equal([range(0, 5), range(5, 5)]);
  });

  it('R1: should ask max - pending after a chunk once pending <= minDemand (10/5: asks 10, 5, 5)', async () => {
    const { producer, dispatcher } = await consumerOf({ maxDemand: 10, minDemand: 5 });
    await emit(producer, range(0, 10));
    expect(dispatcher.asks).to.deep.equal([10, 5, 5]);
  });

  it('R1: should cut 10 events at 10/7 into chunks 3, 3, 3, 1 and ask 3 after each of the first three', async () => {
    const { producer, dispatcher, sink } = await consumerOf({ maxDemand: 10, minDemand: 7 });
    await emit(producer, range(0, 10));
    expect(sink.batches).to.deep.equal([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(dispatcher.asks).to.deep.equal([10, 3, 3, 3]);
  });

  it('R1: should hand events one at a time at 10/9 and ask 1 after each', async () => {
    const { producer, dispatcher, sink } = await consumerOf({ maxDemand: 10, minDemand: 9 });
    await emit(producer, range(0, 10));
    expect(sink.batches).to.deep.equal(range(0, 10).map((n) => [n]));
    expect(dispatcher.asks).to.deep.equal([10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('R1: should hand the whole message at minDemand 0 and ask maxDemand again after it', async () => {
    const { producer, dispatcher, sink } = await consumerOf({ maxDemand: 4, minDemand: 0 });
    await emit(producer, [1, 2, 3, 4]);
    await emit(producer, [5, 6]);
    await emit(producer, [7, 8]);
    expect(sink.batches).to.deep.equal([[1, 2, 3, 4], [5, 6], [7, 8]]);
    expect(dispatcher.asks).to.deep.equal([4, 4, 4]);
  });

  it('R1: should ask 1 after every event at maxDemand 1', async () => {
    const { producer, dispatcher, sink } = await consumerOf({ maxDemand: 1 });
    for (const n of [1, 2, 3]) await emit(producer, [n]);
    expect(sink.batches).to.deep.equal([[1], [2], [3]]);
    expect(dispatcher.asks).to.deep.equal([1, 1, 1, 1]);
  });

  it('R1: should ask 300 (not 250, as the original moduledoc says) after three 100-event messages at 1000/750', async () => {
    const { producer, dispatcher, sink } = await consumerOf({ maxDemand: 1000, minDemand: 750 });
    await emit(producer, range(0, 100));
    expect(dispatcher.asks).to.deep.equal([1000]);
    await emit(producer, range(100, 100));
    expect(dispatcher.asks).to.deep.equal([1000]);
    await emit(producer, range(200, 100));
    expect(dispatcher.asks).to.deep.equal([1000, 300]);
    expect(sink.batches.map((b) => b.length)).to.deep.equal([100, 100, 100]);
  });

  it('R1: should not ask while pending demand stays above minDemand (10/2: messages of 3 give asks 10, then 9)', async () => {
    const { producer, dispatcher } = await consumerOf({ maxDemand: 10, minDemand: 2 });
    await emit(producer, [1, 2, 3]);
    await emit(producer, [4, 5, 6]);
    expect(dispatcher.asks).to.deep.equal([10]);
    await emit(producer, [7, 8, 9]);
    expect(dispatcher.asks).to.deep.equal([10, 9]);
  });

  it('R1: should deliver 30 events from a counting producer in 6 chunks of 5 at 10/5, in order', async () => {
    const events = await GenStage.fromIterable(range(0, 30));
    const sink = new Sink();
    const consumer = await GenStage.start(sink, { subscribeTo: [{ to: events, maxDemand: 10 }] });
    expect(await consumer.done).to.equal('normal');
    expect(sink.batches).to.deep.equal([range(0, 5), range(5, 5), range(10, 5), range(15, 5), range(20, 5), range(25, 5)]);
  });

  it('R1: should send the ask after a chunk before the next chunk of the same message is handled', async () => {
    const timeline: Entry[] = [];
    const rig = await startSource('hand', {}, timeline);
    const hold = gate();
    let calls = 0;
    const sink = new Sink('automatic', timeline, () => (++calls === 2 ? hold.promise : undefined));
    await GenStage.start(sink, { subscribeTo: [{ to: rig.producer, maxDemand: 4, minDemand: 2, cancel: 'temporary' }] });
    await settle();
    rig.producer.cast([1, 2, 3, 4]);
    await settle();
    // The second chunk is still being handled: the ask made after the first has arrived.
    expect(rig.dispatcher.asks).to.deep.equal([4, 2]);
    expect(timeline).to.deep.equal([['subscribe', 'consumer'], ['demand', 4], ['events', 1, 2], ['events', 3, 4], ['demand', 2]]);
    hold.open();
    await settle();
    expect(rig.dispatcher.asks).to.deep.equal([4, 2, 2]);
  });

  it('R1: should handle the chunks of one message in order when handleEvents is async', async () => {
    const rig = await startSource('hand');
    const seen: number[][] = [];
    const sink = new Sink('automatic', [], async (events) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      seen.push(events);
    });
    await GenStage.start(sink, { subscribeTo: [{ to: rig.producer, maxDemand: 6, minDemand: 4, cancel: 'temporary' }] });
    await settle();
    await emit(rig.producer, range(0, 6));
    expect(seen).to.deep.equal([[0, 1], [2, 3], [4, 5]]);
    expect(rig.dispatcher.asks).to.deep.equal([6, 2, 2, 2]);
  });

  it('R1: should keep separate demand for each producer it subscribes to', async () => {
    const a = await startSource('hand');
    const b = await startSource('hand');
    const sink = new Sink();
    await GenStage.start(sink, {
      subscribeTo: [
        { to: a.producer, maxDemand: 6, minDemand: 3, cancel: 'temporary' },
        { to: b.producer, maxDemand: 4, minDemand: 0, cancel: 'temporary' },
      ],
    });
    await settle();
    await emit(a.producer, [1, 2, 3, 4, 5, 6]);
    await emit(b.producer, [10, 20, 30, 40]);
    expect(sink.batches).to.deep.equal([[1, 2, 3], [4, 5, 6], [10, 20, 30, 40]]);
    expect(a.dispatcher.asks).to.deep.equal([6, 3, 3]);
    expect(b.dispatcher.asks).to.deep.equal([4, 4]);
  });

  it('R1: should pass each chunk the subscription it came through as from', async () => {
    const a = await startSource('hand');
    const b = await startSource('hand');
    const froms: [number, Subscription<number>][] = [];
    const sink = new Sink('automatic', [], (events, from) => void froms.push([events[0] as number, from]));
    const consumer = await GenStage.start(sink);
    const sa = await consumer.subscribe(a.producer, { maxDemand: 2, cancel: 'temporary' });
    const sb = await consumer.subscribe(b.producer, { maxDemand: 2, cancel: 'temporary' });
    await settle();
    await emit(a.producer, [1]);
    await emit(b.producer, [2]);
    expect(froms).to.deep.equal([[1, sa], [2, sb]]);
    expect(froms[0]?.[1]).to.equal(sa);
  });

  it('R1: should log events received in excess of its demand and clamp pending to 0 (10/2: 3 then 8 events)', async () => {
    const rig = await startSource('hand', { inner: new Firehose<number>() });
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: rig.producer, maxDemand: 10, minDemand: 2, cancel: 'temporary' }], name: 'greedy' });
    await settle();
    await emit(rig.producer, [1, 2, 3]);
    expect(logs.warnings).to.deep.equal([]);
    await emit(rig.producer, range(4, 8));
    expect(sink.batches).to.deep.equal([[1, 2, 3], range(4, 8)]);
    expect(logs.warnings).to.have.length(1);
    expect(logs.warnings[0]).to.match(/greedy has received 1 events in excess/);
    // Pending was clamped to 0, so the ask tops it up to the whole maxDemand.
    expect(rig.dispatcher.asks).to.deep.equal([10, 10]);
  });

  it('R1: should accept the boundary demands maxDemand 1 / minDemand 0 and minDemand = maxDemand - 1', async () => {
    const rig = await startSource('hand');
    const consumer = await GenStage.start(new Sink());
    const a = await consumer.subscribe(rig.producer, { maxDemand: 1, minDemand: 0, cancel: 'temporary' });
    const b = await consumer.subscribe(rig.producer, { maxDemand: 5, minDemand: 4, cancel: 'temporary' });
    expect([a.maxDemand, a.minDemand, b.maxDemand, b.minDemand]).to.deep.equal([1, 0, 5, 4]);
  });

  it('R1: should reject minDemand >= maxDemand at the subscribe call with a RangeError naming both', async () => {
    const rig = await startSource('hand');
    const consumer = await GenStage.start(new Sink());
    expect(() => consumer.subscribe(rig.producer, { maxDemand: 5, minDemand: 5 })).to.throw(RangeError, /minDemand.*< maxDemand \(5\), got: 5/);
    expect(() => consumer.subscribe(rig.producer, { maxDemand: 0 })).to.throw(RangeError, 'expected maxDemand to be an integer >= 1, got: 0');
    await settle();
    expect(rig.dispatcher.log).to.deep.equal([]);
  });
});
