import { expect } from 'chai';
import { BroadcastDispatcher, GenStage, PartitionDispatcher, setLogger } from '../../src/index.js';
import { join, Recorder, startSource } from './support.js';

/** Runs `body` with the crash reports (the consumer exits with the producer's reason) kept off the console. */
async function quietly<R>(body: () => Promise<R>): Promise<R> {
  const previous = setLogger({ warn: () => {}, error: () => {} });
  try {
    return await body();
  } finally {
    setLogger(previous);
  }
}

/** What a dispatcher does with a consumer's `selector` or a user `hash` it cannot use. */
describe('dispatchers: a bad selector or hash', () => {
  it("should refuse a selector that is not a function at the consumer's subscribe call, with its code (BroadcastDispatcher)", async () => {
    const { source, producer } = await startSource<number>({ dispatcher: new BroadcastDispatcher<number>() });
    const consumer = await GenStage.start(new Recorder<number>());
    let error: (Error & { code?: string }) | undefined;
    try {
      await consumer.subscribe(producer, { selector: 5 } as never);
    } catch (e) {
      error = e as Error & { code?: string };
    }
    expect(error).to.be.an.instanceOf(TypeError);
    expect(error!.code).to.equal('ERR_GENSTAGE_INVALID_TYPE');
    expect(error!.message).to.equal('expected selector to be a function, got: 5');
    // Nothing reached the producer: no subscription, no demand.
    expect(source.demands).to.deep.equal([]);
    await consumer.stop();
    await producer.stop();
  });

  it('should crash the producer with a TypeError (ERR_GENSTAGE_INVALID_RETURN) when a hash returns neither [event, partition] nor null', async () => {
    const { producer } = await startSource<number>({
      dispatcher: new PartitionDispatcher<number>({ partitions: 1, hash: (e) => (e === 2 ? (7 as never) : [e, 0]) }),
    });
    const member = await join(producer, { partition: 0 });
    await member.ask(5);
    const reason = await quietly(async () => {
      producer.cast([1, 2, 3]);
      return (await producer.done) as Error & { code?: string };
    });
    expect(reason).to.be.an.instanceOf(TypeError);
    expect(reason.code).to.equal('ERR_GENSTAGE_INVALID_RETURN');
    expect(reason.message).to.equal('expected hash to return [event, partition] or null, got: 7');
    // Event 1 went out before the bad hash; nothing after it did.
    expect(member.rec.events).to.deep.equal([1]);
  });
});
