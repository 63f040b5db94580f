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

/** What a loop's async tail does with result `r` of event `i`: every one is a plain function, so the sync loops that may call the tail capture nothing. */
type Take = (out: unknown[], r: unknown, i: number, xs: unknown[]) => void;

const takeMapped: Take = (out, r, i) => {
  out[i] = r;
};
const takeKept: Take = (out, r, i, xs) => {
  if (r) out.push(xs[i]);
};
const takeRejected: Take = (out, r, i, xs) => {
  if (!r) out.push(xs[i]);
};
const takeFlat: Take = (out, r) => pushAll(out, r);
const takeNothing: Take = () => undefined;

/**
 * The async tail of a loop: event `i` gave the promise `first`; from there each result
 * is awaited in turn and handed to `take` with its index. Resolves with `out` once the
 * batch is done. The loops pass their locals as arguments rather than closing over
 * them: a closure, even on a branch never taken, would move `out` into a context and
 * slow every iteration of the sync loop.
 */
async function awaitEach(f: (e: unknown) => unknown, xs: unknown[], i: number, first: Thenable, out: unknown[], take: Take): Promise<unknown[]> {
  let r: unknown = await first;
  for (;;) {
    take(out, r, i, xs);
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
      if (isThenable(r)) return awaitEach(f, xs, i, r, out, takeMapped);
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
      if (isThenable(r)) return awaitEach(f, xs, i, r, out, keep ? takeKept : takeRejected);
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
      } else if (isThenable(r)) return awaitEach(f, xs, i, r, out, takeFlat);
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
      if (isThenable(r)) return awaitEach(f, xs, i, r, xs, takeNothing);
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
