// The protocol rules cited below (R2) are stated in docs/protocol.md.
import { expect } from 'chai';
import { Consumer, GenStage, Producer, ProducerConsumer, type Subscription } from '../../src/index.js';
import { Sink, captureLogs, emit, range, settle, startSource } from './support.js';

describe('stage: manual demand (R2)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  async function manualConsumer(options: { maxDemand?: number; minDemand?: number } = {}) {
    const rig = await startSource('hand');
    const sink = new Sink('manual');
    const consumer = await GenStage.start(sink, { subscribeTo: [{ to: rig.producer, cancel: 'temporary', ...options }] });
    await settle();
    const ask = async (n: number): Promise<void> => {
      consumer.cast({ ask: n });
      await settle();
    };
    return { ...rig, sink, consumer, ask };
  }

  it('R2: should send no ask at subscribe when handleSubscribe returns manual', async () => {
    const { dispatcher, source } = await manualConsumer({ maxDemand: 10 });
    expect(dispatcher.log.map((e) => e[0])).to.deep.equal(['subscribe']);
    expect(source.demands).to.deep.equal([]);
  });

  it('R2: should send exactly the asks made with this.ask', async () => {
    const { dispatcher, source, ask } = await manualConsumer();
    await ask(3);
    await ask(4);
    expect(dispatcher.asks).to.deep.equal([3, 4]);
    expect(source.demands).to.deep.equal([3, 4]);
  });

  it('R2: should hand each message as one batch, not cut into maxDemand - minDemand chunks (10/9)', async () => {
    const { producer, sink, ask } = await manualConsumer({ maxDemand: 10, minDemand: 9 });
    await ask(10);
    await emit(producer, range(0, 10));
    expect(sink.batches).to.deep.equal([range(0, 10)]);
  });

  it('R2: should not ask again by itself after events arrive', async () => {
    const { producer, dispatcher, sink, ask } = await manualConsumer({ maxDemand: 4 });
    await ask(4);
    await emit(producer, [1, 2, 3, 4]);
    await emit(producer, [5, 6]);
    expect(dispatcher.asks).to.deep.equal([4]);
    expect(sink.batches).to.deep.equal([[1, 2, 3, 4]]);
  });

  it('R2: should treat an ask of 0 as a no-op', async () => {
    const { dispatcher, ask } = await manualConsumer();
    await ask(0);
    expect(dispatcher.asks).to.deep.equal([]);
  });

  it('R2: should add successive asks up: asks of 2 and 3 let 5 buffered events through, in two batches', async () => {
    const { producer, sink, ask } = await manualConsumer();
    await emit(producer, [1, 2, 3, 4, 5, 6]);
    expect(sink.batches).to.deep.equal([]);
    await ask(2);
    await ask(3);
    expect(sink.batches).to.deep.equal([[1, 2], [3, 4, 5]]);
    expect(await producer.estimateBufferedCount()).to.equal(1);
  });

  it('R2: should let handleSubscribe ask before returning manual (the ask follows the subscription)', async () => {
    const rig = await startSource('count');
    class Eager extends Consumer<number> {
      readonly batches: number[][] = [];
      override handleSubscribe(_kind: string, _o: unknown, from: Subscription<number>): 'manual' {
        this.ask(from, 3);
        return 'manual';
      }
      handleEvents(events: number[]): void {
        this.batches.push(events);
      }
    }
    const eager = new Eager();
    await GenStage.start(eager, { subscribeTo: [{ to: rig.producer, cancel: 'temporary' }] });
    await settle();
    expect(rig.dispatcher.log.map((e) => e[0])).to.deep.equal(['subscribe', 'ask']);
    expect(eager.batches).to.deep.equal([[0, 1, 2]]);
  });

  it('R2: should accept manual from an async handleSubscribe', async () => {
    const rig = await startSource('count');
    class Later extends Consumer<number> {
      readonly batches: number[][] = [];
      sub: Subscription<number> | undefined;
      override async handleSubscribe(_kind: string, _o: unknown, from: Subscription<number>): Promise<'manual'> {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.sub = from;
        return 'manual';
      }
      handleEvents(events: number[]): void {
        this.batches.push(events);
      }
      override handleCast(n: number): void {
        this.ask(this.sub as Subscription<number>, n);
      }
    }
    const later = new Later();
    const consumer = await GenStage.start(later, { subscribeTo: [{ to: rig.producer, cancel: 'temporary' }] });
    await settle();
    expect(rig.dispatcher.asks).to.deep.equal([]);
    consumer.cast(2);
    await settle();
    expect(later.batches).to.deep.equal([[0, 1]]);
    expect(rig.dispatcher.asks).to.deep.equal([2]);
  });

  it('R2: should resolve subscribe for a manual subscription without any demand sent', async () => {
    const rig = await startSource('hand');
    const consumer = await GenStage.start(new Sink('manual'));
    const sub = await consumer.subscribe(rig.producer, { maxDemand: 8, cancel: 'temporary' });
    await settle();
    expect(sub.maxDemand).to.equal(8);
    expect(rig.dispatcher.asks).to.deep.equal([]);
  });

  it('R2: should let a producer-consumer take manual demand upstream while its consumer stays automatic', async () => {
    const rig = await startSource('count');
    class Window extends ProducerConsumer<number, number> {
      override handleSubscribe(kind: 'producer' | 'consumer', _o: unknown, from: Subscription<number>): 'manual' | 'automatic' {
        if (kind === 'consumer') return 'automatic';
        this.ask(from, 2);
        return 'manual';
      }
      handleEvents(events: number[], from: Subscription<number>): number[] {
        if (events[events.length - 1]! < 7) this.ask(from, 2);
        return events.map((e) => e * 10);
      }
    }
    const pc = await GenStage.start(new Window(), { subscribeTo: [{ to: rig.producer, cancel: 'temporary' }] });
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: pc, maxDemand: 100, cancel: 'temporary' }] });
    await settle();
    expect(rig.dispatcher.asks).to.deep.equal([2, 2, 2, 2]);
    expect(sink.events).to.deep.equal([0, 10, 20, 30, 40, 50, 60, 70]);
  });

  it('R2: should crash a producer whose handleSubscribe returns manual for a consumer (a producer cannot be manual)', async () => {
    class Wrong extends Producer<number> {
      handleDemand(): number[] {
        return [];
      }
      override handleSubscribe(): 'manual' {
        return 'manual';
      }
    }
    const producer = await GenStage.start(new Wrong(), { name: 'wrong' });
    await GenStage.start(new Sink(), { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
    const reason = await producer.done;
    expect(reason).to.be.instanceOf(TypeError);
    expect((reason as Error).message).to.match(/wrong: handleSubscribe\('consumer', \.\.\.\) of a producer must not return 'manual'/);
  });

  it('R2: should crash a consumer whose handleSubscribe returns neither automatic nor manual', async () => {
    const rig = await startSource('hand');
    class Odd extends Consumer<number> {
      override handleSubscribe(): 'automatic' {
        return 'auto' as 'automatic';
      }
      handleEvents(): void {}
    }
    const consumer = await GenStage.start(new Odd(), { name: 'odd' });
    void consumer.subscribe(rig.producer, { cancel: 'temporary' });
    const reason = await consumer.done;
    expect(reason).to.be.instanceOf(TypeError);
    expect((reason as Error).message).to.equal(`odd: handleSubscribe must return 'automatic' or 'manual', got: "auto"`);
  });

  it('R2: should ignore an ask made on a subscription it is cancelling (no unknown_subscription round trip)', async () => {
    const { consumer, dispatcher, sink } = await manualConsumer();
    const sub = sink.subs[0] as Subscription<number>;
    consumer.cancel(sub as Subscription<unknown>, 'normal');
    consumer.cast({ ask: 5 });
    await settle();
    expect(dispatcher.asks).to.deep.equal([]);
    expect(sink.cancels).to.deep.equal([{ cancel: 'normal' }]);
    expect(logs.warnings).to.deep.equal([]);
  });
});
