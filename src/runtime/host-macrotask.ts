/**
 * The host's macrotask, chosen by what the host offers (`setImmediate`, a
 * `MessageChannel`, `setTimeout`): what `macrotask` is where the host may be a browser
 * or an edge runtime (runtime/host.ts). A module of its own so that a bundle for Node
 * (runtime/host.node.ts) carries none of it unless a spec imports it.
 */

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
