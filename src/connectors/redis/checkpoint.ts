import { typeError } from '../../runtime/errors.js';
import { closeConnection, openConnection, type RedisClient, type RedisConnectionOptions } from './connection.js';
import { StreamEntry, type RedisStreamEvent } from './event.js';
import { expectName, expectOptions, optionalRedisOptions } from './options.js';
import { show } from '../../runtime/validate.js';

/** Options of `RedisCheckpoint`. */
export interface RedisCheckpointOptions {
  /** The key the checkpoint is stored under. Required. */
  key: string;
  /** How to reach Redis. Default `redis://127.0.0.1:6379`. */
  redis?: RedisConnectionOptions;
}

/** What a checkpoint holds: the state, the last acknowledged id of each stream, and how many commits made it. */
export interface Checkpoint<S> {
  state: S;
  /** Per stream: the highest id acknowledged by a commit. */
  lastIds: Record<string, string>;
  commits: number;
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

/**
 * Stores a stateful stage's state in Redis together with the acknowledgement of the
 * events that made it, in one `MULTI`: either both the new state and the `XACK`s
 * happen, or neither. After a crash the state is the last committed one and exactly
 * the events after it are still pending, to be delivered again (to the restarted
 * consumer of the same name, or to another after `claimIdleMs`): each event counts
 * in the state once, however often it is delivered.
 *
 * The state must survive `JSON.stringify`/`JSON.parse` (turn a `Map` into entries).
 * Commit every N events: fewer commits cost less, more commits redo less work.
 *
 * ## Example
 * ```ts
 * const checkpoint = await RedisCheckpoint.open<Record<string, number>>({ key: 'counts:checkpoint' });
 * let counts = (await checkpoint.load())?.state ?? {};
 * // in handleEvents: update counts, then every 1000 events:
 * await checkpoint.commit(counts, uncommitted);
 * ```
 */
export class RedisCheckpoint<S> {
  private commits = 0;

  private constructor(
    readonly key: string,
    private readonly client: RedisClient,
  ) {}

  /** Connects and resolves with the checkpoint store. */
  static open<S>(options: RedisCheckpointOptions): Promise<RedisCheckpoint<S>> {
    const o = expectOptions('RedisCheckpoint', options, ['key', 'redis']);
    const key = expectName('key', o.key);
    const redis = optionalRedisOptions<RedisConnectionOptions>(o.redis);
    return openConnection(`RedisCheckpoint(${key})`, redis).then((client) => new RedisCheckpoint<S>(key, client));
  }

  /** The last committed checkpoint, or `undefined` when none was ever committed. */
  async load(): Promise<Checkpoint<S> | undefined> {
    const raw = await this.client.sendCommand(['GET', this.key]);
    if (raw === null || raw === undefined) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- GET replies a string or a Buffer
    const checkpoint = JSON.parse(String(raw)) as Checkpoint<S>;
    this.commits = checkpoint.commits;
    return checkpoint;
  }

  /**
   * Saves `state` and acknowledges `events` (read by `redisStreamProducer`)
   * atomically; resolves once Redis has applied both.
   */
  async commit(state: S, events: readonly RedisStreamEvent[]): Promise<Checkpoint<S>> {
    const byGroup = new Map<string, { stream: string; group: string; ids: string[] }>();
    const lastIds: Record<string, string> = {};
    const entries: StreamEntry[] = [];
    for (const event of events) {
      if (!(event instanceof StreamEntry)) {
        throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected events read by redisStreamProducer, got: ${show(event)}`);
      }
      if (event.state !== 'pending') continue;
      entries.push(event);
      const k = `${event.stream}\u0000${event.group}`;
      let g = byGroup.get(k);
      if (g === undefined) byGroup.set(k, (g = { stream: event.stream, group: event.group, ids: [] }));
      g.ids.push(event.id);
      const last = lastIds[event.stream];
      if (last === undefined || compareIds(event.id, last) > 0) lastIds[event.stream] = event.id;
    }
    const previous = await this.client.sendCommand(['GET', this.key]);
    if (previous !== null && previous !== undefined) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- GET replies a string or a Buffer
      const before = (JSON.parse(String(previous)) as Checkpoint<S>).lastIds;
      for (const [stream, id] of Object.entries(before)) {
        const now = lastIds[stream];
        if (now === undefined || compareIds(id, now) > 0) lastIds[stream] = id;
      }
    }
    const checkpoint: Checkpoint<S> = { state, lastIds, commits: this.commits + 1 };
    const multi = this.client.multi();
    multi.addCommand(['SET', this.key, JSON.stringify(checkpoint)]);
    for (const g of byGroup.values()) multi.addCommand(['XACK', g.stream, g.group, ...g.ids]);
    await multi.exec();
    this.commits = checkpoint.commits;
    for (const entry of entries) entry.settle();
    return checkpoint;
  }

  /** Closes the connection. */
  close(): void {
    closeConnection(this.client);
  }
}
