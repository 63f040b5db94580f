import { expect } from 'chai';
import { reapIdleConsumers, redisStreamProducer } from '../../../src/connectors/redis/index.js';
import { describeWithRedis } from './server.js';
import { addEntries, cmd, key, startRecorder, until, useRedis } from './support.js';

async function consumerNames(client: Parameters<typeof cmd>[0], stream: string, group: string): Promise<string[]> {
  const rows = (await cmd(client, 'XINFO', 'CONSUMERS', stream, group)) as string[][];
  return rows.map((row) => row[row.indexOf('name') + 1]!).sort();
}

describeWithRedis('consumer housekeeping', () => {
  const h = useRedis();

  it('should remove its consumer from the group on a clean stop when nothing is pending', async () => {
    const stream = key('delconsumer');
    await addEntries(h.client, stream, 3);
    for (let restart = 0; restart < 3; restart++) {
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: `host-${restart}`, redis: h.redis, blockMs: 20 });
      const { recorder } = await startRecorder(producer, { ack: true });
      if (restart === 0) await until('3 events', () => recorder.events.length === 3);
      await until('read once', async () => (await consumerNames(h.client, stream, 'g')).includes(`host-${restart}`));
      await producer.stop();
      expect(await consumerNames(h.client, stream, 'g')).to.deep.equal([]);
    }
  });

  it('should keep its consumer on stop while it has entries pending', async () => {
    const stream = key('keepconsumer');
    await addEntries(h.client, stream, 2);
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'busy', redis: h.redis });
    const { recorder } = await startRecorder(producer); // never acks
    await until('2 events', () => recorder.events.length === 2);
    await producer.stop();
    expect(await consumerNames(h.client, stream, 'g')).to.deep.equal(['busy']);
  });

  it('should reap consumers idle longer than idleMs with nothing pending, and keep the others', async () => {
    const stream = key('reap');
    await cmd(h.client, 'XGROUP', 'CREATE', stream, 'g', '0', 'MKSTREAM');
    await addEntries(h.client, stream, 1);
    await cmd(h.client, 'XGROUP', 'CREATECONSUMER', stream, 'g', 'dead-1');
    await cmd(h.client, 'XGROUP', 'CREATECONSUMER', stream, 'g', 'dead-2');
    await cmd(h.client, 'XREADGROUP', 'GROUP', 'g', 'holder', 'COUNT', '1', 'STREAMS', stream, '>');
    // Wait until Redis reports the others idle for 1 s (its own clock), then add one that
    // is not: the reaper has a whole second to look before 'fresh' would count as idle.
    const idle = async (name: string): Promise<number> => {
      const rows = (await cmd(h.client, 'XINFO', 'CONSUMERS', stream, 'g')) as (string | number)[][];
      const row = rows.find((r) => r[r.indexOf('name') + 1] === name)!;
      return Number(row[row.indexOf('idle') + 1]);
    };
    await until('idle for 1 s', async () => (await idle('holder')) >= 1000, 10_000);
    await cmd(h.client, 'XGROUP', 'CREATECONSUMER', stream, 'g', 'fresh');
    const removed = await reapIdleConsumers({ stream, group: 'g', idleMs: 1000, redis: h.redis });
    expect(removed.sort()).to.deep.equal(['dead-1', 'dead-2']);
    expect(await consumerNames(h.client, stream, 'g')).to.deep.equal(['fresh', 'holder']);
  });

  it('should reject reapIdleConsumers options that are missing or misspelt', () => {
    expect(() => reapIdleConsumers({ group: 'g' } as never)).to.throw(TypeError, 'expected stream to be a non-empty string, got: undefined');
    expect(() => reapIdleConsumers({ stream: 's', group: 'g', idleMs: -1 })).to.throw(RangeError, 'expected idleMs to be an integer >= 0, got: -1');
    expect(() => reapIdleConsumers({ stream: 's', group: 'g', idle: 5 } as never)).to.throw(TypeError, /^unknown option idle in reapIdleConsumers options/);
  });
});
