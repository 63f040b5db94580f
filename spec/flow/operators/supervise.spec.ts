import { expect } from 'chai';
import { Flow, Window, map, onTrigger, partition, reduce, supervise } from '../../../src/index.js';
import { VirtualClock, settle } from '../../../src/testing/index.js';
import { Tasks, captureLog } from '../../supervisor/support.js';
import { range, sorted } from '../helpers.js';

describe('supervise', () => {
  let log: ReturnType<typeof captureLog>;
  beforeEach(() => (log = captureLog()));
  afterEach(() => {
    log.restore();
  });

  it('should emit the results in event order by default, as asyncStream does', async () => {
    const tasks = new Tasks();
    const out = Flow.from([0, 1, 2]).pipe(supervise((n: number, signal) => tasks.task(n, signal))).toArray();
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2]);
    tasks.runs[2]!.finish('c');
    await settle();
    tasks.runs[0]!.finish('a');
    await settle();
    tasks.runs[1]!.finish('b');
    expect(await out).to.deep.equal(['a', 'b', 'c']);
  });

  it('should emit each child result as it finishes with ordered: false', async () => {
    const tasks = new Tasks();
    const out = Flow.from([0, 1, 2]).pipe(supervise((n: number, signal) => tasks.task(n, signal), { ordered: false })).toArray();
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2]);
    tasks.runs[2]!.finish('c');
    await settle();
    tasks.runs[0]!.finish('a');
    await settle();
    tasks.runs[1]!.finish('b');
    expect(await out).to.deep.equal(['c', 'a', 'b']);
    expect(log.warnings).to.deep.equal([]);
  });

  it('should emit in event order with ordered: true, whatever order the children finish in', async () => {
    const tasks = new Tasks();
    const out = Flow.from([0, 1, 2, 3]).pipe(supervise((n: number, signal) => tasks.task(n, signal), { ordered: true })).toArray();
    await settle();
    tasks.runs[3]!.finish('d');
    tasks.runs[1]!.finish('b');
    tasks.runs[2]!.finish('c');
    await settle();
    tasks.runs[0]!.finish('a');
    expect(await out).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(await Flow.from(range(20)).pipe(supervise(async (n: number) => n * 10, { ordered: true, maxConcurrency: 3 })).toArray())
      .to.deep.equal(range(20).map((n) => n * 10));
  });

  it('should run at most maxConcurrency children at once (a live counter, 40 events, maxConcurrency 4)', async () => {
    const tasks = new Tasks();
    const out = Flow.from(range(0, 39)).pipe(supervise((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 4 })).toArray();
    await settle();
    for (let i = 0; i < 40; i++) {
      expect(tasks.open.length).to.be.at.most(4);
      tasks.open[i % 2 === 0 ? 0 : tasks.open.length - 1]!.finish(i);
      await settle();
    }
    expect(sorted(await out)).to.deep.equal(range(0, 39));
    expect(tasks.maxAlive).to.equal(4);
  });

  it('should run no more children than downstream has demand for (iterate with maxDemand 2, maxConcurrency 10)', async () => {
    const tasks = new Tasks();
    const flow = Flow.from(range(1, 12)).pipe(supervise((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 10 }));
    const iterator = flow.iterate({ maxDemand: 2, minDemand: 0 })[Symbol.asyncIterator]();
    const seen: unknown[] = [];
    let next = iterator.next(); // starts the flow
    await settle();
    while (seen.length < 12) {
      expect(tasks.open.length).to.be.at.most(2);
      for (const run of tasks.open) run.finish(run.args[0]);
      seen.push((await next).value);
      next = iterator.next();
      await settle();
    }
    expect((await next).done).to.equal(true);
    expect(sorted(seen)).to.deep.equal(range(1, 12));
    expect(tasks.maxAlive).to.equal(2);
    expect(log.warnings).to.deep.equal([]);
  });

  it('should run a crashed child again with the same event and emit its result (transient, the default)', async () => {
    const tasks = new Tasks();
    const out = Flow.from([7, 8]).pipe(supervise((n: number, signal) => tasks.task(n, signal))).toArray();
    await settle();
    tasks.runs[0]!.crash(new Error('flaky'));
    await settle();
    expect(tasks.started).to.deep.equal([7, 8, 7]);
    tasks.runs[2]!.finish('seven');
    tasks.runs[1]!.finish('eight');
    expect(sorted(await out)).to.deep.equal(['eight', 'seven']);
  });

  it('should count restarts within maxSeconds on the flow clock: one crash a second stays within maxRestarts 1, two at once do not', async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks();
    const out = Flow.from([1], { clock }).pipe(supervise((n: number, signal) => tasks.task(n, signal), { maxRestarts: 1, maxSeconds: 1 })).toArray();
    await settle();
    tasks.runs[0]!.crash();
    await clock.advance(1000);
    tasks.runs[1]!.crash();
    await settle();
    tasks.runs[2]!.finish('third time');
    expect(await out).to.deep.equal(['third time']);

    const failing = Flow.from([1], { clock }).pipe(supervise((n: number, signal) => tasks.task(n, signal), { maxRestarts: 1, maxSeconds: 1 })).toArray();
    await settle();
    tasks.runs[3]!.crash();
    await clock.advance(999);
    const last = new Error('once too often');
    tasks.runs[4]!.crash(last);
    expect(await failing.then(() => 'resolved', (e: unknown) => e)).to.equal(last);
  });

  it('should fail the flow with the reason when restarts run out, and fire the other children signals', async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks();
    const out = Flow.from([1, 2, 3], { clock }).pipe(supervise((n: number, signal) => tasks.task(n, signal), { maxRestarts: 0 })).toArray();
    await settle();
    const reason = new Error('no luck');
    tasks.runs[0]!.crash(reason);
    expect(await out.then(() => 'resolved', (e: unknown) => e)).to.equal(reason);
    // The children share one signal (only ever stopped together): it fires for the running
    // 2 and 3, and for the crashed 1, whose listener is still on it.
    expect(sorted(tasks.aborted)).to.deep.equal([1, 2, 3]);
    expect(tasks.started).to.deep.equal([1, 2, 3]);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('should hand a crash that is not restarted to onError(event, reason) and go on without a result for it', async () => {
    const tasks = new Tasks();
    const failures: unknown[] = [];
    const out = Flow.from([1, 2, 3])
      .pipe(supervise((n: number, signal) => tasks.task(n, signal), {
        restart: 'temporary',
        ordered: true,
        onError: (event, reason) => failures.push([event, (reason as Error).message]),
      }))
      .toArray();
    await settle();
    tasks.runs[1]!.crash(new Error('two failed'));
    tasks.runs[2]!.finish('three');
    await settle();
    tasks.runs[0]!.finish('one');
    expect(await out).to.deep.equal(['one', 'three']);
    expect(failures).to.deep.equal([[2, 'two failed']]);
    expect(tasks.started).to.deep.equal([1, 2, 3]);

    // Restarts that run out go to onError as well (a child that throws at once).
    const errors: unknown[] = [];
    const thrown = await Flow.from([1, 2, 3])
      .pipe(supervise((n: number) => {
        if (n === 2) throw new Error('bad two');
        return n * 10;
      }, { maxRestarts: 2, onError: (event, reason) => errors.push([event, (reason as Error).message]) }))
      .toArray();
    expect(sorted(thrown)).to.deep.equal([10, 30]);
    expect(errors).to.deep.equal([[2, 'bad two']]);
  });

  it('should fire the running children signals when the flow is cancelled (the loop breaks)', async () => {
    const tasks = new Tasks();
    const flow = Flow.from(range(0, 99)).pipe(supervise((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 3 }));
    const loop = (async () => {
      for await (const v of flow) {
        expect(v).to.equal('zero');
        break;
      }
    })();
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2]);
    tasks.runs[0]!.finish('zero');
    await loop;
    await settle();
    // 0 finished; its slot may have gone to 3 before the loop broke. Every child still running
    // was aborted; the finished 0 shares their signal (still listening), so it sees it fire too.
    expect(tasks.started.slice(0, 3)).to.deep.equal([0, 1, 2]);
    expect(tasks.started.length).to.be.at.most(4);
    expect(sorted(tasks.aborted)).to.deep.equal(tasks.started);
    expect(tasks.runs.every((r) => r.settled)).to.equal(true);
  });

  it('should supervise in every partition, and keep each partition\'s results in that partition for what follows', async () => {
    const tasks = new Tasks();
    const out = Flow.from(range(1, 12))
      .pipe(
        partition({ hash: (n: number) => [n, n % 3], stages: 3 }),
        supervise((n: number, signal) => tasks.task(n, signal) as Promise<number>, { maxConcurrency: 2 }),
        map((n: number) => n * 10),
        reduce(() => new Set<number>(), (n: number, residues) => residues.add((n / 10) % 3)),
      )
      .toArray();
    await settle();
    // Two children per partition at once: the first two of each residue class.
    expect(sorted(tasks.started)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    while (tasks.open.length > 0) {
      for (const run of tasks.open) run.finish(run.args[0]);
      await settle();
    }
    expect(tasks.started.length).to.equal(12);
    // Each partition's reducer saw one residue only: three sets of one element (mixed, they would hold more).
    expect(sorted(await out)).to.deep.equal([0, 1, 2]);
  });

  it('should chain with mappers and with another supervise, with several stages from the source', async () => {
    const out = await Flow.from(range(1, 30), { stages: 3 })
      .pipe(
        supervise(async (n: number) => n + 1, { maxConcurrency: 4 }),
        map((n: number) => n * 2),
        supervise(async (n: number) => `#${n}`, { maxConcurrency: 2 }),
      )
      .toArray();
    expect(sorted(out)).to.deep.equal(sorted(range(1, 30).map((n) => `#${(n + 1) * 2}`)));
    expect(log.warnings).to.deep.equal([]);
  });

  it('should keep the window of the layer before it for a reducer after it (count windows of 3)', async () => {
    const out = await Flow.from(range(1, 7), { window: Window.count(3) })
      .pipe(
        supervise(async (n: number) => n * 10, { ordered: true, maxConcurrency: 2 }),
        reduce(() => 0, (n: number, sum: number) => sum + n),
        onTrigger((sum: number) => [[sum], 0]),
      )
      .toArray();
    expect(out).to.deep.equal([60, 150, 70]);
  });

  it('should check fn and its options at the call, naming the option and the value', () => {
    expect(() => supervise(42 as never)).to.throw(TypeError, 'expected fn to be a function, got: 42');
    expect(() => supervise(async () => 1, { maxConcurrency: 0 })).to.throw(RangeError, 'expected maxConcurrency to be an integer >= 1, got: 0');
    expect(() => supervise(async () => 1, { maxConcurrency: 2.5 })).to.throw(TypeError, 'expected maxConcurrency to be an integer >= 1, got: 2.5');
    expect(() => supervise(async () => 1, { ordered: 'yes' as never })).to.throw(TypeError, "expected ordered to be a boolean, got: \"yes\"");
    expect(() => supervise(async () => 1, { restart: 'permanent' as never })).to.throw(RangeError, "expected restart to be one of 'transient', 'temporary'");
    expect(() => supervise(async () => 1, { maxRestarts: -1 })).to.throw(RangeError, 'expected maxRestarts to be an integer >= 0, got: -1');
    expect(() => supervise(async () => 1, { maxSeconds: 0 })).to.throw(RangeError, 'maxSeconds');
    expect(() => supervise(async () => 1, { shutdown: 'never' as never })).to.throw(RangeError, 'shutdown');
    expect(() => supervise(async () => 1, { onError: 'log' as never })).to.throw(TypeError, "expected onError to be a function, got: \"log\"");
    expect(() => supervise(async () => 1, { concurrency: 3 } as never)).to.throw(TypeError, 'concurrency');
    expect(() => supervise(async () => 1, 'fast' as never)).to.throw(TypeError, 'options');
    expect(() => supervise(async () => 1)({} as never)).to.throw(TypeError, 'expected a Flow');
  });
});
