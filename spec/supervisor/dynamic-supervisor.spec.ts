import { expect } from 'chai';
import { GenStage, StageExitError, type Stage } from '../../src/index.js';
import { DynamicSupervisor, StartChildError, type RestartMode } from '../../src/supervisor/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';
import { Numbers, Tasks, captureLog } from './support.js';

describe('DynamicSupervisor', () => {
  let log: ReturnType<typeof captureLog>;
  beforeEach(() => (log = captureLog()));
  afterEach(() => log.restore());

  it('should start a task child with its arguments and an AbortSignal, and count it', async () => {
    const tasks = new Tasks();
    const sup = await DynamicSupervisor.start();
    const started = await sup.startChild(tasks.task, 'a', 1);
    expect(started).to.deep.equal({ id: 1, child: undefined });
    expect(tasks.runs[0]?.args).to.deep.equal(['a', 1]);
    expect(tasks.runs[0]?.signal).to.be.instanceOf(AbortSignal);
    expect(await sup.countChildren()).to.deep.equal({ specs: 1, active: 1, workers: 1, supervisors: 0 });
    const [info] = await sup.whichChildren();
    expect(info).to.include({ id: 1, type: 'task', restart: 'permanent', status: 'running' });
    await sup.stop();
  });

  describe('restart matrix', () => {
    // [restart mode, how the child ends, is it restarted]
    const matrix: [RestartMode, 'finish' | 'crash' | 'shutdown', boolean][] = [
      ['temporary', 'finish', false],
      ['temporary', 'crash', false],
      ['temporary', 'shutdown', false],
      ['transient', 'finish', false],
      ['transient', 'crash', true],
      ['transient', 'shutdown', false],
      ['permanent', 'finish', true],
      ['permanent', 'crash', true],
      ['permanent', 'shutdown', true],
    ];
    for (const [restart, end, restarted] of matrix) {
      it(`should ${restarted ? '' : 'not '}restart a ${restart} child that ${end === 'finish' ? 'resolves' : end === 'crash' ? 'rejects with an Error' : "rejects with 'shutdown'"}`, async () => {
        const tasks = new Tasks();
        const sup = await DynamicSupervisor.start();
        await sup.startChild({ start: tasks.task, restart }, 'x');
        const run = tasks.runs[0]!;
        if (end === 'finish') run.finish(42);
        else if (end === 'crash') run.crash(new Error('boom'));
        else run.crash('shutdown');
        await settle();
        expect(tasks.runs.length).to.equal(restarted ? 2 : 1);
        expect((await sup.countChildren()).active).to.equal(restarted ? 1 : 0);
        if (restarted) expect(tasks.runs[1]?.args).to.deep.equal(['x']);
        await sup.stop();
      });
    }

    it('should keep the child id across restarts', async () => {
      const tasks = new Tasks();
      const sup = await DynamicSupervisor.start();
      const { id } = await sup.startChild({ start: tasks.task, restart: 'transient' }, 'x');
      tasks.runs[0]!.crash();
      await settle();
      expect((await sup.whichChildren()).map((c) => c.id)).to.deep.equal([id]);
      await sup.stop();
    });
  });

  describe('restart intensity', () => {
    it("should exit 'shutdown' on the 4th restart within 5 s (maxRestarts 3, maxSeconds 5) and stop the other children", async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks();
      const sup = await DynamicSupervisor.start({ clock });
      await sup.startChild({ start: tasks.task, restart: 'permanent' }, 'other');
      await sup.startChild({ start: tasks.task, restart: 'permanent' }, 'flaky');
      for (let i = 0; i < 3; i++) {
        tasks.open.find((r) => r.args[0] === 'flaky')!.crash();
        await clock.advance(1000);
      }
      expect(sup.alive).to.equal(true);
      expect(tasks.started.filter((a) => a === 'flaky').length).to.equal(4);
      tasks.open.find((r) => r.args[0] === 'flaky')!.crash();
      expect(await sup.done).to.equal('shutdown');
      expect(tasks.aborted).to.deep.equal(['other']);
      expect(tasks.started.filter((a) => a === 'flaky').length).to.equal(4);
    });

    it('should forget restarts older than maxSeconds', async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks();
      const sup = await DynamicSupervisor.start({ clock, maxRestarts: 1, maxSeconds: 3 });
      await sup.startChild({ start: tasks.task, restart: 'transient' }, 'x');
      for (let i = 0; i < 5; i++) {
        tasks.open[0]!.crash();
        await clock.advance(3000);
      }
      expect(sup.alive).to.equal(true);
      expect(tasks.runs.length).to.equal(6);
      tasks.open[0]!.crash();
      await clock.advance(1000);
      tasks.open[0]!.crash();
      expect(await sup.done).to.equal('shutdown');
    });

    it('should shut down on the first restart with maxRestarts 0', async () => {
      const tasks = new Tasks();
      const sup = await DynamicSupervisor.start({ maxRestarts: 0, clock: new VirtualClock() });
      await sup.startChild(tasks.task, 'x');
      tasks.runs[0]!.finish(); // permanent: even a normal exit is restarted
      expect(await sup.done).to.equal('shutdown');
      expect(tasks.runs.length).to.equal(1);
    });
  });

  describe('terminateChild', () => {
    it("should fire the child's AbortSignal, remove it without restarting it, and resolve true", async () => {
      const tasks = new Tasks();
      const sup = await DynamicSupervisor.start();
      const { id } = await sup.startChild({ start: tasks.task, restart: 'permanent' }, 'x');
      expect(await sup.terminateChild(id)).to.equal(true);
      expect(tasks.runs[0]!.signal.aborted).to.equal(true);
      expect(tasks.aborted).to.deep.equal(['x']);
      await settle();
      expect(tasks.runs.length).to.equal(1);
      expect(await sup.countChildren()).to.deep.equal({ specs: 0, active: 0, workers: 0, supervisors: 0 });
      expect(await sup.terminateChild(id)).to.equal(false);
      await sup.stop();
    });

    it('should wait `shutdown` ms for a child that ignores its signal, then give up on it', async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks(false);
      const sup = await DynamicSupervisor.start({ clock });
      const { id } = await sup.startChild({ start: tasks.task, shutdown: 300 }, 'x');
      let terminated = false;
      void sup.terminateChild(id).then(() => (terminated = true));
      await clock.advance(299);
      expect(terminated).to.equal(false);
      expect(tasks.runs[0]!.signal.aborted).to.equal(true);
      await clock.advance(1);
      expect(terminated).to.equal(true);
      expect(clock.pendingTimers).to.equal(0);
      await sup.stop();
    });

    it('should clear the shutdown timer when the child ends within it', async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks(false);
      const sup = await DynamicSupervisor.start({ clock });
      const { id } = await sup.startChild({ start: tasks.task, shutdown: 5000 }, 'x');
      const terminated = sup.terminateChild(id);
      await clock.advance(10);
      expect(clock.pendingTimers).to.equal(1);
      tasks.runs[0]!.finish();
      expect(await terminated).to.equal(true);
      expect(clock.pendingTimers).to.equal(0);
      await sup.stop();
    });

    it("should not wait at all with 'brutal_kill', and wait for ever with Infinity", async () => {
      const clock = new VirtualClock();
      const tasks = new Tasks(false);
      const sup = await DynamicSupervisor.start({ clock });
      const brutal = await sup.startChild({ start: tasks.task, shutdown: 'brutal_kill' }, 'brutal');
      const patient = await sup.startChild({ start: tasks.task, shutdown: Infinity }, 'patient');
      expect(await sup.terminateChild(brutal.id)).to.equal(true);
      expect(tasks.runs[0]!.signal.aborted).to.equal(true);
      let terminated = false;
      void sup.terminateChild(patient.id).then(() => (terminated = true));
      await clock.advance(1_000_000);
      expect(terminated).to.equal(false);
      tasks.runs[1]!.finish();
      await settle();
      expect(terminated).to.equal(true);
      await sup.stop();
    });
  });

  it('should stop its children in reverse start order, firing each signal, when it stops', async () => {
    const tasks = new Tasks();
    const sup = await DynamicSupervisor.start();
    for (const name of ['a', 'b', 'c']) await sup.startChild(tasks.task, name);
    await sup.stop();
    expect(tasks.aborted).to.deep.equal(['c', 'b', 'a']);
    expect(tasks.runs.every((r) => r.signal.aborted)).to.equal(true);
    expect(await sup.done).to.equal('normal');
  });

  it('should stop the next child only once the previous one has ended', async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks(false);
    const sup = await DynamicSupervisor.start({ clock });
    await sup.startChild({ start: tasks.task, shutdown: 1000 }, 'a');
    await sup.startChild({ start: tasks.task, shutdown: 1000 }, 'b');
    const stopped = sup.stop();
    await settle();
    expect(tasks.aborted).to.deep.equal(['b']);
    tasks.runs[1]!.finish();
    await settle();
    expect(tasks.aborted).to.deep.equal(['b', 'a']);
    await clock.advance(1000); // 'a' ignores its signal: given up after 1000 ms
    await stopped;
    expect(clock.pendingTimers).to.equal(0);
  });

  it('should keep its children in start order as the first, a middle and the last of them end, and find the rest by id', async () => {
    const tasks = new Tasks();
    const sup = await DynamicSupervisor.start();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await sup.startChild({ start: tasks.task, restart: 'temporary' }, name);
    for (const i of [0, 2, 4]) tasks.runs[i]!.finish(); // a, c, e
    await settle();
    const ids = async (): Promise<[number, unknown][]> => (await sup.whichChildren()).map((c) => [c.id, c.args[0]]);
    expect(await ids()).to.deep.equal([[2, 'b'], [4, 'd']]);
    expect(await sup.countChildren()).to.deep.equal({ specs: 2, active: 2, workers: 2, supervisors: 0 });
    expect(await sup.terminateChild(3)).to.equal(false); // c has ended
    expect(await sup.terminateChild(4)).to.equal(true);
    await sup.startChild({ start: tasks.task, restart: 'temporary' }, 'f');
    expect(await ids()).to.deep.equal([[2, 'b'], [6, 'f']]);
    await sup.stop();
    expect(tasks.aborted).to.deep.equal(['d', 'f', 'b']);
  });

  it('should find by id the children started and ended after a first terminateChild, and no longer find the ones that ended', async () => {
    const tasks = new Tasks();
    const sup = await DynamicSupervisor.start();
    for (const name of ['a', 'b', 'c']) await sup.startChild({ start: tasks.task, restart: 'temporary' }, name);
    expect(await sup.terminateChild(2)).to.equal(true); // b: the first lookup by id
    for (const name of ['d', 'e', 'f']) await sup.startChild({ start: tasks.task, restart: 'temporary' }, name);
    tasks.runs[0]!.finish(); // a
    tasks.runs[4]!.finish(); // e
    await settle();
    expect(await sup.terminateChild(1)).to.equal(false); // a has ended
    expect(await sup.terminateChild(5)).to.equal(false); // e has ended
    expect(await sup.terminateChild(6)).to.equal(true); // f, started after the first lookup
    expect(await sup.terminateChild(2)).to.equal(false); // b, already terminated
    expect((await sup.whichChildren()).map((c) => [c.id, c.args[0]])).to.deep.equal([[3, 'c'], [4, 'd']]);
    await sup.stop();
    expect(tasks.aborted).to.deep.equal(['b', 'f', 'd', 'c']);
  });

  it("should refuse a child past maxChildren with StartChildError 'max_children'", async () => {
    const tasks = new Tasks();
    const sup = await DynamicSupervisor.start({ maxChildren: 2 });
    await sup.startChild(tasks.task, 1);
    await sup.startChild(tasks.task, 2);
    const error = await sup.startChild(tasks.task, 3).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(StartChildError);
    expect((error as StartChildError).reason).to.equal('max_children');
    expect(tasks.runs.length).to.equal(2);
    await sup.stop();
  });

  it('should reject startChild with StartChildError when the task throws before returning, and not restart it', async () => {
    const sup = await DynamicSupervisor.start();
    const error = await sup.startChild(() => {
      throw new Error('bad args');
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(StartChildError);
    expect(((error as StartChildError).reason as Error).message).to.equal('bad args');
    expect((await sup.countChildren()).specs).to.equal(0);
    expect(sup.alive).to.equal(true);
    await sup.stop();
  });

  describe('stage and supervisor children', () => {
    it("should supervise a stage: restart it with the same arguments after a crash, and stop it 'shutdown'", async () => {
      const starts: number[] = [];
      const sup = await DynamicSupervisor.start();
      const { child: first } = await sup.startChild({
        type: 'stage',
        restart: 'transient',
        start: (limit: number) => {
          starts.push(limit);
          return GenStage.start(new Numbers(limit));
        },
      }, 7);
      expect(first.kind).to.equal('producer');
      await first.stop(new Error('boom'));
      await settle();
      expect(starts).to.deep.equal([7, 7]);
      const [info] = await sup.whichChildren();
      const second = info!.child as Stage<number>;
      expect(second).to.not.equal(first);
      expect(second.alive).to.equal(true);
      await sup.stop();
      expect(await second.done).to.equal('shutdown');
    });

    it("should fail the start of a 'stage' child whose start resolves with something else", async () => {
      const sup = await DynamicSupervisor.start();
      const error = await sup.startChild({ type: 'stage', start: async () => ({}) as Stage<number> }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StartChildError);
      expect(((error as StartChildError).reason as Error).message).to.match(/to resolve with a Stage or a supervisor/);
      await sup.stop();
    });

    it('should stop a tree: the root stops its child supervisor, which aborts its tasks', async () => {
      const tasks = new Tasks();
      const root = await DynamicSupervisor.start({ name: 'root' });
      const { child: inner } = await root.startChild({ type: 'supervisor', start: () => DynamicSupervisor.start({ name: 'inner' }) });
      await inner.startChild(tasks.task, 'leaf');
      expect(await root.countChildren()).to.deep.equal({ specs: 1, active: 1, workers: 0, supervisors: 1 });
      await root.stop();
      expect(tasks.aborted).to.deep.equal(['leaf']);
      expect(await inner.done).to.equal('shutdown');
    });

    it("should restart a child supervisor that ran out of restarts ('shutdown' is abnormal for no one, so only permanent)", async () => {
      const tasks = new Tasks();
      const root = await DynamicSupervisor.start();
      const { child: inner } = await root.startChild({
        type: 'supervisor',
        restart: 'permanent',
        start: async () => {
          const s = await DynamicSupervisor.start({ maxRestarts: 0 });
          await s.startChild(tasks.task, 'leaf');
          return s;
        },
      });
      tasks.runs[0]!.crash();
      expect(await inner.done).to.equal('shutdown');
      await settle();
      expect(tasks.runs.length).to.equal(2);
      await root.stop();
    });
  });

  it('should log an abnormal child exit', async () => {
    const tasks = new Tasks();
    const sup = await DynamicSupervisor.start({ name: 'logged' });
    await sup.startChild({ start: tasks.task, restart: 'temporary', name: 'worker' }, 'x');
    tasks.runs[0]!.crash(new Error('boom'));
    await settle();
    expect(log.errors).to.deep.equal(['logged: child #1 (worker) exited with Error: boom']);
    await sup.stop();
  });

  it('should reject calls made after it exited', async () => {
    const sup = await DynamicSupervisor.start();
    await sup.stop();
    const error = await sup.countChildren().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(StageExitError);
  });

  describe('bad input', () => {
    it('should name the bad option in a TypeError or RangeError', () => {
      expect(() => DynamicSupervisor.start({ maxRestarts: -1 })).to.throw(RangeError, 'expected maxRestarts to be an integer >= 0, got: -1');
      expect(() => DynamicSupervisor.start({ maxSeconds: 0 })).to.throw(RangeError, 'expected maxSeconds to be a number > 0, got: 0');
      expect(() => DynamicSupervisor.start({ maxChildren: 0 })).to.throw(RangeError, 'maxChildren');
      expect(() => DynamicSupervisor.start({ clock: {} as VirtualClock })).to.throw(TypeError, 'expected clock');
      expect(() => DynamicSupervisor.start({ maxRestart: 1 } as object)).to.throw(TypeError, 'unknown option maxRestart');
    });

    it('should check a child spec at startChild', async () => {
      const sup = await DynamicSupervisor.start();
      expect(() => sup.startChild(42 as never)).to.throw(TypeError, 'expected child spec to be an object, got: 42');
      expect(() => sup.startChild({ start: async () => {}, restart: 'sometimes' as RestartMode })).to.throw(RangeError, "expected child spec.restart to be one of 'permanent', 'transient', 'temporary', got: \"sometimes\"");
      expect(() => sup.startChild({ start: async () => {}, shutdown: -1 })).to.throw(RangeError, "expected child spec.shutdown to be an integer >= 0, Infinity or 'brutal_kill', got: -1");
      expect(() => sup.startChild({ start: 'nope' } as never)).to.throw(TypeError, 'expected child spec.start to be a function');
      expect(() => sup.terminateChild('x' as never)).to.throw(TypeError, "expected a child id or a child's Stage or supervisor");
      await sup.stop();
    });
  });
});
