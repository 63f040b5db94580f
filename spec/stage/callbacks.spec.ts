// The protocol rules cited below (R1, R2, R7) are stated in docs/protocol.md.
import { expect } from 'chai';
import {
  CallTimeoutError, Consumer, GenStage, Producer, StageExitError, type CallFrom, type CallResult, type Subscription,
} from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { RecordingDispatcher, Sink, Source, captureLogs, emit, settle, startSource, type Entry } from './support.js';

/** A producer whose handleCall answers according to the request. */
class Answering extends Source {
  readonly pending: CallFrom[] = [];
  override handleCall(request: { kind: string; events?: number[]; value?: unknown }, from: CallFrom): CallResult<number> | Promise<CallResult<number>> {
    this.timeline.push(['call', request.kind]);
    const ev = request.events === undefined ? {} : { events: request.events };
    switch (request.kind) {
      case 'reply':
        return { reply: request.value, ...ev };
      case 'later':
        this.pending.push(from);
        return { noreply: true, ...ev };
      case 'stop':
        return { stop: 'asked to', reply: 'bye', ...ev };
      case 'async':
        return new Promise((resolve) => setImmediate(() => resolve({ reply: request.value })));
      default:
        return { bogus: true } as unknown as CallResult<number>;
    }
  }
  override handleCast(message: number[] | { answer: unknown }): number[] {
    if (Array.isArray(message)) return message;
    const from = this.pending.shift() as CallFrom;
    this.reply(from, message.answer);
    return [];
  }
}

describe('stage: subscriptions and handleSubscribe (R1, R2, R7)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('R1: should make the subscribeTo subscriptions after init, in the order given', async () => {
    const log: string[] = [];
    class Ordered extends Consumer<number> {
      override init(): void {
        log.push('init');
      }
      override handleSubscribe(_kind: string, options: Readonly<Record<string, unknown>>): void {
        log.push(`subscribe ${String(options.label)}`);
      }
      handleEvents(): void {}
    }
    const a = await startSource('hand');
    const b = await startSource('hand');
    await GenStage.start(new Ordered(), {
      subscribeTo: [{ to: a.producer, label: 'a', cancel: 'temporary' }, { to: b.producer, label: 'b', cancel: 'temporary' }],
    });
    await settle();
    expect(log).to.deep.equal(['init', 'subscribe a', 'subscribe b']);
  });

  it('R1: should give both sides\' handleSubscribe the same subscription and every option but to (kinds producer / consumer)', async () => {
    const seen: [string, string, Readonly<Record<string, unknown>>, Subscription<number>][] = [];
    class P extends Producer<number> {
      handleDemand(): number[] {
        return [];
      }
      override handleSubscribe(kind: 'producer' | 'consumer', options: Readonly<Record<string, unknown>>, from: Subscription<number>): void {
        seen.push(['producer side', kind, options, from]);
      }
    }
    class C extends Consumer<number> {
      static readonly subscriptionOptions = ['tenant']; // an option of its own, declared
      override handleSubscribe(kind: 'producer' | 'consumer', options: Readonly<Record<string, unknown>>, from: Subscription<number>): void {
        seen.push(['consumer side', kind, options, from]);
      }
      handleEvents(): void {}
    }
    const producer = await GenStage.start(new P());
    const consumer = await GenStage.start(new C());
    const sub = await consumer.subscribe(producer, { maxDemand: 5, cancel: 'temporary', tenant: 'acme' });
    await settle();
    const options = { maxDemand: 5, cancel: 'temporary', tenant: 'acme' };
    expect(seen).to.deep.equal([['consumer side', 'producer', options, sub], ['producer side', 'consumer', options, sub]]);
    expect(seen[0]?.[3]).to.equal(seen[1]?.[3]);
    expect(sub.options).to.deep.equal(options);
  });

  it('R1: should resolve subscribe with a subscription whose ends are the two stages', async () => {
    const rig = await startSource('hand');
    const consumer = await GenStage.start(new Sink());
    const sub = await consumer.subscribe(rig.producer, { cancel: 'temporary' });
    expect(sub.producer).to.equal(rig.producer);
    expect(sub.consumer).to.equal(consumer);
    expect(sub.cancelMode).to.equal('temporary');
  });

  it('R1: should wait for an async handleSubscribe on the producer side before asking its dispatcher anything', async () => {
    class SlowHandshake extends Source {
      override async handleSubscribe(kind: 'producer' | 'consumer', options: Readonly<Record<string, unknown>>): Promise<void> {
        await new Promise<void>((resolve) => setImmediate(resolve));
        super.handleSubscribe(kind, options);
      }
    }
    const timeline: Entry[] = [];
    const dispatcher = new RecordingDispatcher<number>();
    const producer = await GenStage.start(new SlowHandshake('hand', timeline), { dispatcher });
    const sink = new Sink();
    await GenStage.start(sink, { subscribeTo: [{ to: producer, maxDemand: 3, cancel: 'temporary' }] });
    await settle();
    // The ask arrived while handleSubscribe was pending: it waited in the mailbox.
    expect(timeline).to.deep.equal([['subscribe', 'consumer'], ['demand', 3]]);
    expect(dispatcher.log.map((e) => e[0])).to.deep.equal(['subscribe', 'ask']);
  });

  it('R1: should reject subscribe on a consumer that is no longer running', async () => {
    const rig = await startSource('hand');
    const consumer = await GenStage.start(new Sink());
    await consumer.stop();
    let error: unknown;
    try {
      await consumer.subscribe(rig.producer);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.match(/it is not running/);
  });

  it('R7: resubscribe should cancel the old subscription at the producer before the new one arrives, with the new options', async () => {
    const rig = await startSource('hand');
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    const old = await consumer.subscribe(rig.producer, { maxDemand: 10, cancel: 'temporary' });
    await settle();
    const next = await consumer.resubscribe(old, 'switch', { maxDemand: 4, cancel: 'temporary' });
    await settle();
    expect(rig.source.timeline).to.deep.equal([
      ['subscribe', 'consumer'], ['demand', 10], ['cancel', { cancel: 'switch' }], ['subscribe', 'consumer'],
    ]);
    expect(rig.dispatcher.log).to.deep.equal([
      ['subscribe', old.tag], ['ask', old.tag, 10], ['cancel', old.tag], ['subscribe', next.tag], ['ask', next.tag, 4],
    ]);
    // The 10 asked on the old subscription were never answered: the dispatcher counts them as pending.
    expect(rig.source.demands).to.deep.equal([10]);
    await emit(rig.producer, [1, 2, 3, 4, 5]);
    // maxDemand 4 / minDemand 2: chunks of 2, and the asks after them let the 5th through.
    expect(sink.batches).to.deep.equal([[1, 2], [3, 4], [5]]);
    expect(rig.dispatcher.asks).to.deep.equal([10, 4, 2, 2]);
    expect(consumer.alive).to.equal(true);
  });

  it('R7: resubscribe should not apply the old subscription\'s cancel mode (permanent, abnormal reason: the consumer keeps running)', async () => {
    const rig = await startSource('hand');
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    const old = await consumer.subscribe(rig.producer, { cancel: 'permanent' });
    await settle();
    await consumer.resubscribe(old, 'switching', { maxDemand: 2 });
    await settle();
    expect(consumer.alive).to.equal(true);
    expect(sink.cancels).to.deep.equal([{ cancel: 'switching' }]);
    expect(rig.dispatcher.asks).to.deep.equal([1000, 2]);
    await emit(rig.producer, [1, 2, 3]);
    expect(sink.batches).to.deep.equal([[1], [2], [3]]);
  });

  it('R7: a plain cancel of a permanent subscription should still stop the consumer', async () => {
    const rig = await startSource('hand');
    const consumer = await GenStage.start(new Sink());
    const sub = await consumer.subscribe(rig.producer, { cancel: 'permanent' });
    await settle();
    consumer.cancel(sub, 'bye');
    expect(await consumer.done).to.equal('bye');
  });
});

describe('stage: handleCall, handleCast, stop and terminate (API)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  async function answering() {
    const timeline: Entry[] = [];
    const impl = new Answering('hand', timeline);
    const producer = await GenStage.start(impl);
    const sink = new Sink('manual');
    const consumer = await GenStage.start(sink);
    await consumer.subscribe(producer, { cancel: 'temporary' });
    await settle();
    return { impl, producer, sink, consumer, timeline };
  }

  it('API: call should resolve with handleCall\'s reply', async () => {
    const { producer } = await answering();
    expect(await producer.call({ kind: 'reply', value: 42 })).to.equal(42);
  });

  it('API: call should dispatch handleCall\'s events before the reply (a later call to the consumer sees them)', async () => {
    const { producer, consumer, sink } = await answering();
    consumer.cast({ ask: 3 });
    await settle();
    const reply = await producer.call({ kind: 'reply', value: 'ok', events: [7, 8] });
    expect(reply).to.equal('ok');
    // The events went into the consumer's mailbox before the reply was sent.
    await consumer.estimateBufferedCount();
    expect(sink.batches).to.deep.equal([[7, 8]]);
  });

  it('API: call should buffer handleCall\'s events nobody asked for, before replying', async () => {
    const { producer } = await answering();
    await producer.call({ kind: 'reply', value: null, events: [1, 2, 3] });
    expect(await producer.estimateBufferedCount()).to.equal(3);
  });

  it('API: call should wait for this.reply after { noreply }, answering in order', async () => {
    const { producer } = await answering();
    const first = producer.call({ kind: 'later' });
    const second = producer.call({ kind: 'later' });
    let settled = 0;
    void first.then(() => settled++);
    await settle();
    expect(settled).to.equal(0);
    producer.cast({ answer: 'one' });
    producer.cast({ answer: 'two' });
    expect(await Promise.all([first, second])).to.deep.equal(['one', 'two']);
  });

  it('API: call should resolve { stop, reply } with the reply and then stop the stage with the reason', async () => {
    const { producer, sink } = await answering();
    expect(await producer.call({ kind: 'stop' })).to.equal('bye');
    expect(await producer.done).to.equal('asked to');
    await settle();
    expect(sink.cancels).to.deep.equal([{ down: 'asked to' }]);
  });

  it('API: call should await an async handleCall', async () => {
    const { producer } = await answering();
    expect(await producer.call({ kind: 'async', value: [1, 2] })).to.deep.equal([1, 2]);
  });

  it('API: call should stop the stage with a TypeError when handleCall returns a bad shape, rejecting the call at once', async () => {
    const clock = new VirtualClock();
    const producer = await GenStage.start(new Answering('hand'), { clock });
    const done = producer.done;
    let error: unknown;
    try {
      // On the virtual clock the 5 s timeout never fires by itself: only the exit can reject this.
      await producer.call({ kind: 'bogus' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StageExitError);
    expect((await done) as Error).to.be.instanceOf(TypeError);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('API: call should reject with a TypeError when the stage defines no handleCall', async () => {
    const rig = await startSource('hand', { name: 'mute' });
    class NoCalls extends Consumer<number> {
      handleEvents(): void {}
    }
    const consumer = await GenStage.start(new NoCalls(), { name: 'nocalls' });
    let error: unknown;
    try {
      await consumer.call('hello');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.equal('nocalls does not define handleCall');
    expect(consumer.alive && rig.producer.alive).to.equal(true);
  });

  it('API: call should reject with CallTimeoutError when no reply comes in time (virtual clock)', async () => {
    const clock = new VirtualClock();
    const impl = new Answering('hand');
    const producer = await GenStage.start(impl, { clock });
    const pending = producer.call({ kind: 'later' }, 100);
    let error: unknown;
    pending.catch((e: unknown) => (error = e));
    await clock.advance(99);
    expect(error).to.equal(undefined);
    await clock.advance(1);
    expect(error).to.be.instanceOf(CallTimeoutError);
    expect((error as CallTimeoutError).timeoutMs).to.equal(100);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('API: call should clear its timer once answered', async () => {
    const clock = new VirtualClock();
    const producer = await GenStage.start(new Answering('hand'), { clock });
    await producer.call({ kind: 'reply', value: 1 }, 1000);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('API: call should reject with StageExitError for a stage that has stopped, or stops before replying', async () => {
    const { producer } = await answering();
    const waiting = producer.call({ kind: 'later' });
    let early: unknown;
    waiting.catch((e: unknown) => (early = e));
    await settle();
    await producer.stop('closing');
    await settle();
    expect(early).to.be.instanceOf(StageExitError);
    expect((early as StageExitError).reason).to.equal('closing');
    let late: unknown;
    try {
      await producer.call({ kind: 'reply', value: 1 });
    } catch (e) {
      late = e;
    }
    expect(late).to.be.instanceOf(StageExitError);
  });

  it('API: cast should dispatch the events handleCast returns', async () => {
    const { producer, consumer, sink } = await answering();
    consumer.cast({ ask: 5 });
    await settle();
    await emit(producer, [1, 2]);
    expect(sink.batches).to.deep.equal([[1, 2]]);
  });

  it('API: cast, send and call should be handled in the order they were sent', async () => {
    const log: string[] = [];
    class Logger extends Producer<number> {
      handleDemand(): number[] {
        return [];
      }
      override handleCast(m: string): void {
        log.push(`cast ${m}`);
      }
      override handleInfo(m: string): void {
        log.push(`info ${m}`);
      }
      override handleCall(m: string): CallResult<number> {
        log.push(`call ${m}`);
        return { reply: null };
      }
    }
    const stage = await GenStage.start(new Logger());
    stage.cast('1');
    stage.send('2');
    const call = stage.call('3');
    stage.cast('4');
    await call;
    await settle();
    expect(log).to.deep.equal(['cast 1', 'info 2', 'call 3', 'cast 4']);
  });

  it('API: a cast to a stage without handleCast should log and be dropped', async () => {
    const consumer = await GenStage.start(new (class extends Consumer<number> {
      handleEvents(): void {}
    })(), { name: 'deaf' });
    consumer.cast('hello');
    await settle();
    expect(consumer.alive).to.equal(true);
    expect(logs.warnings).to.deep.equal(['deaf received a cast but defines no handleCast: "hello"']);
  });

  it('API: stop should run terminate with the reason once, then resolve done with it', async () => {
    const sink = new Sink();
    const consumer = await GenStage.start(sink);
    await consumer.stop({ shutdown: 'deploy' });
    expect(sink.terminated).to.deep.equal([{ shutdown: 'deploy' }]);
    expect(await consumer.done).to.deep.equal({ shutdown: 'deploy' });
    expect(consumer.alive).to.equal(false);
  });

  it('API: stop should default to normal and resolve only after an async terminate settled', async () => {
    const log: string[] = [];
    class Slow extends Consumer<number> {
      handleEvents(): void {}
      override async terminate(reason: unknown): Promise<void> {
        log.push(`terminate ${String(reason)}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
        log.push('terminated');
      }
    }
    const consumer = await GenStage.start(new Slow());
    await consumer.stop();
    log.push('stop resolved');
    expect(log).to.deep.equal(['terminate normal', 'terminated', 'stop resolved']);
    expect(await consumer.done).to.equal('normal');
  });

  it('API: this.stop inside a callback should end the stage after the callback, dead-lettering later messages', async () => {
    const timeline: Entry[] = [];
    class Quitter extends Sink {
      override handleInfo(message: unknown): void {
        super.handleInfo(message);
        if (message === 'quit') this.stop('quit');
      }
    }
    const sink = new Quitter('automatic', timeline);
    const consumer = await GenStage.start(sink);
    consumer.send('a');
    consumer.send('quit');
    consumer.send('never');
    expect(await consumer.done).to.equal('quit');
    expect(timeline).to.deep.equal([['info', 'a'], ['info', 'quit'], ['terminate', 'quit']]);
  });

  it('API: a throwing handleEvents should end the stage with that error as done\'s value (no rejection)', async () => {
    const rig = await startSource('hand');
    const error = new Error('bad event');
    const sink = new Sink('automatic', [], () => {
      throw error;
    });
    const consumer = await GenStage.start(sink, { subscribeTo: [rig.producer] });
    await settle();
    await emit(rig.producer, [1]);
    expect(await consumer.done).to.equal(error);
    expect(sink.terminated).to.deep.equal([error]);
  });

  it('API: an async init should finish before start resolves and before any subscription', async () => {
    const log: string[] = [];
    class Lazy extends Consumer<number> {
      override async init(): Promise<void> {
        await new Promise<void>((resolve) => setImmediate(resolve));
        log.push('init done');
      }
      override handleSubscribe(): void {
        log.push('subscribed');
      }
      handleEvents(): void {}
    }
    const rig = await startSource('hand');
    const started = GenStage.start(new Lazy(), { subscribeTo: [{ to: rig.producer, cancel: 'temporary' }] });
    log.push('start called');
    await started;
    log.push('start resolved');
    await settle();
    expect(log).to.deep.equal(['start called', 'init done', 'start resolved', 'subscribed']);
  });
});
