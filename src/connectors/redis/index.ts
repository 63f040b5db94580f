/**
 * `genstage/redis`: stages that talk through Redis Streams and consumer groups, so
 * several processes and machines share the work and a crash loses nothing.
 *
 * - `redisStreamProducer` reads a stream through a consumer group, as much as demand asks.
 * - `RedisStreamEvent.ack()`, `StreamConsumer`, `AckConsumer`/`acknowledge` acknowledge (batched `XACK`).
 * - `redisStreamSink` appends events to a stream, one pipelined batch at a time.
 * - `RedisCheckpoint` commits a stage's state and its acknowledgements atomically.
 *
 * Needs the optional peer dependency `redis` (node-redis).
 */
export { redisStreamProducer, RedisStreamProducer } from './producer.js';
export type { RedisStreamProducerOptions } from './producer-options.js';
export { redisStreamSink, RedisStreamSink, type RedisStreamSinkOptions } from './sink.js';
export type { RedisStreamEvent, Ackable } from './event.js';
export { AckConsumer, acknowledge, ackAll, type AckOptions } from './ack.js';
export { ack } from './ack-operator.js';
export { StreamConsumer, type StreamConsumerOptions, type AckableEvent, type Handler as StreamConsumerHandler } from './consumer.js';
export { moveToDeadLetter, type DeadLetterEntry } from './dead-letter.js';
export { RedisCheckpoint, type RedisCheckpointOptions, type Checkpoint } from './checkpoint.js';
export type { RedisConnectionOptions } from './connection.js';
export { reapIdleConsumers, type ReapIdleConsumersOptions } from './consumers.js';
