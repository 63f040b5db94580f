// Messages that reach a stage after it began to exit (docs/protocol.md, R7).
import { expect } from 'chai';
import { Consumer, GenStage, Producer, StageExitError } from '../../src/index.js';
import { exitStage } from '../../src/core/internal.js';
import { settle } from '../../src/testing/index.js';

class Quiet extends Producer<number> {
  handleDemand(): number[] {
    return [];
  }
}

class Sink extends Consumer<number> {
  handleEvents(): void {}
}

/** Where a promise stands once everything has settled (no timer: a hang shows as 'pending'). */
function track<T>(promise: Promise<T>): { state: string; value?: T; error?: unknown } {
  const out: { state: string; value?: T; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(out, { state: 'resolved', value }),
    (error: unknown) => Object.assign(out, { state: 'rejected', error }),
  );
  return out;
}

describe('stage: dead letters', () => {
  it('should reject a subscribe whose consumer exits before handling it with StageExitError carrying the exit reason', async () => {
    const producer = await GenStage.start(new Quiet());
    const consumer = await GenStage.start(new Sink(), { name: 'late-sink' });
    const subscribing = track(consumer.subscribe(producer));
    exitStage(consumer, 'shutdown'); // handled ahead of the subscribe, in the consumer's own turn
    expect(await consumer.done).to.equal('shutdown');
    await settle();
    expect(subscribing.state).to.equal('rejected');
    expect(subscribing.error).to.be.instanceOf(StageExitError);
    expect((subscribing.error as StageExitError).reason).to.equal('shutdown');
    expect((subscribing.error as StageExitError).code).to.equal('ERR_GENSTAGE_STAGE_EXIT');
    expect((subscribing.error as Error).message).to.equal('late-sink is not running (shutdown)');
    await producer.stop();
  });

  it('should reject a subscribe dead-lettered by a crash with the crash error as the reason', async () => {
    const producer = await GenStage.start(new Quiet());
    const consumer = await GenStage.start(new Sink(), { name: 'crashing-sink' });
    const boom = new Error('boom');
    const subscribing = track(consumer.subscribe(producer));
    exitStage(consumer, boom);
    expect(await consumer.done).to.equal(boom);
    await settle();
    expect(subscribing.state).to.equal('rejected');
    expect((subscribing.error as StageExitError).reason).to.equal(boom);
    await producer.stop();
  });
});
