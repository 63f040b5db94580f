/**
 * The host's task primitives, captured when this module loads: a test runner's fake
 * timers installed later do not reach them (see scheduler.ts). Plain host functions, not
 * kernel internals: the scheduler runs on them, and `settle` (genstage/testing) waits
 * with them.
 */

/** Runs `fn` on a microtask: the host's `queueMicrotask`, as it was at load. */
export const microtask: (fn: () => void) => void =
  typeof queueMicrotask === 'function' ? queueMicrotask.bind(globalThis) : (fn) => void Promise.resolve().then(fn);

/**
 * Runs `fn` on a later turn of the event loop, after pending I/O and timers had their
 * chance, and returns a function that cancels it. `setImmediate` where the host has it
 * (Node, Bun), else a `MessageChannel` message (browsers, Deno, edge runtimes: not
 * clamped like a nested `setTimeout(0)`), else `setTimeout(fn, 0)`. Chosen and
 * captured at load, so fake timers installed later do not reach it.
 */
export const macrotask: (fn: () => void) => () => void = hostMacrotask(globalThis);

/** @internal What `hostMacrotask` looks for on the host. */
export type MacrotaskHost = Partial<Pick<typeof globalThis, 'setImmediate' | 'clearImmediate' | 'MessageChannel' | 'setTimeout' | 'clearTimeout'>>;

/** @internal The macrotask `host` offers, by the order of `macrotask` (a parameter for the specs). */
export function hostMacrotask(host: MacrotaskHost): (fn: () => void) => () => void {
  if (typeof host.setImmediate === 'function' && typeof host.clearImmediate === 'function') {
    const set = host.setImmediate;
    const clear = host.clearImmediate;
    return (fn) => {
      const handle = set(fn);
      return () => clear(handle);
    };
  }
  if (typeof host.MessageChannel === 'function') {
    // One channel; each message runs the oldest waiting task (messages keep their order).
    const tasks: (() => void)[] = [];
    const { port1, port2 } = new host.MessageChannel();
    port1.onmessage = () => tasks.shift()?.();
    // Where ports hold the process open (Node, Bun), this one must not.
    (port1 as { unref?: () => void }).unref?.();
    return (fn) => {
      let live = true;
      tasks.push(() => live && fn());
      port2.postMessage(0);
      return () => {
        live = false;
      };
    };
  }
  const set = host.setTimeout as typeof setTimeout;
  const clear = host.clearTimeout as typeof clearTimeout;
  return (fn) => {
    const handle = set(fn, 0);
    return () => clear(handle);
  };
}
