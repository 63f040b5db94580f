// Builds the package as ES modules only, one output file per source module
// (preserveModules), so a bundler keeps only the modules an import reaches and every
// class exists once per process, whether it is reached by `import` or by `require()`
// (Node >= 20.19 loads ES modules synchronously). Declarations come from tsc
// (`tsconfig.build.json`, run after rollup by `npm run build`) into the same tree,
// so each type is declared once and `Stage` from `genstage/web` is the `Stage` of
// `genstage`.
//
// The entries are read from package.json's `exports`: adding an entry is one line
// there (`"./name": { "types": "./dist/x.d.ts", "default": "./dist/x.js" }` for
// `src/x.ts`).
//
// Two files are built whole instead, each one self-contained file (ONE_FILE_ENTRIES in
// scripts/build-plugins.mjs): the program of genstage's worker threads
// (dist/runtime/worker-entry.js, no export: worker-thread.js starts it by file) and
// `genstage/worker` (dist/worker.js, what a worker module imports), so that a worker
// thread loads two files, not the 113 of genstage (docs/workers.md, "Start-up").
import { builtinModules } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ONE_FILE_ENTRIES, internalNames, oneFile, typeScriptModules } from './scripts/build-plugins.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export const entries = Object.values(pkg.exports)
  .filter((target) => typeof target === 'object')
  .map((target) => target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));

// The kernel reaches its host (src/runtime/host.ts: the macrotask, the diagnostics
// channels) through package.json's `imports`, as `#genstage/host`: runtime/host.node.js
// under the `node` condition, runtime/host.js for any other host. Both are built (see
// `input`); a bundle for Node then carries neither the browsers' macrotask nor the
// channels of our own (issue 12: `import { GenStage }` alone).
const HOST = fileURLToPath(new URL('./src/runtime/host.ts', import.meta.url));
export const HOST_MODULES = ['src/runtime/host.ts', 'src/runtime/host.node.ts'];
const conditionalHost = {
  name: 'conditional-host',
  async resolveId(source, importer) {
    if (!importer || !source.startsWith('.')) return null;
    const resolved = await this.resolve(source, importer, { skipSelf: true });
    return resolved?.id === HOST ? { id: '#genstage/host', external: true, moduleSideEffects: false } : null;
  },
};

const external = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) ||
  /^(rxjs|ix|redis)(\/|$)/.test(id);

// dist/ is emptied when the build starts, not when this file loads: a spec imports the
// config to build the one-file entries in memory (spec/package/one-file-workers.spec.ts).
const emptyDist = {
  name: 'empty-dist',
  buildStart() {
    rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
  },
};

export default [{
  input: [...entries.filter((entry) => !(entry in ONE_FILE_ENTRIES)), ...HOST_MODULES],
  external,
  plugins: [emptyDist, conditionalHost, typeScriptModules(), internalNames()],
  output: {
    dir: 'dist',
    format: 'es',
    preserveModules: true,
    preserveModulesRoot: 'src',
    entryFileNames: '[name].js',
    sourcemap: true,
  },
}, ...Object.entries(ONE_FILE_ENTRIES).map(([input, file]) => oneFile(input, file, external))];
