import { typeError } from '../../runtime/errors.js';
import { Consumer } from '../../stage/consumer.js';
import { GenStage } from '../../io/gen-stage.js';
import type { Stage } from '../../stage/handle.js';
import type { SubscribeTo } from '../../stage/types.js';
import { expectFunction, show } from '../../runtime/validate.js';
import {
  closeConnection, delay, flattenFields, isConnectionError, openConnection,
  type RedisClient, type RedisConnectionOptions,
} from './connection.js';
import { expectName, expectOptions, optionalInteger, optionalRedisOptions } from './options.js';

/** Options of `redisStreamSink`. */
export interface RedisStreamSinkOptions<T> {
  /** The stream key to append to. Required. */
  stream: string;
  /** Trim the stream to about this many entries (`MAXLEN ~`). Default: no trimming. Trimming drops the oldest entries, read or not. */
  maxLen?: number;
  /** Turns an event into the entry's fields. Default: the event itself, which must be an object (values are `String()`-ed). */
  toFields?: (event: T) => Readonly<Record<string, unknown>>;
  /** How to reach Redis. Default `redis://127.0.0.1:6379`. */
  redis?: RedisConnectionOptions;
  /** While Redis is unreachable, wait this long between attempts, in ms. Default 100. */
  retryMs?: number;
}

const KNOWN = ['stream', 'maxLen', 'toFields', 'redis', 'retryMs'] as const;

/**
 * A consumer that appends every event it receives to a Redis stream.
 *
 * Each batch goes out as one pipeline of `XADD`s (written together, one round
 * trip, not a transaction), and `handleEvents` resolves only once Redis has confirmed all of them, so
 * the sink asks its producers for more only after that: at most one subscription's
 * `maxDemand` of events is ever between the producers and Redis, and nothing piles
 * up in the client. Entries keep the order of the events.
 *
 * While Redis is unreachable the batch waits and is sent again once the client has
 * reconnected. The whole batch is repeated, so entries of a batch that was cut off
 * half-way can be added twice: delivery is at least once.
 * Another error (the key holds something else than a stream) stops the stage.
 *
 * ## Example
 * ```ts
 * const numbers = await GenStage.fromIterable(Array.from({ length: 1000 }, (_, n) => ({ n })));
 * const sink = await GenStage.start(new RedisStreamSink({ stream: 'numbers' }), { subscribeTo: [{ to: numbers, maxDemand: 500 }] });
 * await sink.done; // 'normal' once all 1000 are in the stream
 * ```
 */
export class RedisStreamSink<T> extends Consumer<T> {
  readonly stream: string;
  private readonly maxLen: number | undefined;
  private readonly toFields: (event: T) => Readonly<Record<string, unknown>>;
  private readonly redis: RedisConnectionOptions | undefined;
  private readonly retryMs: number;
  private client: RedisClient | undefined;
  private readonly signal = { stopped: false, wake: undefined as (() => void) | undefined };
  /** Entries Redis has confirmed. */
  written = 0;

  constructor(options: RedisStreamSinkOptions<T>) {
    super();
    const o = expectOptions('redisStreamSink', options, KNOWN);
    this.stream = expectName('stream', o.stream);
    this.maxLen = o.maxLen === undefined ? undefined : optionalInteger('maxLen', o.maxLen, 1, 0);
    if (o.toFields !== undefined) expectFunction('toFields', o.toFields);
    this.toFields = (o.toFields as ((event: T) => Readonly<Record<string, unknown>>) | undefined) ?? defaultFields;
    this.redis = optionalRedisOptions<RedisConnectionOptions>(o.redis);
    this.retryMs = optionalInteger('retryMs', o.retryMs, 1, 100);
  }

  override async init(): Promise<void> {
    this.client = await openConnection(`redisStreamSink(${this.stream})`, this.redis);
  }

  async handleEvents(events: T[]): Promise<void> {
    const commands = events.map((event) => this.xadd(event));
    for (;;) {
      const multi = this.client!.multi();
      for (const args of commands) multi.addCommand(args);
      try {
        await multi.execAsPipeline();
        this.written += commands.length;
        return;
      } catch (error) {
        if (this.signal.stopped || !isConnectionError(error)) throw firstError(error);
      }
      await delay(this.retryMs, this.signal);
    }
  }

  override terminate(): void {
    this.signal.stopped = true;
    this.signal.wake?.();
    closeConnection(this.client);
  }

  private xadd(event: T): string[] {
    const fields = this.toFields(event);
    if (typeof fields !== 'object' || fields === null || Object.keys(fields).length === 0) {
      throw typeError('ERR_GENSTAGE_INVALID_RETURN', `redisStreamSink(${this.stream}): expected the fields of an entry (a non-empty object), got: ${show(fields)}`);
    }
    const args = ['XADD', this.stream];
    if (this.maxLen !== undefined) args.push('MAXLEN', '~', String(this.maxLen));
    args.push('*');
    flattenFields(fields, args);
    return args;
  }
}

/** node-redis reports a pipeline with failed commands as one error holding the replies: surface the first failure. */
function firstError(error: unknown): unknown {
  const replies = (error as { replies?: unknown[]; errorIndexes?: number[] }).replies;
  const indexes = (error as { errorIndexes?: number[] }).errorIndexes;
  if (Array.isArray(replies) && Array.isArray(indexes) && indexes.length > 0) return replies[indexes[0]!] ?? error;
  return error;
}

function defaultFields(event: unknown): Readonly<Record<string, unknown>> {
  return event as Readonly<Record<string, unknown>>;
}

/**
 * Starts a `RedisStreamSink` (see there) subscribed to `subscribeTo` and resolves
 * with its stage once it is connected. It stops when its producers end (with
 * `'normal'` once everything they sent is in Redis). Options are checked here.
 *
 * ## Example
 * ```ts
 * const lines = await GenStage.fromIterable(readLines('input.txt'));
 * const sink = await redisStreamSink({ stream: 'lines', maxLen: 1_000_000, toFields: (line) => ({ line }) },
 *   [{ to: lines, maxDemand: 1000 }]);
 * await sink.done;
 * ```
 *
 * @param options the stream, trimming, how to turn an event into fields, and the connection.
 * @param subscribeTo producers to subscribe to; `maxDemand` is the batch size.
 * @returns the running sink.
 */
export function redisStreamSink<T>(options: RedisStreamSinkOptions<T>, subscribeTo: readonly SubscribeTo[] = []): Promise<Stage<never>> {
  return GenStage.start(new RedisStreamSink<T>(options), { subscribeTo });
}
