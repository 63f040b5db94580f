/**
 * End to end through Redis Streams: messages per second from a `redisStreamSink`
 * in this process, through one stream and consumer group, to 1, 2 and 4 consumer
 * processes (`redisStreamProducer` + `StreamConsumer`, acknowledging every batch),
 * timed from the first XADD until the group has read everything and nothing is
 * pending. Worker start-up is not timed. Needs `redis-server` on the PATH (a
 * throwaway one is started on a free loopback port).
 *
 * The scaling ratio is each row's rate over the 1-consumer rate of the same kind of
 * consumer. On a 2-core machine the consumers share the cores with the writer and
 * redis-server: consumers that only acknowledge do not scale there (the writer is
 * the bound), consumers that wait on I/O do.
 *
 * Run alone: npx tsx bench/redis.ts   (or npm run bench:redis)
 */
import { GenStage } from '../src/index.js';
import { redisStreamSink } from '../src/connectors/redis/index.js';
import { RedisServer, redisServerAvailable } from '../spec/connectors/redis/server.js';
import { spawnFixture } from '../spec/connectors/redis/processes.js';
import { connectClient } from '../spec/connectors/redis/support.js';

export interface RedisRow {
  name: string;
  consumers: number;
  messagesPerSecond: number;
  /** Against one consumer process. */
  scaling: number;
}

const MESSAGES = 200_000;
const WAIT_MS = 10;

async function round(server: RedisServer, consumers: number, id: number, waitMs: number): Promise<number> {
  const stream = `bench:${consumers}:${id}`;
  const client = await connectClient(server.url);
  const env = { REDIS_URL: server.url, STREAM: stream, GROUP: 'g', LOG: '-', MAX_DEMAND: '1000', SLOW_MS: String(waitMs) };
  const workers = Array.from({ length: consumers }, (_, i) => spawnFixture('worker', { ...env, CONSUMER: `w${i}` }));
  await Promise.all(workers.map((w) => w.ready));
  const t0 = performance.now();
  function* messages(): Generator<{ n: number; body: string }> {
    for (let n = 0; n < MESSAGES; n++) yield { n, body: 'x'.repeat(32) };
  }
  const sink = await redisStreamSink({ stream, redis: { url: server.url } }, [{ to: await GenStage.fromIterable(messages()), maxDemand: 2000 }]);
  await sink.done;
  for (;;) {
    const [group] = (await client.sendCommand(['XINFO', 'GROUPS', stream])) as unknown[][];
    if (Number(group![9]) >= MESSAGES && Number(group![5]) === 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  for (const w of workers) w.process.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await client.sendCommand(['DEL', stream]);
  client.destroy();
  return MESSAGES / (ms / 1000);
}

/**
 * Best of `rounds` for 1, 2 and 4 consumer processes: consumers that do nothing
 * but acknowledge, then consumers that wait `WAIT_MS` per batch of 500 (a call to
 * another service), where the group's sharing of work shows.
 */
export async function redisThroughput(rounds = 2): Promise<RedisRow[]> {
  const server = await RedisServer.start();
  try {
    const rows: RedisRow[] = [];
    let id = 0;
    for (const waitMs of [0, WAIT_MS]) {
      const best = new Map<number, number>();
      for (let r = 0; r < rounds; r++) {
        for (const consumers of [1, 2, 4]) best.set(consumers, Math.max(best.get(consumers) ?? 0, await round(server, consumers, id++, waitMs)));
      }
      const one = best.get(1)!;
      const work = waitMs === 0 ? 'ack only' : `${waitMs} ms wait per 500`;
      for (const consumers of [1, 2, 4]) {
        rows.push({
          name: `redis, ${consumers} consumer process${consumers > 1 ? 'es' : ''} (${work})`,
          consumers,
          messagesPerSecond: best.get(consumers)!,
          scaling: best.get(consumers)! / one,
        });
      }
    }
    return rows;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!redisServerAvailable()) {
    console.error('redis-server is not installed: no Redis rows (apt-get install redis-server)');
    process.exit(process.env.CI === 'true' ? 1 : 0);
  }
  const rows = await redisThroughput();
  console.log(`redis streams end to end: ${MESSAGES.toLocaleString('en')} messages, sink -> group -> consumer processes, acked (best of 2)`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(52)} ${(row.messagesPerSecond / 1e3).toFixed(0).padStart(6)} k msg/s  ${row.scaling.toFixed(2)}x one consumer`);
  }
}
