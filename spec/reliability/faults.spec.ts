// The protocol rules cited below (R7) are stated in docs/protocol.md.
import { expect } from 'chai';
import {
  GenStage, Producer, ProducerConsumer, Consumer, setLogger, StageExitError,
  type CancelMode, type CancelReason, type Stage, type Subscription,
} from '../../src/index.js';
import { settle } from '../../src/testing/index.js';
import { guardRecords } from '../support/guard.js';

/** Counts up from 0 to `limit - 1`; throws on the `failAt`-th call of handleDemand (0-based), if given. */
class Counter extends Producer<number> {
  private n = 0;
  private calls = 0;
  constructor(private readonly failAt = -1, private readonly error = new Error('producer failed'), private readonly limit = Infinity) {
    super();
  }
  handleDemand(demand: number): number[] {
    if (this.calls++ === this.failAt) throw this.error;
    const count = Math.min(demand, this.limit - this.n);
    return Array.from({ length: count }, () => this.n++);
  }
}

class Recorder<T> extends Consumer<T> {
  readonly got: T[] = [];
  readonly cancels: CancelReason[] = [];
  constructor(private readonly onEvents?: (events: T[]) => void | Promise<void>) {
    super();
  }
  handleEvents(events: T[]): void | Promise<void> {
    this.got.push(...events);
    return this.onEvents?.(events);
  }
  override handleCancel(reason: CancelReason): void {
    this.cancels.push(reason);
  }
}

/** Passes events through; throws when it sees `poison` (mid-batch: the events before it were emitted by earlier calls only). */
class Poisoned extends ProducerConsumer<number, number> {
  constructor(private readonly poison: number) {
    super();
  }
  handleEvents(events: number[]): number[] {
    if (events.includes(this.poison)) throw new Error(`poisoned by ${this.poison}`);
    return events;
  }
}

function captureLogs(): { warnings: string[]; errors: string[]; restore: () => void } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const previous = setLogger({ warn: (m) => warnings.push(m), error: (m) => errors.push(m) });
  return { warnings, errors, restore: () => setLogger(previous) };
}

describe('reliability: fault injection', () => {
  let escapesBefore = 0;
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    escapesBefore = guardRecords().length;
    logs = captureLogs();
  });
  afterEach(async () => {
    await settle();
    logs.restore();
    expect(guardRecords().length - escapesBefore, 'errors that reached unhandledRejection/uncaughtException').to.equal(0);
  });

  describe('a producer that crashes mid-stream (R7 cancel modes)', () => {
    async function crashWith(cancel: CancelMode): Promise<{ consumer: Stage<never>; recorder: Recorder<number>; producer: Stage<number>; error: Error }> {
      const error = new Error('producer failed');
      const producer = await GenStage.start(new Counter(2, error));
      void producer.done;
      const recorder = new Recorder<number>();
      const consumer = await GenStage.start(recorder, { subscribeTo: [{ to: producer, maxDemand: 4, minDemand: 2, cancel }] });
      await settle();
      return { consumer, recorder, producer, error };
    }

    it('R7: should stop a permanent consumer with the producer\'s error, after the events it received', async () => {
      const { consumer, recorder, producer, error } = await crashWith('permanent');
      expect(await producer.done).to.equal(error);
      expect(await consumer.done).to.equal(error);
      expect(recorder.got).to.deep.equal([0, 1, 2, 3, 4, 5]);
      expect(recorder.cancels).to.deep.equal([{ down: error }]);
    });

    it('R7: should stop a transient consumer on an abnormal exit', async () => {
      const { consumer, recorder, error } = await crashWith('transient');
      expect(await consumer.done).to.equal(error);
      expect(recorder.cancels).to.deep.equal([{ down: error }]);
    });

    it('R7: should keep a temporary consumer running, with handleCancel told { down: error }', async () => {
      const { consumer, recorder, error } = await crashWith('temporary');
      expect(consumer.alive).to.equal(true);
      expect(recorder.cancels).to.deep.equal([{ down: error }]);
      await consumer.stop();
    });

    for (const reason of ['normal', 'shutdown', { shutdown: 'maintenance' }] as const) {
      it(`R7: should keep a transient consumer running when its producer stops with ${JSON.stringify(reason)}`, async () => {
        const producer = await GenStage.start(new Counter(-1, undefined, 10));
        const recorder = new Recorder<number>();
        const consumer = await GenStage.start(recorder, { subscribeTo: [{ to: producer, maxDemand: 2, cancel: 'transient' }] });
        await settle();
        await producer.stop(reason);
        await settle();
        expect(consumer.alive).to.equal(true);
        expect(recorder.cancels).to.deep.equal([{ down: reason }]);
        await consumer.stop();
      });
    }
  });

  describe('a consumer that crashes mid-stream', () => {
    it('should not stop its producer, and the producer\'s other consumer gets every later event, in order', async () => {
      const producer = await GenStage.fromIterable(Array.from({ length: 50 }, (_, i) => i), { demand: 'accumulate' });
      let batches = 0;
      const failing = new Recorder<number>(() => {
        if (++batches === 2) throw new Error('consumer failed');
      });
      const healthy = new Recorder<number>();
      const sFailing = await GenStage.start(failing);
      const sHealthy = await GenStage.start(healthy);
      const failedWith = sFailing.done;
      await sFailing.subscribe(producer, { maxDemand: 2, minDemand: 0 });
      await sHealthy.subscribe(producer, { maxDemand: 5 });
      producer.demand('forward');
      await settle();
      expect(((await failedWith) as Error).message).to.equal('consumer failed');
      expect(await producer.done).to.equal('normal');
      expect(await sHealthy.done).to.equal('normal');
      // Every event reached exactly one consumer, except the batch the failing one died holding.
      const lost = Array.from({ length: 50 }, (_, i) => i).filter((i) => !failing.got.includes(i) && !healthy.got.includes(i));
      expect(lost).to.deep.equal([]);
      expect(healthy.got).to.deep.equal([...healthy.got].sort((a, b) => a - b));
      expect(failing.got.filter((e) => healthy.got.includes(e))).to.deep.equal([]);
    });

    it('should reject a rejected promise from handleEvents as the exit reason, not as an unhandled rejection', async () => {
      const producer = await GenStage.fromIterable([1, 2, 3]);
      const consumer = await GenStage.start(new Recorder<number>(async () => {
        await Promise.resolve();
        throw new Error('async failure');
      }), { subscribeTo: [producer] });
      expect(((await consumer.done) as Error).message).to.equal('async failure');
    });
  });

  describe('a producer-consumer that crashes mid-batch', () => {
    it('should stop its permanent consumer with the error and leave its producer running for others', async () => {
      const source = await GenStage.fromIterable(Array.from({ length: 20 }, (_, i) => i), { demand: 'accumulate' });
      const pc = await GenStage.start(new Poisoned(7));
      const pcDone = pc.done;
      const downstream = new Recorder<number>();
      const sDown = await GenStage.start(downstream);
      await sDown.subscribe(pc, { maxDemand: 4, minDemand: 2 });
      await pc.subscribe(source, { maxDemand: 4, minDemand: 2 });
      const other = new Recorder<number>();
      const sOther = await GenStage.start(other);
      await sOther.subscribe(source, { maxDemand: 3 });
      source.demand('forward');
      await settle();
      const error = (await pcDone) as Error;
      expect(error.message).to.equal('poisoned by 7');
      expect(await sDown.done).to.equal(error);
      expect(downstream.got.includes(7)).to.equal(false);
      expect(await source.done).to.equal('normal');
      expect(await sOther.done).to.equal('normal');
      expect(other.got.length).to.be.greaterThan(0);
    });
  });

  describe('callbacks other than the event ones', () => {
    it('should reject GenStage.start when init throws, with nothing left running', async () => {
      class BadInit extends Producer<number> {
        override init(): void {
          throw new RangeError('bad init');
        }
        handleDemand(): number[] {
          return [];
        }
      }
      let caught: unknown;
      try {
        await GenStage.start(new BadInit());
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(RangeError);
      expect(logs.errors).to.deep.equal([]);
    });

    it('should reject GenStage.start when an async init rejects', async () => {
      class BadAsyncInit extends Consumer<number> {
        override async init(): Promise<void> {
          await Promise.resolve();
          throw new Error('bad async init');
        }
        handleEvents(): void {}
      }
      let caught: unknown;
      try {
        await GenStage.start(new BadAsyncInit());
      } catch (error) {
        caught = error;
      }
      expect((caught as Error).message).to.equal('bad async init');
    });

    it('should keep the exit reason and log when terminate throws', async () => {
      class BadTerminate extends Consumer<number> {
        handleEvents(): void {}
        override terminate(): void {
          throw new Error('terminate failed');
        }
      }
      const stage = await GenStage.start(new BadTerminate());
      await stage.stop('shutdown');
      expect(await stage.done).to.equal('shutdown');
      expect(logs.errors.some((m) => /terminate threw/.test(m))).to.equal(true);
    });

    it('should fail a pending call with StageExitError when handleCall throws', async () => {
      class BadCall extends Consumer<number> {
        handleEvents(): void {}
        override handleCall(): never {
          throw new Error('call failed');
        }
      }
      const stage = await GenStage.start(new BadCall());
      void stage.done;
      let caught: unknown;
      try {
        await stage.call('hello');
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(StageExitError);
      expect(((await stage.done) as Error).message).to.equal('call failed');
    });

    it('should stop the stage when handleInfo, handleCast or handleCancel throw', async () => {
      class Bad extends Consumer<number> {
        handleEvents(): void {}
        override handleInfo(): never {
          throw new Error('info failed');
        }
        override handleCast(): never {
          throw new Error('cast failed');
        }
        override handleCancel(): never {
          throw new Error('cancel failed');
        }
      }
      const a = await GenStage.start(new Bad());
      a.send('x');
      expect(((await a.done) as Error).message).to.equal('info failed');
      const b = await GenStage.start(new Bad());
      b.cast('x');
      expect(((await b.done) as Error).message).to.equal('cast failed');
      const producer = await GenStage.fromIterable([1]);
      const c = await GenStage.start(new Bad(), { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
      expect(((await c.done) as Error).message).to.equal('cancel failed');
    });

    it('should report a crash nobody observed to the logger instead of swallowing it or leaking a rejection', async () => {
      class Crash extends Consumer<number> {
        handleEvents(): void {}
        override handleInfo(): never {
          throw new Error('unobserved');
        }
      }
      const stage = await GenStage.start(new Crash());
      stage.send('go');
      await settle();
      expect(stage.alive).to.equal(false);
      expect(logs.errors.some((m) => /nobody observed it/.test(m))).to.equal(true);
    });
  });

  describe('GenStage.stream over a failing producer', () => {
    it('should throw the producer\'s error from the for-await loop, once, with nothing unhandled', async () => {
      const producer = await GenStage.start(new Counter(1, new Error('stream source failed')));
      const seen: number[] = [];
      let caught: unknown;
      try {
        for await (const n of GenStage.stream([{ to: producer, maxDemand: 3 }])) seen.push(n as number);
      } catch (error) {
        caught = error;
      }
      expect((caught as Error).message).to.equal('stream source failed');
      expect(seen).to.deep.equal([0, 1, 2]);
    });

    it('should cancel upstream without errors when the loop breaks early', async () => {
      const producer = await GenStage.fromIterable(Array.from({ length: 100 }, (_, i) => i), { onCancel: 'stop' });
      const seen: number[] = [];
      for await (const n of GenStage.stream([{ to: producer, maxDemand: 10 }])) {
        seen.push(n);
        if (n === 4) break;
      }
      expect(seen).to.deep.equal([0, 1, 2, 3, 4]);
      expect(await producer.done).to.equal('normal');
    });
  });

  describe('cancelling a subscription from inside its own callbacks', () => {
    it('should end a consumer that cancels mid-batch without excess events or warnings', async () => {
      let sub: Subscription<number> | undefined;
      class Quitter extends Consumer<number> {
        readonly got: number[] = [];
        override handleSubscribe(_k: 'producer' | 'consumer', _o: Readonly<Record<string, unknown>>, from: Subscription<number>): void {
          sub = from;
        }
        handleEvents(events: number[]): void {
          this.got.push(...events);
          if (this.got.length >= 5) this.cancel(sub!, 'enough');
        }
      }
      const producer = await GenStage.start(new Counter());
      const quitter = new Quitter();
      const stage = await GenStage.start(quitter, { subscribeTo: [{ to: producer, maxDemand: 4, minDemand: 0 }] });
      expect(await stage.done).to.equal('enough');
      expect(quitter.got.length).to.be.at.most(8);
      expect(logs.warnings).to.deep.equal([]);
      expect(producer.alive).to.equal(true);
      await producer.stop();
    });
  });
});
