import { expect } from 'chai';
import { ConsumerSupervisor, Flow, GenStage, StageExitError, TaskSupervisor, superviseStage, supervise } from '../../src/index.js';
import { settle, VirtualClock } from '../../src/testing/index.js';
import { GENERATION_SIZE, SharedSignal } from '../../src/supervisor/child.js';
import { ConcurrencyWindow, SKIP } from '../../src/supervisor/concurrency.js';
import { Numbers, Sink, Tasks } from './support.js';

/** Warnings Node emits while `run` runs (MaxListenersExceededWarning and the like). */
async function warningsDuring(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error): void => void seen.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
  }
  return seen;
}

describe('task signals: one per task only where a task is stopped alone', () => {
  describe('SharedSignal', () => {
    it('should hand the same signal to the tasks of one generation and abort it for all of them', () => {
      const shared = new SharedSignal();
      const a = shared.take();
      const b = shared.take();
      expect(a.controller.signal).to.equal(b.controller.signal);
      shared.abort();
      expect(a.controller.signal.aborted).to.equal(true);
      expect(shared.take().controller.signal.aborted).to.equal(true); // a task started after the stop
    });

    it('should make a new signal every GENERATION_SIZE (1024) starts, and not abort a generation whose tasks have all ended', () => {
      expect(GENERATION_SIZE).to.equal(1024);
      const shared = new SharedSignal();
      const first = Array.from({ length: GENERATION_SIZE }, () => shared.take());
      expect(new Set(first.map((g) => g.controller.signal)).size).to.equal(1);
      const next = shared.take();
      expect(next.controller.signal).not.to.equal(first[0]!.controller.signal);
      for (const g of first) shared.release(g);
      shared.abort();
      expect(first[0]!.controller.signal.aborted).to.equal(false); // dropped: its listeners went with it
      expect(next.controller.signal.aborted).to.equal(true);
    });

    it('should drop a generation whose tasks all ended before the next generation was made', () => {
      const shared = new SharedSignal();
      const first = Array.from({ length: GENERATION_SIZE }, () => shared.take());
      for (const g of first) shared.release(g);
      const next = shared.take();
      shared.abort();
      expect(first[0]!.controller.signal.aborted).to.equal(false); // dropped, not kept for the life of the stage
      expect(next.controller.signal.aborted).to.equal(true);
    });

    it('should look node:events up once, not once per generation (process.getBuiltinModule costs ~20 µs a call on Node 20)', () => {
      const original = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule')!;
      const lookup = process.getBuiltinModule.bind(process);
      const asked: string[] = [];
      process.getBuiltinModule = (id: string) => {
        asked.push(id);
        return lookup(id);
      };
      try {
        const shared = new SharedSignal();
        const generations = new Set(Array.from({ length: 4 * GENERATION_SIZE }, () => shared.take().controller.signal));
        expect(generations.size).to.equal(4);
      } finally {
        Object.defineProperty(process, 'getBuiltinModule', original);
      }
      expect(asked.length).to.be.at.most(1); // 0 when an earlier SharedSignal already looked it up
    });

    it('should call onAbort once, at the first abort', () => {
      let calls = 0;
      const shared = new SharedSignal(() => calls++);
      shared.abort();
      shared.abort();
      expect(calls).to.equal(1);
    });
  });

  it("should give every child of a superviseStage one signal, and abort it when the stage stops", async () => {
    const tasks = new Tasks();
    const source = await GenStage.start(new Numbers());
    const middle = await GenStage.start(superviseStage((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 3 }), { subscribeTo: [source] });
    const end = await GenStage.start(new Sink<unknown>(), { subscribeTo: [middle] });
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2]);
    expect(new Set(tasks.runs.map((r) => r.signal)).size).to.equal(1);
    expect(tasks.runs[0]!.signal.aborted).to.equal(false);
    await middle.stop('shutdown');
    expect(tasks.aborted).to.deep.equal([0, 1, 2]);
    expect(tasks.runs.every((r) => r.signal.aborted)).to.equal(true);
    await end.done;
    await source.stop();
  });

  it('should let 100 tasks add an abort listener each to a shared signal without a MaxListenersExceededWarning', async () => {
    const warnings = await warningsDuring(async () => {
      const results = await Flow.from(Array.from({ length: 100 }, (_, i) => i))
        .pipe(supervise(async (n: number, signal) => {
          const onAbort = (): void => {};
          signal.addEventListener('abort', onAbort);
          await new Promise((resolve) => setImmediate(resolve));
          signal.removeEventListener('abort', onAbort);
          return n;
        }, { maxConcurrency: 100 }))
        .toArray();
      expect(results).to.have.length(100);
    });
    expect(warnings.filter((w) => w.includes('MaxListeners'))).to.deep.equal([]);
  });

  it("should abort only the timed-out task's signal with onTimeout: 'skip' (a task stopped alone has its own)", async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks();
    const sup = await TaskSupervisor.start({ clock });
    const results: unknown[] = [];
    const loop = (async () => {
      for await (const r of sup.asyncStream([0, 1, 2], (n, signal) => tasks.task(n, signal), { timeout: 100, onTimeout: 'skip' })) results.push(r);
    })();
    await settle();
    expect(new Set(tasks.runs.map((r) => r.signal)).size).to.equal(3);
    tasks.runs[1]!.finish('one');
    tasks.runs[2]!.finish('two');
    await clock.advance(100);
    await loop;
    expect(tasks.aborted).to.deep.equal([0]);
    expect(results).to.deep.equal(['one', 'two']);
    await sup.stop();
  });

  it('should share one signal among the tasks of an asyncStream loop with the default timeout handling', async () => {
    const tasks = new Tasks();
    const sup = await TaskSupervisor.start();
    const it = sup.asyncStream([0, 1, 2], (n, signal) => tasks.task(n, signal))[Symbol.asyncIterator]();
    const first = it.next();
    await settle();
    expect(new Set(tasks.runs.map((r) => r.signal)).size).to.equal(1);
    for (const run of tasks.runs) run.finish(run.args[0]);
    expect(await first).to.deep.equal({ value: 0, done: false });
    await it.return!();
    await sup.stop();
  });

  it('should fail the loop and abort every task of a stream sharing a signal when one of them is terminated alone', async () => {
    const tasks = new Tasks(false); // the tasks do not end on abort: the loop must fail anyway
    const sup = await TaskSupervisor.start({ shutdown: 'brutal_kill' });
    const it = sup.asyncStream([0, 1, 2], (n, signal) => tasks.task(n, signal))[Symbol.asyncIterator]();
    const next = it.next().then(() => 'resolved', (e: unknown) => e);
    await settle();
    const [one] = (await sup.whichChildren()).filter((c) => c.args[0] === 1);
    expect(await sup.terminateChild(one!.id)).to.equal(true);
    const error = await next;
    expect(error).to.be.instanceOf(StageExitError);
    expect(sortedNumbers(tasks.aborted)).to.deep.equal([0, 1, 2]);
    for (const run of tasks.runs) run.finish();
    await sup.stop();
  });

  it('should keep a signal of its own for each ConsumerSupervisor child (each can be terminated alone)', async () => {
    const tasks = new Tasks();
    const source = await GenStage.start(new Numbers(2));
    const sup = await ConsumerSupervisor.start<number>({ child: (n: number, signal: AbortSignal) => tasks.task(n, signal), subscribeTo: [{ to: source, maxDemand: 2 }] });
    await settle();
    expect(tasks.started).to.deep.equal([0, 1]);
    expect(tasks.runs[0]!.signal).not.to.equal(tasks.runs[1]!.signal);
    const [first] = await sup.whichChildren();
    await sup.terminateChild(first!.id);
    expect(tasks.aborted).to.deep.equal([0]);
    tasks.runs[1]!.finish();
    await sup.stop();
    await source.stop();
  });
});

describe('one bounded-concurrency engine under superviseStage, supervise and asyncStream', () => {
  it('ConcurrencyWindow: should release results in input order when ordered, as they finish otherwise, skips giving nothing', () => {
    const ordered = new ConcurrencyWindow<string>(3, true);
    const out: string[] = [];
    const [a, b, c] = [ordered.start(), ordered.start(), ordered.start()];
    expect(ordered.settle(c, 'c', out)).to.equal(0);
    expect(ordered.settle(b, SKIP, out)).to.equal(0);
    expect(ordered.settle(a, 'a', out)).to.equal(3);
    expect(out).to.deep.equal(['a', 'c']);
    const unordered = new ConcurrencyWindow<string>(3, false);
    const out2: string[] = [];
    const [x, y] = [unordered.start(), unordered.start()];
    expect(unordered.settle(y, 'y', out2)).to.equal(1);
    expect(unordered.settle(x, SKIP, out2)).to.equal(1);
    expect(out2).to.deep.equal(['y']);
  });

  it('ConcurrencyWindow: should hold any number of results behind a slow first input, and release them in order', () => {
    const window = new ConcurrencyWindow<number>(2, true);
    const seqs = Array.from({ length: 40 }, () => window.start());
    const out: number[] = [];
    for (const seq of seqs.slice(1).reverse()) expect(window.settle(seq, seq % 3 === 0 ? SKIP : seq, out)).to.equal(0);
    expect(window.settle(seqs[0]!, 0, out)).to.equal(40);
    expect(out).to.deep.equal(seqs.filter((s) => s % 3 !== 0 || s === 0));
    const next = [window.start(), window.start()];
    expect(window.settle(next[1]!, 41, out)).to.equal(0);
    expect(window.settle(next[0]!, 40, out)).to.equal(2);
    expect(out.slice(-2)).to.deep.equal([40, 41]);
  });

  /**
   * The same six inputs through each runner, at most 2 at once, ordered (the shared
   * default): input 0's task ends last of those open, input 3 fails and is dropped
   * (onError for the stages, onTimeout: 'skip' for the stream). All three yield the
   * same results in input order, start the tasks in input order, and never run more
   * than 2 at once.
   */
  it('should yield the same results, in input order, with the same concurrency bound, from all three runners', async () => {
    const inputs = [0, 1, 2, 3, 4, 5];
    const outcomes: Record<string, { results: unknown[]; maxAlive: number; started: unknown[] }> = {};
    const drive = async (tasks: Tasks, done: Promise<unknown[]>, clock: VirtualClock | undefined): Promise<unknown[]> => {
      // Each round settles the open tasks other than input 0's (3 fails: a crash, or a
      // timeout on the stream's clock); input 0's only once nothing else is open.
      let finished = false;
      void done.then(() => (finished = true), () => (finished = true));
      for (let round = 0; round < 50 && !finished; round++) {
        await settle();
        const open = tasks.open;
        const others = open.filter((r) => r.args[0] !== 0);
        for (const run of others) {
          if (run.args[0] !== 3) run.finish(`r${String(run.args[0])}`);
          else if (clock === undefined) run.crash(new Error('three'));
        }
        // Time passes only for a task 3 left running alone (the others' deadlines are as far).
        if (clock !== undefined && others.length === 1 && others[0]!.args[0] === 3) await clock.advance(1000);
        if (others.length === 0) open.find((r) => r.args[0] === 0)?.finish('r0');
      }
      return done;
    };

    {
      const tasks = new Tasks();
      const source = await GenStage.fromIterable(inputs);
      const middle = await GenStage.start(superviseStage((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 2, restart: 'temporary', onError: () => {} }), { subscribeTo: [source] });
      const sink = new Sink<unknown>();
      const end = await GenStage.start(sink, { subscribeTo: [middle] });
      await drive(tasks, end.done.then(() => sink.events), undefined);
      outcomes.superviseStage = { results: sink.events, maxAlive: tasks.maxAlive, started: tasks.started };
    }
    {
      const tasks = new Tasks();
      const results = await drive(tasks, Flow.from(inputs).pipe(supervise((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 2, restart: 'temporary', onError: () => {} })).toArray(), undefined);
      outcomes.supervise = { results, maxAlive: tasks.maxAlive, started: tasks.started };
    }
    {
      const clock = new VirtualClock();
      const tasks = new Tasks();
      const sup = await TaskSupervisor.start({ clock });
      const collect = (async () => {
        const out: unknown[] = [];
        for await (const r of sup.asyncStream(inputs, (n, signal) => tasks.task(n, signal), { maxConcurrency: 2, timeout: 1000, onTimeout: 'skip' })) out.push(r);
        return out;
      })();
      const results = await drive(tasks, collect, clock);
      await sup.stop();
      outcomes.asyncStream = { results, maxAlive: tasks.maxAlive, started: tasks.started };
    }
    const expected = { results: ['r0', 'r1', 'r2', 'r4', 'r5'], maxAlive: 2, started: [0, 1, 2, 3, 4, 5] };
    expect(outcomes).to.deep.equal({ superviseStage: expected, supervise: expected, asyncStream: expected });
  });
});

function sortedNumbers(values: unknown[]): number[] {
  return (values as number[]).slice().sort((a, b) => a - b);
}
