/**
 * The code every genstage worker thread runs, as a string for `new Worker(code, {
 * eval: true })`: the package needs no file of its own to start a worker (so it works
 * the same from the ESM and CommonJS builds, bundled or not, and from sources under
 * tsx).
 *
 * The worker loads the user's module (through tsx's `tsImport` when the parent runs
 * under tsx, else with `import()`), checks the export, tells the parent `ready` (or
 * `fail`), then handles the parent's messages one at a time, in order:
 *
 * - stage mode (Flow `inWorkers`): `sub`, `batch`, `cancel`, `finish`; each but `sub`
 *   gets one `reply` with the events to emit. A `workerStage(...)` export supplies the
 *   engine (its mappers, reducer and window); a plain function is mapped over each
 *   event. Timers of the engine's window send `emit`.
 * - task mode (supervisors' `workerTask`): `call` gets one `reply` with the value.
 *
 * A thrown error goes back as `error` (name, message, stack); a reply that cannot be
 * structured-cloned goes back as `clone`, naming the value that failed.
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

// The worker's main: plain JavaScript (this string is not compiled), using the
// helpers above, which are inlined by their source text.
const MAIN = String.raw`
const { parentPort, workerData: data } = require('node:worker_threads');
const SYM = Symbol.for('genstage.workerStage');

function send(message, values, label) {
  try {
    parentPort.postMessage(message, data.transfer && values ? transferList(values) : undefined);
  } catch (error) {
    parentPort.postMessage({ t: 'clone', message: describeUncloneable(values || [], label, error) });
  }
}

function fail(kind, message) {
  parentPort.postMessage({ t: 'fail', kind, message });
}

async function load() {
  if (!data.tsx) return import(data.module);
  // Under tsx: a JavaScript module loads without it (much faster), unless it imports TypeScript.
  if (/\.(m|c)?js$/.test(new URL(data.module).pathname)) {
    try {
      return await import(data.module);
    } catch (error) {
      if (!error || error.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    }
  }
  const api = await import(data.tsx);
  return api.tsImport(data.module, data.module);
}

function mapEngine(fn) {
  return {
    stateful: false,
    subscribe() {},
    async batch(id, events) {
      const out = new Array(events.length);
      for (let i = 0; i < events.length; i++) {
        let r = fn(events[i]);
        if (r !== null && typeof r === 'object' && typeof r.then === 'function') r = await r;
        out[i] = r;
      }
      return out;
    },
    cancel() { return []; },
    finish() { return []; },
  };
}

(async () => {
  let mod;
  try {
    mod = await load();
  } catch (error) {
    fail('load', error && error.message ? error.message : String(error));
    return;
  }
  let target = mod[data.export];
  if (target === undefined && mod.default !== null && typeof mod.default === 'object' && data.export !== 'default') target = mod.default[data.export];
  if (target === undefined) {
    const names = Object.keys(mod).filter((k) => k !== 'default' || mod.default !== undefined);
    fail('export', 'has no export ' + JSON.stringify(data.export) + ' (its exports: ' + (names.length ? names.join(', ') : 'none') + ')');
    return;
  }
  let queue = Promise.resolve();
  const schedule = (work) => {
    queue = queue.then(work).catch((error) => parentPort.postMessage({ t: 'error', error: errorRecord(error) }));
  };
  let engine;
  if (data.mode === 'task') {
    if (typeof target !== 'function') {
      fail('type', 'export ' + JSON.stringify(data.export) + ' is not a function (got: ' + (target === null ? 'null' : typeof target) + ')');
      return;
    }
  } else {
    const factory = target !== null && (typeof target === 'object' || typeof target === 'function') ? target[SYM] : undefined;
    if (typeof factory !== 'function' && typeof target !== 'function') {
      fail('type', 'export ' + JSON.stringify(data.export) + ' is neither a function nor a workerStage(...) (got: ' + (target === null ? 'null' : typeof target) + ')');
      return;
    }
    try {
      engine = typeof factory === 'function'
        ? factory.call(target, data.init, { emit: (events) => send({ t: 'emit', events }, events, 'result'), schedule })
        : mapEngine(target);
    } catch (error) {
      fail('type', error && error.message ? error.message : String(error));
      return;
    }
  }
  parentPort.on('message', (m) => schedule(async () => {
    switch (m.t) {
      case 'sub': engine.subscribe(m.id); return;
      case 'batch': { const out = await engine.batch(m.id, m.events); send({ t: 'reply', events: out }, out, 'result'); return; }
      case 'cancel': { const out = await engine.cancel(m.id); send({ t: 'reply', events: out }, out, 'result'); return; }
      case 'finish': { const out = await engine.finish(); send({ t: 'reply', events: out }, out, 'result'); return; }
      case 'call': { const value = await target(...m.args); send({ t: 'reply', value }, [value], 'the result'); return; }
    }
  }));
  parentPort.postMessage({ t: 'ready', stateful: engine !== undefined && engine.stateful === true });
})();
`;

let source: string | undefined;

/** The worker's source: the helpers, then the main. */
export function bootstrapSource(): string {
  // `__name`: esbuild (tsx) may wrap functions in it to keep their names.
  source ??= [
    'var __name = (f) => f;',
    findUncloneable.toString(),
    describeUncloneable.toString(),
    transferList.toString(),
    errorRecord.toString(),
    MAIN,
  ].join('\n');
  return source;
}
