import { fieldsOf, type RawReply } from './connection.js';

// Replies of XREADGROUP and XAUTOCLAIM, as the producer reads them.

/** What one raw read returned: entries, and ids whose entry is gone from the stream. */
export interface RawEntries {
  entries: { id: string; fields: Record<string, string> }[];
  deleted: string[];
}

/** Adds the `[id, fields]` items of `list` to `out` (an item with no fields: its entry was deleted). */
export function parseEntryList(list: RawReply, out: RawEntries): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (!Array.isArray(item)) continue;
    const id = String(item[0]);
    if (item[1] === null || item[1] === undefined) out.deleted.push(id);
    else out.entries.push({ id, fields: fieldsOf(item[1]) });
  }
}

/** The entries of an `XREADGROUP` reply (one list per stream). */
export function parseStreams(reply: RawReply): RawEntries {
  const out: RawEntries = { entries: [], deleted: [] };
  if (!Array.isArray(reply)) return out;
  for (const streamReply of reply) {
    if (Array.isArray(streamReply)) parseEntryList(streamReply[1] ?? null, out);
  }
  return out;
}

/** The larger of two stream ids (either may be missing). */
export function maxId(a: string | undefined, b: string | undefined): string {
  if (a === undefined) return b!;
  if (b === undefined) return a;
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am > bm || (am === bm && as > bs) ? a : b;
}
