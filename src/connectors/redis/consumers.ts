import { closeConnection, command, fieldsOf, openConnection, type RedisClient, type RedisConnectionOptions } from './connection.js';
import { expectName, expectOptions, optionalInteger, optionalRedisOptions } from './options.js';

/**
 * Removes one consumer from a group, atomically, only if it has nothing pending:
 * `XGROUP DELCONSUMER` drops a consumer's pending entries with it, which would lose
 * them, so the check and the removal run as one script. Replies 1 when removed, 0
 * when the consumer still had pending entries or did not exist.
 */
const DELETE_IF_IDLE = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #pending > 0 then return 0 end
local consumers = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
for _, c in ipairs(consumers) do
  for i = 1, #c, 2 do
    if c[i] == 'name' and c[i + 1] == ARGV[2] then
      redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
      return 1
    end
  end
end
return 0
`;

/** @internal Removes `consumer` from `group` if it has no pending entry; true when removed. */
export async function removeConsumerIfSettled(client: RedisClient, stream: string, group: string, consumer: string): Promise<boolean> {
  return Number(await command(client, ['EVAL', DELETE_IF_IDLE, '1', stream, group, consumer])) === 1;
}

/** Options of `reapIdleConsumers`. */
export interface ReapIdleConsumersOptions {
  /** The stream key. Required. */
  stream: string;
  /** The consumer group. Required. */
  group: string;
  /** Remove consumers idle at least this long, in ms. Default 3 600 000 (one hour). */
  idleMs?: number;
  /** How to reach Redis. Default `127.0.0.1:6379`. */
  redis?: RedisConnectionOptions;
}

const KNOWN = ['stream', 'group', 'idleMs', 'redis'] as const;

/**
 * Removes from a consumer group the consumers that have been idle for `idleMs` and
 * have nothing pending, and resolves with their names.
 *
 * A `redisStreamProducer` removes its own consumer when it stops cleanly with nothing
 * pending, but a process that was killed leaves its consumer behind (under the default
 * name `<hostname>-<pid>`, one per restart). Once another consumer has claimed its
 * pending entries (after `claimIdleMs`), the dead consumer holds nothing and this
 * removes it. A consumer with pending entries is never removed (that would drop the
 * entries from the group's pending list); the check and the removal are one atomic
 * script. A live consumer that was idle that long and is removed is created again by
 * its next read: choose `idleMs` well above the producers' `blockMs`.
 *
 * ## Example
 * ```ts
 * // at start, or every hour: forget consumers of processes that died a day ago
 * const removed = await reapIdleConsumers({ stream: 'jobs', group: 'workers', idleMs: 86_400_000, redis: { url } });
 * ```
 *
 * @param options the stream, group, idle threshold and connection.
 * @returns the names of the consumers removed.
 */
export function reapIdleConsumers(options: ReapIdleConsumersOptions): Promise<string[]> {
  const o = expectOptions('reapIdleConsumers', options, KNOWN);
  const stream = expectName('stream', o.stream);
  const group = expectName('group', o.group);
  const idleMs = optionalInteger('idleMs', o.idleMs, 0, 3_600_000);
  const redis = optionalRedisOptions<RedisConnectionOptions>(o.redis);
  return reap(stream, group, idleMs, redis);
}

async function reap(stream: string, group: string, idleMs: number, redis: RedisConnectionOptions | undefined): Promise<string[]> {
  const client = await openConnection(`reapIdleConsumers(${stream}/${group})`, redis);
  try {
    const reply = await command(client, ['XINFO', 'CONSUMERS', stream, group]);
    const removed: string[] = [];
    for (const row of Array.isArray(reply) ? reply : []) {
      const info = fieldsOf(row);
      if (Number(info.pending) > 0 || Number(info.idle) < idleMs || info.name === undefined) continue;
      if (await removeConsumerIfSettled(client, stream, group, info.name)) removed.push(info.name);
    }
    return removed;
  } finally {
    closeConnection(client);
  }
}
