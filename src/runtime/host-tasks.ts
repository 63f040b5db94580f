/**
 * The host's task primitives, captured when this module loads: a test runner's fake
 * timers installed later do not reach them (see scheduler.ts). Plain host functions, not
 * kernel internals: the scheduler runs on them, and `settle` (genstage/testing) waits
 * with them.
 */

/** Runs `fn` on a microtask: the host's `queueMicrotask`, as it was at load. */
export const microtask: (fn: () => void) => void =
  typeof queueMicrotask === 'function' ? queueMicrotask.bind(globalThis) : (fn) => void Promise.resolve().then(fn);

// `macrotask` is the host's (runtime/host.ts, or runtime/host.node.ts in a build for Node).
export { macrotask } from './host.js';
export { hostMacrotask, type MacrotaskHost } from './host-macrotask.js';
