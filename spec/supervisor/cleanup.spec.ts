import { expect } from 'chai';
import { ConsumerSupervisor, DynamicSupervisor, GenStage, TaskSupervisor, superviseStage } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';
import { Numbers, Sink, captureLog } from './support.js';
import { activeResources as resources, baseline, newResources as extra } from '../support/resources.js';

/** A task that holds a real 60 s timer and an abort listener, and releases both when aborted. */
function sleeper(...argsAndSignal: unknown[]): Promise<void> {
  const signal = argsAndSignal[argsAndSignal.length - 1] as AbortSignal;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, 60_000);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

describe('supervisor cleanup', () => {
  let log: ReturnType<typeof captureLog>;
  beforeEach(() => (log = captureLog()));
  afterEach(() => log.restore());

  it('should leave no timer behind once a DynamicSupervisor of 20 sleeping tasks (system clock) has stopped', async () => {
    const before = await baseline();
    const sup = await DynamicSupervisor.start();
    for (let i = 0; i < 20; i++) await sup.startChild({ start: sleeper, shutdown: 1000 }, i);
    expect(extra(before)).to.deep.equal(['Timeout x20']);
    await sup.stop();
    await settle();
    expect(extra(before)).to.deep.equal([]);
  });

  it("should clear its own shutdown timer when a child ends within its shutdown time", async () => {
    const before = await baseline();
    const sup = await DynamicSupervisor.start();
    let release = (): void => {};
    // ignores its signal: the supervisor arms a 30 s shutdown timer for it
    await sup.startChild({ start: () => new Promise<void>((resolve) => (release = resolve)), shutdown: 30_000 });
    const stopped = sup.stop();
    await settle();
    expect(extra(before)).to.deep.equal(['Timeout x1']);
    release();
    await stopped;
    await settle();
    expect(extra(before)).to.deep.equal([]);
  });

  it('should leave no timer behind after a ConsumerSupervisor, a TaskSupervisor stream and a supervise stage stop', async () => {
    const before = await baseline();
    const producer = await GenStage.start(new Numbers());
    const consumerSup = await ConsumerSupervisor.start<number>({ child: sleeper, subscribeTo: [{ to: producer, maxDemand: 5, cancel: 'temporary' }] });
    const middle = await GenStage.start(superviseStage((n: number, signal) => sleeper(n, signal), { maxConcurrency: 5 }), { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
    const sink = await GenStage.start(new Sink<unknown>(), { subscribeTo: [middle] });
    const tasks = await TaskSupervisor.start();
    const awaited = tasks.async((signal) => sleeper(signal)).await(60_000).catch(() => 'stopped');
    for await (const _ of tasks.asyncStream([1, 2, 3], async (n) => n, { timeout: 60_000 })) void _;
    await settle();
    expect(extra(before)).to.deep.equal(['Timeout x12']); // 5 + 5 sleepers, the async task, its await timer
    await consumerSup.stop();
    await middle.stop();
    await tasks.stop();
    expect(await awaited).to.equal('stopped');
    await producer.stop();
    await sink.done;
    await settle();
    expect(extra(before)).to.deep.equal([]);
  });
});
