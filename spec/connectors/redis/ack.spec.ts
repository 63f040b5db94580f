import { expect } from 'chai';
import { GenStage, ProducerConsumer, type Stage } from '../../../src/index.js';
import {
  ackAll, acknowledge, AckConsumer, redisStreamProducer, StreamConsumer, type RedisStreamEvent,
} from '../../../src/connectors/redis/index.js';
import { describeWithRedis } from './server.js';
import { addEntries, cmd, commandCalls, key, pendingCount, until, useRedis } from './support.js';

interface Wrapped {
  n: number;
  source: RedisStreamEvent;
}

class Wrap extends ProducerConsumer<RedisStreamEvent, Wrapped> {
  handleEvents(events: RedisStreamEvent[]): Wrapped[] {
    return events.map((source) => ({ n: Number(source.fields.n) * 10, source }));
  }
}

describeWithRedis('acknowledgement', () => {
  const h = useRedis();

  describe('batching', () => {
    it('should acknowledge 1000 events with one XACK per batch, not one per event', async () => {
      const stream = key('batch');
      await addEntries(h.client, stream, 1000);
      const before = await commandCalls(h.client, 'xack');
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, ackBatchSize: 500 });
      const consumer = new StreamConsumer<RedisStreamEvent>(() => {});
      await GenStage.start(consumer, { subscribeTo: [{ to: producer, maxDemand: 1000 }] });
      await until('1000 handled', () => consumer.acknowledged === 1000);
      await until('all acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
      const calls = (await commandCalls(h.client, 'xack')) - before;
      expect(consumer.acknowledged).to.equal(1000);
      expect(calls).to.be.within(2, 4);
      await producer.stop();
    });

    it('should count an event acked twice only once', async () => {
      const stream = key('twice');
      await addEntries(h.client, stream, 1);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      const events: RedisStreamEvent[] = [];
      await GenStage.start(new StreamConsumer<RedisStreamEvent>((batch) => {
        events.push(...batch);
        for (const e of batch) e.ack();
      }), { subscribeTo: [producer] });
      await until('1 handled', () => events.length === 1);
      await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
      events[0]!.ack();
      expect(events[0]!.state).to.equal('acked');
      await producer.stop();
    });
  });

  describe('StreamConsumer', () => {
    it('should acknowledge a batch only after handleEvents resolved', async () => {
      const stream = key('after');
      await addEntries(h.client, stream, 5);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let started = false;
      await GenStage.start(new StreamConsumer<RedisStreamEvent>(async () => {
        started = true;
        await gate;
      }), { subscribeTo: [producer] });
      await until('handler started', () => started);
      await new Promise((r) => setTimeout(r, 50));
      expect(await pendingCount(h.client, stream, 'g')).to.equal(5);
      release();
      await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
      await producer.stop();
    });

    it('should dead-letter exactly the 4 poison messages among 40, not their batches', async () => {
      const stream = key('poison');
      const dead = `${stream}:dead`;
      const ids = await addEntries(h.client, stream, 40);
      const poison = new Set(['3', '14', '15', '37']);
      const producer = await redisStreamProducer({
        stream, group: 'g', consumer: 'c', redis: h.redis, maxDeliveries: 1, claimIdleMs: 30, claimIntervalMs: 20, blockMs: 20,
      });
      const handled: string[] = [];
      const consumer = new StreamConsumer<RedisStreamEvent>((events) => {
        if (events.some((e) => poison.has(e.fields.n!))) throw new Error('poison');
        handled.push(...events.map((e) => e.fields.n!));
      });
      await GenStage.start(consumer, { subscribeTo: [{ to: producer, maxDemand: 10, minDemand: 0 }] });
      await until('4 dead-lettered', async () => Number(await cmd(h.client, 'XLEN', dead)) === 4);
      await until('nothing pending', async () => (await pendingCount(h.client, stream, 'g')) === 0);
      const deadIds = ((await cmd(h.client, 'XRANGE', dead, '-', '+')) as [string, string[]][]).map(([, f]) => f[f.indexOf('_id') + 1]);
      expect(deadIds).to.deep.equal([ids[3], ids[14], ids[15], ids[37]]);
      expect([consumer.acknowledged, consumer.failed]).to.deep.equal([36, 4]);
      expect([...new Set(handled)].map(Number).sort((a, b) => a - b)).to.deep.equal(
        Array.from({ length: 40 }, (_, i) => i).filter((i) => !poison.has(String(i))),
      );
      await producer.stop();
    });

    it('should retry nothing when the handler fails the bad event itself and resolves', async () => {
      const stream = key('self-fail');
      await addEntries(h.client, stream, 4);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      const calls: string[][] = [];
      const consumer = new StreamConsumer<RedisStreamEvent>((events) => {
        calls.push(events.map((e) => e.fields.n!));
        for (const e of events) if (e.fields.n === '2') e.fail();
      });
      await GenStage.start(consumer, { subscribeTo: [producer] });
      await until('3 acked', async () => (await pendingCount(h.client, stream, 'g')) === 1);
      expect(calls).to.deep.equal([['0', '1', '2', '3']]);
      expect(consumer.acknowledged).to.equal(3);
      await producer.stop();
    });

    it('should ack the part of a failed batch that succeeds alone and go on with the next', async () => {
      const stream = key('failed');
      await addEntries(h.client, stream, 4);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, maxCount: 2 });
      const consumer = new StreamConsumer<RedisStreamEvent>((events) => {
        if (events[0]!.fields.n === '0') throw new Error('boom');
      });
      await GenStage.start(consumer, { subscribeTo: [{ to: producer, maxDemand: 2, minDemand: 0 }] });
      await until('4 handled', () => consumer.acknowledged + consumer.failed === 4);
      expect([consumer.acknowledged, consumer.failed]).to.deep.equal([3, 1]);
      await until('3 acked', async () => (await pendingCount(h.client, stream, 'g')) === 1);
      expect(h.warnings.filter((w) => w.includes('handleEvents failed on a batch of 2; retried in parts, 1 events failed on their own') && w.includes('boom'))).to.have.length(1);
      await producer.stop();
    });

    it("should stop with the error under onError: 'stop', leaving the batch pending", async () => {
      const stream = key('stop');
      await addEntries(h.client, stream, 3);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      const consumer = await GenStage.start(new StreamConsumer<RedisStreamEvent>(() => {
        throw new Error('fatal');
      }, { onError: 'stop' }), { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
      const reason = await consumer.done;
      expect((reason as Error).message).to.equal('fatal');
      expect(await pendingCount(h.client, stream, 'g')).to.equal(3);
      await producer.stop();
    });

    it('should wrap a subclass handleEvents the same way', async () => {
      const stream = key('subclass');
      await addEntries(h.client, stream, 3);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      const seen: string[] = [];
      class Worker extends StreamConsumer<RedisStreamEvent> {
        override async handleEvents(events: RedisStreamEvent[]): Promise<void> {
          seen.push(...events.map((e) => e.fields.n!));
        }
      }
      const worker = new Worker();
      await GenStage.start(worker, { subscribeTo: [producer] });
      await until('3 handled', () => worker.acknowledged === 3);
      await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
      expect(seen).to.deep.equal(['0', '1', '2']);
      expect(worker.acknowledged).to.equal(3);
      await producer.stop();
    });
  });

  describe('AckConsumer and acknowledge', () => {
    it('should acknowledge at the end of a pipeline of stages, through select', async () => {
      const stream = key('pipeline');
      await addEntries(h.client, stream, 6);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      const wrap = await GenStage.start(new Wrap(), { subscribeTo: [producer] });
      const ack = new AckConsumer<Wrapped>({ select: (w) => w.source });
      await GenStage.start(ack, { subscribeTo: [wrap] });
      await until('6 handled', () => ack.acknowledged === 6);
      await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
      expect(ack.acknowledged).to.equal(6);
      await producer.stop();
    });

    it('should start an AckConsumer subscribed to the last stage with acknowledge()', async () => {
      const stream = key('function');
      await addEntries(h.client, stream, 4);
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      const acks: Stage<never> = await acknowledge(producer, { maxDemand: 2 });
      await until('4 acked in Redis', async () => Number((await h.client.sendCommand(['XINFO', 'GROUPS', stream]) as unknown[][])[0]![9]) === 4);
      await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
      await producer.stop();
      expect(await acks.done).to.equal('normal');
    });

    it('should throw a TypeError for an event without ack()', () => {
      expect(() => ackAll([{ n: 1 }] as unknown as RedisStreamEvent[])).to.throw(TypeError, 'expected an event with ack() to acknowledge, got: {"n":1}');
    });

    it('should reject an unknown option and a non-function select', () => {
      expect(() => new AckConsumer({ selct: () => undefined } as never)).to.throw(TypeError, /unknown option selct/);
      expect(() => new AckConsumer({ select: 3 } as never)).to.throw(TypeError, 'expected select to be a function, got: 3');
    });
  });
});
