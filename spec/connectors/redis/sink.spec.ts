import { expect } from 'chai';
import { GenStage, Producer } from '../../../src/index.js';
import { redisStreamSink, RedisStreamSink } from '../../../src/connectors/redis/index.js';
import { describeWithRedis } from './server.js';
import { cmd, commandCalls, key, until, useRedis } from './support.js';

/** Emits `{ n }` on demand and counts what it emitted. */
class Counter extends Producer<{ n: number }> {
  emitted = 0;
  constructor(private readonly limit: number) {
    super();
  }
  handleDemand(demand: number): { n: number }[] {
    const out: { n: number }[] = [];
    while (out.length < demand && this.emitted < this.limit) out.push({ n: this.emitted++ });
    if (this.emitted >= this.limit) this.stop();
    return out;
  }
}

describeWithRedis('redisStreamSink', () => {
  const h = useRedis();

  it('should append every event, in order, and stop normally when its producer ends', async () => {
    const stream = key('order');
    const source = await GenStage.fromIterable(Array.from({ length: 2500 }, (_, n) => ({ n, even: n % 2 === 0 })));
    const sink = await redisStreamSink({ stream, redis: h.redis }, [{ to: source, maxDemand: 1000 }]);
    expect(await sink.done).to.equal('normal');
    const entries = (await cmd(h.client, 'XRANGE', stream, '-', '+')) as [string, string[]][];
    expect(entries).to.have.length(2500);
    expect(entries.map(([, f]) => Number(f[1]))).to.deep.equal(Array.from({ length: 2500 }, (_, n) => n));
    expect(entries[3]![1]).to.deep.equal(['n', '3', 'even', 'false']);
  });

  it('should send one XADD per event, pipelined, and ask for more only after Redis confirmed the batch', async () => {
    const stream = key('pause');
    const counter = new Counter(400);
    const source = await GenStage.start(counter);
    const sink = new RedisStreamSink<{ n: number }>({ stream, redis: h.redis });
    const xaddsBefore = await commandCalls(h.client, 'xadd');
    // Redis answers no write for 300 ms: the sink holds one batch and asks for nothing.
    await cmd(h.client, 'CLIENT', 'PAUSE', '300', 'WRITE');
    const stage = await GenStage.start(sink, { subscribeTo: [{ to: source, maxDemand: 100, minDemand: 50 }] });
    await new Promise((r) => setTimeout(r, 150));
    expect(sink.written).to.equal(0);
    expect(counter.emitted).to.equal(100);
    expect(await stage.done).to.equal('normal');
    expect(sink.written).to.equal(400);
    expect(Number(await cmd(h.client, 'XLEN', stream))).to.equal(400);
    expect((await commandCalls(h.client, 'xadd')) - xaddsBefore).to.equal(400);
  });

  it('should trim the stream to about maxLen entries', async () => {
    const stream = key('maxlen');
    const source = await GenStage.fromIterable(Array.from({ length: 5000 }, (_, n) => ({ n })));
    const sink = await redisStreamSink({ stream, maxLen: 1000, redis: h.redis }, [{ to: source, maxDemand: 500 }]);
    await sink.done;
    const length = Number(await cmd(h.client, 'XLEN', stream));
    expect(length).to.be.within(1000, 1200);
    const last = (await cmd(h.client, 'XREVRANGE', stream, '+', '-', 'COUNT', '1')) as [string, string[]][];
    expect(last[0]![1]).to.deep.equal(['n', '4999']);
  });

  it('should turn events into fields with toFields', async () => {
    const stream = key('tofields');
    const source = await GenStage.fromIterable(['a', 'b']);
    const sink = await redisStreamSink({ stream, redis: h.redis, toFields: (word: string) => ({ word, length: word.length }) }, [source]);
    await sink.done;
    const entries = (await cmd(h.client, 'XRANGE', stream, '-', '+')) as [string, string[]][];
    expect(entries.map(([, f]) => f)).to.deep.equal([['word', 'a', 'length', '1'], ['word', 'b', 'length', '1']]);
  });

  it('should stop with a TypeError on an event that has no fields', async () => {
    const stream = key('nofields');
    const source = await GenStage.fromIterable([{}]);
    const sink = await redisStreamSink({ stream, redis: h.redis }, [{ to: source, cancel: 'temporary' }]);
    const reason = await sink.done;
    expect(reason).to.be.instanceOf(TypeError);
    expect((reason as Error).message).to.equal(`redisStreamSink(${stream}): expected the fields of an entry (a non-empty object), got: {}`);
  });

  it('should stop with the error when the key is not a stream', async () => {
    const stream = key('wrongtype');
    await cmd(h.client, 'SET', stream, 'x');
    const source = await GenStage.fromIterable([{ a: 1 }]);
    const sink = await redisStreamSink({ stream, redis: h.redis }, [{ to: source, cancel: 'temporary' }]);
    expect(String((await sink.done as Error).message)).to.match(/^WRONGTYPE/);
  });

  it('should release its connection when it stops', async () => {
    await new Promise((r) => setTimeout(r, 20));
    const before = process.getActiveResourcesInfo().sort();
    const source = await GenStage.fromIterable([{ a: 1 }]);
    const sink = await redisStreamSink({ stream: key('release'), redis: h.redis }, [source]);
    await sink.done;
    await until('released', () => JSON.stringify(process.getActiveResourcesInfo().sort()) === JSON.stringify(before), 2000);
  });
});
