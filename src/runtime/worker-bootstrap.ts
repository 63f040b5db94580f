/**
 * What both sides of a genstage worker thread share: the symbol a `workerStage(...)`
 * export carries, and the helpers that post values across (which ArrayBuffers to
 * move, why a value cannot be cloned, an error as plain data). The worker's program
 * is `worker-entry.ts`.
 * @internal
 */

/** What the user's `workerStage(...)` export holds under this symbol: `(init, host) => engine`. */
export const WORKER_STAGE = Symbol.for('genstage.workerStage');

/**
 * The first value inside `value` that structured clone refuses (a function, a symbol,
 * a WeakMap, a Promise...), with its path, or `undefined`. Walks arrays, plain
 * objects, Maps and Sets a few levels deep; cycles are skipped.
 */
export function findUncloneable(value: unknown, path: string, depth: number, seen: Set<unknown>): { path: string; what: string } | undefined {
  const t = typeof value;
  if (t === 'function') return { path, what: 'a function' };
  if (t === 'symbol') return { path, what: 'a symbol' };
  if (t !== 'object' || value === null || depth > 6 || seen.has(value)) return undefined;
  seen.add(value);
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object WeakMap]' || tag === '[object WeakSet]' || tag === '[object WeakRef]' || tag === '[object Promise]') {
    return { path, what: `a ${tag.slice(8, -1)}` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncloneable(value[i], `${path}[${i}]`, depth + 1, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      const found = findUncloneable(k, `${path}.<key ${i}>`, depth + 1, seen) ?? findUncloneable(v, `${path}.get(<key ${i}>)`, depth + 1, seen);
      if (found !== undefined) return found;
      i++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) {
      const found = findUncloneable(v, `${path}.<item ${i++}>`, depth + 1, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp || value instanceof Error) return undefined;
  for (const key of Object.keys(value as object)) {
    const found = findUncloneable((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Why `values` could not be posted: the first value that fails and where, in a
 * sentence that starts with `label` (`'event'`, `'result'`...).
 */
export function describeUncloneable(values: readonly unknown[], label: string, error: unknown): string {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  for (let i = 0; i < values.length; i++) {
    const found = findUncloneable(values[i], '', 0, new Set());
    if (found !== undefined) {
      const where = found.path === '' ? '' : ` (at ${found.path})`;
      const which = values.length === 1 ? label : `${label} ${i} of ${values.length}`;
      return `${which}${where} is ${found.what}, which cannot be structured-cloned (${reason})`;
    }
  }
  for (let i = 0; i < values.length; i++) {
    try {
      structuredClone(values[i]);
    } catch {
      return `${values.length === 1 ? label : `${label} ${i} of ${values.length}`} cannot be structured-cloned (${reason})`;
    }
  }
  return `the ${label}s cannot be structured-cloned (${reason})`;
}

/**
 * The ArrayBuffers to move rather than copy: those of `ArrayBuffer`s and of typed
 * arrays, DataViews and Buffers that span their whole buffer (a pooled Buffer or a
 * slice is copied), among the values and the items of array values.
 */
export function transferList(values: readonly unknown[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const take = (v: unknown): void => {
    if (v instanceof ArrayBuffer) out.add(v);
    else if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) out.add(v.buffer);
  };
  for (const v of values) {
    if (Array.isArray(v)) for (const x of v) take(x);
    else take(v);
  }
  return [...out];
}

/** A batch of strings as one string and their lengths (see `packStrings`). */
export interface PackedStrings {
  readonly text: string;
  readonly lengths: Uint32Array;
}

/**
 * A batch whose events are all strings (lines of text, the common case), as one
 * string and the lengths of its parts, or `undefined` for any other batch (or one of
 * fewer than two events). Structured clone copies an array of strings one string at a
 * time, with a tag and a length each, and builds each one again on the other side;
 * one joined string is one copy, and the worker cuts it back into the same strings
 * (`unpackStrings`). Measured on 200,000 lines of ~60 characters in batches of 500,
 * post and receive on both threads: 79-102 ms of CPU as arrays, 46-54 ms packed.
 */
export function packStrings(events: readonly unknown[]): PackedStrings | undefined {
  const n = events.length;
  if (n < 2) return undefined;
  const lengths = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const event = events[i];
    if (typeof event !== 'string') return undefined;
    lengths[i] = event.length;
  }
  return { text: events.join(''), lengths };
}

/** The strings `packStrings` joined, in order. */
export function unpackStrings(text: string, lengths: Uint32Array): string[] {
  const out = new Array<string>(lengths.length);
  let start = 0;
  for (let i = 0; i < lengths.length; i++) {
    const end = start + (lengths[i] as number);
    out[i] = text.slice(start, end);
    start = end;
  }
  return out;
}

/** An error as plain data (Error objects lose their class and fields crossing threads). */
export function errorRecord(error: unknown): { name: string; message: string; stack: string | undefined; code: unknown } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, stack: error.stack, code: typeof code === 'string' || typeof code === 'number' ? code : undefined };
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(error);
  } catch {
    text = undefined;
  }
  return { name: 'Error', message: `a non-Error value was thrown: ${text ?? String(error)}`, stack: undefined, code: undefined };
}
