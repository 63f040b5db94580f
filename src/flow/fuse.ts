import { typeError } from '../runtime/errors.js';
import { show } from '../runtime/validate.js';
import type { BatchFn } from './plan.js';

/**
 * The loops the mappers compile to. Each operator is one tight loop over the batch
 * (no closure per event); consecutive operators of a stage run one after the other
 * on the same batch (`runOps`). A function that returns a Promise switches its loop
 * to an async tail that awaits each result in turn, so output order, and the order
 * in which the function is called, stay those of the input.
 * @internal
 */

type Thenable = PromiseLike<unknown>;

function isThenable(value: unknown): value is Thenable {
  return value !== null && typeof value === 'object' && typeof (value as Thenable).then === 'function';
}

/**
 * The async tail of a loop: event `i` gave the promise `first`; from there each result
 * is awaited in turn and handed to `take` with its index. Resolves with `out` once the
 * batch is done.
 */
async function awaitEach(f: (e: unknown) => unknown, xs: unknown[], i: number, first: Thenable, out: unknown[], take: (r: unknown, i: number) => unknown): Promise<unknown[]> {
  let r: unknown = await first;
  for (;;) {
    take(r, i);
    if (++i >= xs.length) return out;
    r = f(xs[i]);
    if (isThenable(r)) r = await r;
  }
}

export function mapLoop(f: (event: unknown) => unknown): BatchFn {
  return (xs) => {
    const n = xs.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const r = f(xs[i]);
      if (isThenable(r)) return awaitEach(f, xs, i, r, out, (v, j) => (out[j] = v));
      out[i] = r;
    }
    return out;
  };
}

/** `keep`: whether a truthy result keeps the event (filter) or drops it (reject). */
export function filterLoop(f: (event: unknown) => unknown, keep: boolean): BatchFn {
  return (xs) => {
    const n = xs.length;
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      const r = f(x);
      if (isThenable(r)) return awaitEach(f, xs, i, r, out, (v, j) => {
        if (!v !== keep) out.push(xs[j]);
      });
      if (!r !== keep) out.push(x);
    }
    return out;
  };
}

export function flatMapLoop(f: (event: unknown) => unknown): BatchFn {
  return (xs) => {
    const n = xs.length;
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const r = f(xs[i]);
      if (Array.isArray(r)) {
        for (let j = 0; j < r.length; j++) out.push(r[j]);
      } else if (isThenable(r)) return awaitEach(f, xs, i, r, out, (v) => pushAll(out, v));
      else pushIterable(out, r);
    }
    return out;
  };
}

/** `flatMap`'s result `r` (an array or another iterable) onto `out`. */
function pushAll(out: unknown[], r: unknown): void {
  if (Array.isArray(r)) {
    for (let j = 0; j < r.length; j++) out.push(r[j]);
    return;
  }
  pushIterable(out, r);
}

function pushIterable(out: unknown[], r: unknown): void {
  if (r === null || r === undefined || typeof (r as Iterable<unknown>)[Symbol.iterator] !== 'function' || typeof r === 'string') {
    throw typeError('ERR_GENSTAGE_INVALID_RETURN', `flatMap: expected the function to return an array or an iterable, got: ${show(r)}`);
  }
  for (const x of r as Iterable<unknown>) out.push(x);
}

export function tapLoop(f: (event: unknown) => unknown): BatchFn {
  return (xs) => {
    const n = xs.length;
    for (let i = 0; i < n; i++) {
      const r = f(xs[i]);
      if (isThenable(r)) return awaitEach(f, xs, i, r, xs, () => undefined);
    }
    return xs;
  };
}

export function batchLoop(f: (events: unknown[]) => unknown): BatchFn {
  return (xs) => {
    const r = f(xs);
    if (isThenable(r)) return Promise.resolve(r).then(checkBatch);
    return checkBatch(r);
  };
}

function checkBatch(r: unknown): unknown[] {
  if (!Array.isArray(r)) throw typeError('ERR_GENSTAGE_INVALID_RETURN', `mapBatch: expected the function to return an array, got: ${show(r)}`);
  return r;
}

/** Runs the stage's fused operators over `events`, in order; a Promise only if one of them went async. */
export function runOps(ops: readonly BatchFn[], events: unknown[], from = 0): unknown[] | Promise<unknown[]> {
  let xs = events;
  for (let k = from; k < ops.length; k++) {
    if (xs.length === 0) return xs;
    const r = (ops[k] as BatchFn)(xs);
    if (r instanceof Promise) return r.then((ys) => runOps(ops, ys, k + 1));
    xs = r;
  }
  return xs;
}

export { isThenable };
