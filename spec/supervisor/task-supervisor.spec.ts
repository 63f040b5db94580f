import { expect } from 'chai';
import { StageExitError, StartChildError, TaskSupervisor, TaskTimeoutError } from '../../src/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';
import { Tasks, captureLog } from './support.js';

/** A source that counts how far it has been read and whether it was closed. */
function counted(n: number): { source: Iterable<number>; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  const source: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next: () => (pulled < n ? { value: pulled++, done: false } : { value: undefined, done: true }),
      return: () => {
        closed = true;
        return { value: undefined, done: true };
      },
    }),
  };
  return { source, pulled: () => pulled, closed: () => closed };
}

describe('TaskSupervisor', () => {
  let log: ReturnType<typeof captureLog>;
  beforeEach(() => (log = captureLog()));
  afterEach(() => log.restore());

  describe('async', () => {
    it('should run a task and resolve await with its result', async () => {
      const sup = await TaskSupervisor.start();
      const task = sup.async(async (signal) => (signal instanceof AbortSignal ? 6 * 7 : 0));
      expect(await task.await()).to.equal(42);
      expect(task.id).to.equal(1);
      expect((await sup.countChildren()).active).to.equal(0);
      await sup.stop();
    });

    it('should be awaitable: await tasks.async(fn) yields the value, not the Task', async () => {
      const sup = await TaskSupervisor.start();
      const value: number = await sup.async(async () => 6 * 7);
      expect(value).to.equal(42);
      const sync: string = await sup.async(() => 'now');
      expect(sync).to.equal('now');
      expect(await Promise.all([sup.async(async () => 1), sup.async(() => 2)])).to.deep.equal([1, 2]);
      await sup.stop();
    });

    it("should make await task throw the task's error, without logging it", async () => {
      const sup = await TaskSupervisor.start();
      const error = await (async () => {
        try {
          await sup.async(async () => {
            throw new Error('awaited');
          });
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect((error as Error).message).to.equal('awaited');
      expect(log.errors).to.deep.equal([]);
      await sup.stop();
    });

    it('should reject with the raw error alike whether fn throws synchronously or rejects', async () => {
      const sup = await TaskSupervisor.start();
      const thrown = new Error('thrown');
      const rejected = new Error('rejected');
      const outcomes = await Promise.all([
        sup.async(() => {
          throw thrown;
        }).await().catch((e: unknown) => e),
        sup.async(async () => {
          throw rejected;
        }).await().catch((e: unknown) => e),
      ]);
      expect(outcomes).to.deep.equal([thrown, rejected]);
      expect(outcomes[0]).to.equal(thrown);
      const streamed: unknown[] = [];
      try {
        for await (const v of sup.asyncStream([1], () => {
          throw thrown;
        })) streamed.push(v);
      } catch (e) {
        streamed.push(e);
      }
      expect(streamed).to.have.length(1);
      expect(streamed[0]).to.equal(thrown);
      await sup.stop();
    });

    it('should log a synchronous throw of a task nobody awaits, as it logs a rejection', async () => {
      const sup = await TaskSupervisor.start();
      sup.async(function failsAtOnce() {
        throw new Error('unawaited');
      });
      sup.async(async function failsLater() {
        throw new Error('unawaited too');
      });
      await settle();
      await new Promise((r) => setImmediate(r));
      expect(log.errors.map((e) => e.replace(/#\d+/g, ''))).to.have.length(2);
      await sup.stop();
    });

    it("should reject await with the task's error, and not log it", async () => {
      const sup = await TaskSupervisor.start();
      const task = sup.async(async () => {
        throw new Error('nope');
      });
      const error = await task.await().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('nope');
      expect(log.errors).to.deep.equal([]);
      await sup.stop();
    });

    it('should reject await with TaskTimeoutError after the timeout and abort the task', async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks();
      const sup = await TaskSupervisor.start({ clock });
      const task = sup.async((signal) => tasks.task('slow', signal));
      let outcome: unknown;
      task.await(1000).catch((e: unknown) => (outcome = e));
      await clock.advance(999);
      expect(outcome).to.equal(undefined);
      await clock.advance(1);
      expect(outcome).to.be.instanceOf(TaskTimeoutError);
      expect(tasks.aborted).to.deep.equal(['slow']);
      expect(clock.pendingTimers).to.equal(0);
      await sup.stop();
    });

    it('should reject await with StartChildError past maxChildren, and with StageExitError once stopped', async () => {
      const tasks = new Tasks();
      const sup = await TaskSupervisor.start({ maxChildren: 1 });
      const first = sup.async((signal) => tasks.task(1, signal));
      const second = sup.async((signal) => tasks.task(2, signal));
      const error = await second.await().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StartChildError);
      expect((error as StartChildError).reason).to.equal('max_children');
      const stopped = first.await(Infinity).catch((e: unknown) => e);
      await sup.stop();
      expect(tasks.aborted).to.deep.equal([1]);
      expect(((await stopped) as DOMException).name).to.equal('AbortError');
      const late = await sup.async(async () => 1).await().catch((e: unknown) => e);
      expect(late).to.be.instanceOf(StageExitError);
    });
  });

  describe('asyncStream', () => {
    it('should yield results in source order when ordered (the default), whatever order tasks finish in', async () => {
      const tasks = new Tasks();
      const sup = await TaskSupervisor.start();
      const it = sup.asyncStream([0, 1, 2, 3], (n, signal) => tasks.task(n, signal), { maxConcurrency: 4 })[Symbol.asyncIterator]();
      const results: unknown[] = [];
      const first = it.next().then((r) => results.push(r.value));
      await settle();
      expect(tasks.started).to.deep.equal([0, 1, 2, 3]);
      tasks.runs[2]!.finish('c');
      tasks.runs[1]!.finish('b');
      await settle();
      expect(results).to.deep.equal([]);
      tasks.runs[0]!.finish('a');
      await first;
      results.push((await it.next()).value, (await it.next()).value);
      tasks.runs[3]!.finish('d');
      results.push((await it.next()).value);
      expect(results).to.deep.equal(['a', 'b', 'c', 'd']);
      expect((await it.next()).done).to.equal(true);
      await sup.stop();
    });

    it('should yield results as tasks finish with ordered: false', async () => {
      const tasks = new Tasks();
      const sup = await TaskSupervisor.start();
      const it = sup.asyncStream([0, 1, 2], (n, signal) => tasks.task(n, signal), { ordered: false })[Symbol.asyncIterator]();
      const next = it.next();
      await settle();
      tasks.runs[2]!.finish('c');
      expect((await next).value).to.equal('c');
      tasks.runs[0]!.finish('a');
      expect((await it.next()).value).to.equal('a');
      tasks.runs[1]!.finish('b');
      expect((await it.next()).value).to.equal('b');
      expect((await it.next()).done).to.equal(true);
      await sup.stop();
    });

    it('should never read the source more than maxConcurrency items ahead of the loop', async () => {
      const { source, pulled } = counted(50);
      const sup = await TaskSupervisor.start();
      let live = 0;
      let maxLive = 0;
      let taken = 0;
      for await (const value of sup.asyncStream(source, async (n: number) => {
        live++;
        maxLive = Math.max(maxLive, live);
        await Promise.resolve();
        live--;
        return n * 2;
      }, { maxConcurrency: 3 })) {
        expect(value).to.equal(taken * 2);
        taken++;
        expect(pulled() - taken).to.be.at.most(3);
        await settle(); // a slow loop: the tasks all finish meanwhile, yet no more is read
        expect(pulled() - taken).to.be.at.most(3);
      }
      expect(taken).to.equal(50);
      expect(maxLive).to.be.at.most(3);
      await sup.stop();
    });

    it('should throw the error of a failed task, abort the others and close the source', async () => {
      const tasks = new Tasks();
      const { source, closed } = counted(10);
      const sup = await TaskSupervisor.start();
      const it = sup.asyncStream(source, (n, signal) => tasks.task(n, signal), { maxConcurrency: 3 })[Symbol.asyncIterator]();
      const next = it.next().catch((e: unknown) => e);
      await settle();
      tasks.runs[1]!.crash(new Error('task 1 failed'));
      expect(((await next) as Error).message).to.equal('task 1 failed');
      await settle();
      // The loop's tasks share one signal (without per-task timeouts they are only
      // stopped together): the crashed task 1, still listening, sees it fire too.
      expect(tasks.aborted).to.have.members([0, 1, 2]);
      expect(closed()).to.equal(true);
      expect((await sup.countChildren()).active).to.equal(0);
      await sup.stop();
    });

    it("should skip a timed-out task with onTimeout: 'skip', or yield a replacement with a function", async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks();
      const sup = await TaskSupervisor.start({ clock });
      const skip = sup.asyncStream([0, 1, 2], (n, signal) => tasks.task(n, signal), { timeout: 100, onTimeout: 'skip' })[Symbol.asyncIterator]();
      const results: unknown[] = [];
      const pending = (async () => {
        for (let r = await skip.next(); r.done !== true; r = await skip.next()) results.push(r.value);
      })();
      await settle();
      tasks.runs[0]!.finish('a');
      tasks.runs[2]!.finish('c');
      await clock.advance(100);
      await pending;
      expect(results).to.deep.equal(['a', 'c']);
      expect(tasks.aborted).to.deep.equal([1]);

      const replaced: unknown[] = [];
      const loop = (async () => {
        for await (const v of sup.asyncStream([5], (n, signal) => tasks.task(n, signal), { timeout: 50, onTimeout: (n) => `late ${n}` })) {
          replaced.push(v);
        }
      })();
      await clock.advance(50);
      await loop;
      expect(replaced).to.deep.equal(['late 5']);
      expect(tasks.aborted).to.deep.equal([1, 5]);
      expect(clock.pendingTimers).to.equal(0);
      await sup.stop();
    });

    it('should time each task out timeout ms after its own start (tasks started at 0, 0 and 30 ms time out at 100 and 130)', async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks();
      const sup = await TaskSupervisor.start({ clock });
      const expired: [unknown, number][] = [];
      const stream = sup.asyncStream([0, 1, 2], (n, signal) => tasks.task(n, signal), {
        maxConcurrency: 2,
        timeout: 100,
        onTimeout: (n) => {
          expired.push([n, clock.now()]);
          return `late ${n}`;
        },
      });
      const results: unknown[] = [];
      const loop = (async () => {
        for await (const v of stream) results.push(v);
      })();
      await settle();
      expect(tasks.started).to.deep.equal([0, 1]);
      await clock.advance(30);
      tasks.runs[0]!.finish('zero');
      await settle();
      expect(tasks.started).to.deep.equal([0, 1, 2]);
      await clock.advance(69);
      expect(expired).to.deep.equal([]);
      await clock.advance(1);
      expect(expired).to.deep.equal([[1, 100]]);
      await clock.advance(29);
      expect(expired).to.deep.equal([[1, 100]]);
      await clock.advance(1);
      await loop;
      expect(expired).to.deep.equal([[1, 100], [2, 130]]);
      expect(results).to.deep.equal(['zero', 'late 1', 'late 2']);
      expect(clock.pendingTimers).to.equal(0);
      await sup.stop();
    });

    it('should abort the running tasks when the loop breaks early', async () => {
      const tasks = new Tasks();
      const { source, closed } = counted(100);
      const sup = await TaskSupervisor.start();
      let seen = 0;
      for await (const v of sup.asyncStream(source, (n, signal) => (n === 0 ? Promise.resolve('first') : tasks.task(n, signal)), { maxConcurrency: 4 })) {
        expect(v).to.equal('first');
        seen++;
        break;
      }
      await settle();
      expect(seen).to.equal(1);
      expect(tasks.aborted).to.have.members([1, 2, 3]);
      expect(closed()).to.equal(true);
      await sup.stop();
    });

    it('should check its arguments at the call', async () => {
      const sup = await TaskSupervisor.start();
      expect(() => sup.asyncStream(42 as never, async () => 1)).to.throw(TypeError, 'expected source to be an iterable or an async iterable, got: 42');
      expect(() => sup.asyncStream([1], async () => 1, { maxConcurrency: 0 })).to.throw(RangeError, 'expected maxConcurrency to be an integer >= 1, got: 0');
      expect(() => sup.asyncStream([1], async () => 1, { onTimeout: 'kill' as never })).to.throw(RangeError, 'expected onTimeout');
      expect(() => sup.asyncStream([1], async () => 1, { timeout: -5 })).to.throw(RangeError, 'timeout');
      expect(() => sup.async('x' as never)).to.throw(TypeError, 'expected fn to be a function');
      expect(() => TaskSupervisor.start({ shutdown: 'never' as never })).to.throw(RangeError, 'shutdown');
      await sup.stop();
    });
  });
});
