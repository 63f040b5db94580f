import { hostname } from 'node:os';
import type { RedisConnectionOptions } from './connection.js';
import { expectName, expectOptions, optionalInteger, optionalRedisOptions } from './options.js';

/** Options of `redisStreamProducer`. */
export interface RedisStreamProducerOptions {
  /** The stream key to read. Required. */
  stream: string;
  /** The consumer group. Created (with the stream, `MKSTREAM`) when missing. Required. */
  group: string;
  /** This consumer's name in the group. Default `<hostname>-<pid>`. A process restarted under the same name first gets back what it had not acknowledged. */
  consumer?: string;
  /** How to reach Redis. Default `redis://127.0.0.1:6379`. */
  redis?: RedisConnectionOptions;
  /** Where a group created here starts: `'0'` (default: the whole stream) or `'$'` (only new entries). */
  startId?: string;
  /** Longest one `XREADGROUP` blocks while the stream is idle, in ms. Default 2000. */
  blockMs?: number;
  /** Most entries one read asks for, however large the demand. Default 10 000. */
  maxCount?: number;
  /** An entry pending longer than this (its consumer died, or failed it) is claimed with `XAUTOCLAIM` and delivered again. Default 30 000. */
  claimIdleMs?: number;
  /** How often to look for such entries while there is demand. Default `min(claimIdleMs, 5000)`. */
  claimIntervalMs?: number;
  /** An entry delivered this many times and still pending goes to `deadLetterStream` instead of a new delivery. Default 5. */
  maxDeliveries?: number;
  /** Default `<stream>:dead`. */
  deadLetterStream?: string;
  /** Most ids in one `XACK`. Default 1000. */
  ackBatchSize?: number;
  /** On stop, how long to wait for queued acks to reach Redis. Default 5000. */
  closeTimeoutMs?: number;
}

const KNOWN = [
  'stream', 'group', 'consumer', 'redis', 'startId', 'blockMs', 'maxCount', 'claimIdleMs', 'claimIntervalMs',
  'maxDeliveries', 'deadLetterStream', 'ackBatchSize', 'closeTimeoutMs',
] as const;

/** The producer's options once checked, defaults filled in. */
export interface Checked {
  stream: string;
  group: string;
  consumer: string;
  redis: RedisConnectionOptions | undefined;
  startId: string;
  blockMs: number;
  maxCount: number;
  claimIdleMs: number;
  claimIntervalMs: number;
  maxDeliveries: number;
  deadLetterStream: string;
  ackBatchSize: number;
  closeTimeoutMs: number;
}

/** Checks `redisStreamProducer`'s options: a TypeError or RangeError naming the first bad one. */
export function checkProducerOptions(options: unknown): Checked {
  const o = expectOptions('redisStreamProducer', options, KNOWN);
  const stream = expectName('stream', o.stream);
  const group = expectName('group', o.group);
  const claimIdleMs = optionalInteger('claimIdleMs', o.claimIdleMs, 1, 30_000);
  return {
    stream,
    group,
    consumer: o.consumer === undefined ? `${hostname()}-${process.pid}` : expectName('consumer', o.consumer),
    redis: optionalRedisOptions<RedisConnectionOptions>(o.redis),
    startId: o.startId === undefined ? '0' : expectName('startId', o.startId),
    blockMs: optionalInteger('blockMs', o.blockMs, 1, 2000),
    maxCount: optionalInteger('maxCount', o.maxCount, 1, 10_000),
    claimIdleMs,
    claimIntervalMs: optionalInteger('claimIntervalMs', o.claimIntervalMs, 1, Math.min(claimIdleMs, 5000)),
    maxDeliveries: optionalInteger('maxDeliveries', o.maxDeliveries, 1, 5),
    deadLetterStream: o.deadLetterStream === undefined ? `${stream}:dead` : expectName('deadLetterStream', o.deadLetterStream),
    ackBatchSize: optionalInteger('ackBatchSize', o.ackBatchSize, 1, 1000),
    closeTimeoutMs: optionalInteger('closeTimeoutMs', o.closeTimeoutMs, 0, 5000),
  };
}
