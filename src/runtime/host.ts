import type { Channel } from 'node:diagnostics_channel';
import { nodeBuiltin } from './builtins.js';
import { hostMacrotask } from './host-macrotask.js';

// What the kernel takes from its host, for any host (a browser, an edge runtime, Node,
// Deno, Bun). A build for Node takes runtime/host.node.ts instead: package.json's
// `imports` maps `#genstage/host` to it under the `node` condition (rollup.config.js
// points the kernel's imports of this module there), so a bundle for Node carries
// neither the other hosts' macrotasks nor the channels of our own.

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

/** Node's `diagnostics_channel` channel `name`, or a channel of our own where the runtime has none. */
export function openChannel(name: string): Channel {
  return nodeBuiltin('node:diagnostics_channel')?.channel(name) ?? (new LocalChannel(name) as unknown as Channel);
}

type Subscriber = (message: unknown, name: string | symbol) => void;

/**
 * A channel for runtimes without `node:diagnostics_channel` (browsers, edge runtimes):
 * `subscribe`, `unsubscribe`, `hasSubscribers` and `publish` as Node's (not its
 * `bindStore` / `runStores`, which need AsyncLocalStorage), reached through `channels`
 * only: there is no registry to subscribe to by name. A subscriber that throws does
 * not affect the stage; its error is rethrown on a later turn, where the host reports it.
 * @internal
 */
export class LocalChannel {
  private subscribers: Subscriber[] = [];
  constructor(readonly name: string) {}

  get hasSubscribers(): boolean {
    return this.subscribers.length > 0;
  }

  subscribe(onMessage: Subscriber): void {
    this.subscribers = [...this.subscribers, onMessage];
  }

  unsubscribe(onMessage: Subscriber): boolean {
    const i = this.subscribers.indexOf(onMessage);
    if (i < 0) return false;
    this.subscribers = this.subscribers.filter((_, j) => j !== i);
    return true;
  }

  publish(message: unknown): void {
    for (const onMessage of this.subscribers) {
      try {
        onMessage(message, this.name);
      } catch (error) {
        macrotask(() => {
          throw error;
        });
      }
    }
  }
}
