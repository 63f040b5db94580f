import { expect } from 'chai';
import { Consumer, GenStage, superviseStage, type Stage, type Subscription } from '../../src/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';
import { Numbers, Sink, Tasks, captureLog } from './support.js';

/** A consumer that asks only when cast a number. */
class Manual<T> extends Consumer<T> {
  readonly events: T[] = [];
  private sub: Subscription<T> | undefined;
  override handleSubscribe(_k: unknown, _o: unknown, from: Subscription<T>): 'manual' {
    this.sub = from;
    return 'manual';
  }
  handleEvents(events: T[]): void {
    this.events.push(...events);
  }
  override handleCast(count: number): void {
    this.ask(this.sub!, count);
  }
}

async function pipeline<T>(source: Stage<number>, stage: ReturnType<typeof superviseStage<number, T>>, clock?: VirtualClock) {
  const middle = await GenStage.start(stage, { subscribeTo: [{ to: source }], ...(clock ? { clock } : {}) });
  const sink = new Sink<T>();
  const end = await GenStage.start(sink, { subscribeTo: [{ to: middle, maxDemand: 1000 }] });
  return { middle, sink, end };
}

describe('superviseStage', () => {
  let log: ReturnType<typeof captureLog>;
  beforeEach(() => (log = captureLog()));
  afterEach(() => log.restore());

  it('should emit results in event order by default, as asyncStream does', async () => {
    const tasks = new Tasks();
    const source = await GenStage.fromIterable([0, 1, 2]);
    const { sink, end } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal)));
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2]);
    tasks.runs[2]!.finish('c');
    await settle();
    tasks.runs[0]!.finish('a');
    await settle();
    tasks.runs[1]!.finish('b');
    expect(await end.done).to.equal('normal');
    expect(sink.events).to.deep.equal(['a', 'b', 'c']);
  });

  it('should emit results as children finish with ordered: false', async () => {
    const tasks = new Tasks();
    const source = await GenStage.fromIterable([0, 1, 2]);
    const { sink, end } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal), { ordered: false }));
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2]);
    tasks.runs[2]!.finish('c');
    await settle();
    tasks.runs[0]!.finish('a');
    await settle();
    tasks.runs[1]!.finish('b');
    expect(await end.done).to.equal('normal');
    expect(sink.events).to.deep.equal(['c', 'a', 'b']);
  });

  it('should emit results in event order with ordered: true', async () => {
    const tasks = new Tasks();
    const source = await GenStage.fromIterable([0, 1, 2]);
    const { sink, end } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal), { ordered: true }));
    await settle();
    tasks.runs[2]!.finish('c');
    tasks.runs[1]!.finish('b');
    await settle();
    expect(sink.events).to.deep.equal([]);
    tasks.runs[0]!.finish('a');
    expect(await end.done).to.equal('normal');
    expect(sink.events).to.deep.equal(['a', 'b', 'c']);
  });

  it('should never run more than maxConcurrency children (a live counter, 40 events, maxConcurrency 4)', async () => {
    const tasks = new Tasks();
    const source = await GenStage.fromIterable(Array.from({ length: 40 }, (_, i) => i));
    const { sink, end } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 4 }));
    await settle();
    for (let i = 0; i < 40; i++) {
      expect(tasks.open.length).to.be.at.most(4);
      tasks.open[i % 2 === 0 ? 0 : tasks.open.length - 1]!.finish(i);
      await settle();
    }
    expect(await end.done).to.equal('normal');
    expect(tasks.maxAlive).to.equal(4);
    expect(sink.events.length).to.equal(40);
  });

  it('should stop forking while downstream holds no demand for the results', async () => {
    const tasks = new Tasks();
    const numbers = new Numbers();
    const source = await GenStage.start(numbers);
    const middle = await GenStage.start(superviseStage((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 3 }), { subscribeTo: [source] });
    const manual = new Manual<unknown>();
    const end = await GenStage.start(manual);
    await end.subscribe(middle);
    await settle();
    expect(tasks.runs.length).to.equal(0); // no downstream demand yet
    end.cast(1);
    await settle();
    expect(tasks.started).to.deep.equal([0]); // demand for one result: one child
    tasks.runs[0]!.finish('r0');
    await settle();
    expect(manual.events).to.deep.equal(['r0']);
    expect(tasks.runs.length).to.equal(1); // the demand was met: nothing more starts
    end.cast(5);
    await settle();
    expect(tasks.started).to.deep.equal([0, 1, 2, 3]); // demand 5, but maxConcurrency 3
    for (const run of tasks.open) run.finish(`r${String(run.args[0])}`);
    await settle();
    expect(manual.events).to.deep.equal(['r0', 'r1', 'r2', 'r3']);
    expect(tasks.started).to.deep.equal([0, 1, 2, 3, 4, 5]); // demand left for 2 more
    await middle.stop();
    await source.stop();
  });

  it('should run a crashed child again with the same event (transient) and emit its result', async () => {
    const tasks = new Tasks();
    const source = await GenStage.fromIterable([7]);
    const { sink, end } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal)));
    await settle();
    tasks.runs[0]!.crash();
    await settle();
    expect(tasks.started).to.deep.equal([7, 7]);
    tasks.runs[1]!.finish('ok');
    expect(await end.done).to.equal('normal');
    expect(sink.events).to.deep.equal(['ok']);
  });

  it('should fail the stage with the error when restarts run out and there is no onError', async () => {
    const clock = new VirtualClock();
    const tasks = new Tasks();
    const source = await GenStage.fromIterable([1, 2]);
    const { middle, end } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal), { maxRestarts: 1 }), clock);
    await settle();
    tasks.open.find((r) => r.args[0] === 1)!.crash(new Error('first'));
    await settle();
    const last = new Error('again');
    tasks.open.find((r) => r.args[0] === 1)!.crash(last);
    expect(await middle.done).to.equal(last);
    expect(await end.done).to.equal(last);
    // The children share one signal (they are only ever stopped together): it fires for
    // the running child (2) and for the two ended incarnations of 1 still listening.
    expect(tasks.aborted).to.deep.equal([1, 2, 1]);
  });

  it('should hand an unrestarted crash to onError and go on, emitting the other results', async () => {
    const tasks = new Tasks();
    const failures: unknown[] = [];
    const source = await GenStage.fromIterable([1, 2, 3]);
    const { sink, end } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal), {
      restart: 'temporary',
      ordered: true,
      onError: (event, error) => failures.push([(error as Error).message, event]),
    }));
    await settle();
    tasks.runs[1]!.crash(new Error('two failed'));
    tasks.runs[0]!.finish('one');
    tasks.runs[2]!.finish('three');
    expect(await end.done).to.equal('normal');
    expect(sink.events).to.deep.equal(['one', 'three']);
    expect(failures).to.deep.equal([['two failed', 2]]);
  });

  it('should fire the running children signals when the stage stops', async () => {
    const tasks = new Tasks();
    const source = await GenStage.start(new Numbers());
    const { middle } = await pipeline(source, superviseStage((n: number, signal) => tasks.task(n, signal), { maxConcurrency: 2 }));
    await settle();
    await middle.stop('shutdown');
    // One shared signal: both fire at once, in the order they listened.
    expect(tasks.aborted).to.deep.equal([0, 1]);
    await source.stop();
  });

  it('should check fn and its options at the call', () => {
    expect(() => superviseStage(42 as never)).to.throw(TypeError, 'expected fn to be a function, got: 42');
    expect(() => superviseStage(async () => 1, { maxConcurrency: 0 })).to.throw(RangeError, 'expected maxConcurrency to be an integer >= 1, got: 0');
    expect(() => superviseStage(async () => 1, { restart: 'permanent' as never })).to.throw(RangeError, "expected restart to be one of 'transient', 'temporary'");
    expect(() => superviseStage(async () => 1, { onError: 'log' as never })).to.throw(TypeError, 'expected onError to be a function');
    expect(() => superviseStage(async () => 1, { concurrency: 3 } as never)).to.throw(TypeError, 'unknown option concurrency');
  });
});
