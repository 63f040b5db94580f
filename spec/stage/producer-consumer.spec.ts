// The protocol rules cited below (R6, R7, R12) are stated in docs/protocol.md.
import { expect } from 'chai';
import { GenStage, type Stage, type Subscription } from '../../src/index.js';
import { Pass, Sink, captureLogs, emit, range, settle, startSource, type Entry, manual } from './support.js';

/** source (hand or count) -> Pass (upstream maxDemand 10, minDemand 5), nothing downstream yet. */
async function chain(mode: 'hand' | 'count' = 'hand', fn?: (events: number[]) => number[], timeline: Entry[] = []) {
  const rig = await startSource(mode);
  const pass = new Pass(fn, timeline);
  const pc = await GenStage.start(pass);
  const upstream = await pc.subscribe(rig.producer, { maxDemand: 10, minDemand: 5, cancel: 'temporary' });
  await settle();
  return { ...rig, pass, pc, upstream };
}

describe('stage: producer-consumer (R6)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R6: should ask upstream maxDemand at subscribe, before any downstream demand', async () => {
    const { dispatcher } = await chain();
    expect(dispatcher.asks).to.deep.equal([10]);
  });

  it('R6: should queue upstream messages and ask nothing more while its downstream demand is zero', async () => {
    const { producer, dispatcher, pass } = await chain();
    await emit(producer, [1, 2]);
    await emit(producer, [3, 4]);
    await emit(producer, [5, 6]);
    expect(pass.batches).to.deep.equal([]);
    expect(dispatcher.asks).to.deep.equal([10]);
  });

  it('R6: should hold a counting source to its first ask while nobody downstream asks', async () => {
    const { source, pass } = await chain('count');
    await settle();
    expect(source.demands).to.deep.equal([10]);
    expect(pass.batches).to.deep.equal([]);
  });

  it('R6: should process a whole queued message for a downstream ask of 3, asking upstream after each chunk, and buffer the overshoot', async () => {
    const { producer, dispatcher, pass, pc } = await chain();
    await emit(producer, range(0, 10));
    const c = await manual(pc);
    await c.ask(3);
    expect(pass.batches).to.deep.equal([range(0, 5), range(5, 5)]);
    expect(dispatcher.asks).to.deep.equal([10, 5, 5]);
    expect(c.sink.batches).to.deep.equal([[0, 1, 2]]);
    expect(await pc.estimateBufferedCount()).to.equal(7);
  });

  it('R6: should stop asking upstream once the downstream demand is used up (count source, downstream asks 5)', async () => {
    const { source, pass, pc } = await chain('count');
    const c = await manual(pc);
    await c.ask(5);
    // The first message (0..9) is taken whole; its two chunks ask 5 and 5; the answers wait in the queue.
    expect(source.demands).to.deep.equal([10, 5, 5]);
    expect(pass.batches).to.deep.equal([range(0, 5), range(5, 5)]);
    expect(c.sink.events).to.deep.equal(range(0, 5));
    await c.ask(5);
    expect(source.demands).to.deep.equal([10, 5, 5]);
    expect(c.sink.events).to.deep.equal(range(0, 10));
  });

  it('R6: should serve new downstream demand from its buffer first, then from the queue', async () => {
    const { producer, dispatcher, pass, pc } = await chain();
    await emit(producer, [1, 2]);
    await emit(producer, [3, 4]);
    await emit(producer, [5, 6]);
    const c = await manual(pc);
    await c.ask(1);
    expect(c.sink.batches).to.deep.equal([[1]]);
    await c.ask(2);
    expect(c.sink.batches).to.deep.equal([[1], [2], [3]]);
    expect(pass.batches).to.deep.equal([[1, 2], [3, 4]]);
    await c.ask(3);
    expect(c.sink.batches).to.deep.equal([[1], [2], [3], [4], [5, 6]]);
    expect(pass.batches).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
    // Pending upstream demand went 10 -> 8 -> 6 -> 4: only the third chunk brought it to minDemand 5.
    expect(dispatcher.asks).to.deep.equal([10, 6]);
  });

  it('R6: should buffer the part of an expanded batch beyond downstream demand (doubling [1, 2] for an ask of 3)', async () => {
    const { producer, pc } = await chain('hand', (events) => events.flatMap((e) => [e, e]));
    const c = await manual(pc);
    await c.ask(3);
    await emit(producer, [1, 2]);
    expect(c.sink.batches).to.deep.equal([[1, 1, 2]]);
    expect(await pc.estimateBufferedCount()).to.equal(1);
    await c.ask(1);
    expect(c.sink.events).to.deep.equal([1, 1, 2, 2]);
  });

  it('R6: should process events at once while it has downstream demand', async () => {
    const { producer, pass, pc } = await chain();
    const c = await manual(pc);
    await c.ask(10);
    await emit(producer, [1, 2]);
    expect(pass.batches).to.deep.equal([[1, 2]]);
    expect(c.sink.events).to.deep.equal([1, 2]);
  });

  it('R6: should queue an info behind upstream events waiting for demand', async () => {
    const timeline: Entry[] = [];
    const { producer, pc } = await chain('hand', undefined, timeline);
    await emit(producer, [1, 2]);
    pc.send('after');
    await settle();
    expect(timeline).to.deep.equal([]);
    const c = await manual(pc);
    await c.ask(1);
    expect(timeline).to.deep.equal([['pc-events', 1, 2], ['pc-info', 'after']]);
  });

  it('R6: should hand an info to handleInfo at once when nothing is queued', async () => {
    const { pass, pc } = await chain();
    pc.send('now');
    await settle();
    expect(pass.infos).to.deep.equal(['now']);
  });

  it('R6: should queue an upstream cancel behind the events that came before it', async () => {
    const timeline: Entry[] = [];
    const { producer, pc, upstream } = await chain('hand', undefined, timeline);
    await emit(producer, [1, 2]);
    producer.cancel(upstream as Subscription<unknown>, 'enough');
    await settle();
    expect(timeline).to.deep.equal([]);
    const c = await manual(pc);
    await c.ask(5);
    expect(timeline).to.deep.equal([['pc-events', 1, 2], ['pc-cancel', { cancel: 'enough' }]]);
    expect(pc.alive).to.equal(true);
  });

  it('R6/R12: should hold an asyncInfo behind the output events it buffers', async () => {
    const { producer, pass, pc } = await chain();
    const c = await manual(pc);
    await c.ask(1);
    await emit(producer, [1, 2, 3]);
    pc.asyncInfo('after-3');
    await settle();
    expect(pass.infos).to.deep.equal([]);
    await c.ask(2);
    expect(pass.infos).to.deep.equal(['after-3']);
    expect(c.sink.events).to.deep.equal([1, 2, 3]);
  });

  it('R6/R12: should fire an asyncInfo after the upstream events queued before it are processed', async () => {
    const timeline: Entry[] = [];
    const { producer, pc } = await chain('hand', undefined, timeline);
    await emit(producer, [1, 2]);
    pc.asyncInfo('behind');
    await settle();
    expect(timeline).to.deep.equal([]);
    const c = await manual(pc);
    await c.ask(5);
    expect(timeline).to.deep.equal([['pc-events', 1, 2], ['pc-info', 'behind']]);
  });

  it('R6: should keep taking upstream messages while a filter leaves downstream demand unused', async () => {
    const { producer, dispatcher, pc } = await chain('hand', (events) => events.filter((e) => e % 2 === 0));
    const c = await manual(pc);
    await c.ask(2);
    await emit(producer, [1, 3]);
    await emit(producer, [5, 6]);
    await emit(producer, [7, 8]);
    expect(c.sink.batches).to.deep.equal([[6], [8]]);
    // 6 events through 10/5: pending 8, then 6, then 4 <= 5 asks 6.
    expect(dispatcher.asks).to.deep.equal([10, 6]);
    // Demand used up: the next message waits in the queue, unprocessed (not in the buffer).
    await emit(producer, [10]);
    expect(c.sink.events).to.deep.equal([6, 8]);
    expect(await pc.estimateBufferedCount()).to.equal(0);
    await c.ask(1);
    expect(c.sink.events).to.deep.equal([6, 8, 10]);
  });

  it('R6: should handle upstream messages in order when handleEvents is async', async () => {
    const rig = await startSource('hand');
    class Slow extends Pass {
      override handleEvents(events: number[]): number[] {
        const out = super.handleEvents(events);
        return new Promise<number[]>((resolve) => setImmediate(() => resolve(out))) as unknown as number[];
      }
    }
    const pc = await GenStage.start(new Slow(), { subscribeTo: [{ to: rig.producer, maxDemand: 4, minDemand: 2, cancel: 'temporary' }] });
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: pc, cancel: 'temporary' }] });
    await settle();
    rig.producer.cast([1, 2, 3, 4]);
    rig.producer.cast([5, 6]);
    await settle();
    expect(sink.events).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(sink.batches).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
  });

  it('R6: should keep each upstream producer\'s order when it has two', async () => {
    const a = await startSource('hand');
    const b = await startSource('hand');
    const pass = new Pass();
    const pc = await GenStage.start(pass, {
      subscribeTo: [{ to: a.producer, cancel: 'temporary' }, { to: b.producer, cancel: 'temporary' }],
    });
    const c = await manual(pc);
    a.producer.cast([1, 2]);
    b.producer.cast([10, 20]);
    a.producer.cast([3]);
    b.producer.cast([30]);
    await settle();
    await c.ask(100);
    const events = c.sink.events;
    expect(events.filter((e) => e < 10)).to.deep.equal([1, 2, 3]);
    expect(events.filter((e) => e >= 10)).to.deep.equal([10, 20, 30]);
  });

  it('R6: should run source -> map -> consumer to the end: fromIterable 0..9 doubled, then all stop normal', async () => {
    const source = await GenStage.fromIterable(range(0, 10));
    const pc = await GenStage.start(new Pass((events) => events.map((e) => e * 2)), { subscribeTo: [{ to: source, maxDemand: 4 }] });
    const sink = new Sink();
    const consumer = await GenStage.start(sink, { subscribeTo: [{ to: pc, maxDemand: 3 }] });
    expect(await consumer.done).to.equal('normal');
    expect(await pc.done).to.equal('normal');
    expect(sink.events).to.deep.equal(range(0, 10).map((e) => e * 2));
  });

  it('R6/R7: should deliver what it buffers before stopping with a permanent producer that ended normally (the original drops it)', async () => {
    const source = await GenStage.fromIterable(range(0, 6));
    const pc = await GenStage.start(new Pass(), { subscribeTo: [source] });
    const c = await manual(pc);
    await c.ask(2);
    expect(c.sink.events).to.deep.equal([0, 1]);
    expect(pc.alive).to.equal(true);
    await c.ask(10);
    expect(c.sink.events).to.deep.equal(range(0, 6));
    expect(await pc.done).to.equal('normal');
  });

  it('R6/R7: should stop at once, without draining, when its permanent producer exits abnormally', async () => {
    const { producer } = await startSource('hand');
    const pc2 = await GenStage.start(new Pass());
    await pc2.subscribe(producer, { maxDemand: 10 });
    await settle();
    const c = await manual(pc2);
    await c.ask(1);
    await emit(producer, [1, 2, 3]);
    expect(c.sink.events).to.deep.equal([1]);
    expect(await pc2.estimateBufferedCount()).to.equal(2);
    await producer.stop('crashed');
    expect(await pc2.done).to.equal('crashed');
    expect(c.sink.events).to.deep.equal([1]);
    expect(c.sink.cancels).to.deep.equal([{ down: 'crashed' }]);
  });
});
