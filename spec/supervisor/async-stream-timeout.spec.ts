import { expect } from 'chai';
import { TaskSupervisor, TaskTimeoutError } from '../../src/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';
import { Tasks } from './support.js';

/** An iterable of 0..n-1 that records whether the loop closed it. */
function closable(n: number): { source: Iterable<number>; closed: () => boolean } {
  let closed = false;
  let next = 0;
  const source: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next: () => (next < n ? { value: next++, done: false } : { value: undefined, done: true }),
      return: () => {
        closed = true;
        return { value: undefined, done: true };
      },
    }),
  };
  return { source, closed: () => closed };
}

/** What a timed-out task does to `asyncStream`'s loop when `onTimeout` does not turn it into a value. */
describe('TaskSupervisor.asyncStream: a task that times out', () => {
  it("should fail the loop with TaskTimeoutError (the default onTimeout 'throw'), stop every running task and close the source", async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks();
    const sup = await TaskSupervisor.start({ clock });
    const { source, closed } = closable(10);
    const results: unknown[] = [];
    const loop = (async () => {
      for await (const v of sup.asyncStream(source, (n, signal) => tasks.task(n, signal), { maxConcurrency: 2, timeout: 100 })) results.push(v);
    })().catch((e: unknown) => e);
    await settle();
    expect(tasks.started).to.deep.equal([0, 1]);
    tasks.runs[0]!.finish('zero');
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2]);
    await clock.advance(99);
    expect(tasks.aborted).to.deep.equal([]);
    await clock.advance(1); // task 1 started at 0: its 100 ms are up
    const error = (await loop) as TaskTimeoutError;
    expect(error).to.be.an.instanceOf(TaskTimeoutError);
    expect(error.code).to.equal('ERR_GENSTAGE_TASK_TIMEOUT');
    expect(error.timeoutMs).to.equal(100);
    expect(error.message).to.equal('task did not finish within 100 ms');
    expect(results).to.deep.equal(['zero']);
    await settle();
    // One signal for the loop's tasks (documented): the running 1 and 2 see it fire, and
    // so does 0, which finished but still listens.
    expect(tasks.aborted).to.have.members([0, 1, 2]);
    expect(tasks.open).to.deep.equal([]);
    expect(closed()).to.equal(true);
    expect(clock.pendingTimers).to.equal(0);
    expect((await sup.countChildren()).active).to.equal(0);
    await sup.stop();
  });

  it('should fail the loop with the error an onTimeout function throws, and stop the timed-out task', async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks();
    const sup = await TaskSupervisor.start({ clock });
    const { source, closed } = closable(3);
    const loop = (async () => {
      for await (const _ of sup.asyncStream(source, (n, signal) => tasks.task(n, signal), {
        maxConcurrency: 1,
        timeout: 50,
        onTimeout: (n) => {
          throw new Error(`no replacement for ${n}`);
        },
      }));
    })().catch((e: unknown) => e);
    await settle();
    expect(tasks.started).to.deep.equal([0]);
    await clock.advance(50);
    const error = (await loop) as Error;
    expect(error.message).to.equal('no replacement for 0');
    await settle();
    expect(tasks.aborted).to.deep.equal([0]);
    expect(closed()).to.equal(true);
    expect(clock.pendingTimers).to.equal(0);
    expect((await sup.countChildren()).active).to.equal(0);
    await sup.stop();
  });
});
