import { expect } from 'chai';
import diagnostics from 'node:diagnostics_channel';
import {
  GenStage, Producer, ProducerConsumer, Consumer, PartitionDispatcher, channels, type Stage, type Subscription,
  type CallFrom, type CallResult,
} from '../../src/index.js';
import { settle } from '../../src/testing/index.js';
import { DynamicSupervisor } from '../../src/supervisor/index.js';
import { captureLog } from '../supervisor/support.js';

const NAMES = {
  stageStart: 'genstage:stage:start',
  stageExit: 'genstage:stage:exit',
  subscriptionStart: 'genstage:subscription:start',
  subscriptionCancel: 'genstage:subscription:cancel',
  demand: 'genstage:demand',
  events: 'genstage:events',
  bufferDiscard: 'genstage:buffer:discard',
  produce: 'genstage:produce',
  supervisorChild: 'genstage:supervisor:child',
} as const;

type Key = keyof typeof NAMES;
type Message = Record<string, unknown>;

/** Subscribes to every channel; keeps the messages about stages of this test (named `t:`). */
class Recorder {
  readonly seen: { channel: Key; message: Message }[] = [];
  private readonly handlers: [string, (message: unknown) => void][] = [];

  constructor() {
    for (const key of Object.keys(NAMES) as Key[]) {
      const handler = (message: unknown): void => {
        const m = message as Message;
        const name = typeof m.supervisor === 'string' ? m.supervisor : ((m.stage ?? m.producer) as Stage<unknown>).name;
        if (name.startsWith('t:')) this.seen.push({ channel: key, message: m });
      };
      diagnostics.subscribe(NAMES[key], handler);
      this.handlers.push([NAMES[key], handler]);
    }
  }

  on(channel: Key): Message[] {
    return this.seen.filter((s) => s.channel === channel).map((s) => s.message);
  }

  close(): void {
    for (const [name, handler] of this.handlers) diagnostics.unsubscribe(name, handler);
  }
}

class Collect<T> extends Consumer<T> {
  readonly got: T[] = [];
  handleEvents(events: T[]): void {
    this.got.push(...events);
  }
}

class Pass<T> extends ProducerConsumer<T, T> {
  handleEvents(events: T[]): T[] {
    return events;
  }
}

/** Emits whatever a `call` hands it; answers demand with nothing. */
class Pushed extends Producer<number> {
  handleDemand(): undefined {
    return undefined;
  }
  override handleCall(request: unknown, _from: CallFrom): CallResult<number> {
    return { reply: 'ok', events: request as number[] };
  }
  override formatDiscarded(): boolean {
    return false;
  }
}

/** Manual demand: asks only when told (by a call). */
class Manual extends Consumer<number> {
  sub: Subscription<number> | undefined;
  override handleSubscribe(_kind: 'producer' | 'consumer', _o: unknown, from: Subscription<number>): 'manual' {
    this.sub = from;
    return 'manual';
  }
  handleEvents(): void {}
  override handleCall(request: unknown): CallResult<never> {
    this.ask(this.sub as Subscription<number>, request as number);
    return { reply: 'asked' };
  }
}

describe('diagnostics channels', () => {
  let rec: Recorder;
  beforeEach(() => {
    rec = new Recorder();
  });
  afterEach(() => rec.close());

  it('should export the channels under their genstage: names', () => {
    for (const key of Object.keys(NAMES) as Key[]) {
      expect(channels[key]).to.equal(diagnostics.channel(NAMES[key]));
      expect(channels[key].name).to.equal(NAMES[key]);
    }
  });

  it('should publish nothing when no channel has subscribers', async () => {
    rec.close();
    for (const key of Object.keys(NAMES) as Key[]) expect(channels[key].hasSubscribers, key).to.equal(false);
    const source = await GenStage.fromIterable([1, 2, 3], { name: 't:quiet' });
    const sink = new Collect<number>();
    const s = await GenStage.start(sink, { name: 't:quiet-sink', subscribeTo: [source] });
    await s.done;
    expect(sink.got).to.deep.equal([1, 2, 3]);
    expect(rec.seen).to.deep.equal([]);
  });

  describe('genstage:stage:start', () => {
    it('should publish { stage, name, kind } once init has run, before start resolves', async () => {
      let initRan = false;
      class P extends Pushed {
        override init(): void {
          initRan = true;
          expect(rec.on('stageStart')).to.have.length(0);
        }
      }
      const started = GenStage.start(new P(), { name: 't:p' });
      const stage = await started;
      expect(initRan).to.equal(true);
      expect(rec.on('stageStart')).to.deep.equal([{ stage, name: 't:p', kind: 'producer', dispatcher: 'DemandDispatcher' }]);
      const pc = await GenStage.start(new Pass<number>(), { name: 't:pc' });
      const c = await GenStage.start(new Collect<number>(), { name: 't:c' });
      expect(rec.on('stageStart').map((m) => [m.name, m.kind, m.stage])).to.deep.equal([
        ['t:p', 'producer', stage],
        ['t:pc', 'producer_consumer', pc],
        ['t:c', 'consumer', c],
      ]);
      await Promise.all([stage.stop(), pc.stop(), c.stop()]);
    });

    it('should publish start after an async init resolves, and only stage:exit when init fails', async () => {
      class Slow extends Pushed {
        override async init(): Promise<void> {
          await Promise.resolve();
        }
      }
      const slow = await GenStage.start(new Slow(), { name: 't:slow' });
      expect(rec.on('stageStart')).to.deep.equal([{ stage: slow, name: 't:slow', kind: 'producer', dispatcher: 'DemandDispatcher' }]);
      const failure = new Error('init failed');
      class Broken extends Pushed {
        override init(): void {
          throw failure;
        }
      }
      let error: unknown;
      await GenStage.start(new Broken(), { name: 't:broken' }).catch((e: unknown) => (error = e));
      await settle();
      expect(error).to.equal(failure);
      expect(rec.on('stageStart').map((m) => m.name)).to.deep.equal(['t:slow']);
      const exits = rec.on('stageExit');
      expect(exits.map((m) => [m.name, m.kind, m.reason])).to.deep.equal([['t:broken', 'producer', failure]]);
      await slow.stop();
    });
  });

  describe('genstage:stage:exit', () => {
    it('should publish { stage, name, kind, reason } before done resolves, in exit order', async () => {
      const source = await GenStage.fromIterable([1, 2, 3], { name: 't:src' });
      const sink = await GenStage.start(new Collect<number>(), { name: 't:sink', subscribeTo: [source] });
      const reason = await sink.done;
      expect(reason).to.equal('normal');
      expect(rec.on('stageExit')).to.deep.equal([
        { stage: source, name: 't:src', kind: 'producer', reason: 'normal' },
        { stage: sink, name: 't:sink', kind: 'consumer', reason: 'normal' },
      ]);
    });

    it('should carry a crash reason as given (the same Error)', async () => {
      const boom = new Error('boom');
      class Crash extends Consumer<number> {
        handleEvents(): void {
          throw boom;
        }
      }
      const source = await GenStage.fromIterable([1], { name: 't:src2' });
      const crash = await GenStage.start(new Crash(), { name: 't:crash' });
      const done = crash.done;
      await crash.subscribe(source, { cancel: 'temporary' });
      expect(await done).to.equal(boom);
      const exit = rec.on('stageExit').find((m) => m.name === 't:crash');
      expect(exit).to.deep.equal({ stage: crash, name: 't:crash', kind: 'consumer', reason: boom });
      expect(exit?.reason).to.equal(boom);
      await source.stop();
    });
  });

  describe('genstage:subscription:start', () => {
    it('should publish { subscription, producer, consumer } when the producer accepts', async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:prod' });
      const consumer = await GenStage.start(new Collect<number>(), { name: 't:cons' });
      const sub = await consumer.subscribe(producer, { maxDemand: 4 });
      await settle();
      expect(rec.on('subscriptionStart')).to.deep.equal([{ subscription: sub, producer, consumer }]);
      expect(rec.on('subscriptionStart')[0]?.subscription).to.equal(sub);
      await Promise.all([consumer.stop(), producer.stop()]);
    });

    it('should not publish when the dispatcher rejects the subscription', async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:prod2', dispatcher: new PartitionDispatcher<number>({ partitions: 1 }) });
      const a = await GenStage.start(new Collect<number>(), { name: 't:a' });
      const b = await GenStage.start(new Collect<number>(), { name: 't:b' });
      const sub = await a.subscribe(producer, { partition: 0 });
      await b.subscribe(producer, { partition: 0, cancel: 'temporary' }); // partition 0 is taken: rejected
      await settle();
      expect(rec.on('subscriptionStart')).to.deep.equal([{ subscription: sub, producer, consumer: a }]);
      expect(rec.on('subscriptionCancel')).to.deep.equal([]);
      await Promise.all([a.stop(), b.stop(), producer.stop()]);
    });
  });

  describe('genstage:subscription:cancel', () => {
    it('should publish down: false with the reason when the consumer cancels', async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:prod3' });
      const consumer = await GenStage.start(new Collect<number>(), { name: 't:cons3' });
      const sub = await consumer.subscribe(producer, { cancel: 'temporary' });
      consumer.cancel(sub, 'enough');
      await settle();
      expect(rec.on('subscriptionCancel')).to.deep.equal([
        { subscription: sub, producer, consumer, reason: 'enough', down: false },
      ]);
      await Promise.all([consumer.stop(), producer.stop()]);
    });

    it('should publish down: true with the exit reason when the consumer exits', async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:prod4' });
      const consumer = await GenStage.start(new Collect<number>(), { name: 't:cons4' });
      const sub = await consumer.subscribe(producer);
      await consumer.stop('shutdown');
      await settle();
      expect(rec.on('subscriptionCancel')).to.deep.equal([
        { subscription: sub, producer, consumer, reason: 'shutdown', down: true },
      ]);
      await producer.stop();
    });
  });

  describe('genstage:demand', () => {
    it('should publish { stage, subscription, count } for each ask the producer receives', async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:prod5' });
      const manual = await GenStage.start(new Manual(), { name: 't:manual' });
      const sub = await manual.subscribe(producer);
      await manual.call(4);
      await manual.call(3);
      await settle();
      expect(rec.on('demand')).to.deep.equal([
        { stage: producer, subscription: sub, count: 4 },
        { stage: producer, subscription: sub, count: 3 },
      ]);
      await Promise.all([manual.stop(), producer.stop()]);
    });

    it('should show automatic demand: maxDemand first, then maxDemand - minDemand per handled chunk', async () => {
      const source = await GenStage.fromIterable(Array.from({ length: 30 }, (_, i) => i), { name: 't:src5' });
      const sink = await GenStage.start(new Collect<number>(), { name: 't:sink5' });
      const sub = await sink.subscribe(source, { maxDemand: 10, minDemand: 5 });
      await sink.done;
      const asks = rec.on('demand');
      expect(asks.slice(0, 3)).to.deep.equal([
        { stage: source, subscription: sub, count: 10 },
        { stage: source, subscription: sub, count: 5 },
        { stage: source, subscription: sub, count: 5 },
      ]);
      expect(asks.every((m) => m.count === 5 || m === asks[0])).to.equal(true);
    });
  });

  describe('genstage:events', () => {
    it('should publish { stage, subscription, count } per handleEvents call, for consumers and producer-consumers', async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:prod6' });
      const pc = await GenStage.start(new Pass<number>(), { name: 't:pc6' });
      const sink = new Collect<number>();
      const consumer = await GenStage.start(sink, { name: 't:cons6' });
      const up = await pc.subscribe(producer, { maxDemand: 10, minDemand: 5 });
      const down = await consumer.subscribe(pc, { maxDemand: 100 });
      await settle();
      await producer.call(Array.from({ length: 10 }, (_, i) => i));
      await settle();
      expect(sink.got).to.have.length(10);
      // The producer-consumer cuts the batch of 10 into chunks of maxDemand - minDemand = 5,
      // both handled in one turn; each chunk reaches the consumer as its own batch.
      const events = rec.on('events');
      for (const m of events) expect(m.duration).to.be.a('number').and.to.be.at.least(0);
      expect(events.map(({ duration: _, ...rest }) => rest)).to.deep.equal([
        { stage: pc, subscription: up, count: 5 },
        { stage: pc, subscription: up, count: 5 },
        { stage: consumer, subscription: down, count: 5 },
        { stage: consumer, subscription: down, count: 5 },
      ]);
      await Promise.all([consumer.stop(), pc.stop(), producer.stop()]);
    });

    it('should publish after an async handleEvents has resolved', async () => {
      const order: string[] = [];
      const listener = (m: unknown): void => {
        if ((m as { stage: Stage<unknown> }).stage.name === 't:async') order.push(`published ${(m as { count: number }).count}`);
      };
      diagnostics.subscribe('genstage:events', listener);
      try {
        class Slow extends Consumer<number> {
          async handleEvents(events: number[]): Promise<void> {
            order.push(`handling ${events.length}`);
            await Promise.resolve();
            order.push('handled');
          }
        }
        const source = await GenStage.fromIterable([1, 2, 3], { name: 't:src7' });
        const slow = await GenStage.start(new Slow(), { name: 't:async', subscribeTo: [source] });
        await slow.done;
        expect(order).to.deep.equal(['handling 3', 'handled', 'published 3']);
      } finally {
        diagnostics.unsubscribe('genstage:events', listener);
      }
    });
  });

  describe('genstage:buffer:discard', () => {
    it("should publish { stage, name, count } when the buffer drops events (bufferKeep 'last')", async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:buf', bufferSize: 3 });
      await producer.call([1, 2, 3, 4, 5]);
      await producer.call([6]);
      expect(rec.on('bufferDiscard')).to.deep.equal([
        { stage: producer, name: 't:buf', count: 2 },
        { stage: producer, name: 't:buf', count: 1 },
      ]);
      const sink = new Collect<number>();
      const consumer = await GenStage.start(sink, { name: 't:buf-sink', subscribeTo: [producer] });
      await settle();
      expect(sink.got).to.deep.equal([4, 5, 6]);
      await Promise.all([consumer.stop(), producer.stop()]);
    });

    it("should count the incoming events dropped with bufferKeep 'first'", async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:buf2', bufferSize: 2, bufferKeep: 'first' });
      await producer.call([1, 2, 3, 4, 5]);
      expect(rec.on('bufferDiscard')).to.deep.equal([{ stage: producer, name: 't:buf2', count: 3 }]);
      await producer.stop();
    });
  });
  describe('fields the dashboard reads', () => {
    it("should name a producer's dispatcher class in stage:start, and give undefined for a consumer", async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:disp', dispatcher: new PartitionDispatcher({ partitions: 2 }) });
      const consumer = await GenStage.start(new Collect<number>(), { name: 't:disp-c' });
      expect(rec.on('stageStart').map((m) => [m.name, m.dispatcher])).to.deep.equal([
        ['t:disp', 'PartitionDispatcher'],
        ['t:disp-c', undefined],
      ]);
      await Promise.all([producer.stop(), consumer.stop()]);
    });

    it('should give the time blocked in handleEvents as the duration of an events message', async () => {
      class Busy extends Consumer<number> {
        handleEvents(): void {
          const until = performance.now() + 25;
          while (performance.now() < until) { /* blocked in the callback */ }
        }
      }
      const source = await GenStage.fromIterable([1, 2], { name: 't:busy-src' });
      const busy = await GenStage.start(new Busy(), { name: 't:busy', subscribeTo: [source] });
      await busy.done;
      const [message] = rec.on('events');
      expect(message).to.include({ stage: busy, count: 2 });
      expect(message!.duration).to.be.at.least(25).and.below(1000);
    });
  });

  describe('genstage:produce', () => {
    it('should publish { stage, demand, count, duration } after handleDemand returned or resolved', async () => {
      let n = 0;
      class Counter extends Producer<number> {
        async handleDemand(demand: number): Promise<number[]> {
          const until = performance.now() + 15;
          while (performance.now() < until) { /* producing */ }
          await Promise.resolve();
          const out = Array.from({ length: Math.min(demand, 3) }, () => n++);
          return out;
        }
      }
      const producer = await GenStage.start(new Counter(), { name: 't:prod-cb' });
      const sink = new Collect<number>();
      const consumer = await GenStage.start(sink, { name: 't:prod-cb-sink', subscribeTo: [{ to: producer, maxDemand: 4, minDemand: 0 }] });
      await settle();
      await consumer.stop();
      await producer.stop();
      const messages = rec.on('produce');
      expect(messages.length).to.be.at.least(1);
      expect(messages[0]).to.include({ stage: producer, demand: 4, count: 3 });
      expect(messages[0]!.duration).to.be.at.least(15);
      expect(sink.got.slice(0, 3)).to.deep.equal([0, 1, 2]);
    });

    it('should publish nothing for demand the buffer served, only for the handleDemand that ran', async () => {
      const producer = await GenStage.start(new Pushed(), { name: 't:prod-buf' });
      await producer.call([1, 2, 3]);
      const consumer = await GenStage.start(new Collect<number>(), { name: 't:prod-buf-sink', subscribeTo: [{ to: producer, maxDemand: 2, minDemand: 0 }] });
      await settle();
      // The first ask of 2 is met from the buffer; the next ask of 2 takes the last
      // buffered event and runs handleDemand(1), which returns nothing.
      expect(rec.on('produce').map(({ duration: _, ...rest }) => rest)).to.deep.equal([{ stage: producer, demand: 1, count: 0 }]);
      await Promise.all([consumer.stop(), producer.stop()]);
    });
  });

  describe('genstage:supervisor:child', () => {
    it('should publish running, restarting with the reason, running again, and exited when terminated', async () => {
      const log = captureLog();
      const boom = new Error('boom');
      let runs = 0;
      const sup = await DynamicSupervisor.start({ name: 't:sup' });
      const { id } = await sup.startChild({
        start: () => {
          runs++;
          return runs === 1 ? Promise.reject(boom) : new Promise(() => {});
        },
        restart: 'permanent',
        shutdown: 'brutal_kill',
      });
      while (runs < 2) await settle();
      await sup.terminateChild(id);
      await sup.stop();
      log.restore();
      expect(rec.on('supervisorChild')).to.deep.equal([
        { supervisor: 't:sup', id, state: 'running', reason: undefined, child: undefined },
        { supervisor: 't:sup', id, state: 'restarting', reason: boom, child: undefined },
        { supervisor: 't:sup', id, state: 'running', reason: undefined, child: undefined },
        { supervisor: 't:sup', id, state: 'exited', reason: 'killed', child: undefined },
      ]);
    });

    it('should hand the running Stage of a stage child', async () => {
      const sup = await DynamicSupervisor.start({ name: 't:sup2' });
      const { child } = await sup.startChild({ start: () => GenStage.start(new Collect<number>(), { name: 'sup2-child' }), type: 'stage' });
      await sup.stop();
      expect(rec.on('supervisorChild').map((m) => [m.state, m.child])).to.deep.equal([
        ['running', child],
        ['exited', undefined],
      ]);
    });
  });
});
