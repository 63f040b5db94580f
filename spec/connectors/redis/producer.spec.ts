import { expect } from 'chai';
import { Consumer, GenStage } from '../../../src/index.js';
import { redisStreamProducer, RedisStreamProducer, type RedisStreamEvent } from '../../../src/connectors/redis/index.js';
import { describeWithRedis } from './server.js';
import { addEntries, cmd, key, pendingCount, startRecorder, until, useRedis } from './support.js';

describeWithRedis('redisStreamProducer', () => {
  const h = useRedis();

  it('should create the stream and the group when they are missing', async () => {
    const stream = key('missing');
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
    const groups = (await cmd(h.client, 'XINFO', 'GROUPS', stream)) as unknown[][];
    expect(groups).to.have.length(1);
    expect(groups[0]![1]).to.equal('g');
    await producer.stop();
  });

  it('should join an existing group without an error (BUSYGROUP)', async () => {
    const stream = key('existing');
    await cmd(h.client, 'XGROUP', 'CREATE', stream, 'g', '0', 'MKSTREAM');
    await addEntries(h.client, stream, 3);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
    const { recorder } = await startRecorder(producer, { ack: true });
    await until('3 events', () => recorder.events.length === 3);
    expect(recorder.events.map((e) => e.fields.n)).to.deep.equal(['0', '1', '2']);
    await producer.stop();
  });

  it('should read exactly as many entries as the demand (XREADGROUP COUNT)', async () => {
    const stream = key('demand');
    await addEntries(h.client, stream, 50);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, blockMs: 50 });
    const { recorder } = await startRecorder(producer, { manual: true });
    recorder.askFor(7);
    await until('7 events', () => recorder.events.length === 7);
    await new Promise((r) => setTimeout(r, 150));
    expect(recorder.events).to.have.length(7);
    expect(await pendingCount(h.client, stream, 'g')).to.equal(7);
    recorder.askFor(3);
    await until('10 events', () => recorder.events.length === 10);
    expect(recorder.events.map((e) => Number(e.fields.n))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await pendingCount(h.client, stream, 'g')).to.equal(10);
    await producer.stop();
  });

  it('should give each event its stream, id, fields, delivery count and ack()', async () => {
    const stream = key('shape');
    const [id] = await addEntries(h.client, stream, 1);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
    const { recorder } = await startRecorder(producer);
    await until('1 event', () => recorder.events.length === 1);
    const e = recorder.events[0]!;
    expect([e.stream, e.id, e.fields, e.deliveries, e.state]).to.deep.equal([stream, id, { n: '0' }, 1, 'pending']);
    e.ack();
    expect(e.state).to.equal('acked');
    await until('acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
    await producer.stop();
  });

  it('should block while the stream is idle and deliver entries added later', async () => {
    const stream = key('idle');
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, blockMs: 5000 });
    const { recorder } = await startRecorder(producer, { ack: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(recorder.events).to.have.length(0);
    await addEntries(h.client, stream, 2);
    await until('2 events', () => recorder.events.length === 2);
    expect(recorder.events.map((e) => e.fields.n)).to.deep.equal(['0', '1']);
    await producer.stop();
  });

  it("should start a new group at '$' when asked, skipping older entries", async () => {
    const stream = key('dollar');
    await addEntries(h.client, stream, 5);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, startId: '$', blockMs: 50 });
    const { recorder } = await startRecorder(producer, { ack: true });
    await addEntries(h.client, stream, 1, 5);
    await until('1 event', () => recorder.events.length === 1);
    expect(recorder.events[0]!.fields.n).to.equal('5');
    await producer.stop();
  });

  it('should share a group between two consumers: each entry goes to one of them', async () => {
    const stream = key('share');
    await addEntries(h.client, stream, 200);
    const a = await redisStreamProducer({ stream, group: 'g', consumer: 'a', redis: h.redis, maxCount: 10 });
    const b = await redisStreamProducer({ stream, group: 'g', consumer: 'b', redis: h.redis, maxCount: 10 });
    const ra = await startRecorder(a, { ack: true, maxDemand: 10 });
    const rb = await startRecorder(b, { ack: true, maxDemand: 10 });
    await until('200 events', () => ra.recorder.events.length + rb.recorder.events.length === 200);
    const ids = [...ra.recorder.events, ...rb.recorder.events].map((e) => Number(e.fields.n)).sort((x, y) => x - y);
    expect(ids).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    expect(ra.recorder.events.length).to.be.greaterThan(0);
    expect(rb.recorder.events.length).to.be.greaterThan(0);
    await a.stop();
    await b.stop();
  });

  it("should deliver again, on restart under the same name, what it had not acknowledged", async () => {
    const stream = key('restart');
    await addEntries(h.client, stream, 4);
    const first = await redisStreamProducer({ stream, group: 'g', consumer: 'same', redis: h.redis });
    const r1 = await startRecorder(first);
    await until('4 events', () => r1.recorder.events.length === 4);
    r1.recorder.events[0]!.ack();
    r1.recorder.events[2]!.ack();
    await until('2 acked', async () => (await pendingCount(h.client, stream, 'g')) === 2);
    await first.stop();
    const second = await redisStreamProducer({ stream, group: 'g', consumer: 'same', redis: h.redis });
    const r2 = await startRecorder(second, { ack: true });
    await until('2 events', () => r2.recorder.events.length === 2);
    expect(r2.recorder.events.map((e) => [e.fields.n, e.deliveries])).to.deep.equal([['1', 2], ['3', 2]]);
    await until('all acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
    await second.stop();
  });

  it('should claim (XAUTOCLAIM) entries a dead consumer left pending longer than claimIdleMs', async () => {
    const stream = key('claim');
    await addEntries(h.client, stream, 3);
    await cmd(h.client, 'XGROUP', 'CREATE', stream, 'g', '0');
    // A consumer that read the entries and died without acknowledging them.
    await cmd(h.client, 'XREADGROUP', 'GROUP', 'g', 'dead', 'COUNT', '3', 'STREAMS', stream, '>');
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'alive', redis: h.redis, claimIdleMs: 100, claimIntervalMs: 50, blockMs: 50 });
    const { recorder } = await startRecorder(producer, { ack: true });
    await until('3 claimed events', () => recorder.events.length === 3);
    expect(recorder.events.map((e) => [e.fields.n, e.deliveries])).to.deep.equal([['0', 2], ['1', 2], ['2', 2]]);
    await until('all acked', async () => (await pendingCount(h.client, stream, 'g')) === 0);
    await producer.stop();
  });

  it('should not claim from itself what its own pipeline still holds', async () => {
    const stream = key('noself');
    await addEntries(h.client, stream, 2);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, claimIdleMs: 20, claimIntervalMs: 20, blockMs: 20 });
    const { recorder } = await startRecorder(producer); // holds them, never acks
    await until('2 events', () => recorder.events.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(recorder.events.map((e) => e.fields.n)).to.deep.equal(['0', '1']);
    await producer.stop();
  });

  it('should redeliver a failed event, then move it to the dead-letter stream after maxDeliveries', async () => {
    const stream = key('poison');
    const [poisonId] = await addEntries(h.client, stream, 1);
    const producer = await redisStreamProducer({
      stream, group: 'g', consumer: 'c', redis: h.redis, claimIdleMs: 30, claimIntervalMs: 20, blockMs: 20, maxDeliveries: 3,
    });
    const deliveries: number[] = [];
    class Failing extends Consumer<RedisStreamEvent> {
      handleEvents(events: RedisStreamEvent[]): void {
        for (const e of events) {
          deliveries.push(e.deliveries);
          e.fail();
        }
      }
    }
    await GenStage.start(new Failing(), { subscribeTo: [producer] });
    const dead = `${stream}:dead`;
    await until('dead letter', async () => Number(await cmd(h.client, 'XLEN', dead)) === 1);
    expect(deliveries).to.deep.equal([1, 2, 3]);
    const fields = ((await cmd(h.client, 'XRANGE', dead, '-', '+')) as [string, string[]][])[0]![1];
    expect(fields).to.deep.equal(['n', '0', '_stream', stream, '_id', poisonId, '_group', 'g', '_deliveries', '3']);
    expect(await pendingCount(h.client, stream, 'g')).to.equal(0);
    expect(h.warnings.some((w) => w.includes(`moved 1 entries delivered 3 times to ${dead}`))).to.equal(true);
    await producer.stop();
  });

  it('should recreate the group when it vanishes mid-stream (NOGROUP)', async () => {
    const stream = key('nogroup');
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, blockMs: 20 });
    const { recorder } = await startRecorder(producer, { ack: true });
    await addEntries(h.client, stream, 1);
    await until('1 event', () => recorder.events.length === 1);
    await cmd(h.client, 'DEL', stream);
    await until('group recreated', async () => Number(await cmd(h.client, 'EXISTS', stream)) === 1);
    await addEntries(h.client, stream, 1, 1);
    await until('2 events', () => recorder.events.length === 2);
    expect(recorder.events[1]!.fields.n).to.equal('1');
    await producer.stop();
  });

  it('should stop with the error when the key is not a stream', async () => {
    const stream = key('wrongtype');
    const instance = new RedisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, blockMs: 20 });
    const producer = await GenStage.start(instance);
    await startRecorder(producer);
    await cmd(h.client, 'DEL', stream);
    await cmd(h.client, 'SET', stream, 'not a stream');
    const reason = await producer.done;
    expect(reason).to.be.instanceOf(Error);
    expect(String((reason as Error).message)).to.match(/WRONGTYPE/);
  });

  it('should release every socket and timer when it stops', async () => {
    await new Promise((r) => setTimeout(r, 50));
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    const stream = key('resources');
    await addEntries(h.client, stream, 10);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, blockMs: 5000 });
    const { recorder, stage } = await startRecorder(producer, { ack: true });
    await until('10 events', () => recorder.events.length === 10);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length).to.be.greaterThan(before.filter((r) => r === 'TCPSocketWrap').length);
    await producer.stop();
    await stage.done;
    // A destroyed socket leaves the list when its handle has closed, a turn or a few later
    // on a loaded machine: wait for that (bounded), then compare.
    const now = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    await until('sockets and timers released', () => JSON.stringify(now()) === JSON.stringify(before), 2000).catch(() => undefined);
    expect(now()).to.deep.equal(before);
  });
});
