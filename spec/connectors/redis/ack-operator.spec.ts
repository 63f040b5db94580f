import { expect } from 'chai';
import { Flow, map } from '../../../src/index.js';
import { ack, redisStreamProducer, type RedisStreamEvent } from '../../../src/connectors/redis/index.js';
import { describeWithRedis } from './server.js';
import { addEntries, key, pendingCount, startRecorder, until, useRedis } from './support.js';

describeWithRedis('ack (Flow operator)', () => {
  const h = useRedis();

  async function readEvents(stream: string, count: number): Promise<{ events: RedisStreamEvent[]; stop: () => Promise<void> }> {
    await addEntries(h.client, stream, count);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
    const { recorder } = await startRecorder(producer);
    await until(`${count} events`, () => recorder.events.length === count);
    return { events: recorder.events, stop: () => producer.stop() };
  }

  it('should acknowledge each event at the end of a flow and pass it on', async () => {
    const stream = key('flow');
    const { events, stop } = await readEvents(stream, 5);
    expect(await pendingCount(h.client, stream, 'g')).to.equal(5);
    const out = await Flow.from(events).pipe(ack()).toArray();
    expect(out.map((e) => e.fields.n)).to.deep.equal(['0', '1', '2', '3', '4']);
    await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
    await stop();
  });

  it('should find the event to acknowledge with select after a map', async () => {
    const stream = key('select');
    const { events, stop } = await readEvents(stream, 3);
    const out = await Flow.from(events)
      .pipe(map((e: RedisStreamEvent) => ({ n: Number(e.fields.n) * 2, e })), ack((d: { n: number; e: RedisStreamEvent }) => d.e))
      .toArray();
    expect(out.map((d) => d.n)).to.deep.equal([0, 2, 4]);
    expect(events.map((e) => e.state)).to.deep.equal(['acked', 'acked', 'acked']);
    await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
    await stop();
  });

  it('should reject a select that is not a function', () => {
    expect(() => ack(5 as never)).to.throw(TypeError, 'expected select to be a function, got: 5');
  });
});
