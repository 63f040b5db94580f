import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { newestMtime } from '../../bench/lib.js';

/**
 * Where the browser specs take genstage from: the built package (`dist/`, through
 * package.json's `exports`) when it is there and newer than every file of `src/`, as
 * in CI (`.ci/run` builds before `npm test`), so they test what users install; else
 * the sources, so a stale build never hides a change. `GENSTAGE_BROWSER_FROM=dist`
 * (or `src`) forces the choice.
 */
const root = resolve(import.meta.dirname, '../..');

/** The entries the browser specs use, by subpath, with their source file. */
export const ENTRIES = {
  '.': 'src/index.ts',
  './web': 'src/interop/web/index.ts',
  './rxjs': 'src/interop/rxjs/index.ts',
  './ix': 'src/interop/ix/index.ts',
} as const;

export type Subpath = keyof typeof ENTRIES;

/** The file an `exports` target resolves to for a browser bundler (browser, import, default). */
function pick(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  const conditions = target as Record<string, unknown>;
  for (const key of ['browser', 'import', 'default']) {
    const found = key in conditions ? pick(conditions[key]) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

function builtEntries(evenIfStale: boolean): Record<Subpath, string> | undefined {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
  const srcMtime = newestMtime(join(root, 'src'));
  const out: Partial<Record<Subpath, string>> = {};
  for (const subpath of Object.keys(ENTRIES) as Subpath[]) {
    const target = pick(pkg.exports?.[subpath]);
    if (target === undefined) return undefined;
    const file = join(root, target);
    if (!existsSync(file)) return undefined;
    if (statSync(file).mtimeMs < srcMtime && !evenIfStale) return undefined;
    out[subpath] = file;
  }
  return out as Record<Subpath, string>;
}

/** The file of each entry and where they come from. */
export function packageEntries(): { from: 'dist' | 'src'; files: Record<Subpath, string> } {
  const built = process.env.GENSTAGE_BROWSER_FROM === 'src' ? undefined : builtEntries(process.env.GENSTAGE_BROWSER_FROM === 'dist');
  if (built !== undefined) return { from: 'dist', files: built };
  const files = Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(root, v)])) as Record<Subpath, string>;
  return { from: 'src', files };
}

/**
 * An esbuild plugin that sends `genstage`, `genstage/web`... and the page's imports of
 * the entries' source files (`../../src/index.js`) to `files`.
 */
export function entriesPlugin(files: Record<Subpath, string>): Plugin {
  const bySource = new Map(Object.entries(ENTRIES).map(([subpath, src]) => [join(root, src).replace(/\.ts$/, '.js'), subpath as Subpath]));
  return {
    name: 'genstage-entries',
    setup(build) {
      build.onResolve({ filter: /^genstage(\/.*)?$/ }, (args) => {
        const subpath = (args.path === 'genstage' ? '.' : `.${args.path.slice('genstage'.length)}`) as Subpath;
        return subpath in files ? { path: files[subpath] } : undefined;
      });
      build.onResolve({ filter: /\/src\/.*index\.js$/ }, (args) => {
        const subpath = bySource.get(resolve(args.resolveDir, args.path));
        return subpath === undefined ? undefined : { path: files[subpath] };
      });
    },
  };
}
