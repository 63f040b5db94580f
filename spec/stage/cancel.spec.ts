// The protocol rules cited below (R7, R8) are stated in docs/protocol.md.
import { expect } from 'chai';
import {
  BroadcastDispatcher, Consumer, GenStage, type CancelMode, type CancelReason, type Stage, type Subscription,
} from '../../src/index.js';
import { Firehose, Pass, Sink, Source, captureLogs, emit, settle, startSource, type Entry } from './support.js';

/** A consumer subscribed to a fresh hand source with `cancel`; returns both ends. */
async function pair(cancel: CancelMode, timeline: Entry[] = []) {
  const rig = await startSource('hand');
  const sink = new Sink('automatic', timeline);
  const consumer = await GenStage.start(sink, { name: `consumer-${cancel}` });
  const sub = await consumer.subscribe(rig.producer, { cancel, maxDemand: 5 });
  await settle();
  return { ...rig, sink, consumer, sub };
}

describe('stage: cancellation, consumer side (R7)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R7: should stop a permanent consumer with the reason its producer cancelled with', async () => {
    const { producer, consumer, sink, sub } = await pair('permanent');
    producer.cancel(sub as Subscription<unknown>, 'gone');
    expect(await consumer.done).to.equal('gone');
    expect(sink.cancels).to.deep.equal([{ cancel: 'gone' }]);
  });

  it('R7: should stop a permanent consumer even on a normal cancel', async () => {
    const { producer, consumer, sub } = await pair('permanent');
    producer.cancel(sub as Subscription<unknown>, 'normal');
    expect(await consumer.done).to.equal('normal');
  });

  it('R7: should run handleCancel before the cancel mode stops the consumer (then terminate)', async () => {
    const timeline: Entry[] = [];
    const { producer, consumer, sub } = await pair('permanent', timeline);
    producer.cancel(sub as Subscription<unknown>, 'gone');
    await consumer.done;
    expect(timeline.filter((e) => e[0] === 'cancel' || e[0] === 'terminate')).to.deep.equal([
      ['cancel', { cancel: 'gone' }], ['terminate', 'gone'],
    ]);
  });

  for (const reason of ['normal', 'shutdown', { shutdown: 'rotating' }] as const) {
    it(`R7: should keep a transient consumer running on the normal reason ${JSON.stringify(reason)}`, async () => {
      const { producer, consumer, sink, sub } = await pair('transient');
      producer.cancel(sub as Subscription<unknown>, reason);
      await settle();
      expect(consumer.alive).to.equal(true);
      expect(sink.cancels).to.deep.equal([{ cancel: reason }]);
    });
  }

  it('R7: should stop a transient consumer on an abnormal reason', async () => {
    const { producer, consumer, sub } = await pair('transient');
    const error = new Error('broken');
    producer.cancel(sub as Subscription<unknown>, error);
    expect(await consumer.done).to.equal(error);
  });

  it('R7: should keep a temporary consumer running whatever the reason', async () => {
    const { producer, consumer, sink, sub } = await pair('temporary');
    producer.cancel(sub as Subscription<unknown>, new Error('broken'));
    await settle();
    expect(consumer.alive).to.equal(true);
    expect(sink.cancels).to.have.length(1);
  });

  it('R7: should tell handleCancel { down: reason } when the producer exits, { cancel: reason } when it cancels', async () => {
    const a = await pair('temporary');
    a.producer.cancel(a.sub as Subscription<unknown>, 'cancelled');
    const b = await pair('temporary');
    await b.producer.stop('stopped');
    await settle();
    expect(a.sink.cancels).to.deep.equal([{ cancel: 'cancelled' }]);
    expect(b.sink.cancels).to.deep.equal([{ down: 'stopped' }]);
  });

  it('R7: should stop a permanent consumer with the exit reason of its producer', async () => {
    const { producer, consumer } = await pair('permanent');
    await producer.stop({ shutdown: 'maintenance' });
    expect(await consumer.done).to.deep.equal({ shutdown: 'maintenance' });
  });

  it('R7: should stop a permanent consumer that cancels its own subscription (the reply comes back as a cancel)', async () => {
    const { consumer, sink, sub, source } = await pair('permanent');
    consumer.cancel(sub as Subscription<unknown>, 'done here');
    expect(await consumer.done).to.equal('done here');
    expect(sink.cancels).to.deep.equal([{ cancel: 'done here' }]);
    expect(source.cancels).to.deep.equal([{ cancel: 'done here' }]);
  });

  it('R7: should keep a temporary consumer running after cancelling its own subscription, and receive nothing more', async () => {
    const { consumer, sink, sub, producer } = await pair('temporary');
    await emit(producer, [1]);
    consumer.cancel(sub as Subscription<unknown>, 'normal');
    await settle();
    await emit(producer, [2, 3]);
    expect(consumer.alive).to.equal(true);
    expect(sink.events).to.deep.equal([1]);
    expect(await producer.estimateBufferedCount()).to.equal(2);
  });

  it('R7: should let handleCancel of a consumer that stays run only once per subscription', async () => {
    const { consumer, sink, sub, producer } = await pair('temporary');
    consumer.cancel(sub as Subscription<unknown>, 'first');
    consumer.cancel(sub as Subscription<unknown>, 'second');
    await settle();
    producer.cancel(sub as Subscription<unknown>, 'third');
    await settle();
    expect(sink.cancels).to.deep.equal([{ cancel: 'first' }]);
  });

  it('R7: should stop a permanent consumer subscribed to a stopped producer with noproc and log it, though subscribe resolved', async () => {
    const rig = await startSource('hand', { name: 'dead' });
    await rig.producer.stop();
    const sink = new Sink();
    const consumer = await GenStage.start(sink, { name: 'orphan' });
    const done = consumer.done;
    const sub = await consumer.subscribe(rig.producer);
    expect(sub.producer).to.equal(rig.producer);
    expect(await done).to.equal('noproc');
    expect(sink.cancels).to.deep.equal([{ down: 'noproc' }]);
    expect(logs.errors).to.deep.equal(['orphan subscribed to dead, which is not running']);
  });

  it('R7: should stop a transient consumer subscribed to a stopped producer with noproc', async () => {
    const rig = await startSource('hand');
    await rig.producer.stop();
    const consumer = await GenStage.start(new Sink());
    await consumer.subscribe(rig.producer, { cancel: 'transient' });
    expect(await consumer.done).to.equal('noproc');
  });

  it('R7: should keep a temporary consumer subscribed to a stopped producer running, told { down: noproc }', async () => {
    const rig = await startSource('hand');
    await rig.producer.stop();
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    await consumer.subscribe(rig.producer, { cancel: 'temporary' });
    await settle();
    expect(consumer.alive).to.equal(true);
    expect(sink.cancels).to.deep.equal([{ down: 'noproc' }]);
    expect(logs.errors).to.deep.equal([]);
  });

  it('R7: should stop a producer-consumer on an abnormal upstream exit and tell its own consumers { down: reason }', async () => {
    const rig = await startSource('hand');
    const pc = await GenStage.start(new Pass(), { subscribeTo: [rig.producer] });
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: pc, cancel: 'temporary' }] });
    await settle();
    const error = new Error('upstream died');
    await rig.producer.stop(error);
    expect(await pc.done).to.equal(error);
    await settle();
    expect(sink.cancels).to.deep.equal([{ down: error }]);
  });

  it('R7: should let handleCancel emit events from a producer-consumer before its cancel mode applies', async () => {
    const rig = await startSource('hand');
    class Farewell extends Pass {
      override handleCancel(reason: CancelReason): number[] {
        super.handleCancel(reason);
        return [-1];
      }
    }
    const pc = await GenStage.start(new Farewell(), { subscribeTo: [{ to: rig.producer, cancel: 'temporary' }] });
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: pc, cancel: 'temporary' }] });
    await settle();
    await emit(rig.producer, [1, 2]);
    await rig.producer.stop('normal');
    await settle();
    expect(sink.events).to.deep.equal([1, 2, -1]);
  });
});

describe('stage: cancellation, producer side (R7)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R7: should keep the producer running when a permanent consumer cancels or exits', async () => {
    const { producer, consumer, sub } = await pair('permanent');
    const other = await GenStage.start(new Sink());
    await other.subscribe(producer);
    await settle();
    consumer.cancel(sub as Subscription<unknown>, 'bye');
    await other.stop(new Error('consumer crashed'));
    await settle();
    expect(producer.alive).to.equal(true);
  });

  it('R7: should tell the producer\'s handleCancel { cancel: reason } on a cancel and { down: reason } on an exit', async () => {
    const { producer, consumer, sub, source } = await pair('temporary');
    const other = await GenStage.start(new Sink());
    await other.subscribe(producer);
    await settle();
    consumer.cancel(sub as Subscription<unknown>, 'bye');
    await settle();
    await other.stop('shutdown');
    await settle();
    expect(source.cancels).to.deep.equal([{ cancel: 'bye' }, { down: 'shutdown' }]);
  });

  it('R7: should reply to the consumer before its own handleCancel runs (a crash in it is not what the consumer hears)', async () => {
    class Fragile extends Source {
      override handleCancel(): void {
        throw new Error('handleCancel failed');
      }
    }
    const producer = await GenStage.start(new Fragile('hand'));
    const done = producer.done;
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    const sub = await consumer.subscribe(producer, { cancel: 'temporary' });
    await settle();
    producer.cancel(sub as Subscription<unknown>, 'cut');
    expect(((await done) as Error).message).to.equal('handleCancel failed');
    await settle();
    expect(sink.cancels).to.deep.equal([{ cancel: 'cut' }]);
  });

  it('R7: should send events emitted by the producer\'s handleCancel to the remaining consumers, not the departed one', async () => {
    class Farewell extends Source {
      override handleCancel(reason: CancelReason): number[] {
        super.handleCancel(reason);
        return [100, 101];
      }
    }
    const farewell = new Farewell('hand');
    const producer = await GenStage.start(farewell);
    const leaving = new Sink('manual');
    const staying = new Sink('manual');
    const a = await GenStage.start(leaving);
    const b = await GenStage.start(staying);
    const subA = await a.subscribe(producer, { cancel: 'temporary' });
    await b.subscribe(producer, { cancel: 'temporary' });
    await settle();
    a.cast({ ask: 10 });
    b.cast({ ask: 2 });
    await settle();
    a.cancel(subA as Subscription<unknown>, 'leaving');
    await settle();
    expect(leaving.events).to.deep.equal([]);
    expect(staying.events).to.deep.equal([100, 101]);
  });

  it('R7: should release the demand of a departed slowest consumer under a BroadcastDispatcher', async () => {
    const rig = await startSource('hand', { inner: new BroadcastDispatcher<number>() });
    const fast = new Sink('manual');
    const slow = new Sink('manual');
    const a = await GenStage.start(fast);
    const b = await GenStage.start(slow);
    await a.subscribe(rig.producer, { cancel: 'temporary' });
    const subB = await b.subscribe(rig.producer, { cancel: 'temporary' });
    await settle();
    a.cast({ ask: 10 });
    b.cast({ ask: 2 });
    await settle();
    expect(rig.source.demands).to.deep.equal([2]);
    b.cancel(subB as Subscription<unknown>, 'normal');
    await settle();
    expect(rig.source.demands).to.deep.equal([2, 8]);
  });

  it('R7: should count a consumer\'s { down } as observing the producer\'s crash (nothing logged)', async () => {
    class Brittle extends Source {
      override handleCast(): number[] {
        throw new Error('producer crashed');
      }
    }
    const producer = await GenStage.start(new Brittle('hand'));
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
    await settle();
    producer.cast('boom');
    await settle();
    expect(producer.alive).to.equal(false);
    expect(sink.cancels.map((c) => ((c as { down: Error }).down).message)).to.deep.equal(['producer crashed']);
    expect(logs.errors).to.deep.equal([]);
  });

  it('R7: should log the crash of a producer that had no consumer and whose done nobody read', async () => {
    class Brittle extends Source {
      override handleCast(): number[] {
        throw new Error('alone');
      }
    }
    const producer = await GenStage.start(new Brittle('hand'), { name: 'lonely' });
    producer.cast('boom');
    await settle();
    expect(logs.errors).to.deep.equal(['lonely exited and nobody observed it']);
  });
});

describe('stage: protocol errors (R8)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R8: should give each subscribe call its own subscription, so subscribing twice to one producer is two links', async () => {
    const rig = await startSource('count');
    const sink = new Sink('manual');
    const consumer = await GenStage.start(sink);
    const s1 = await consumer.subscribe(rig.producer, { cancel: 'temporary' });
    const s2 = await consumer.subscribe(rig.producer, { cancel: 'temporary' });
    await settle();
    expect(s1.tag).to.not.equal(s2.tag);
    consumer.cast({ ask: 2, sub: 0 });
    consumer.cast({ ask: 3, sub: 1 });
    await settle();
    expect(sink.batches).to.deep.equal([[0, 1], [2, 3, 4]]);
    expect(rig.dispatcher.log.map((e) => e[0])).to.deep.equal(['subscribe', 'subscribe', 'ask', 'ask']);
  });

  it('R8: should drop events on a subscription the consumer no longer has and tell the producer unknown_subscription', async () => {
    const firehose = new Firehose<number>();
    const rig = await startSource('hand', { inner: firehose });
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    const sub = await consumer.subscribe(rig.producer, { cancel: 'temporary', maxDemand: 10 });
    await settle();
    await emit(rig.producer, [1]);
    consumer.cancel(sub as Subscription<unknown>, 'normal');
    await settle();
    // The firehose still delivers to the cancelled subscription.
    await emit(rig.producer, [2, 3]);
    expect(sink.events).to.deep.equal([1]);
    expect(rig.source.cancels).to.deep.equal([{ cancel: 'normal' }]);
    expect(consumer.alive && rig.producer.alive).to.equal(true);
    expect(logs.warnings).to.deep.equal([]);
  });

  it('R8: should answer an ask on a subscription the producer no longer has with unknown_subscription, harmlessly', async () => {
    const { producer, consumer, sink, sub, source } = await pair('temporary');
    producer.cancel(sub as Subscription<unknown>, 'cut');
    await settle();
    // The consumer asks again on the subscription the producer dropped.
    consumer.cast({ ask: 5 });
    await settle();
    expect(source.demands).to.deep.equal([5]); // the first ask, at subscribe; nothing since
    expect(sink.cancels).to.deep.equal([{ cancel: 'cut' }]);
    expect(consumer.alive).to.equal(true);
  });

  it('R8: should reject subscribing to a consumer, or a producer subscribing, at the call with a TypeError', async () => {
    const rig = await startSource('hand', { name: 'src' });
    const consumer = await GenStage.start(new Sink(), { name: 'snk' });
    const other = await GenStage.start(new Sink(), { name: 'other' });
    expect(() => consumer.subscribe(other as unknown as Stage<number>)).to.throw(TypeError, /cannot subscribe snk to other: it is a consumer/);
    expect(() => rig.producer.subscribe(rig.producer)).to.throw(/src/);
    await settle();
    expect(rig.dispatcher.log).to.deep.equal([]);
  });

  it('R8: should cancel a subscription the dispatcher refuses, with the dispatcher\'s reason (broadcast: already_subscribed)', async () => {
    const rig = await startSource('hand', { inner: new BroadcastDispatcher<number>() });
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    await consumer.subscribe(rig.producer, { cancel: 'temporary' });
    await consumer.subscribe(rig.producer, { cancel: 'permanent' });
    await settle();
    // already_subscribed never stops the consumer, even on a permanent subscription.
    expect(sink.cancels).to.deep.equal([{ cancel: 'already_subscribed' }]);
    expect(consumer.alive).to.equal(true);
  });
});
