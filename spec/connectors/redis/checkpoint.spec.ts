import { expect } from 'chai';
import { Consumer, GenStage } from '../../../src/index.js';
import { RedisCheckpoint, redisStreamProducer, type RedisStreamEvent } from '../../../src/connectors/redis/index.js';
import { describeWithRedis } from './server.js';
import { addEntries, cmd, key, pendingCount, until, useRedis } from './support.js';

interface Sum {
  sum: number;
  count: number;
}

/** Sums the `n` field, committing state and acks every `every` events; throws at event number `crashAt`. */
class Summer extends Consumer<RedisStreamEvent> {
  state: Sum = { sum: 0, count: 0 };
  private uncommitted: RedisStreamEvent[] = [];
  private seen = 0;
  constructor(private readonly checkpoint: RedisCheckpoint<Sum>, private readonly every: number, private readonly crashAt = Infinity) {
    super();
  }
  override async init(): Promise<void> {
    this.state = (await this.checkpoint.load())?.state ?? { sum: 0, count: 0 };
  }
  async handleEvents(events: RedisStreamEvent[]): Promise<void> {
    for (const e of events) {
      if (++this.seen === this.crashAt) throw new Error('crash');
      this.state = { sum: this.state.sum + Number(e.fields.n), count: this.state.count + 1 };
      this.uncommitted.push(e);
      if (this.uncommitted.length >= this.every) {
        await this.checkpoint.commit(this.state, this.uncommitted);
        this.uncommitted = [];
      }
    }
  }
}

describeWithRedis('RedisCheckpoint', () => {
  const h = useRedis();

  it('should load nothing before the first commit', async () => {
    const checkpoint = await RedisCheckpoint.open<Sum>({ key: key('empty'), redis: h.redis });
    expect(await checkpoint.load()).to.equal(undefined);
    checkpoint.close();
  });

  it('should store the state with the last acknowledged id and acknowledge the events in one MULTI', async () => {
    const stream = key('commit');
    const ids = await addEntries(h.client, stream, 3);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
    const events: RedisStreamEvent[] = [];
    await GenStage.start(new (class extends Consumer<RedisStreamEvent> {
      handleEvents(batch: RedisStreamEvent[]): void {
        events.push(...batch);
      }
    })(), { subscribeTo: [producer] });
    await until('3 events', () => events.length === 3);
    const checkpoint = await RedisCheckpoint.open<Sum>({ key: key('cp'), redis: h.redis });
    const saved = await checkpoint.commit({ sum: 3, count: 3 }, events);
    expect(saved).to.deep.equal({ state: { sum: 3, count: 3 }, lastIds: { [stream]: ids[2] }, commits: 1 });
    expect(await pendingCount(h.client, stream, 'g')).to.equal(0);
    expect(events.map((e) => e.state)).to.deep.equal(['acked', 'acked', 'acked']);
    expect(await checkpoint.load()).to.deep.equal(saved);
    checkpoint.close();
    await producer.stop();
  });

  it('should resume after a crash from the last checkpoint, counting every event exactly once', async () => {
    const stream = key('resume');
    const cpKey = key('resume-cp');
    await addEntries(h.client, stream, 1000);
    const options = { stream, group: 'g', consumer: 'reducer', redis: h.redis };

    const cp1 = await RedisCheckpoint.open<Sum>({ key: cpKey, redis: h.redis });
    const p1 = await redisStreamProducer(options);
    const crashed = await GenStage.start(new Summer(cp1, 100, 450), { subscribeTo: [{ to: p1, maxDemand: 50, cancel: 'temporary' }] });
    expect(((await crashed.done) as Error).message).to.equal('crash');
    await p1.stop();
    cp1.close();
    const afterCrash = JSON.parse(String(await cmd(h.client, 'GET', cpKey))) as { state: Sum; commits: number };
    expect(afterCrash.state).to.deep.equal({ sum: (399 * 400) / 2, count: 400 });
    expect(afterCrash.commits).to.equal(4);

    const cp2 = await RedisCheckpoint.open<Sum>({ key: cpKey, redis: h.redis });
    const p2 = await redisStreamProducer(options);
    const summer = new Summer(cp2, 100);
    await GenStage.start(summer, { subscribeTo: [{ to: p2, maxDemand: 50 }] });
    // The state counts an event before the commit that acknowledges it resolves: wait for both.
    await until('all counted and acknowledged', async () => summer.state.count === 1000 && (await pendingCount(h.client, stream, 'g')) === 0);
    expect(summer.state).to.deep.equal({ sum: (999 * 1000) / 2, count: 1000 });
    const saved = JSON.parse(String(await cmd(h.client, 'GET', cpKey))) as { state: Sum; commits: number };
    expect(saved.state).to.deep.equal({ sum: (999 * 1000) / 2, count: 1000 });
    await p2.stop();
    cp2.close();
  });

  it('should reject events that were not read by redisStreamProducer', async () => {
    const checkpoint = await RedisCheckpoint.open<Sum>({ key: key('foreign'), redis: h.redis });
    let error: unknown;
    try {
      await checkpoint.commit({ sum: 0, count: 0 }, [{ id: '1-0', ack() {} } as unknown as RedisStreamEvent]);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.match(/^expected events read by redisStreamProducer, got:/);
    checkpoint.close();
  });
});
