import { expect } from 'chai';
import {
  GenStage, Producer, ProducerConsumer, Consumer, DemandDispatcher, BroadcastDispatcher, PartitionDispatcher,
  type Dispatcher, type Stage, type Subscription,
} from '../../src/index.js';
import { settle } from '../../src/testing/index.js';
import { activeResources, baseline, newResources } from '../support/resources.js';

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Counts active handles by type (timers, immediates, sockets...). Take the baseline
 * with `baseline()`: mocha arms the test's own timeout timer only after the test
 * function returns its promise.
 */

/**
 * Tracks objects with a FinalizationRegistry and reports how many are still alive
 * after full collections. Each `track` must be given the only remaining reference.
 */
class Collector {
  private finalized = 0;
  private tracked = 0;
  private readonly registry = new FinalizationRegistry<void>(() => {
    this.finalized++;
  });
  track(...objects: object[]): void {
    for (const o of objects) {
      this.registry.register(o);
      this.tracked++;
    }
  }
  async alive(): Promise<number> {
    for (let i = 0; i < 30 && this.finalized < this.tracked; i++) {
      gc!();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return this.tracked - this.finalized;
  }
}

class Ticker extends Producer<number> {
  private n = 0;
  handleDemand(demand: number): number[] {
    return Array.from({ length: demand }, () => this.n++);
  }
}

class Timed extends Consumer<number> {
  override init(): void {
    this.sendAfter('never', 60_000);
  }
  handleEvents(): void {}
  override handleCall(request: unknown): { reply: unknown } | { noreply: true } {
    return request === 'hold' ? { noreply: true } : { reply: request };
  }
}

class Sink extends Consumer<number> {
  count = 0;
  handleEvents(events: number[]): void {
    this.count += events.length;
  }
}

/** Asks for 3 events once per subscription, so a subscription carries events without running forever. */
class AskOnce extends Consumer<number> {
  override handleSubscribe(_kind: 'producer' | 'consumer', _options: Readonly<Record<string, unknown>>, from: Subscription<number>): 'manual' {
    this.ask(from, 3);
    return 'manual';
  }
  handleEvents(): void {}
}

class Double extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map((e) => e * 2);
  }
}

describe('reliability: leaks', function () {
  before(function () {
    if (typeof gc !== 'function') throw new Error('these specs need node --expose-gc (see .mocharc.json)');
  });

  describe('active handles', () => {
    it('should leave no timer behind when a stage with a pending sendAfter stops', async () => {
      const before = await baseline();
      const stage = await GenStage.start(new Timed());
      expect(newResources(before)).to.deep.equal(['Timeout x1']);
      await stage.stop();
      expect(newResources(before)).to.deep.equal([]);
    });

    it('should clear a call\'s timeout when it is answered, and when the stage exits before answering', async () => {
      const before = await baseline();
      const stage = await GenStage.start(new Timed());
      expect(await stage.call('ping', 60_000)).to.equal('ping');
      const held = stage.call('hold', 60_000).catch((error: unknown) => error);
      await stage.stop('shutdown');
      expect((await held) as Error).to.be.instanceOf(Error);
      expect(newResources(before)).to.deep.equal([]);
    });

    it('should leave no handle behind after a finite pipeline ends', async () => {
      const before = await baseline();
      const source = await GenStage.fromIterable(Array.from({ length: 5000 }, (_, i) => i));
      const double = await GenStage.start(new Double(), { subscribeTo: [{ to: source, maxDemand: 100 }] });
      const sink = new Sink();
      const stage = await GenStage.start(sink, { subscribeTo: [{ to: double, maxDemand: 50 }] });
      expect(await stage.done).to.equal('normal');
      expect(await double.done).to.equal('normal');
      await settle();
      expect(sink.count).to.equal(5000);
      expect(newResources(before)).to.deep.equal([]);
    });

    it('should leave no handle behind after a for-await over GenStage.stream breaks early', async () => {
      const before = await baseline();
      const source = await GenStage.fromIterable(Array.from({ length: 1000 }, (_, i) => i), { onCancel: 'stop' });
      for await (const n of GenStage.stream([source])) if (n === 10) break;
      expect(await source.done).to.equal('normal');
      await settle();
      expect(newResources(before)).to.deep.equal([]);
    });
  });

  describe('garbage collection', () => {
    it('should collect stopped stages: their implementation, handle and subscriptions', async () => {
      const collector = new Collector();
      await (async () => {
        const source = await GenStage.fromIterable(Array.from({ length: 300 }, (_, i) => i));
        const pcImpl = new Double();
        const pc = await GenStage.start(pcImpl, { subscribeTo: [{ to: source, maxDemand: 10 }] });
        const sinkImpl = new Sink();
        const sink = await GenStage.start(sinkImpl, { subscribeTo: [{ to: pc, maxDemand: 10 }] });
        await sink.done;
        await settle();
        collector.track(source, pcImpl, pc, sinkImpl, sink);
      })();
      expect(await collector.alive()).to.equal(0);
    });

    it('should collect a stage stopped while others keep running, and a crashed one', async () => {
      const collector = new Collector();
      const producer = await GenStage.start(new Ticker());
      await (async () => {
        const a = await GenStage.start(new Sink(), { subscribeTo: [{ to: producer, maxDemand: 5, cancel: 'temporary' }] });
        await a.stop();
        class Crash extends Consumer<number> {
          handleEvents(): void {
            throw new Error('crash');
          }
        }
        const b = await GenStage.start(new Crash());
        const crashed = b.done;
        await b.subscribe(producer, { maxDemand: 5 });
        await crashed;
        await settle();
        collector.track(a, b);
      })();
      expect(await collector.alive()).to.equal(0);
      expect(producer.alive).to.equal(true);
      await producer.stop();
    });

    const dispatchers: [string, () => Dispatcher<number>, Record<string, unknown>][] = [
      ['DemandDispatcher', () => new DemandDispatcher<number>(), {}],
      ['BroadcastDispatcher', () => new BroadcastDispatcher<number>(), { selector: (n: number) => n % 2 === 0 }],
      ['PartitionDispatcher', () => new PartitionDispatcher<number, number>({ partitions: 1 }), { partition: 0 }],
    ];
    for (const [name, make, options] of dispatchers) {
      it(`should collect subscriptions cancelled from a live ${name} producer and consumer (at most the last 2 of 200 kept)`, async () => {
        const collector = new Collector();
        const source = await GenStage.start(new Ticker(), { dispatcher: make() });
        const consumer = await GenStage.start(new AskOnce());
        for (let i = 0; i < 200; i++) {
          const sub = await consumer.subscribe(source, { ...options, maxDemand: 3, cancel: 'temporary' });
          consumer.cancel(sub);
          await settle();
          collector.track(sub);
        }
        // V8 may keep the most recent object or two reachable from a feedback vector
        // or a settled promise; a per-subscription leak would keep all 200.
        expect(await collector.alive()).to.be.at.most(2);
        expect(source.alive).to.equal(true);
        expect(consumer.alive).to.equal(true);
        await consumer.stop();
        await source.stop();
      });
    }

    it('should collect the consumer stage behind a GenStage.stream once the loop breaks', async () => {
      const collector = new Collector();
      const producer: Stage<number> = await GenStage.start(new Ticker());
      await (async () => {
        const iterable = GenStage.stream([{ to: producer, maxDemand: 4, cancel: 'temporary' }]);
        for await (const n of iterable) if (n >= 20) break;
        await settle();
        collector.track(iterable);
      })();
      expect(await collector.alive()).to.equal(0);
      expect(producer.alive).to.equal(true);
      await producer.stop();
    });
  });
});
