import type { Channel } from 'node:diagnostics_channel';
import { nodeBuiltin } from './builtins.js';

// runtime/host.ts for Node (and the runtimes that resolve the `node` condition and offer
// what Node does: `setImmediate`, `node:diagnostics_channel` through
// `process.getBuiltinModule`). The build's dist/ maps `#genstage/host` here under that
// condition (package.json `imports`), so a bundle for Node leaves the other hosts'
// fallbacks out. Same exports as runtime/host.ts, but `LocalChannel`.

const set = setImmediate;
const clear = clearImmediate;

/** As runtime/host.ts's: Node's `setImmediate`, captured at load (fake timers installed later do not reach it). */
export const macrotask = (fn: () => void): (() => void) => {
  const handle = set(fn);
  return () => clear(handle);
};

/** Node's `diagnostics_channel` channel `name`. */
export function openChannel(name: string): Channel {
  return nodeBuiltin('node:diagnostics_channel')!.channel(name);
}
