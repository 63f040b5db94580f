import { expect } from 'chai';
import { RedisStreamProducer, RedisStreamSink, StreamConsumer, RedisCheckpoint, redisStreamProducer } from '../../../src/connectors/redis/index.js';

// Bad configuration fails at the call that made it, before anything connects: no server needed.
describe('genstage/redis options', () => {
  const ok = { stream: 's', group: 'g' };

  it('should reject a missing stream with a TypeError naming it', () => {
    expect(() => new RedisStreamProducer({ group: 'g' } as never)).to.throw(TypeError, 'expected stream to be a non-empty string, got: undefined');
  });

  it('should reject a missing or empty group with a TypeError naming it', () => {
    expect(() => new RedisStreamProducer({ stream: 's' } as never)).to.throw(TypeError, 'expected group to be a non-empty string, got: undefined');
    expect(() => new RedisStreamProducer({ stream: 's', group: '' })).to.throw(TypeError, 'expected group to be a non-empty string, got: ""');
  });

  for (const name of ['claimIdleMs', 'blockMs', 'maxCount', 'maxDeliveries', 'ackBatchSize', 'claimIntervalMs'] as const) {
    it(`should reject a non-positive ${name} with a RangeError`, () => {
      expect(() => new RedisStreamProducer({ ...ok, [name]: 0 })).to.throw(RangeError, `expected ${name} to be an integer >= 1, got: 0`);
      expect(() => new RedisStreamProducer({ ...ok, [name]: -5 })).to.throw(RangeError, `expected ${name} to be an integer >= 1, got: -5`);
    });
  }

  it('should reject a count that is not an integer with a TypeError', () => {
    expect(() => new RedisStreamProducer({ ...ok, maxDeliveries: 1.5 })).to.throw(TypeError, 'expected maxDeliveries to be an integer >= 1, got: 1.5');
  });

  it('should reject a misspelt option', () => {
    expect(() => new RedisStreamProducer({ ...ok, claimIdle: 5 } as never)).to.throw(TypeError, /^unknown option claimIdle in redisStreamProducer options/);
  });

  it('should throw synchronously from redisStreamProducer, before connecting', () => {
    expect(() => redisStreamProducer({ stream: 's' } as never)).to.throw(TypeError, /expected group/);
  });

  it('should reject a sink without a stream, a non-positive maxLen and a non-function toFields', () => {
    expect(() => new RedisStreamSink({} as never)).to.throw(TypeError, 'expected stream to be a non-empty string, got: undefined');
    expect(() => new RedisStreamSink({ stream: 's', maxLen: 0 })).to.throw(RangeError, 'expected maxLen to be an integer >= 1, got: 0');
    expect(() => new RedisStreamSink({ stream: 's', toFields: 'x' } as never)).to.throw(TypeError, 'expected toFields to be a function, got: "x"');
  });

  it("should reject a StreamConsumer onError other than 'continue' or 'stop'", () => {
    expect(() => new StreamConsumer(() => {}, { onError: 'ignore' } as never)).to.throw(RangeError, "expected onError to be one of 'continue', 'stop', got: \"ignore\"");
  });

  it('should reject a checkpoint without a key', async () => {
    let error: unknown;
    try {
      await RedisCheckpoint.open({} as never);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.equal('expected key to be a non-empty string, got: undefined');
  });
});
