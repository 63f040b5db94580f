import { channel } from 'node:diagnostics_channel';

// runtime/host.ts for Node (and the runtimes that resolve the `node` condition and offer
// what Node does: `queueMicrotask`, `setImmediate`, `node:diagnostics_channel`). The
// build's dist/ maps `#genstage/host` here under that condition (package.json
// `imports`), so a bundle for Node leaves the other hosts' fallbacks out; a bundler for
// a browser never reaches this file, so it may import a Node built-in. Same exports as
// runtime/host.ts, but `LocalChannel`.

/** As runtime/host.ts's: the host's `queueMicrotask`, as it was at load. */
export const microtask: (fn: () => void) => void = queueMicrotask.bind(globalThis);

const set = setImmediate;
const clear = clearImmediate;

/** As runtime/host.ts's: Node's `setImmediate`, captured at load (fake timers installed later do not reach it). */
export const macrotask = (fn: () => void): (() => void) => {
  const handle = set(fn);
  return () => clear(handle);
};

/** Node's `diagnostics_channel` channel `name`. */
export { channel as openChannel };
