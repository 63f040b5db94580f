/**
 * Word count across three processes: a coordinator and two workers sharing a Redis
 * stream through a consumer group.
 *
 * The coordinator appends lines to the stream `wc:lines` with `redisStreamSink`
 * (one pipelined batch at a time: it asks its source for more only after Redis
 * confirmed the last batch) and forks two workers. Each worker reads with
 * `redisStreamProducer` (XREADGROUP COUNT = its demand, so the busier worker simply
 * asks less), counts the words of each batch into the hash `wc:counts` and, once
 * that write is confirmed, acknowledges the batch (`StreamConsumer`). A worker that
 * dies leaves its batch pending; the other claims it after `claimIdleMs`. The
 * coordinator knows the work is finished from two counts: lines counted (kept in
 * Redis with the word counts, in the same MULTI) and entries pending in the group.
 * Workers stopped cleanly leave the group (nothing pending); `reapIdleConsumers`
 * removes those of workers that were killed.
 *
 * The count is at least once: a batch counted and then lost before its XACK is
 * counted again. For exactly-once state, see examples/checkpoint.ts.
 *
 * Run: npx tsx examples/distributed-word-count.ts
 * (uses REDIS_URL, or starts a throwaway redis-server when it is on the PATH)
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { GenStage } from '../src/index.js';
import { redisStreamProducer, redisStreamSink, StreamConsumer, type RedisStreamEvent } from '../src/connectors/redis/index.js';
import { withRedis } from './support/redis-server.js';

const STREAM = 'wc:lines';
const GROUP = 'word-count';
const COUNTS = 'wc:counts';
const COUNTED = 'wc:counted'; // lines whose words are in COUNTS

const TEXT = [
  'roses are red violets are blue',
  'the stage asks and the producer answers',
  'demand flows up and events flow down',
  'a slow consumer slows the producer instead of filling memory',
];

async function worker(url: string, name: string): Promise<void> {
  const client = createClient({ url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
  const lines = await redisStreamProducer({ stream: STREAM, group: GROUP, consumer: name, redis: { url }, claimIdleMs: 5000 });
  let words = 0;
  const counter = new StreamConsumer<RedisStreamEvent>(async (events) => {
    const batch = new Map<string, number>();
    for (const e of events) {
      for (const word of (e.fields.line ?? '').split(/\s+/)) {
        if (word) batch.set(word, (batch.get(word) ?? 0) + 1);
      }
    }
    const multi = client.multi();
    for (const [word, n] of batch) multi.addCommand(['HINCRBY', COUNTS, word, String(n)]);
    multi.addCommand(['INCRBY', COUNTED, String(events.length)]);
    await multi.exec();
    words += [...batch.values()].reduce((a, b) => a + b, 0);
  }); // acknowledged after this resolves
  await GenStage.start(counter, { subscribeTo: [{ to: lines, maxDemand: 500 }] });
  process.send?.('ready');
  process.once('message', async () => {
    await lines.stop();
    client.destroy();
    console.log(`worker ${name}: ${counter.acknowledged} lines, ${words} words`);
    process.exit(0);
  });
}

async function coordinator(url: string): Promise<void> {
  const client = createClient({ url, RESP: 2 });
  await client.connect();
  await client.del([STREAM, COUNTS, COUNTED]);
  const self = fileURLToPath(import.meta.url);
  const workers = ['worker-1', 'worker-2'].map((name) => fork(self, ['worker', url, name], { execArgv: ['--import', 'tsx'] }));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));

  const total = 40_000;
  function* lines(): Generator<{ line: string }> {
    for (let i = 0; i < total; i++) yield { line: TEXT[i % TEXT.length]! };
  }
  const source = await GenStage.fromIterable(lines());
  const sink = await redisStreamSink({ stream: STREAM, redis: { url } }, [{ to: source, maxDemand: 1000 }]);
  await sink.done;

  // Done when every line has been counted (at least once) and the group has nothing
  // pending: counted lines are acknowledged right after. Not from the group's
  // `entries-read`, which a Redis restart can leave unknown (then a loop on it waits forever).
  for (;;) {
    const counted = Number(await client.sendCommand(['GET', COUNTED]));
    const [pending] = (await client.sendCommand(['XPENDING', STREAM, GROUP])) as unknown[];
    if (counted >= total && Number(pending) === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.all(workers.map((w) => new Promise((resolve) => { w.once('exit', resolve); w.send('stop'); })));
  const counts = (await client.sendCommand(['HGETALL', COUNTS])) as string[];
  const top: [string, number][] = [];
  for (let i = 0; i < counts.length; i += 2) top.push([counts[i]!, Number(counts[i + 1])]);
  top.sort((a, b) => b[1] - a[1]);
  console.log('top words:', top.slice(0, 5));
  client.destroy();
}

if (process.argv[2] === 'worker') {
  await worker(process.argv[3]!, process.argv[4]!);
} else {
  await withRedis(coordinator);
}
