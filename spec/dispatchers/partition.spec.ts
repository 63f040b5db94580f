// The protocol rules cited below (R11) are stated in docs/protocol.md.
import { expect } from 'chai';
import { GenStage, PartitionDispatcher, Producer, defaultHash } from '../../src/index.js';
import { captureLogs, emit, join, settle, startSource, Recorder } from './support.js';

const parity = (e: number): readonly [number, number] => [e, e % 2];

describe('PartitionDispatcher', () => {
  it('R11: should send each event to the partition its hash names, with partitions counted 0..n-1', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const p0 = await join(producer, { partition: 0 });
    const p1 = await join(producer, { partition: 1 });
    await p0.ask(10);
    await p1.ask(10);
    await emit(producer, [1, 2, 3, 4, 5, 6]);
    expect(p0.rec.batches).to.deep.equal([[2, 4, 6]]);
    expect(p1.rec.batches).to.deep.equal([[1, 3, 5]]);
  });

  it('R11: should accept a list of partition names', async () => {
    const dispatcher = new PartitionDispatcher<string, string>({
      partitions: ['short', 'long'],
      hash: (word) => [word, word.length > 3 ? 'long' : 'short'],
    });
    expect(dispatcher.partitionNames).to.deep.equal(['short', 'long']);
    const { producer } = await startSource<string>({ dispatcher });
    const short = await join(producer, { partition: 'short' });
    const long = await join(producer, { partition: 'long' });
    await short.ask(5);
    await long.ask(5);
    await emit(producer, ['roses', 'are', 'red', 'violets', 'blue']);
    expect(short.rec.events).to.deep.equal(['are', 'red']);
    expect(long.rec.events).to.deep.equal(['roses', 'violets', 'blue']);
  });

  it('R11: should deliver the event the hash returns, transformed', async () => {
    const { producer } = await startSource<number>({
      dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: (e) => [e * 10, e % 2] }),
    });
    const p0 = await join(producer, { partition: 0 });
    const p1 = await join(producer, { partition: 1 });
    await p0.ask(5);
    await p1.ask(5);
    await emit(producer, [1, 2, 3]);
    expect(p0.rec.events).to.deep.equal([20]);
    expect(p1.rec.events).to.deep.equal([10, 30]);
  });

  it('R11: should drop an event the hash maps to null without using up demand', async () => {
    const { source, producer } = await startSource<number>({
      dispatcher: new PartitionDispatcher<number>({ partitions: 1, hash: (e) => (e % 3 === 0 ? null : [e, 0]) }),
    });
    const p0 = await join(producer, { partition: 0 });
    await p0.ask(3);
    expect(source.demands).to.deep.equal([3]);
    await emit(producer, [1, 3, 2, 6, 4]);
    expect(p0.rec.events).to.deep.equal([1, 2, 4]);
    expect(await producer.estimateBufferedCount()).to.equal(0);
  });

  it('R11: should keep events beyond the total demand in the producer buffer, in order', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const p0 = await join(producer, { partition: 0 });
    const p1 = await join(producer, { partition: 1 });
    await p0.ask(1);
    await p1.ask(1);
    await emit(producer, [2, 4, 1, 3]); // 2 events of demand: 2 to p0, 4 queued for p0
    expect(p0.rec.events).to.deep.equal([2]);
    expect(p1.rec.events).to.deep.equal([]);
    expect(await producer.estimateBufferedCount()).to.equal(2);
    await p0.ask(1); // served from p0's queue; the buffered 1 then goes to p1
    expect(p0.rec.events).to.deep.equal([2, 4]);
    expect(p1.rec.events).to.deep.equal([1]);
    await p1.ask(5);
    expect(p1.rec.events).to.deep.equal([1, 3]);
  });

  it('R11: should ask upstream for the sum of every partition\'s asks', async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 3, hash: (e) => [e, e % 3] }) });
    const ms = [await join(producer, { partition: 0 }), await join(producer, { partition: 1 }), await join(producer, { partition: 2 })];
    await ms[0]!.ask(4);
    await ms[1]!.ask(2);
    await ms[2]!.ask(7);
    expect(source.demands).to.deep.equal([4, 2, 7]);
  });

  it('R11: should place 1..10 in 4 partitions by defaultHash: [3,2,3,1,1,0,0,3,3,0]', async () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((e) => defaultHash(e) % 4)).to.deep.equal([3, 2, 3, 1, 1, 0, 0, 3, 3, 0]);
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 4 }) });
    const ms = [];
    for (let p = 0; p < 4; p++) ms.push(await join(producer, { partition: p }));
    for (const m of ms) await m.ask(10);
    await emit(producer, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ms.map((m) => m.rec.events)).to.deep.equal([[6, 7, 10], [4, 5], [2], [1, 3, 8, 9]]);
  });

  it('R11: should place strings by defaultHash modulo the count, naming the partition by index into the list', async () => {
    const { producer } = await startSource<string>({ dispatcher: new PartitionDispatcher<string, string>({ partitions: ['w', 'x', 'y', 'z'] }) });
    const ms = [];
    for (const name of ['w', 'x', 'y', 'z']) ms.push(await join(producer, { partition: name }));
    for (const m of ms) await m.ask(10);
    // apple 280767167 % 4 = 3, banana 3649609552 % 4 = 0, cherry 1232791672 % 4 = 0, date 3564297305 % 4 = 1
    await emit(producer, ['apple', 'banana', 'cherry', 'date']);
    expect(ms.map((m) => m.rec.events)).to.deep.equal([['banana', 'cherry'], ['date'], [], ['apple']]);
  });

  it('R11: should throw a RangeError at subscribe() for an unknown partition', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2 }) });
    const stage = await GenStage.start(new Recorder<number>());
    expect(() => stage.subscribe(producer, { partition: 2 })).to.throw(RangeError, 'expected partition to be one of [0, 1], got: 2');
    expect(() => stage.subscribe(producer, { partition: '0' })).to.throw(RangeError, 'got: "0"');
    expect(() => GenStage.start(new Recorder<number>(), { subscribeTo: [{ to: producer, partition: 7 }] })).to.throw(RangeError, 'got: 7');
  });

  it('R11: should throw a TypeError at subscribe() when no partition is given', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2 }) });
    const stage = await GenStage.start(new Recorder<number>());
    expect(() => stage.subscribe(producer)).to.throw(TypeError, 'expected partition to be one of [0, 1]');
  });

  it('R11: should reject a second consumer on a partition, cancelling it with a RangeError', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const first = await join(producer, { partition: 0 });
    const second = await join(producer, { partition: 0 });
    expect(second.rec.cancels).to.have.length(1);
    const reason = (second.rec.cancels[0] as { cancel: unknown }).cancel;
    expect(reason).to.be.instanceOf(RangeError);
    expect((reason as Error).message).to.contain('partition 0 already has a consumer');
    // A permanent subscriber stops with that error.
    const stage = await GenStage.start(new Recorder<number>());
    const done = stage.done;
    await stage.subscribe(producer, { partition: 0 });
    expect(await done).to.be.instanceOf(RangeError);
    // The first keeps its partition.
    await first.ask(2);
    await emit(producer, [2, 4]);
    expect(first.rec.events).to.deep.equal([2, 4]);
  });

  it('R11: should keep a partition\'s queued events for its next consumer after a cancel (the original drops them)', async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const p0 = await join(producer, { partition: 0 });
    const p1 = await join(producer, { partition: 1 });
    await p0.ask(2);
    await p1.ask(4);
    await emit(producer, [0, 2, 4, 6]); // p0 takes 0 and 2; 4 and 6 wait in partition 0
    expect(p0.rec.events).to.deep.equal([0, 2]);
    await p0.cancel();
    const next = await join(producer, { partition: 0 });
    await next.ask(5);
    expect(next.rec.batches).to.deep.equal([[4, 6]]);
    // Upstream owes 2 (p1's) and now 5 more: 3 for this consumer, 2 for p1's four.
    expect(source.demands).to.deep.equal([2, 4, 5]);
    await emit(producer, [1, 3, 5, 7, 8, 10, 12]);
    expect(p1.rec.events).to.deep.equal([1, 3, 5, 7]);
    expect(next.rec.events).to.deep.equal([4, 6, 8, 10, 12]);
    expect(await producer.estimateBufferedCount()).to.equal(0);
  });

  it('R11: should move a cancelled partition\'s unused demand to pending and not ask for it twice', async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const p0 = await join(producer, { partition: 0 });
    await p0.ask(5);
    await p0.cancel();
    const next = await join(producer, { partition: 0 });
    await next.ask(3);
    await next.ask(4);
    expect(source.demands).to.deep.equal([5, 2]);
  });

  it('R11: should serve an ask from the buffer even while a departed consumer\'s demand is pending', async () => {
    // A (partition 0) asks 8 and leaves: its 8 become pending (already asked upstream).
    // Eleven events then arrive at once, beyond the 9 asked: 1 goes to B, the eight
    // evens wait in partition 0's queue, and 3 and 5 go to the producer's buffer. The
    // producer never answers the pending 8 (a hand source answers nothing), so B's
    // next asks must take 3 and 5 from the buffer, not be absorbed by pending.
    const { source, producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const a = await join(producer, { partition: 0 });
    const b = await join(producer, { partition: 1 });
    await a.ask(8);
    await b.ask(1);
    await a.cancel();
    await emit(producer, [1, 0, 2, 4, 6, 8, 10, 12, 14, 3, 5]);
    expect(b.rec.events).to.deep.equal([1]);
    expect(await producer.estimateBufferedCount()).to.equal(2);
    await b.ask(1);
    await b.ask(1);
    expect(b.rec.events).to.deep.equal([1, 3, 5]);
    expect(await producer.estimateBufferedCount()).to.equal(0);
    // Asks beyond the buffer are still reduced by what is pending, not asked twice.
    expect(source.demands).to.deep.equal([8, 1]);
    await b.ask(6);
    expect(source.demands).to.deep.equal([8, 1]);
    await b.ask(4);
    expect(source.demands).to.deep.equal([8, 1, 2]);
    // Partition 0's queued events wait for its next consumer.
    const c = await join(producer, { partition: 0 });
    await c.ask(8);
    expect(c.rec.events).to.deep.equal([0, 2, 4, 6, 8, 10, 12, 14]);
  });

  it('R11: should queue events for a partition without a consumer until one subscribes', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const p1 = await join(producer, { partition: 1 });
    await p1.ask(4);
    await emit(producer, [1, 2, 3, 4]);
    expect(p1.rec.events).to.deep.equal([1, 3]);
    const p0 = await join(producer, { partition: 0 });
    await p0.ask(1);
    expect(p0.rec.events).to.deep.equal([2]);
    await p0.ask(1);
    expect(p0.rec.events).to.deep.equal([2, 4]);
  });

  it('R11: should hold an info behind backed-up partition queues until they drain', async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const p0 = await join(producer, { partition: 0 });
    const p1 = await join(producer, { partition: 1 });
    await p0.ask(1);
    await p1.ask(3);
    await emit(producer, [0, 2, 4, 1]); // 2 and 4 wait in partition 0
    await producer.syncInfo('marker');
    await settle();
    expect(source.infos).to.deep.equal([]);
    await p0.ask(1);
    expect(source.infos).to.deep.equal([]); // 4 still waits
    await p0.ask(1);
    expect(p0.rec.events).to.deep.equal([0, 2, 4]);
    expect(source.infos).to.deep.equal(['marker']);
  });

  it('R11: should deliver an info at once when no partition has a queue', async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    await join(producer, { partition: 0 });
    await producer.syncInfo('now');
    await settle();
    expect(source.infos).to.deep.equal(['now']);
  });

  it('R11: should crash the producer when the hash names an unknown partition', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: (e) => [e, 9] }) });
    const p0 = await join(producer, { partition: 0 });
    await p0.ask(1);
    producer.cast([1]);
    const reason = await producer.done;
    expect(reason).to.be.instanceOf(RangeError);
    expect((reason as Error).message).to.contain('hash returned unknown partition 9');
  });

  it('should queue events emitted after a partition\'s consumer stopped with demand outstanding, for its next consumer', async () => {
    const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
    const first = await join(producer, { partition: 0, maxDemand: 1000 }, 'automatic');
    await first.stage.stop();
    await emit(producer, [0, 2, 4]);
    const next = await join(producer, { partition: 0 }, 'automatic');
    expect(next.rec.batches).to.deep.equal([[0, 2, 4]]);
  });

  describe('a producer stopping with events still queued for partitions (issue 11, item 9)', () => {
    class EmitThenStop extends Producer<number> {
      handleDemand(): number[] {
        return [];
      }
      override handleCast(events: number[]): number[] {
        this.stop('normal');
        return events;
      }
    }

    it('should deliver the queued events before it exits when it stops itself normally', async () => {
      const producer = await GenStage.start(new EmitThenStop(), { dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }) });
      const even = await join(producer, { partition: 0, maxDemand: 10, cancel: 'permanent' }, 'automatic');
      const odd = await join(producer, { partition: 1, maxDemand: 1, minDemand: 0, cancel: 'permanent' }, 'automatic');
      producer.cast([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await producer.done).to.equal('normal');
      await settle();
      expect(even.rec.events).to.deep.equal([0, 2, 4, 6, 8]);
      expect(odd.rec.events).to.deep.equal([1, 3, 5, 7, 9]);
    });

    it('should log how many events it dropped when stopped from outside with events queued', async () => {
      const { result, warnings } = await captureLogs(async () => {
        const { producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 2, hash: parity }), name: 'parted' });
        const even = await join(producer, { partition: 0 });
        await even.ask(1);
        await emit(producer, [0, 2, 4, 1]); // 2 and 4 queued for partition 0 (no demand), 1 for partition 1 (no consumer)
        await producer.stop();
        return even.rec.events;
      });
      expect(result).to.deep.equal([0]);
      expect(warnings).to.deep.equal(['parted stopped with 3 events it had not delivered (buffered, or queued for partitions without demand): dropped']);
    });
  });
});

describe('PartitionDispatcher: asks queued together (issue 14)', () => {
  it('R11: should answer the asks waiting together in the producer\'s mailbox with one handleDemand of their sum', async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new PartitionDispatcher<number>({ partitions: 3, hash: (e) => [e, e % 3] }) });
    const members = [await join(producer, { partition: 0 }), await join(producer, { partition: 1 }), await join(producer, { partition: 2 })];
    members[0]!.stage.cast(3);
    members[1]!.stage.cast(4);
    members[2]!.stage.cast(5);
    await settle();
    expect(source.demands).to.deep.equal([12]);
    await emit(producer, [0, 1, 2, 3, 4, 5]);
    expect(members.map((m) => m.rec.batches)).to.deep.equal([[[0, 3]], [[1, 4]], [[2, 5]]]);
  });

  it('should leave asks to a DemandDispatcher answered one by one (it does not opt in)', async () => {
    const { source, producer } = await startSource<number>();
    const members = [await join(producer), await join(producer), await join(producer)];
    for (const m of members) m.stage.cast(3);
    await settle();
    expect(source.demands).to.deep.equal([3, 3, 3]);
  });
});
