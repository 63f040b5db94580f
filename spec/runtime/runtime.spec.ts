import { expect } from 'chai';
import { Consumer, ConsumerSupervisor, DynamicSupervisor, ErrorCodes, Flow, GenStage, Producer, ProducerConsumer, Runtime, Window, getLogger, map, partition, reduce, setLogger, window, type Logger } from '../../src/index.js';
import { settle, VirtualClock } from '../../src/testing/index.js';
import { runtimeScheduler } from '../../src/runtime/runtime.js';
import { fromObservable } from '../../src/interop/rxjs/index.js';
import { fromReadableStream } from '../../src/interop/web/index.js';
import { of } from 'rxjs';

/** A logger that keeps what it is given, as `warn: ...` / `error: ...` lines. */
function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (m) => void lines.push(`warn: ${m}`), error: (m) => void lines.push(`error: ${m}`) };
}

/** Emits 0, 1, 2... forever: a runtime with it never goes quiet. */
class Endless extends Producer<number> {
  private n = 0;
  handleDemand(demand: number): number[] {
    return Array.from({ length: demand }, () => this.n++);
  }
}
/** Emits its items as demand comes, then stops 'normal'. */
class Items extends Producer<number> {
  constructor(private readonly items: number[]) {
    super();
  }
  handleDemand(demand: number): number[] {
    const out = this.items.splice(0, demand);
    if (this.items.length === 0) this.stop('normal');
    return out;
  }
}
class Count extends Consumer<number> {
  seen = 0;
  handleEvents(events: number[]): void {
    this.seen += events.length;
  }
}
class Collect extends Consumer<number> {
  readonly seen: number[] = [];
  handleEvents(events: number[]): void {
    this.seen.push(...events);
  }
}
class Double extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map((x) => x * 2);
  }
}
/** Defines no handleCast: a cast is reported to the stage's logger. */
class Mute extends Consumer<number> {
  handleEvents(): void {}
}

describe('Runtime', () => {
  it('should run stages on Runtime.default unless given a runtime, and report to the program logger', async () => {
    const log = capture();
    const previous = setLogger(log);
    try {
      const stage = await GenStage.start(new Mute(), { name: 'mute' });
      stage.cast('hello');
      await settle();
      expect(log.lines).to.deep.equal(['warn: mute received a cast but defines no handleCast: "hello"']);
      expect(Runtime.default.logger).to.equal(log);
      await stage.stop();
    } finally {
      setLogger(previous);
    }
  });

  it('should let settle(runtime) return while another runtime still has work', async () => {
    const a = new Runtime({ name: 'a' });
    const b = new Runtime({ name: 'b' });
    // b never goes quiet: an endless producer feeding a consumer.
    const endless = await GenStage.start(new Endless(), { runtime: b });
    const counter = new Count();
    const busy = await GenStage.start(counter, { runtime: b, subscribeTo: [{ to: endless, maxDemand: 10 }] });
    // a runs a finite pipeline.
    const collect = new Collect();
    const source = await GenStage.start(new Items([1, 2, 3]), { runtime: a });
    const doubled = await GenStage.start(new Double(), { runtime: a, subscribeTo: [source] });
    await GenStage.start(collect, { runtime: a, subscribeTo: [doubled] });
    await settle(a);
    expect(collect.seen).to.deep.equal([2, 4, 6]);
    // b kept working all along, and still is.
    const before = counter.seen;
    expect(before).to.be.greaterThan(0);
    expect(busy.alive).to.equal(true);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(counter.seen).to.be.greaterThan(before);
    await endless.stop();
    await settle(b);
    expect(busy.alive).to.equal(false);
  });

  it('should not count another runtime as work: settle() returns while a runtime of its own is busy', async () => {
    const b = new Runtime();
    const endless = await GenStage.start(new Endless(), { runtime: b });
    const counter = new Count();
    await GenStage.start(counter, { runtime: b, subscribeTo: [{ to: endless, maxDemand: 10 }] });
    await settle(); // Runtime.default has nothing to do; b's endless pipeline does not hold it up
    expect(counter.seen).to.be.greaterThan(0);
    await endless.stop();
    await settle(b);
  });

  it('should give each runtime\'s logger the reports of its own stages only', async () => {
    const program = capture();
    const previous = setLogger(program);
    try {
      const logA = capture();
      const logB = capture();
      const a = new Runtime({ logger: logA });
      const b = new Runtime({ logger: logB });
      const onA = await GenStage.start(new Mute(), { runtime: a, name: 'on-a' });
      const onB = await GenStage.start(new Mute(), { runtime: b, name: 'on-b' });
      onA.cast(1);
      onB.cast(2);
      // A crash nobody observes is reported by the runtime of the stage that crashed.
      onB.send('crash');
      await settle(a);
      await settle(b);
      await onA.stop();
      await onB.stop({ shutdown: 'done' });
      expect(logA.lines).to.deep.equal(['warn: on-a received a cast but defines no handleCast: 1']);
      expect(logB.lines).to.deep.equal(['warn: on-b received a cast but defines no handleCast: 2', 'warn: on-b received a message but defines no handleInfo: "crash"']);
      expect(program.lines).to.deep.equal([]);
    } finally {
      setLogger(previous);
    }
  });

  it('should report an unobserved crash to the logger of the crashed stage\'s runtime', async () => {
    const log = capture();
    const runtime = new Runtime({ logger: log });
    class Boom extends Consumer<number> {
      handleEvents(): void {}
      override handleCast(): void {
        throw new Error('boom');
      }
    }
    const stage = await GenStage.start(new Boom(), { runtime, name: 'boom' });
    stage.cast('go');
    await settle(runtime);
    expect(stage.alive).to.equal(false);
    expect(log.lines).to.deep.equal(['error: boom exited and nobody observed it']);
  });

  it('should use the program logger at each report when the runtime has none of its own', async () => {
    const runtime = new Runtime();
    const log = capture();
    const previous = setLogger(log);
    try {
      expect(runtime.logger).to.equal(log);
      const stage = await GenStage.start(new Mute(), { runtime, name: 'plain' });
      stage.cast('x');
      await settle(runtime);
      await stage.stop();
      expect(log.lines).to.deep.equal(['warn: plain received a cast but defines no handleCast: "x"']);
    } finally {
      setLogger(previous);
    }
    expect(runtime.logger).to.equal(getLogger());
  });

  it('should let a VirtualClock settle the runtime it is given', async () => {
    const runtime = new Runtime();
    const clock = new VirtualClock(0, { runtime });
    const seen: string[] = [];
    class Ticker extends Consumer<number> {
      override init(): void {
        this.sendAfter('tick', 1000);
      }
      handleEvents(): void {}
      override handleInfo(message: string): void {
        seen.push(`${message}@${clock.now()}`);
      }
    }
    const stage = await GenStage.start(new Ticker(), { runtime, clock });
    await clock.advance(1000);
    expect(seen).to.deep.equal(['tick@1000']);
    await stage.stop();
    expect(clock.pendingTimers).to.equal(0);
  });

  describe('Flow', () => {
    it('should start every stage of a flow (source, operators, sink) on the flow\'s runtime', async () => {
      const runtime = new Runtime();
      const defaultTurns = runtimeScheduler(Runtime.default).turns;
      const out = await Flow.from([1, 2, 3, 4, 5, 6], { runtime, stages: 2 })
        .pipe(
          map((x: number) => x * 10),
          partition({ key: (x: number) => x % 20, stages: 2 }),
          reduce(() => [] as number[], (x: number, acc: number[]) => [...acc, x]),
        )
        .toArray();
      expect(out.sort((a, b) => a - b)).to.deep.equal([10, 20, 30, 40, 50, 60]);
      expect(runtimeScheduler(runtime).turns).to.be.greaterThan(0);
      // Not one turn of the flow ran on the default runtime.
      expect(runtimeScheduler(Runtime.default).turns - defaultTurns).to.equal(0);
    });

    it('should send the reports of a flow\'s stages to its runtime\'s logger only', async () => {
      const program = capture();
      const previous = setLogger(program);
      try {
        const log = capture();
        const runtime = new Runtime({ logger: log });
        interface Ev { id: string; t: number }
        // c comes after b has closed the first second: a late event, reported (no onLateEvent hook).
        await Flow.from([{ id: 'a', t: 0 }, { id: 'b', t: 1500 }, { id: 'c', t: 200 }], { runtime, maxDemand: 2, minDemand: 1 })
          .pipe(window(Window.fixed(1, 'second', (e: Ev) => e.t)), reduce(() => [] as string[], (e: Ev, acc: string[]) => [...acc, e.id]))
          .run();
        expect(log.lines).to.deep.equal([
          'warn: flow stage 1/1: 1 late events (window already done) were left out; give the window onLateEvent(hook) to handle them',
        ]);
        expect(program.lines).to.deep.equal([]);
      } finally {
        setLogger(previous);
      }
    });

    it('should refuse a Flow.from runtime that is not a Runtime', () => {
      expect(() => Flow.from([1], { runtime: Runtime as never }))
        .to.throw(TypeError, 'expected runtime to be a Runtime (new Runtime()), got: function Runtime')
        .with.property('code', ErrorCodes.INVALID_TYPE);
    });
  });

  describe('push sources', () => {
    it('should start fromObservable and fromReadableStream producers on the given runtime', async () => {
      const runtime = new Runtime();
      const defaultTurns = runtimeScheduler(Runtime.default).turns;
      const observed = await fromObservable(of(1, 2, 3), { runtime });
      const streamed = await fromReadableStream(new ReadableStream<number>({ start: (c) => { c.enqueue(4); c.enqueue(5); c.close(); } }), { runtime });
      const fromRx = new Collect();
      const fromWeb = new Collect();
      const sinks = [await GenStage.start(fromRx, { runtime, subscribeTo: [observed] }), await GenStage.start(fromWeb, { runtime, subscribeTo: [streamed] })];
      expect(await Promise.all(sinks.map((sink) => sink.done))).to.deep.equal(['normal', 'normal']);
      expect([fromRx.seen, fromWeb.seen]).to.deep.equal([[1, 2, 3], [4, 5]]);
      expect(runtimeScheduler(Runtime.default).turns - defaultTurns).to.equal(0);
    });

    it('should refuse a runtime that is not a Runtime at the call', () => {
      expect(() => fromObservable(of(1), { runtime: 'default' as never })).to.throw(TypeError, 'expected runtime to be a Runtime (new Runtime()), got: "default"');
    });
  });

  describe('supervisors', () => {
    it('should report a DynamicSupervisor child\'s crash to the supervisor\'s runtime logger only', async () => {
      const program = capture();
      const previous = setLogger(program);
      try {
        const log = capture();
        const runtime = new Runtime({ logger: log });
        const sup = await DynamicSupervisor.start({ runtime, name: 'sup' });
        await sup.startChild({ start: async () => { await Promise.resolve(); throw new Error('boom'); }, restart: 'temporary', name: 'job' });
        await settle(runtime);
        await sup.stop();
        expect(log.lines).to.deep.equal(['error: sup: child #1 (job) exited with Error: boom']);
        expect(program.lines).to.deep.equal([]);
      } finally {
        setLogger(previous);
      }
    });

    it('should run a ConsumerSupervisor\'s stage on its runtime', async () => {
      const runtime = new Runtime();
      const source = await GenStage.start(new Items([1, 2, 3]), { runtime });
      const seen: number[] = [];
      const defaultTurns = runtimeScheduler(Runtime.default).turns;
      const sup = await ConsumerSupervisor.start({ runtime, child: (n: number) => void seen.push(n), subscribeTo: [source] });
      expect(await sup.done).to.equal('normal');
      expect(seen).to.deep.equal([1, 2, 3]);
      expect(runtimeScheduler(Runtime.default).turns - defaultTurns).to.equal(0);
    });
  });

  describe('bad input', () => {
    it('should refuse a runtime option that is not a Runtime, naming the option and the value', () => {
      const call = (): unknown => GenStage.start(new Mute(), { runtime: { logger: 1 } as unknown as Runtime });
      expect(call).to.throw(TypeError, 'expected runtime to be a Runtime (new Runtime()), got: {"logger":1}').with.property('code', ErrorCodes.INVALID_TYPE);
    });

    it('should refuse a Runtime logger without warn() and error()', () => {
      expect(() => new Runtime({ logger: { error: 'console' } as unknown as Logger }))
        .to.throw(TypeError, 'expected logger to have warn() and error() functions, got: {"error":"console"}')
        .with.property('code', ErrorCodes.INVALID_TYPE);
    });

    it('should refuse an unknown Runtime option', () => {
      expect(() => new Runtime({ scheduler: {} } as never)).to.throw(TypeError, 'Runtime options').with.property('code', ErrorCodes.UNKNOWN_OPTION);
    });

    it('should refuse settle() of something that is not a Runtime', () => {
      expect(() => settle('default' as unknown as Runtime)).to.throw(TypeError, 'expected runtime to be a Runtime (new Runtime()), got: "default"');
    });
  });
});
