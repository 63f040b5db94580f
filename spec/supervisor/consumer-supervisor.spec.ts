// The protocol rules cited below (R14) are stated in docs/protocol.md.
import { expect } from 'chai';
import { GenStage, Producer, type Stage } from '../../src/index.js';
import { ConsumerSupervisor } from '../../src/supervisor/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';
import { Numbers, Tasks, captureLog } from './support.js';

async function numbers(limit = Infinity): Promise<{ producer: Numbers; stage: Stage<number> }> {
  const producer = new Numbers(limit);
  return { producer, stage: await GenStage.start(producer) };
}

describe('ConsumerSupervisor', () => {
  let log: ReturnType<typeof captureLog>;
  beforeEach(() => (log = captureLog()));
  afterEach(() => log.restore());

  it('should start one child per event, called with the event and an AbortSignal', async () => {
    const tasks = new Tasks();
    const { stage } = await numbers(3);
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [stage] });
    await settle();
    expect(tasks.runs.map((r) => r.args)).to.deep.equal([[0], [1], [2]]);
    expect(tasks.runs.every((r) => r.signal instanceof AbortSignal)).to.equal(true);
    expect(await sup.countChildren()).to.deep.equal({ specs: 3, active: 3, workers: 3, supervisors: 0 });
    await sup.stop();
    await stage.stop();
  });

  it('R14: should keep at most maxDemand children alive per producer (a live counter, 100 events, maxDemand 10)', async () => {
    const tasks = new Tasks();
    const { stage } = await numbers(100);
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [{ to: stage, maxDemand: 10, minDemand: 3 }] });
    await settle();
    let finished = 0;
    while (finished < 100) {
      const open = tasks.open;
      expect(open.length).to.be.at.most(10);
      // finish them one by one, oldest and newest alternately
      (finished % 2 === 0 ? open[0] : open[open.length - 1])!.finish();
      finished++;
      await settle();
    }
    expect(tasks.maxAlive).to.equal(10);
    expect(tasks.runs.length).to.equal(100);
    expect(new Set(tasks.started).size).to.equal(100);
    await sup.stop();
    await stage.stop();
  });

  it('R14: should not ask after 4 exits and ask for 5 after the 5th (maxDemand 10, minDemand 5)', async () => {
    const tasks = new Tasks();
    const { producer, stage } = await numbers();
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [{ to: stage, maxDemand: 10, minDemand: 5 }] });
    await settle();
    expect(producer.asks).to.deep.equal([10]);
    expect(tasks.alive).to.equal(10);
    for (let i = 0; i < 4; i++) tasks.runs[i]!.finish();
    await settle();
    expect(producer.asks).to.deep.equal([10]);
    tasks.runs[4]!.finish();
    await settle();
    expect(producer.asks).to.deep.equal([10, 5]);
    expect(tasks.alive).to.equal(10);
    expect(tasks.started.slice(10)).to.deep.equal([10, 11, 12, 13, 14]);
    await sup.stop();
    await stage.stop();
  });

  it('R14: should count exits of temporary children, normal or not, toward the next ask', async () => {
    const tasks = new Tasks();
    const { producer, stage } = await numbers();
    const sup = await ConsumerSupervisor.start<number>({ child: { start: tasks.task, restart: 'temporary' }, subscribeTo: [{ to: stage, maxDemand: 4, minDemand: 2 }] });
    await settle();
    tasks.runs[0]!.crash();
    tasks.runs[1]!.finish();
    await settle();
    expect(producer.asks).to.deep.equal([4, 2]);
    expect(tasks.runs.length).to.equal(6);
    expect(log.errors).to.deep.equal([`${sup.name}: child #1 (task) exited with Error: crash 0`]);
    await sup.stop();
    await stage.stop();
  });

  it('R14: should restart a crashed transient child with the same event and keep its slot', async () => {
    const tasks = new Tasks();
    const { producer, stage } = await numbers();
    const sup = await ConsumerSupervisor.start<number>({ child: { start: tasks.task, restart: 'transient' }, subscribeTo: [{ to: stage, maxDemand: 2, minDemand: 0 }] });
    await settle();
    tasks.runs[0]!.crash();
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 0]);
    expect(producer.asks).to.deep.equal([2]);
    tasks.runs[2]!.finish(); // the restarted child ends normally: now the slot is free
    await settle();
    expect(producer.asks).to.deep.equal([2, 1]);
    expect(tasks.started).to.deep.equal([0, 1, 0, 2]);
    await sup.stop();
    await stage.stop();
  });

  it('R14: should count a failed start as a finished child', async () => {
    const { producer, stage } = await numbers();
    const started: number[] = [];
    const sup = await ConsumerSupervisor.start<number>({
      child: (n: number, signal: AbortSignal) => {
        if (n % 2 === 0) throw new Error(`cannot start ${n}`);
        started.push(n);
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      },
      subscribeTo: [{ to: stage, maxDemand: 2, minDemand: 0 }],
    });
    await settle();
    // 0 fails (ask 1 more), 1 runs, 2 fails (ask 1), 3 runs: two children alive, no more asks
    expect(started).to.deep.equal([1, 3]);
    expect(producer.asks).to.deep.equal([2, 1, 1]);
    expect(log.errors[0]).to.equal(`${sup.name}: could not start a child for 0: Error: cannot start 0`);
    await sup.stop('shutdown');
    await stage.stop();
  });

  it("R14: should exit 'shutdown' when restarts run out, aborting its other children", async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks();
    const { stage } = await numbers();
    const sup = await ConsumerSupervisor.start<number>({
      child: { start: tasks.task, restart: 'transient' },
      subscribeTo: [{ to: stage, maxDemand: 2, cancel: 'temporary' }],
      maxRestarts: 2,
      clock,
    });
    await settle();
    for (let i = 0; i < 3; i++) {
      tasks.open.find((r) => r.args[0] === 0)!.crash();
      await settle();
    }
    expect(await sup.done).to.equal('shutdown');
    expect(tasks.started).to.deep.equal([0, 1, 0, 0]);
    expect(tasks.aborted).to.deep.equal([1]);
    await stage.stop();
  });

  it("should fire a child's AbortSignal on terminateChild and free its slot", async () => {
    const tasks = new Tasks();
    const { producer, stage } = await numbers();
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [{ to: stage, maxDemand: 3, minDemand: 0 }] });
    await settle();
    const [first] = await sup.whichChildren();
    expect(first?.args).to.deep.equal([0]);
    expect(await sup.terminateChild(first!.id)).to.equal(true);
    await settle();
    expect(tasks.runs[0]!.signal.aborted).to.equal(true);
    expect(producer.asks).to.deep.equal([3, 1]);
    expect(await sup.terminateChild(first!.id)).to.equal(false);
    await sup.stop();
    await stage.stop();
  });

  it('should fire every running child signal on shutdown, newest first', async () => {
    const tasks = new Tasks();
    const { stage } = await numbers(3);
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [{ to: stage, cancel: 'temporary' }] });
    await settle();
    await sup.stop();
    expect(tasks.aborted).to.deep.equal([2, 1, 0]);
    await stage.stop();
  });

  it('should let running children finish when the producer ends normally, then exit normal', async () => {
    const tasks = new Tasks();
    const source = await GenStage.fromIterable([1, 2, 3]);
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [source] });
    await settle();
    expect(await source.done).to.equal('normal');
    expect(sup.alive).to.equal(true);
    tasks.runs[0]!.finish();
    tasks.runs[1]!.finish();
    await settle();
    expect(sup.alive).to.equal(true);
    tasks.runs[2]!.finish();
    expect(await sup.done).to.equal('normal');
    expect(tasks.aborted).to.deep.equal([]);
  });

  it('should stop at once and abort its children when the producer crashes', async () => {
    const tasks = new Tasks();
    const { stage } = await numbers();
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [{ to: stage, maxDemand: 2 }] });
    await settle();
    const boom = new Error('producer failed');
    await stage.stop(boom);
    expect(await sup.done).to.equal(boom);
    expect(tasks.aborted).to.deep.equal([1, 0]);
  });

  it('should keep running, children and all, when a temporary producer goes away', async () => {
    const tasks = new Tasks();
    const { stage } = await numbers();
    const sup = await ConsumerSupervisor.start<number>({ child: tasks.task, subscribeTo: [{ to: stage, maxDemand: 2, cancel: 'temporary' }] });
    await settle();
    await stage.stop(new Error('gone'));
    await settle();
    expect(sup.alive).to.equal(true);
    expect(tasks.aborted).to.deep.equal([]);
    expect((await sup.countChildren()).active).to.equal(2);
    const again = await numbers(1);
    await sup.subscribe(again.stage, { maxDemand: 5 });
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 0]);
    await sup.stop();
  });

  it('should start a child outside demand with startChild', async () => {
    const tasks = new Tasks();
    const sup = await ConsumerSupervisor.start<string>({ child: tasks.task });
    const { id } = await sup.startChild('manual');
    expect(id).to.equal(1);
    expect(tasks.started).to.deep.equal(['manual']);
    await sup.stop();
  });

  it("should supervise stage children: start(event) resolves with a Stage", async () => {
    class Once extends Producer<number> {
      constructor(readonly n: number) {
        super();
      }
      handleDemand(): number[] {
        return [];
      }
    }
    const { stage } = await numbers(2);
    const sup = await ConsumerSupervisor.start<number>({
      child: { type: 'stage', start: (n: number) => GenStage.start(new Once(n)) },
      subscribeTo: [{ to: stage, cancel: 'temporary' }],
    });
    await settle();
    const children = await sup.whichChildren();
    expect(children.map((c) => c.type)).to.deep.equal(['stage', 'stage']);
    const stages = children.map((c) => c.child as Stage<number>);
    await stages[0]!.stop();
    await settle();
    expect((await sup.countChildren()).active).to.equal(1);
    await sup.stop();
    expect(await stages[1]!.done).to.equal('shutdown');
    await stage.stop();
  });

  describe('bad input', () => {
    it('should refuse a permanent child, a missing child and bad limits at start', () => {
      expect(() => ConsumerSupervisor.start({ child: { start: async () => {}, restart: 'permanent' } })).to.throw(RangeError, "expected child.restart to be 'transient' or 'temporary'");
      expect(() => ConsumerSupervisor.start({} as never)).to.throw(TypeError, 'expected child');
      expect(() => ConsumerSupervisor.start({ child: async () => {}, maxSeconds: -1 })).to.throw(RangeError, 'maxSeconds');
      expect(() => ConsumerSupervisor.start({ child: async () => {}, subscribeTo: [{ to: 'x' }] } as never)).to.throw(TypeError, 'expected to (the producer to subscribe to) to be a Stage');
      expect(() => ConsumerSupervisor.start({ child: async () => {}, maxChildren: 3 } as never)).to.throw(TypeError, 'unknown option maxChildren');
    });
  });
});
