/**
 * A stateful reducer that survives a restart: it stores its state and the last
 * acknowledged id in Redis every N events, and resumes from there.
 *
 * The reducer counts words from the stream `cp:words`. Every 1000 events it calls
 * `RedisCheckpoint.commit(state, events)`: one MULTI that saves the counts (with the
 * last acknowledged id) and XACKs those events. After a crash the counts are the
 * last committed ones and exactly the events after them are still pending in the
 * group, so they are delivered again to the restarted reducer (same consumer name)
 * and every word is counted once, not "at least once".
 *
 * This demo crashes the first reducer after 4321 events, starts a second one, and
 * checks the final counts against the input.
 *
 * Run: npx tsx examples/checkpoint.ts
 * (uses REDIS_URL, or starts a throwaway redis-server when it is on the PATH)
 */
import { createClient } from 'redis';
import { Consumer, GenStage } from '../src/index.js';
import { RedisCheckpoint, redisStreamProducer, redisStreamSink, type RedisStreamEvent } from '../src/connectors/redis/index.js';
import { withRedis } from './support/redis-server.js';

const STREAM = 'cp:words';
const CHECKPOINT = 'cp:word-counts';
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const TOTAL = 10_000;

type Counts = Record<string, number>;

class WordCounter extends Consumer<RedisStreamEvent> {
  counts: Counts = {};
  private uncommitted: RedisStreamEvent[] = [];
  private handled = 0;

  constructor(private readonly checkpoint: RedisCheckpoint<Counts>, private readonly every: number, private readonly crashAfter = Infinity) {
    super();
  }

  override async init(): Promise<void> {
    const saved = await this.checkpoint.load();
    this.counts = saved?.state ?? {};
    if (saved) console.log(`resuming from commit ${saved.commits}, last acknowledged id ${saved.lastIds[STREAM]}`);
  }

  async handleEvents(events: RedisStreamEvent[]): Promise<void> {
    for (const event of events) {
      if (++this.handled > this.crashAfter) throw new Error('simulated crash');
      const word = event.fields.word!;
      this.counts[word] = (this.counts[word] ?? 0) + 1;
      this.uncommitted.push(event);
      if (this.uncommitted.length >= this.every) {
        await this.checkpoint.commit(this.counts, this.uncommitted);
        this.uncommitted = [];
      }
    }
  }
}

async function run(redis: { url: string }, crashAfter: number): Promise<WordCounter> {
  const checkpoint = await RedisCheckpoint.open<Counts>({ key: CHECKPOINT, redis });
  const source = await redisStreamProducer({ stream: STREAM, group: 'counter', consumer: 'reducer-1', redis, blockMs: 100 });
  const counter = new WordCounter(checkpoint, 1000, crashAfter);
  const stage = await GenStage.start(counter, { subscribeTo: [{ to: source, maxDemand: 500, cancel: 'temporary' }] });
  if (crashAfter !== Infinity) {
    console.log('first reducer stopped:', ((await stage.done) as Error).message);
  } else {
    while (Object.values(counter.counts).reduce((a, b) => a + b, 0) < TOTAL) await new Promise((r) => setTimeout(r, 20));
    await stage.stop();
  }
  await source.stop();
  checkpoint.close();
  return counter;
}

await withRedis(async (url) => {
  const redis = { url };
  const client = createClient({ url, RESP: 2 });
  await client.connect();
  await client.del([STREAM, CHECKPOINT]);
  const input = Array.from({ length: TOTAL }, (_, i) => ({ word: WORDS[(i * 7) % WORDS.length]! }));
  const sink = await redisStreamSink({ stream: STREAM, redis }, [await GenStage.fromIterable(input)]);
  await sink.done;

  await run(redis, 4321);
  const counter = await run(redis, Infinity);
  const expected: Counts = {};
  for (const { word } of input) expected[word] = (expected[word] ?? 0) + 1;
  console.log('counts:', counter.counts);
  console.log(WORDS.every((w) => counter.counts[w] === expected[w]) ? 'every word counted exactly once' : 'MISMATCH');
  client.destroy();
});
