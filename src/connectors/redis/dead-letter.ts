import { typeError } from '../../runtime/errors.js';
import type { RedisClient } from './connection.js';
import { show } from '../../runtime/validate.js';
import { expectName } from './options.js';

/** An entry about to be dead-lettered. */
export interface DeadLetterEntry {
  id: string;
  fields: Readonly<Record<string, string>>;
  deliveries: number;
}

/**
 * Moves `entries` of `stream` to `deadLetterStream` in one `MULTI`: each is added
 * there (its own fields, plus `_stream`, `_id`, `_group` and `_deliveries` saying
 * where it came from and how often it was tried) and acknowledged in `group`, so it
 * leaves the pending list and is not delivered again. Either both happen or neither.
 *
 * ## Example
 * ```ts
 * // Done for you by redisStreamProducer when an entry exceeds maxDeliveries; to inspect:
 * const dead = await client.xRange('jobs:dead', '-', '+');
 * ```
 */
export function moveToDeadLetter(
  client: RedisClient,
  stream: string,
  group: string,
  deadLetterStream: string,
  entries: readonly DeadLetterEntry[],
): Promise<void> {
  if (client === null || typeof client !== 'object' || typeof (client as { multi?: unknown }).multi !== 'function') {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `moveToDeadLetter: expected client to be a connected node-redis client, got: ${show(client)}`);
  }
  expectName('stream', stream);
  expectName('group', group);
  expectName('deadLetterStream', deadLetterStream);
  if (!Array.isArray(entries)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `moveToDeadLetter: expected entries to be an array, got: ${show(entries)}`);
  for (const entry of entries) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-member-access -- checking the shape of an untyped argument
    if (entry === null || typeof entry !== 'object' || typeof entry.id !== 'string' || entry.fields === null || typeof entry.fields !== 'object') {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `moveToDeadLetter: expected each entry to be { id, fields, deliveries }, got: ${show(entry)}`);
    }
  }
  return entries.length === 0 ? Promise.resolve() : send(client, stream, group, deadLetterStream, entries);
}

async function send(client: RedisClient, stream: string, group: string, deadLetterStream: string, entries: readonly DeadLetterEntry[]): Promise<void> {
  const multi = client.multi();
  for (const entry of entries) {
    const args = ['XADD', deadLetterStream, '*'];
    for (const key of Object.keys(entry.fields)) args.push(key, entry.fields[key] as string);
    args.push('_stream', stream, '_id', entry.id, '_group', group, '_deliveries', String(entry.deliveries));
    multi.addCommand(args);
  }
  multi.addCommand(['XACK', stream, group, ...entries.map((e) => e.id)]);
  await multi.exec();
}
