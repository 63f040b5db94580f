import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { Flow, GenStage, TaskSupervisor, WorkerError, map, supervise, superviseStage, workerTask, type Stage } from '../../src/index.js';
import { liveWorkerThreads } from '../../src/runtime/worker-thread.js';
import { activeResources as resources, newResources as extra } from '../support/resources.js';

const WORK = new URL('../fixtures/workers/work.mjs', import.meta.url);

const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

async function drain<T>(stage: Stage<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of GenStage.stream([stage])) out.push(x);
  return out;
}

async function supervised<T>(input: number[], fn: (n: number, signal: AbortSignal) => T | Promise<T>, options: Parameters<typeof superviseStage>[1] = {}): Promise<Awaited<T>[]> {
  const source = await GenStage.fromIterable(input);
  const stage = await GenStage.start(superviseStage(fn, options), { subscribeTo: [source] });
  return drain(stage as Stage<Awaited<T>>);
}

describe('workerTask', function () {
  this.timeout(60_000);

  let before: Map<string, number>;
  let threads: number;
  let dir: string;
  beforeEach(async () => {
    await turn();
    before = resources();
    threads = liveWorkerThreads();
    dir = mkdtempSync(join(tmpdir(), 'genstage-worker-tasks-'));
    process.env.GENSTAGE_EXIT_MARKER = join(dir, 'exited');
    process.env.GENSTAGE_EXIT_AT = '37';
  });
  afterEach(async () => {
    delete process.env.GENSTAGE_EXIT_MARKER;
    delete process.env.GENSTAGE_EXIT_AT;
    rmSync(dir, { recursive: true, force: true });
    await turn();
    expect(liveWorkerThreads(), 'worker threads left running').to.equal(threads);
    expect(extra(before), 'resources left active').to.deep.equal([]);
  });

  describe('superviseStage', () => {
    it('should emit the same results as the same function on the main thread (ordered)', async () => {
      const input = range(200);
      const here = await supervised(input, (n) => n * 2, { ordered: true, maxConcurrency: 4 });
      const there = await supervised(input, workerTask<number, number>(WORK, 'double'), { ordered: true, maxConcurrency: 4, workers: 2 });
      expect(there).to.deep.equal(here);
    });

    it('should run the children on `workers` threads, none of them the main one', async () => {
      const out = (await supervised(range(60), workerTask(WORK, 'thread'), { maxConcurrency: 4, workers: 2 })) as [number, number][];
      const ids = new Set(out.map(([, id]) => id));
      expect(ids.size).to.equal(2);
      expect(ids.has(threadId)).to.equal(false);
    });

    it('should restart a child whose worker thread exited mid-task, with the same event, and lose no event', async () => {
      const out = await supervised(range(100), workerTask<number, number>(WORK, 'exitOnce'), { ordered: true, maxConcurrency: 4, workers: 2 });
      expect(existsSync(process.env.GENSTAGE_EXIT_MARKER!), 'the worker did exit').to.equal(true);
      expect(out).to.deep.equal(range(100).map((n) => n * 2));
    });

    it('should hand a WorkerError to onError when the thread exits and the child is temporary', async () => {
      const failed: [number, unknown][] = [];
      const out = await supervised(range(50), workerTask<number, number>(WORK, 'exitOnce'), {
        ordered: true,
        restart: 'temporary',
        workers: 2,
        onError: (event, reason) => failed.push([event as number, reason]),
      });
      expect(out).to.deep.equal(range(50).filter((n) => n !== 37).map((n) => n * 2));
      expect(failed.map(([event]) => event)).to.deep.equal([37]);
      expect(failed[0]![1]).to.be.instanceOf(WorkerError);
      expect((failed[0]![1] as WorkerError).exitCode).to.equal(7);
    });

    it('should give a child the error its export threw (name, message), without ending the thread', async () => {
      const failed: unknown[] = [];
      const out = await supervised(range(20), workerTask<number, number>(WORK, 'failOn13'), {
        ordered: true,
        restart: 'temporary',
        workers: 1,
        onError: (_event, reason) => failed.push(reason),
      });
      expect(out).to.deep.equal(range(20).filter((n) => n !== 13));
      expect(failed).to.have.length(1);
      expect((failed[0] as Error).name).to.equal('RangeError');
      expect((failed[0] as Error).message).to.equal('13 is unlucky');
    });

    it('should end a thread stuck in a synchronous loop when the stage stops', async () => {
      const source = await GenStage.fromIterable(range(3));
      const stage = await GenStage.start(superviseStage(workerTask(WORK, 'spin'), { workers: 1, shutdown: 'brutal_kill' }), { subscribeTo: [source] });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await stage.stop('shutdown');
    });

    it('should fail GenStage.start with a TypeError when the module or export is wrong', async () => {
      for (const [module, name, pattern] of [
        [new URL('../fixtures/workers/missing.mjs', import.meta.url), 'double', /^superviseStage: worker module file:.*missing\.mjs could not be loaded/],
        [WORK, 'tripple', /^superviseStage: worker module .* has no export "tripple"/],
        [WORK, 'notAFunction', /^superviseStage: worker module .* export "notAFunction" is not a function \(got: object\)$/],
      ] as const) {
        let error: unknown;
        await GenStage.start(superviseStage(workerTask(module, name), { workers: 1 })).catch((e: unknown) => (error = e));
        expect(error).to.be.instanceOf(TypeError);
        expect((error as Error).message).to.match(pattern);
      }
    });

    it('should check workers at the call', () => {
      expect(() => superviseStage((n: number) => n, { workers: 2 })).to.throw(TypeError, /workers applies to a workerTask\(\.\.\.\) function/);
      expect(() => superviseStage(workerTask(WORK, 'double'), { workers: 0 })).to.throw(RangeError, /expected workers to be an integer >= 1, got: 0/);
      expect(() => workerTask('work.mjs', 'double')).to.throw(TypeError, /workerTask: expected module to be a URL/);
      expect(() => workerTask(WORK, 'double', { transfer: 'yes' as never })).to.throw(TypeError, /expected transfer to be a boolean/);
    });
  });

  describe('the Flow supervise operator', () => {
    it('should run its children on worker threads with the same options as superviseStage', async () => {
      const input = range(100);
      const here = await Flow.from(input, { stages: 2 }).pipe(map((n: number) => n * 2)).toArray();
      const there = await Flow.from(input, { stages: 2 })
        .pipe(supervise(workerTask<number, number>(WORK, 'exitOnce'), { maxConcurrency: 3, workers: 1 }))
        .toArray();
      expect(existsSync(process.env.GENSTAGE_EXIT_MARKER!), 'a worker did exit').to.equal(true);
      expect([...there].sort((a, b) => a - b)).to.deep.equal([...here].sort((a, b) => a - b));
    });
  });

  describe('TaskSupervisor.asyncStream', () => {
    it('should yield the same results as the same function on the main thread, and end its threads with the loop', async () => {
      const tasks = await TaskSupervisor.start();
      const here: number[] = [];
      for await (const r of tasks.asyncStream(range(40), (n: number) => n * 2, { maxConcurrency: 3 })) here.push(r);
      const there: number[] = [];
      for await (const r of tasks.asyncStream(range(40), workerTask<number, number>(WORK, 'double'), { maxConcurrency: 3, workers: 2 })) there.push(r);
      expect(there).to.deep.equal(here);
      expect(liveWorkerThreads()).to.equal(threads);
      await tasks.stop();
    });

    it('should end its threads when the loop is left early', async () => {
      const tasks = await TaskSupervisor.start();
      const got: number[] = [];
      for await (const r of tasks.asyncStream(range(1000), workerTask<number, number>(WORK, 'doubleLater'), { maxConcurrency: 4 })) {
        got.push(r);
        if (got.length === 3) break;
      }
      expect(got).to.deep.equal([0, 2, 4]);
      await tasks.stop();
    });

    it('should throw a WorkerError from the loop when a task\'s thread exits (tasks are temporary)', async () => {
      const tasks = await TaskSupervisor.start();
      let error: unknown;
      try {
        for await (const _ of tasks.asyncStream(range(100), workerTask(WORK, 'exitOnce'), { maxConcurrency: 2 }));
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(WorkerError);
      await tasks.stop();
    });

    it('should throw the start error from the loop when the export is missing', async () => {
      const tasks = await TaskSupervisor.start();
      let error: unknown;
      try {
        for await (const _ of tasks.asyncStream(range(3), workerTask(WORK, 'nope')));
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/^asyncStream: worker module .* has no export "nope"/);
      await tasks.stop();
    });
  });

  describe('called by hand', () => {
    it('should run the export in a thread of its own for the one call', async () => {
      expect(await workerTask<number, number>(WORK, 'double')(21)).to.equal(42);
      expect(await workerTask<number, [number, number]>(WORK, 'thread')(1).then(([, id]) => id !== threadId)).to.equal(true);
    });

    it('should reject with a TypeError naming an input that cannot be cloned', async () => {
      let error: unknown;
      await workerTask(WORK, 'double')({ n: 1, f: () => 1 }).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/^workerTask\(work\.mjs#double\): argument \(at \.f\) is a function, which cannot be structured-cloned/);
    });

    it('should end the thread and reject with the reason when its signal fires', async () => {
      const controller = new AbortController();
      const call = workerTask(WORK, 'spin')(1, controller.signal);
      setTimeout(() => controller.abort(new Error('enough')), 50);
      let error: unknown;
      await call.catch((e: unknown) => (error = e));
      expect((error as Error).message).to.equal('enough');
    });
  });
});
