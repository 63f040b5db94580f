// The protocol rules cited below (R5, R12) are stated in docs/protocol.md.
import { expect } from 'chai';
import { Consumer, GenStage, type Stage } from '../../src/index.js';
import { Pass, Sink, Source, captureLogs, emit, range, settle, startSource, manual } from './support.js';

describe('stage: events without demand and the producer buffer (R5)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R5: should keep events emitted without demand in the buffer, counted by estimateBufferedCount', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1, 2, 3, 4, 5]);
    expect(await rig.producer.estimateBufferedCount()).to.equal(5);
    expect(logs.warnings).to.deep.equal([]);
  });

  it('R5: should deliver buffered events in the order they were emitted once demand comes', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1, 2]);
    await emit(rig.producer, [3]);
    await emit(rig.producer, [4, 5]);
    const c = await manual(rig.producer);
    await c.ask(4);
    await c.ask(4);
    expect(c.sink.events).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await rig.producer.estimateBufferedCount()).to.equal(0);
  });

  it('R5: should buffer the dispatcher\'s leftovers when demand covers only part of a batch', async () => {
    const rig = await startSource('hand');
    const c = await manual(rig.producer);
    await c.ask(2);
    await emit(rig.producer, [1, 2, 3, 4, 5]);
    expect(c.sink.batches).to.deep.equal([[1, 2]]);
    expect(await rig.producer.estimateBufferedCount()).to.equal(3);
  });

  it('R5: should drop the oldest buffered events on overflow with bufferKeep last (size 3, emit 1..5 keeps 3, 4, 5)', async () => {
    const rig = await startSource('hand', { bufferSize: 3, name: 'keeper' });
    await emit(rig.producer, [1, 2, 3, 4, 5]);
    const c = await manual(rig.producer);
    await c.ask(10);
    expect(c.sink.events).to.deep.equal([3, 4, 5]);
    expect(logs.warnings).to.deep.equal(['GenStage producer keeper has discarded 2 events from buffer']);
  });

  it('R5: should drop the incoming events on overflow with bufferKeep first (size 3, emit 1..5 keeps 1, 2, 3)', async () => {
    const rig = await startSource('hand', { bufferSize: 3, bufferKeep: 'first', name: 'keeper' });
    await emit(rig.producer, [1, 2, 3, 4, 5]);
    const c = await manual(rig.producer);
    await c.ask(10);
    expect(c.sink.events).to.deep.equal([1, 2, 3]);
    expect(logs.warnings).to.deep.equal(['GenStage producer keeper has discarded 2 events from buffer']);
  });

  it('R5: should drop across batches with bufferKeep last (size 4: [1,2,3] then [4,5,6] keeps 3..6)', async () => {
    const rig = await startSource('hand', { bufferSize: 4 });
    await emit(rig.producer, [1, 2, 3]);
    await emit(rig.producer, [4, 5, 6]);
    const c = await manual(rig.producer);
    await c.ask(10);
    expect(c.sink.events).to.deep.equal([3, 4, 5, 6]);
    expect(logs.warnings).to.have.length(1);
    expect(logs.warnings[0]).to.match(/has discarded 2 events from buffer$/);
  });

  it('R5: should drop across batches with bufferKeep first (size 4: [1,2,3] then [4,5,6] keeps 1..4)', async () => {
    const rig = await startSource('hand', { bufferSize: 4, bufferKeep: 'first' });
    await emit(rig.producer, [1, 2, 3]);
    await emit(rig.producer, [4, 5, 6]);
    await emit(rig.producer, [7]);
    const c = await manual(rig.producer);
    await c.ask(10);
    expect(c.sink.events).to.deep.equal([1, 2, 3, 4]);
    expect(logs.warnings.map((w) => w.replace(/.* has /, ''))).to.deep.equal([
      'discarded 2 events from buffer', 'discarded 1 events from buffer',
    ]);
  });

  it('R5: should pass the discarded count to formatDiscarded and skip the default warning when it returns false', async () => {
    class Quiet extends Source {
      readonly discarded: number[] = [];
      override formatDiscarded(count: number): boolean {
        this.discarded.push(count);
        return false;
      }
    }
    const quiet = new Quiet('hand');
    const producer = await GenStage.start(quiet, { bufferSize: 2 });
    await emit(producer, [1, 2, 3, 4, 5]);
    await emit(producer, [6]);
    expect(quiet.discarded).to.deep.equal([3, 1]);
    expect(logs.warnings).to.deep.equal([]);
  });

  it('R5: should still log the default warning when formatDiscarded returns true', async () => {
    class Loud extends Source {
      readonly discarded: number[] = [];
      override formatDiscarded(count: number): boolean {
        this.discarded.push(count);
        return true;
      }
    }
    const loud = new Loud('hand');
    const producer = await GenStage.start(loud, { bufferSize: 1, name: 'loud' });
    await emit(producer, [1, 2, 3]);
    expect(loud.discarded).to.deep.equal([2]);
    expect(logs.warnings).to.deep.equal(['GenStage producer loud has discarded 2 events from buffer']);
  });

  it('R5: should keep 10,000 events by default in a producer (10,005 emitted: 5 discarded, the oldest)', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, range(0, 10_005));
    expect(await rig.producer.estimateBufferedCount()).to.equal(10_000);
    expect(logs.warnings).to.have.length(1);
    expect(logs.warnings[0]).to.match(/has discarded 5 events from buffer$/);
    const c = await manual(rig.producer);
    await c.ask(1);
    expect(c.sink.events).to.deep.equal([5]);
  });

  it('R5: should keep every event by default in a producer-consumer (bufferSize Infinity)', async () => {
    const pass = new Pass();
    const pc = await GenStage.start(pass);
    await emit(pc, range(0, 20_000));
    expect(await pc.estimateBufferedCount()).to.equal(20_000);
    expect(logs.warnings).to.deep.equal([]);
  });

  it('R5: should accept bufferSize Infinity on a producer', async () => {
    const rig = await startSource('hand', { bufferSize: Infinity });
    await emit(rig.producer, range(0, 12_000));
    expect(await rig.producer.estimateBufferedCount()).to.equal(12_000);
    expect(logs.warnings).to.deep.equal([]);
  });

  it('R5: should start with bufferSize 0 and discard every event nobody asked for (the original crashes in init)', async () => {
    const rig = await startSource('hand', { bufferSize: 0, name: 'nobuffer' });
    const c = await manual(rig.producer);
    await c.ask(2);
    await emit(rig.producer, [1, 2, 3, 4]);
    expect(c.sink.events).to.deep.equal([1, 2]);
    expect(await rig.producer.estimateBufferedCount()).to.equal(0);
    expect(logs.warnings).to.deep.equal(['GenStage producer nobuffer has discarded 2 events from buffer']);
  });

  it('R5: should drop events a consumer returns and log that a consumer cannot dispatch them', async () => {
    class Returns extends Consumer<number> {
      handleEvents(): void {}
      // A consumer's callbacks are typed to emit nothing; this one returns events anyway.
      override handleCast(): never[] {
        return [1, 2, 3] as never[];
      }
    }
    const consumer = await GenStage.start(new Returns(), { name: 'returns' });
    consumer.cast('go');
    await settle();
    expect(consumer.alive).to.equal(true);
    expect(logs.warnings).to.deep.equal(['returns: a consumer cannot dispatch events; 3 events from callback dropped (further drops by this stage are counted and reported when it stops)']);
  });

  it('R5: should not count infos towards bufferSize (size 2 holds 2 events around 3 infos)', async () => {
    const rig = await startSource('hand', { bufferSize: 2 });
    await emit(rig.producer, [1]);
    rig.producer.asyncInfo('a');
    rig.producer.asyncInfo('b');
    await emit(rig.producer, [2]);
    rig.producer.asyncInfo('c');
    await settle();
    expect(await rig.producer.estimateBufferedCount()).to.equal(2);
    expect(rig.source.infos).to.deep.equal([]);
    expect(logs.warnings).to.deep.equal([]);
  });
});

describe('stage: infos behind buffered events (R12)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R12: should fire an asyncInfo at once when the producer\'s buffer is empty', async () => {
    const rig = await startSource('hand');
    rig.producer.asyncInfo('now');
    await settle();
    expect(rig.source.infos).to.deep.equal(['now']);
  });

  it('R12: should hold an asyncInfo until the events buffered before it are dispatched', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1, 2, 3]);
    rig.producer.asyncInfo('after-3');
    await emit(rig.producer, [4]);
    const c = await manual(rig.producer);
    await c.ask(2);
    expect(rig.source.infos).to.deep.equal([]);
    await c.ask(1);
    expect(rig.source.infos).to.deep.equal(['after-3']);
    expect(c.sink.events).to.deep.equal([1, 2, 3]);
    await c.ask(1);
    expect(c.sink.events).to.deep.equal([1, 2, 3, 4]);
  });

  it('R12: should fire infos in the order they were queued (FIFO, #316)', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1]);
    for (const m of ['a', 'b', 'c']) rig.producer.asyncInfo(m);
    await settle();
    const c = await manual(rig.producer);
    await c.ask(1);
    expect(rig.source.infos).to.deep.equal(['a', 'b', 'c']);
  });

  it('R12: should fire infos at their own positions between events ([1, 2] a [3] b)', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1, 2]);
    rig.producer.asyncInfo('a');
    await emit(rig.producer, [3]);
    rig.producer.asyncInfo('b');
    await settle();
    const c = await manual(rig.producer);
    await c.ask(1);
    expect(rig.source.infos).to.deep.equal([]);
    await c.ask(1);
    expect(rig.source.infos).to.deep.equal(['a']);
    await c.ask(1);
    expect(rig.source.infos).to.deep.equal(['a', 'b']);
    expect(c.sink.events).to.deep.equal([1, 2, 3]);
  });

  it('R12: should fire an info at once when a bufferKeep last overflow pushes it out', async () => {
    const rig = await startSource('hand', { bufferSize: 2 });
    await emit(rig.producer, [1]);
    rig.producer.asyncInfo('pushed');
    await emit(rig.producer, [2]);
    expect(rig.source.infos).to.deep.equal([]);
    await emit(rig.producer, [3, 4]);
    expect(rig.source.infos).to.deep.equal(['pushed']);
    const c = await manual(rig.producer);
    await c.ask(5);
    expect(c.sink.events).to.deep.equal([3, 4]);
  });

  it('R12: should keep an info in place when a bufferKeep first overflow drops incoming events', async () => {
    const rig = await startSource('hand', { bufferSize: 2, bufferKeep: 'first' });
    await emit(rig.producer, [1]);
    rig.producer.asyncInfo('kept');
    await emit(rig.producer, [2, 3, 4]);
    expect(rig.source.infos).to.deep.equal([]);
    const c = await manual(rig.producer);
    await c.ask(1);
    expect(rig.source.infos).to.deep.equal(['kept']);
    await c.ask(5);
    expect(c.sink.events).to.deep.equal([1, 2]);
  });

  it('R12: should hand a consumer\'s asyncInfo to handleInfo at once', async () => {
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    consumer.asyncInfo('hello');
    await settle();
    expect(sink.infos).to.deep.equal(['hello']);
  });

  it('R12: should resolve syncInfo once the info is queued, before it fires', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1]);
    await rig.producer.syncInfo('queued');
    expect(rig.source.infos).to.deep.equal([]);
    const c = await manual(rig.producer);
    await c.ask(1);
    expect(rig.source.infos).to.deep.equal(['queued']);
  });

  it('R12: should count events, not infos, in estimateBufferedCount', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1, 2]);
    rig.producer.asyncInfo('x');
    rig.producer.asyncInfo('y');
    expect(await rig.producer.estimateBufferedCount()).to.equal(2);
  });

  it('R12: should hand send() to handleInfo in mailbox order, not behind the buffer', async () => {
    const rig = await startSource('hand');
    await emit(rig.producer, [1, 2]);
    rig.producer.asyncInfo('buffered');
    rig.producer.send('direct');
    await settle();
    expect(rig.source.infos).to.deep.equal(['direct']);
  });

  it('R12: should queue this.asyncInfo from inside a callback behind the events that callback emitted', async () => {
    class Marker extends Source {
      override handleCast(events: number[]): number[] {
        this.asyncInfo(`after ${events.join(',')}`);
        return events;
      }
    }
    const marker = new Marker('hand');
    const producer = await GenStage.start(marker);
    await emit(producer, [1, 2]);
    expect(marker.infos).to.deep.equal([]);
    const c = await manual(producer);
    await c.ask(2);
    expect(marker.infos).to.deep.equal(['after 1,2']);
  });

  it('R12: should dispatch what an info callback returns like any other events', async () => {
    class Emitter extends Source {
      override handleInfo(message: unknown): number[] {
        super.handleInfo(message);
        return [99];
      }
    }
    const producer = await GenStage.start(new Emitter('hand'));
    const c = await manual(producer);
    await c.ask(5);
    await emit(producer, [1]);
    producer.asyncInfo('go');
    await settle();
    expect(c.sink.batches).to.deep.equal([[1], [99]]);
  });
});
