import { expect } from 'chai';
import { Consumer, GenStage, Producer, ProducerConsumer, type Subscription } from '../../src/index.js';
import {
  bufferedCount, consumerCount, downstreamDemand, exitReason, exitStage, makeTemporary, monitorStage, onDownstreamDemand,
  processBehind, producersOf, stageName, stopWhenDrained, watchStage, whenExited,
} from '../../src/core/internal.js';
import { captureLogs, settle } from '../stage/support.js';

class Counter extends Producer<number> {
  next = 0;
  handleDemand(demand: number): number[] {
    return Array.from({ length: demand }, () => this.next++);
  }
}

class Collect extends Consumer<number> {
  readonly seen: number[] = [];
  handleEvents(events: number[]): void {
    this.seen.push(...events);
  }
}

/** Emits what it is cast; a cast of 'stop' stops it when drained. */
class Hand extends Producer<number> {
  handleDemand(): number[] {
    return [];
  }
  override handleCast(message: unknown): number[] | undefined {
    if (message === 'stop') {
      stopWhenDrained(this);
      return undefined;
    }
    return message as number[];
  }
}

describe('core/internal: the privileged entry into the kernel', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('should watch a crash without observing it (the crash is still reported)', async () => {
    const producer = await GenStage.start(new Counter(), { name: 'watched' });
    const reasons: unknown[] = [];
    const gone = new Promise((resolve) => watchStage(producer, resolve));
    watchStage(producer, (reason) => reasons.push(reason));
    const error = new Error('boom');
    exitStage(producer, error);
    expect(await gone).to.equal(error);
    await settle();
    expect(reasons).to.deep.equal([error]);
    expect(exitReason(producer)).to.equal(error);
    expect(logs.errors).to.deep.equal(['watched exited and nobody observed it']);
  });

  it('should monitor a crash as handling it (the monitor reports, the stage does not)', async () => {
    const producer = await GenStage.start(new Counter(), { name: 'monitored' });
    const reasons: unknown[] = [];
    monitorStage(producer, (reason) => reasons.push(reason));
    const error = new Error('boom');
    exitStage(producer, error);
    expect(await whenExited(producer)).to.equal(error);
    await settle();
    expect(reasons).to.deep.equal([error]);
    expect(logs.errors).to.deep.equal([]);
  });

  it('should exit a stage as a message handled in its own turn, not inside the caller', async () => {
    const producer = await GenStage.start(new Counter(), { name: 'target' });
    exitStage(producer, 'shutdown');
    expect(producer.alive).to.equal(true);
    expect(await producer.done).to.equal('shutdown');
  });

  it('should handle an exit ahead of mail the stage has not started', async () => {
    const hand = new Hand();
    const producer = await GenStage.start(hand, { name: 'hand' });
    const sink = new Collect();
    const consumer = await GenStage.start(sink);
    await consumer.subscribe(producer, { maxDemand: 10 });
    await settle();
    producer.cast([1, 2]);
    exitStage(producer, 'shutdown');
    expect(await producer.done).to.equal('shutdown');
    await settle();
    expect(sink.seen).to.deep.equal([]);
  });

  it('should stop a producer when its buffered events are dispatched (stopWhenDrained)', async () => {
    const producer = await GenStage.start(new Hand(), { name: 'drained' });
    producer.cast([1, 2, 3]);
    producer.cast('stop');
    await settle();
    expect(await producer.estimateBufferedCount()).to.equal(3);
    const sink = new Collect();
    const consumer = await GenStage.start(sink);
    await consumer.subscribe(producer, { maxDemand: 10, cancel: 'temporary' });
    expect(await producer.done).to.equal('normal');
    expect(sink.seen).to.deep.equal([1, 2, 3]);
  });

  it('should tell a producer-consumer each downstream demand, and read its demand and buffer', async () => {
    const heard: [number, number, number][] = [];
    class Pace extends ProducerConsumer<number, number> {
      override init(): void {
        onDownstreamDemand(this, (pending) => heard.push([pending, downstreamDemand(this), bufferedCount(this)]));
      }
      handleEvents(events: number[]): number[] {
        return events;
      }
    }
    const pc = await GenStage.start(new Pace(), { name: 'pace' });
    const consumer = await GenStage.start(new Collect());
    await consumer.subscribe(pc, { maxDemand: 4, minDemand: 0 });
    await settle();
    expect(heard).to.deep.equal([[4, 4, 0]]);
    expect(stageName(pc)).to.equal('pace');
    expect(processBehind(pc)).to.not.equal(undefined);
    expect(processBehind({ process: {} })).to.equal(undefined);
  });

  it('should list a consumer\'s producers and count a producer\'s consumers', async () => {
    const seen: Subscription<number>[][] = [];
    class Look extends Consumer<number> {
      handleEvents(): void {
        seen.push(producersOf(this));
      }
    }
    const producer = await GenStage.start(new Hand());
    const consumer = await GenStage.start(new Look());
    const sub = await consumer.subscribe(producer, { maxDemand: 1, minDemand: 0 });
    producer.cast([7]);
    await settle();
    expect(seen).to.deep.equal([[sub]]);
    expect(consumerCount(producer)).to.equal(1);
    await consumer.stop();
    await producer.stop();
  });

  it('should make a subscription temporary from handleSubscribe and return its previous mode', async () => {
    const modes: string[] = [];
    class Keeps extends Consumer<number> {
      override handleSubscribe(_kind: 'producer' | 'consumer', _o: unknown, from: Subscription<number>): void {
        modes.push(makeTemporary(from), from.cancelMode);
      }
      handleEvents(): void {}
    }
    const producer = await GenStage.start(new Hand());
    const consumer = await GenStage.start(new Keeps());
    await consumer.subscribe(producer, { cancel: 'permanent' });
    await producer.stop('shutdown');
    await settle();
    expect(modes).to.deep.equal(['permanent', 'temporary']);
    expect(consumer.alive).to.equal(true);
    await consumer.stop();
  });
});

describe('kernel: no back doors', () => {
  it('should hand any sent object to handleInfo, never run it inside the stage', async () => {
    const infos: unknown[] = [];
    class Listen extends Consumer<number> {
      handleEvents(): void {}
      override handleInfo(message: unknown): void {
        infos.push(message);
      }
    }
    const stage = await GenStage.start(new Listen());
    let ran = false;
    const lookalike = { run: () => (ran = true) };
    stage.send(lookalike);
    await settle();
    expect(ran).to.equal(false);
    expect(infos).to.deep.equal([lookalike]);
    await stage.stop();
  });

  it('should never call a user method that happens to be named handleDownstreamDemand', async () => {
    const calls: number[] = [];
    class Named extends ProducerConsumer<number, number> {
      handleDownstreamDemand(pending: number): void {
        calls.push(pending);
      }
      handleEvents(events: number[]): number[] {
        return events;
      }
    }
    const pc = await GenStage.start(new Named());
    const consumer = await GenStage.start(new Collect());
    await consumer.subscribe(pc, { maxDemand: 4, minDemand: 0 });
    await settle();
    expect(calls).to.deep.equal([]);
    await consumer.stop();
    await pc.stop();
  });
});
