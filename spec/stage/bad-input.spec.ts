import { expect } from 'chai';
import {
  BroadcastDispatcher, Consumer, DemandDispatcher, GenStage, PartitionDispatcher, Producer, ProducerConsumer,
  setLogger, type Stage, type Subscription,
} from '../../src/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';
import { producersOf } from '../../src/core/internal.js';
import { expectRejected, type ErrorClass } from '../support/errors.js';

/**
 * Every public entry point given a wrong type or an out-of-range value must throw, at
 * the call, a TypeError or RangeError whose message names the option and shows the
 * value received. Nothing may be clamped, ignored or deferred to a rejected promise.
 */

class Numbers extends Producer<number> {
  handleDemand(demand: number): number[] {
    return Array.from({ length: demand }, (_, i) => i);
  }
}
class Pass extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events;
  }
}
class Sink extends Consumer<number> {
  handleEvents(): void {}
}

type Thrower = () => unknown;

describe('bad input', () => {
  let producer: Stage<number>;
  let pc: Stage<number>;
  let consumer: Stage<never>;
  let sub: Subscription<number>;
  let otherSub: Subscription<number>;

  before(async () => {
    producer = await GenStage.start(new Numbers(), { demand: 'accumulate', name: 'numbers' });
    pc = await GenStage.start(new Pass(), { name: 'pass' });
    consumer = await GenStage.start(new Sink(), { name: 'sink' });
    sub = await consumer.subscribe(producer, { cancel: 'temporary' });
    otherSub = await pc.subscribe(producer, { cancel: 'temporary' });
    await settle();
  });

  after(async () => {
    for (const s of [consumer, pc, producer]) if (s.alive) await s.stop();
  });

  afterEach(() => {
    setLogger(); // in case a bad logger got through
  });

  const rows: [string, () => Thrower, ErrorClass, string[]][] = [
    // GenStage.start: the stage
    ['start: not a stage', () => () => GenStage.start({} as never), TypeError, ['stage', '{}']],
    ['start: a class, not an instance', () => () => GenStage.start(Numbers as never), TypeError, ['stage', 'function Numbers']],
    ['start: a non-function required callback', () => () => {
      class Broken extends Producer<number> {
        override handleDemand = 5 as never;
      }
      return GenStage.start(new Broken());
    }, TypeError, ['handleDemand', 'got: 5']],
    ['start: a non-function optional callback', () => () => {
      class Broken extends Producer<number> {
        handleDemand(): number[] {
          return [];
        }
        override handleInfo = 'not a function' as never;
      }
      return GenStage.start(new Broken());
    }, TypeError, ['handleInfo', '"not a function"']],
    ['start: the same instance twice', () => {
      const stage = new Sink();
      void GenStage.start(stage);
      return () => GenStage.start(stage);
    }, TypeError, ['already started']],
    // GenStage.start: options
    ['start: options not an object', () => () => GenStage.start(new Numbers(), 5 as never), TypeError, ['options', 'got: 5']],
    ['start: an unknown option', () => () => GenStage.start(new Numbers(), { bufferSise: 10 } as never), TypeError, ['bufferSise', 'got: 10']],
    ['start: negative bufferSize', () => () => GenStage.start(new Numbers(), { bufferSize: -1 }), RangeError, ['bufferSize', 'got: -1']],
    ['start: fractional bufferSize', () => () => GenStage.start(new Numbers(), { bufferSize: 1.5 }), TypeError, ['bufferSize', 'got: 1.5']],
    ['start: NaN bufferSize', () => () => GenStage.start(new Numbers(), { bufferSize: NaN }), RangeError, ['bufferSize', 'got: NaN']],
    ['start: string bufferSize', () => () => GenStage.start(new Numbers(), { bufferSize: '10' as never }), TypeError, ['bufferSize', 'got: "10"']],
    ['start: unknown bufferKeep', () => () => GenStage.start(new Numbers(), { bufferKeep: 'middle' as never }), RangeError, ['bufferKeep', '"middle"']],
    ['start: non-string bufferKeep', () => () => GenStage.start(new Numbers(), { bufferKeep: 1 as never }), TypeError, ['bufferKeep', 'got: 1']],
    ['start: unknown demand', () => () => GenStage.start(new Numbers(), { demand: 'push' as never }), RangeError, ['demand', '"push"']],
    ['start: demand on a producer-consumer', () => () => GenStage.start(new Pass(), { demand: 'accumulate' }), TypeError, ['demand', 'Pass']],
    ['start: a dispatcher that is not one', () => () => GenStage.start(new Numbers(), { dispatcher: {} as never }), TypeError, ['dispatcher', 'got: {}']],
    ['start: a dispatcher given as a name', () => () => GenStage.start(new Numbers(), { dispatcher: 'broadcast' as never }), TypeError, ['dispatcher', '"broadcast"']],
    ['start: a dispatcher already used by another producer', () => {
      const dispatcher = new DemandDispatcher<number>();
      void GenStage.start(new Numbers(), { dispatcher, name: 'first-owner' });
      return () => GenStage.start(new Numbers(), { dispatcher });
    }, TypeError, ['dispatcher', 'first-owner']],
    ['start: bufferSize on a consumer', () => () => GenStage.start(new Sink(), { bufferSize: 5 } as never), TypeError, ['bufferSize', 'Sink']],
    ['start: a dispatcher on a consumer', () => () => GenStage.start(new Sink(), { dispatcher: new DemandDispatcher() } as never), TypeError, ['dispatcher', 'Sink']],
    ['start: a producer with subscribeTo', () => () => GenStage.start(new Numbers(), { subscribeTo: [producer] } as never), TypeError, ['subscribeTo', 'Numbers']],
    ['start: subscribeTo not an array', () => () => GenStage.start(new Sink(), { subscribeTo: producer as never }), TypeError, ['subscribeTo', 'Stage']],
    ['start: a subscribeTo entry that is a number', () => () => GenStage.start(new Sink(), { subscribeTo: [42 as never] }), TypeError, ['subscribeTo', 'got: 42']],
    ['start: a subscribeTo entry without to', () => () => GenStage.start(new Sink(), { subscribeTo: [{ maxDemand: 5 } as never] }), TypeError, ['to', 'got: undefined']],
    ['start: a subscribeTo entry whose to is not a Stage', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: 'numbers' as never }] }), TypeError, ['to', '"numbers"']],
    ['start: a consumer subscribed to a consumer', () => () => GenStage.start(new Sink(), { subscribeTo: [consumer] }), TypeError, ['sink', 'consumer']],
    ['start: a bad clock', () => () => GenStage.start(new Numbers(), { clock: { now: () => 0 } as never }), TypeError, ['clock', '{}']],
    ['start: a non-string name', () => () => GenStage.start(new Numbers(), { name: 5 as never }), TypeError, ['name', 'got: 5']],
    // subscription options
    ['subscribeTo: maxDemand 0', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, maxDemand: 0 }] }), RangeError, ['expected maxDemand to be an integer >= 1, got: 0']],
    ['subscribeTo: fractional maxDemand', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, maxDemand: 2.5 }] }), TypeError, ['maxDemand', 'got: 2.5']],
    ['subscribeTo: Infinity maxDemand', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, maxDemand: Infinity }] }), TypeError, ['maxDemand', 'got: Infinity']],
    ['subscribeTo: minDemand equal to maxDemand', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, maxDemand: 10, minDemand: 10 }] }), RangeError, ['minDemand', 'got: 10']],
    ['subscribeTo: minDemand above maxDemand', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, maxDemand: 10, minDemand: 50 }] }), RangeError, ['minDemand', 'got: 50']],
    ['subscribeTo: negative minDemand', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, minDemand: -1 }] }), RangeError, ['minDemand', 'got: -1']],
    ['subscribeTo: unknown cancel mode', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, cancel: 'sometimes' as never }] }), RangeError, ['cancel', '"sometimes"']],
    ['subscribeTo: a non-function selector', () => () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, selector: true as never }] }), TypeError, ['selector', 'got: true']],
    // Stage handle
    ['subscribe: not a Stage', () => () => consumer.subscribe({} as never), TypeError, ['to', 'got: {}']],
    ['subscribe: options not an object', () => () => consumer.subscribe(producer, 7 as never), TypeError, ['options', 'got: 7']],
    ['subscribe: maxDemand 0', () => () => consumer.subscribe(producer, { maxDemand: 0 }), RangeError, ['maxDemand', 'got: 0']],
    ['subscribe: to itself', () => () => pc.subscribe(pc), RangeError, ['pass', 'itself']],
    ['subscribe: a producer subscribing', () => () => producer.subscribe(pc), TypeError, ['numbers', 'producer']],
    ['subscribe: a consumer to a consumer', () => () => pc.subscribe(consumer), TypeError, ['sink', 'consumer']],
    ['resubscribe: bad options', () => () => consumer.resubscribe(sub, 'normal', { maxDemand: -3 }), RangeError, ['maxDemand', 'got: -3']],
    ['cancel: not a subscription', () => () => consumer.cancel({ tag: 1 } as never), TypeError, ['subscription', '{"tag":1}']],
    ['cancel: another stage\'s subscription', () => () => consumer.cancel(otherSub as Subscription<unknown>), RangeError, ['pass', 'sink']],
    ['call: negative timeout', () => () => producer.call('x', -1), RangeError, ['timeoutMs', 'got: -1']],
    ['call: fractional timeout', () => () => producer.call('x', 1.5), TypeError, ['timeoutMs', 'got: 1.5']],
    ['call: string timeout', () => () => producer.call('x', '100' as never), TypeError, ['timeoutMs', 'got: "100"']],
    ['call: NaN timeout', () => () => producer.call('x', NaN), TypeError, ['timeoutMs', 'got: NaN']],
    ['demand: unknown mode', () => () => producer.demand('x' as never), RangeError, ['demand', 'got: "x"']],
    ['demand: a number', () => () => producer.demand(1 as never), TypeError, ['demand', 'got: 1']],
    ['demand: on a consumer', () => () => consumer.demand('forward'), TypeError, ['demand', 'sink']],
    // Dispatchers
    ['DemandDispatcher: options not an object', () => () => new DemandDispatcher(3 as never), TypeError, ['DemandDispatcher options', 'got: 3']],
    ['DemandDispatcher: unknown option', () => () => new DemandDispatcher({ shuffle: true } as never), TypeError, ['shuffle', 'got: true']],
    ['DemandDispatcher: non-boolean shuffleDemandsOnFirstDispatch', () => () => new DemandDispatcher({ shuffleDemandsOnFirstDispatch: 'yes' as never }), TypeError, ['shuffleDemandsOnFirstDispatch', '"yes"']],
    ['DemandDispatcher: maxDemand 0', () => () => new DemandDispatcher({ maxDemand: 0 }), RangeError, ['maxDemand', 'got: 0']],
    ['BroadcastDispatcher: options it does not take', () => () => new (BroadcastDispatcher as unknown as new (o: unknown) => unknown)({ selector: () => true }), TypeError, ['BroadcastDispatcher', 'selector']],
    ['PartitionDispatcher: no options', () => () => new PartitionDispatcher(undefined as never), TypeError, ['PartitionDispatcher options', 'got: undefined']],
    ['PartitionDispatcher: no partitions', () => () => new PartitionDispatcher({} as never), TypeError, ['partitions', 'got: undefined']],
    ['PartitionDispatcher: 0 partitions', () => () => new PartitionDispatcher({ partitions: 0 }), RangeError, ['partitions', 'got: 0']],
    ['PartitionDispatcher: fractional partitions', () => () => new PartitionDispatcher({ partitions: 2.5 }), TypeError, ['partitions', 'got: 2.5']],
    ['PartitionDispatcher: partitions as a string', () => () => new PartitionDispatcher({ partitions: 'abc' as never }), TypeError, ['partitions', '"abc"']],
    ['PartitionDispatcher: empty partition list', () => () => new PartitionDispatcher({ partitions: [] }), RangeError, ['partitions', 'got: []']],
    ['PartitionDispatcher: duplicate partition names', () => () => new PartitionDispatcher({ partitions: ['a', 'b', 'a'] }), RangeError, ['partitions', '["a", "b", "a"]']],
    ['PartitionDispatcher: a non-function hash', () => () => new PartitionDispatcher({ partitions: 2, hash: 'crc32' as never }), TypeError, ['hash', '"crc32"']],
    ['PartitionDispatcher: an unknown option', () => () => new PartitionDispatcher({ partitions: 2, key: 'id' } as never), TypeError, ['key', '"id"']],
    // fromIterable and stream
    ['fromIterable: a number', () => () => GenStage.fromIterable(42 as never), TypeError, ['source', 'got: 42']],
    ['fromIterable: null', () => () => GenStage.fromIterable(null as never), TypeError, ['source', 'got: null']],
    ['fromIterable: a plain object', () => () => GenStage.fromIterable({ length: 2 } as never), TypeError, ['source', '{"length":2}']],
    ['fromIterable: unknown onCancel', () => () => GenStage.fromIterable([1], { onCancel: 'pause' as never }), RangeError, ['onCancel', '"pause"']],
    ['fromIterable: an unknown option', () => () => GenStage.fromIterable([1], { subscribeTo: [] } as never), TypeError, ['subscribeTo', 'got: []']],
    ['fromIterable: options not an object', () => () => GenStage.fromIterable([1], 'fast' as never), TypeError, ['options', '"fast"']],
    ['fromIterable: negative bufferSize', () => () => GenStage.fromIterable([1], { bufferSize: -2 }), RangeError, ['bufferSize', 'got: -2']],
    ['stream: an empty list', () => () => GenStage.stream([]), TypeError, ['subscriptions', 'got: []']],
    ['stream: not a list', () => () => GenStage.stream(producer as never), TypeError, ['subscriptions', 'Stage']],
    ['stream: an entry that is not a Stage', () => () => GenStage.stream([42 as never]), TypeError, ['got: 42']],
    ['stream: maxDemand 0', () => () => GenStage.stream([{ to: producer, maxDemand: 0 }]), RangeError, ['maxDemand', 'got: 0']],
    ['stream: a consumer', () => () => GenStage.stream([consumer as never]), TypeError, ['sink', 'consumer']],
    ['stream: an unknown option', () => () => GenStage.stream([producer], { demand: 'forward' } as never), TypeError, ['demand', '"forward"']],
    ['stream: producers not a list', () => () => GenStage.stream([producer], { producers: producer as never }), TypeError, ['producers', 'Stage']],
    ['stream: producers that are not stages', () => () => GenStage.stream([producer], { producers: [42 as never] }), TypeError, ['producers', 'got: 42']],
    // VirtualClock
    ['VirtualClock: negative start', () => () => new VirtualClock(-1), RangeError, ['start', 'got: -1']],
    ['VirtualClock: string start', () => () => new VirtualClock('0' as never), TypeError, ['start', 'got: "0"']],
    ['VirtualClock.advance: negative', () => () => new VirtualClock().advance(-5), RangeError, ['ms', 'got: -5']],
    ['VirtualClock.advance: fractional', () => () => new VirtualClock().advance(0.5), TypeError, ['ms', 'got: 0.5']],
    ['VirtualClock.runAll: limit 0', () => () => new VirtualClock().runAll(0), RangeError, ['limit', 'got: 0']],
    ['VirtualClock.runAll: string limit', () => () => new VirtualClock().runAll('10' as never), TypeError, ['limit', 'got: "10"']],
    // Logger
    ['setLogger: a non-logger', () => () => setLogger(42 as never), TypeError, ['logger', 'got: 42']],
    ['setLogger: a logger without error', () => () => setLogger({ warn: () => {} } as never), TypeError, ['logger', 'error']],
  ];

  for (const [title, make, error, parts] of rows) {
    it(`should reject ${title} with a ${error.name}`, () => {
      expectRejected(make(), error, parts);
    });
  }

  describe('inside a stage', () => {
    class Asker extends Consumer<number> {
      errors: unknown[] = [];
      from: Subscription<number> | undefined;
      override handleSubscribe(_k: unknown, _o: unknown, from: Subscription<number>): 'manual' {
        this.from = from;
        return 'manual';
      }
      handleEvents(): void {}
      override handleCast(attempt: (stage: Asker) => void): void {
        try {
          attempt(this);
        } catch (error) {
          this.errors.push(error);
        }
      }
      tryAsk(count: unknown): void {
        this.ask(this.from as Subscription<number>, count as number);
      }
      trySendAfter(ms: unknown): void {
        this.sendAfter('tick', ms as number);
      }
    }

    async function attempt(run: (stage: Asker) => void): Promise<unknown> {
      const asker = new Asker();
      const stage = await GenStage.start(asker, { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
      await settle();
      stage.cast(run);
      await settle();
      await stage.stop();
      expect(asker.errors).to.have.length(1);
      return asker.errors[0];
    }

    it('should reject this.ask with a negative count with a RangeError', async () => {
      const error = await attempt((s) => s.tryAsk(-1));
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.contain('count').and.to.contain('got: -1');
    });

    it('should reject this.ask with a fractional count with a TypeError', async () => {
      const error = await attempt((s) => s.tryAsk(2.5));
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain('count').and.to.contain('got: 2.5');
    });

    it('should reject this.sendAfter with a negative delay with a RangeError', async () => {
      const error = await attempt((s) => s.trySendAfter(-10));
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.contain('ms').and.to.contain('got: -10');
    });

    it('should reject this.sendAfter with a non-number delay with a TypeError', async () => {
      const error = await attempt((s) => s.trySendAfter('soon'));
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain('ms').and.to.contain('"soon"');
    });

    it('should reject this.ask before the stage is started with a TypeError', () => {
      const asker = new Asker();
      expect(() => asker.tryAsk(1)).to.throw(TypeError, 'needs a started stage');
    });
  });

  it('should leave a stage whose start was rejected startable', async () => {
    const sink = new Sink();
    expect(() => GenStage.start(sink, { subscribeTo: [{ to: producer, maxDemand: 0 }] })).to.throw(RangeError);
    const stage = await GenStage.start(sink);
    expect(stage.alive).to.equal(true);
    await stage.stop();
  });

  it('should leave the old subscription in place when resubscribe is given bad options', async () => {
    const sink = new Sink();
    const stage = await GenStage.start(sink);
    const first = await stage.subscribe(producer, { cancel: 'temporary' });
    await settle();
    expect(() => stage.resubscribe(first, 'normal', { maxDemand: 0 })).to.throw(RangeError);
    await settle();
    expect(stage.alive).to.equal(true);
    expect(producersOf(sink)).to.deep.equal([first]);
    await stage.stop();
  });

  describe('misspelt subscription options (issue 11, item 11)', () => {
    class Numbers extends Producer<number> {
      handleDemand(): number[] {
        return [];
      }
    }
    class Quiet extends Consumer<number> {
      handleEvents(): void {}
    }

    it('should throw a TypeError listing the known keys for { to: p, maxDemnd: 5 }, at start and at subscribe', async () => {
      const p = await GenStage.start(new Numbers());
      const message = 'unknown option maxDemnd in subscribeTo entry (known: to, maxDemand, minDemand, cancel), got: 5';
      expect(() => GenStage.start(new Quiet(), { subscribeTo: [{ to: p, maxDemnd: 5 }] })).to.throw(TypeError, message);
      const c = await GenStage.start(new Quiet());
      expect(() => c.subscribe(p, { maxDemnd: 5 })).to.throw(TypeError, 'unknown option maxDemnd in subscribe options (known: to, maxDemand, minDemand, cancel), got: 5');
    });

    it('should know selector only for a BroadcastDispatcher, and name it among the known keys for { to: bp, selecter: fn }', async () => {
      const bp = await GenStage.start(new Numbers(), { dispatcher: new BroadcastDispatcher() });
      const p = await GenStage.start(new Numbers());
      expect(() => GenStage.start(new Quiet(), { subscribeTo: [{ to: bp, selecter: (n: number) => n > 1 }] })).to.throw(
        TypeError,
        'unknown option selecter in subscribeTo entry (known: to, maxDemand, minDemand, cancel, selector), got: function selecter',
      );
      expect(() => GenStage.start(new Quiet(), { subscribeTo: [{ to: p, selector: () => true }] })).to.throw(
        TypeError,
        'unknown option selector in subscribeTo entry (known: to, maxDemand, minDemand, cancel), got: function selector',
      );
      const c = await GenStage.start(new Quiet(), { subscribeTo: [{ to: bp, selector: (n: number) => n > 1 }] });
      expect(c.alive).to.equal(true);
    });

    it('should know partition only for a PartitionDispatcher', async () => {
      const pp = await GenStage.start(new Numbers(), { dispatcher: new PartitionDispatcher({ partitions: 2 }) });
      const p = await GenStage.start(new Numbers());
      expect(() => GenStage.start(new Quiet(), { subscribeTo: [{ to: p, partition: 0 }] })).to.throw(TypeError, 'unknown option partition in subscribeTo entry (known: to, maxDemand, minDemand, cancel), got: 0');
      expect(() => GenStage.start(new Quiet(), { subscribeTo: [{ to: pp, partiton: 0 }] })).to.throw(TypeError, 'unknown option partiton in subscribeTo entry (known: to, maxDemand, minDemand, cancel, partition), got: 0');
    });

    it('should accept the keys a consumer class declares in its static subscriptionOptions, and hand them to handleSubscribe', async () => {
      class Tagged extends Consumer<number> {
        static readonly subscriptionOptions = ['tag'];
        readonly tags: unknown[] = [];
        override handleSubscribe(_kind: 'producer' | 'consumer', options: Readonly<Record<string, unknown>>): void {
          this.tags.push(options.tag);
        }
        handleEvents(): void {}
      }
      const p = await GenStage.start(new Numbers());
      const tagged = new Tagged();
      await GenStage.start(tagged, { subscribeTo: [{ to: p, tag: 'orders' }] });
      await settle();
      expect(tagged.tags).to.deep.equal(['orders']);
      expect(() => GenStage.start(new Tagged(), { subscribeTo: [{ to: p, tga: 1 }] })).to.throw(TypeError, 'unknown option tga in subscribeTo entry (known: to, maxDemand, minDemand, cancel, tag), got: 1');
    });
  });
});
