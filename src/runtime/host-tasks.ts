/**
 * The host's task primitives, captured when this module loads: a test runner's fake
 * timers installed later do not reach them (see scheduler.ts). Plain host functions, not
 * kernel internals: the scheduler runs on them, and `settle` (genstage/testing) waits
 * with them.
 */

// The host's (runtime/host.ts, or runtime/host.node.ts in a build for Node).
export { macrotask, microtask } from './host.js';
export { hostMacrotask, type MacrotaskHost } from './host-macrotask.js';
