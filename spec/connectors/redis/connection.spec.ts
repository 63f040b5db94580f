import { expect } from 'chai';
import { redisStreamProducer, redisStreamSink } from '../../../src/connectors/redis/index.js';
import { clientOptions } from '../../../src/connectors/redis/connection.js';
import { describeWithRedis } from './server.js';
import { cmd, key, useRedis } from './support.js';

describe('genstage/redis connection options', () => {
  it('should keep socket host and port as given, with no default url beside them', () => {
    const options = clientOptions({ socket: { host: 'redis.internal', port: 6380 } });
    expect(options.url).to.equal(undefined);
    expect(options.socket).to.include({ host: 'redis.internal', port: 6380 });
  });

  it('should keep socket tls as given, with no default url beside it', () => {
    const options = clientOptions({ socket: { tls: true } } as never);
    expect(options.url).to.equal(undefined);
    expect(options.socket).to.include({ tls: true, host: '127.0.0.1', port: 6379 });
  });

  it('should default to 127.0.0.1:6379 only when no server is named', () => {
    expect(clientOptions(undefined).socket).to.include({ host: '127.0.0.1', port: 6379 });
    const withUrl = clientOptions({ url: 'redis://cache:7000' });
    expect([withUrl.url, (withUrl.socket as { host?: string }).host]).to.deep.equal(['redis://cache:7000', undefined]);
    expect((clientOptions({ socket: { path: '/tmp/redis.sock' } } as never).socket as { host?: string }).host).to.equal(undefined);
  });
});

describeWithRedis('genstage/redis connection to a server named through socket', () => {
  const h = useRedis();

  it('should connect to the host and port given in socket (a non-default port), not to 6379', async () => {
    const stream = key('socket');
    const redis = { socket: { host: '127.0.0.1', port: h.server.port, connectTimeout: 2000 } };
    const producer = await redisStreamProducer({ stream, group: 'g', consumer: 'c', redis });
    const groups = (await cmd(h.client, 'XINFO', 'GROUPS', stream)) as unknown[][];
    expect(groups.map((g) => g[1])).to.deep.equal(['g']);
    await producer.stop();
    const sink = await redisStreamSink({ stream: `${stream}:out`, redis });
    expect(await sink.call('ping').catch(() => 'alive')).to.equal('alive');
    await sink.stop();
  });
});
