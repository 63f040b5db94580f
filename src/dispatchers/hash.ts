import { typeError } from '../runtime/errors.js';
import { show } from '../runtime/validate.js';

/**
 * The default partition hash: deterministic across runs, processes and machines, so
 * the same key always lands in the same partition.
 *
 * - a string: FNV-1a (32-bit) over its UTF-16 code units;
 * - an integer in the safe range: its value mixed by a 32-bit integer finaliser;
 * - any other number, a boolean, a bigint, `null` or `undefined`: the FNV-1a of `String(value)`
 *   prefixed by its type (so `1`, `'1'` and `1n` differ);
 * - an array or plain object: FNV-1a over a canonical JSON form with sorted keys
 *   (bigints inside are written `12n`; a `Date` by its time, a `Map`/`Set` by its entries).
 *
 * Returns an unsigned 32-bit integer; the partition is that value modulo the count.
 */
export function defaultHash(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return fnv1a(value, 0x811c9dc5);
    case 'number':
      // A 32-bit integer (the common key): the same value as mixInt, without the division.
      if ((value | 0) === value) return fmix(value ^ (value < 0 ? NEGATIVE_HIGH : 0));
      if (Number.isSafeInteger(value)) return mixInt(value);
      return fnv1a(String(value), 0x050c5d1f);
    case 'bigint':
      return fnv1a(String(value), 0x050c5d2e);
    case 'boolean':
      return value ? 0x9e3779b9 : 0x7f4a7c15;
    case 'undefined':
      return 0x2545f491;
    case 'object':
      if (value === null) return 0x1b873593;
      return fnv1a(canonical(value), 0x050c5d3d);
    default:
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `the default hash cannot hash a ${typeof value} (give partition a key or a hash function), got: ${show(value)}`);
  }
}

function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `Math.imul(-1, 0x27d4eb2f)`: the folded high bits of a negative 32-bit integer. */
const NEGATIVE_HIGH = Math.imul(-1, 0x27d4eb2f);

function mixInt(n: number): number {
  // Fold the high bits in (multiplied, so that -k and k - 1 do not collide), then the
  // murmur3 finaliser.
  return fmix((n | 0) ^ Math.imul(Math.floor(n / 0x100000000), 0x27d4eb2f));
}

/** The murmur3 32-bit finaliser. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function canonical(value: object): string {
  if (Array.isArray(value)) return `[${value.map(part).join(',')}]`;
  // Not JSON: without these, every Date, Map and Set would hash like `{}`.
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (value instanceof Map) return `Map${canonical([...value.entries()])}`;
  if (value instanceof Set) return `Set${canonical([...value])}`;
  const keys = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${part(record[k])}`).join(',')}}`;
}

function part(v: unknown): string {
  if (typeof v === 'object' && v !== null) return canonical(v);
  if (typeof v === 'bigint') return `${v}n`; // JSON.stringify throws on a bigint
  return JSON.stringify(v) ?? 'null';
}
