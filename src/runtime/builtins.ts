import { codedError } from './errors.js';
/**
 * Node built-in modules, obtained at first use through `process.getBuiltinModule`
 * (Node >= 20.16, Deno, Bun) instead of an `import`, so the core has no `node:` import
 * on its path: a bundler targeting a browser or an edge runtime finds nothing to
 * resolve or stub. Only the features that need one (worker threads, diagnostics
 * channels) ask for it, when they are used.
 * @internal
 */

interface Builtins {
  'node:diagnostics_channel': typeof import('node:diagnostics_channel');
  'node:events': typeof import('node:events');
  'node:fs': typeof import('node:fs');
  'node:module': typeof import('node:module');
  'node:os': typeof import('node:os');
  'node:path': typeof import('node:path');
  'node:url': typeof import('node:url');
  'node:worker_threads': typeof import('node:worker_threads');
}

interface HostProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** The built-in module `id`, or `undefined` where the runtime has none (a browser). */
export function nodeBuiltin<K extends keyof Builtins>(id: K): Builtins[K] | undefined {
  const host = (globalThis as { process?: HostProcess }).process;
  const get = host?.getBuiltinModule;
  return typeof get === 'function' ? (get.call(host, id) as Builtins[K] | undefined) : undefined;
}

/** The built-in module `id`; throws an Error naming `feature` and `id` where the runtime has none. */
export function requireBuiltin<K extends keyof Builtins>(id: K, feature: string): Builtins[K] {
  const module = nodeBuiltin(id);
  if (module === undefined) {
    throw codedError(Error, 'ERR_GENSTAGE_UNSUPPORTED_RUNTIME', `${feature} needs ${id}, which this runtime does not provide (Node.js >= 20.16, Deno or Bun)`);
  }
  return module;
}
