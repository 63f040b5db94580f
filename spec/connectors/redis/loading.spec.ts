import { expect } from 'chai';
import { createClient, ErrorReply } from 'redis';
import { redisStreamProducer } from '../../../src/connectors/redis/index.js';
import { describeWithRedis } from './server.js';
import { addEntries, cmd, key, startRecorder, until, useRedis } from './support.js';

type Send = (this: unknown, args: readonly string[], ...rest: unknown[]) => Promise<unknown>;

/**
 * Makes every node-redis client answer `LOADING` (as a server replaying its dataset
 * after a restart does) to the next `times` commands that `match`, without sending
 * them: a deterministic stand-in for a server caught mid-load.
 */
function answerLoading(match: (args: readonly string[]) => boolean, times: number): { readonly left: number; restore(): void } {
  const probe = createClient({});
  let proto = Object.getPrototypeOf(probe) as Record<string, unknown> | null;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, 'sendCommand')) proto = Object.getPrototypeOf(proto) as Record<string, unknown> | null;
  if (proto === null) throw new Error('node-redis client has no sendCommand');
  const target = proto;
  const original = target.sendCommand as Send;
  let left = times;
  target.sendCommand = function (this: unknown, args: readonly string[], ...rest: unknown[]) {
    if (left > 0 && match(args)) {
      left--;
      return Promise.reject(new ErrorReply('LOADING Redis is loading the dataset in memory'));
    }
    return original.call(this, args, ...rest);
  } as Send;
  return {
    get left() {
      return left;
    },
    restore() {
      target.sendCommand = original;
    },
  };
}

const isGroupCreate = (stream: string) => (args: readonly string[]) => args[0] === 'XGROUP' && args[1] === 'CREATE' && args[2] === stream;

describeWithRedis('redisStreamProducer while Redis loads its dataset (LOADING)', () => {
  const h = useRedis();

  it('should wait out LOADING on XGROUP CREATE at start instead of rejecting', async () => {
    const stream = key('loading-start');
    const loading = answerLoading(isGroupCreate(stream), 3);
    try {
      const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis });
      expect(loading.left).to.equal(0);
      const groups = (await cmd(h.client, 'XINFO', 'GROUPS', stream)) as unknown[][];
      expect(groups.map((g) => g[1])).to.deep.equal(['g']);
      expect(h.warnings.filter((w) => w.includes('XGROUP CREATE failed, retrying'))).to.have.length(1);
      await producer.stop();
    } finally {
      loading.restore();
    }
  });

  it('should wait out LOADING when it recreates a vanished group (NOGROUP) and go on reading', async () => {
    const stream = key('loading-nogroup');
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis: h.redis, blockMs: 20 });
    const { recorder } = await startRecorder(producer, { ack: true });
    await addEntries(h.client, stream, 1);
    await until('1 event', () => recorder.events.length === 1);
    const loading = answerLoading(isGroupCreate(stream), 3);
    try {
      await cmd(h.client, 'DEL', stream);
      await until('group recreated', async () => Number(await cmd(h.client, 'EXISTS', stream)) === 1);
      expect(loading.left).to.equal(0);
    } finally {
      loading.restore();
    }
    await addEntries(h.client, stream, 1, 1);
    await until('2 events', () => recorder.events.length === 2);
    expect(recorder.events.map((e) => e.fields.n)).to.deep.equal(['0', '1']);
    await producer.stop();
    expect(await producer.done).to.equal('normal');
  });
});
