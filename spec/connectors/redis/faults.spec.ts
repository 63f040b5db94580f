import { expect } from 'chai';
import { GenStage, setLogger } from '../../../src/index.js';
import { redisStreamProducer, RedisStreamSink, StreamConsumer, type RedisStreamEvent } from '../../../src/connectors/redis/index.js';
import { describeWithRedis, RedisServer } from './server.js';
import { spawnFixture, waitFor, type Child } from './processes.js';
import { addEntries, cmd, connectClient, key, pendingCount, until, useRedis, type Client } from './support.js';

/** The per-id processing log the workers keep: id -> times processed. */
async function processedLog(client: Client, log: string): Promise<Map<string, number>> {
  const flat = (await cmd(client, 'HGETALL', log)) as string[];
  const counts = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) counts.set(flat[i]!, Number(flat[i + 1]));
  return counts;
}

async function stopChild(child: Child): Promise<number | string> {
  child.process.kill('SIGTERM');
  return child.exited;
}

describeWithRedis('genstage/redis across processes and faults', function () {
  this.timeout(90_000);

  describe('across processes', () => {
    const h = useRedis();

    it('should feed consumers in two processes from a producer in a third, demand-driven at both ends', async () => {
      const stream = key('cross');
      const log = key('cross-log');
      const env = { REDIS_URL: h.server.url, STREAM: stream, GROUP: 'g', LOG: log, MAX_DEMAND: '200' };
      const a = spawnFixture('worker', { ...env, CONSUMER: 'a' });
      const b = spawnFixture('worker', { ...env, CONSUMER: 'b' });
      await Promise.all([a.ready, b.ready]);
      const feeder = spawnFixture('feeder', { REDIS_URL: h.server.url, STREAM: stream, COUNT: '20000' });
      expect(await feeder.exited).to.equal(0);
      await waitFor('20000 processed and acked', async () =>
        Number(await cmd(h.client, 'HLEN', log)) === 20_000 && (await pendingCount(h.client, stream, 'g')) === 0);
      expect([await stopChild(a), await stopChild(b)]).to.deep.equal([0, 0]);
      // Both read (each has a share of the log), and both left the group on their clean stop, holding nothing.
      const consumers = (await cmd(h.client, 'XINFO', 'CONSUMERS', stream, 'g')) as unknown[][];
      expect(consumers).to.deep.equal([]);
      const counts = await processedLog(h.client, log);
      expect([...counts.values()].every((n) => n === 1)).to.equal(true);
    });
  });

  describe('a consumer process killed with SIGKILL mid-stream', () => {
    const h = useRedis();

    it('should process every one of 100,000 messages at least once and acknowledge each once, losing none', async () => {
      const N = 100_000;
      const stream = key('kill');
      const log = key('kill-log');
      for (let from = 0; from < N; from += 10_000) await addEntries(h.client, stream, 10_000, from);
      await cmd(h.client, 'DEL', 'acks:confirmed', 'acks:redundant');
      const env = { REDIS_URL: h.server.url, STREAM: stream, GROUP: 'g', LOG: log, MAX_DEMAND: '1000', SLOW_MS: '10', CLAIM_IDLE_MS: '1000' };
      let a = spawnFixture('worker', { ...env, CONSUMER: 'a' });
      const b = spawnFixture('worker', { ...env, CONSUMER: 'b' });
      await Promise.all([a.ready, b.ready]);
      await waitFor('20,000 processed', async () => Number(await cmd(h.client, 'HLEN', log)) >= 20_000);
      a.process.kill('SIGKILL');
      expect(await a.exited).to.equal('SIGKILL');
      const atKill = Number(await cmd(h.client, 'HLEN', log));
      expect(atKill).to.be.below(N);
      const pendingForA = Number(((await cmd(h.client, 'XPENDING', stream, 'g')) as [number, string, string, [string, string][] | null])[3]?.find(([c]) => c === 'a')?.[1] ?? 0);
      a = spawnFixture('worker', { ...env, CONSUMER: 'a' });
      await a.ready;
      await waitFor('all processed and acked', async () =>
        Number(await cmd(h.client, 'HLEN', log)) === N && (await pendingCount(h.client, stream, 'g')) === 0, 60_000);
      expect([await stopChild(a), await stopChild(b)]).to.deep.equal([0, 0]);

      const counts = await processedLog(h.client, log);
      expect(counts.size).to.equal(N);
      const ids = (await cmd(h.client, 'XRANGE', stream, '-', '+', 'COUNT', String(N + 1))) as [string, unknown][];
      expect(ids.every(([id]) => (counts.get(id) ?? 0) >= 1)).to.equal(true);
      // Only what the killed worker held unacknowledged can have been processed twice.
      const twice = [...counts.values()].filter((n) => n > 1).length;
      expect(twice).to.be.at.most(pendingForA);
      const groups = (await cmd(h.client, 'XINFO', 'GROUPS', stream)) as unknown[][];
      expect([groups[0]![5], groups[0]![11]]).to.deep.equal([0, 0]); // pending, lag
      // No XACK of the surviving and restarted workers named an id that was no longer pending.
      expect(Number(await cmd(h.client, 'GET', 'acks:redundant'))).to.equal(0);
    });
  });

  describe('Redis stopped mid-stream and restarted', () => {
    let server: RedisServer;
    let client: Client;
    before(async () => {
      server = await RedisServer.start({ persistent: true });
      client = await connectClient(server.url);
    });
    after(async () => {
      client.destroy();
      await server.stop();
    });

    it('should reconnect the producer and the sink and lose nothing', async () => {
      const stream = key('restart');
      const redis = { url: server.url };
      const quiet = setLogger({ warn: () => {}, error: () => {} });
      try {
        const seen = new Map<string, number>();
        const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis, blockMs: 100, claimIdleMs: 1000 });
        let handled = 0;
        await GenStage.start(new StreamConsumer<RedisStreamEvent>(async (events) => {
          for (const e of events) seen.set(e.fields.n!, (seen.get(e.fields.n!) ?? 0) + 1);
          handled += events.length;
          await new Promise((r) => setTimeout(r, 2));
        }), { subscribeTo: [{ to: producer, maxDemand: 200 }] });
        // The sink writes 20,000 entries while Redis goes away and comes back.
        const source = await GenStage.fromIterable(Array.from({ length: 20_000 }, (_, n) => ({ n })));
        const writer = new RedisStreamSink<{ n: number }>({ stream, redis });
        const sink = await GenStage.start(writer, { subscribeTo: [{ to: source, maxDemand: 500 }] });
        await until('some handled', () => handled >= 2000, 30_000);
        await server.kill('SIGKILL');
        expect(writer.written).to.be.below(20_000);
        expect(handled).to.be.below(20_000);
        await new Promise((r) => setTimeout(r, 300));
        await server.launch();
        expect(await sink.done).to.equal('normal');
        await until('all 20,000 seen and acked', async () => seen.size === 20_000 && (await pendingCount(client, stream, 'g')) === 0, 40_000);
        const missing = Array.from({ length: 20_000 }, (_, n) => String(n)).filter((n) => !seen.has(n));
        expect(missing).to.deep.equal([]);
        await producer.stop();
      } finally {
        setLogger(quiet);
      }
    });
  });
});
