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
import { builtinModules } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import { internalNames, typeScriptModules } from './scripts/build-plugins.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export const entries = Object.values(pkg.exports)
  .filter((target) => typeof target === 'object')
  .map((target) => target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));

const external = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) ||
  /^(rxjs|ix|redis)(\/|$)/.test(id);

rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

export default {
  // The program of genstage's worker threads is no export: it is started by file
  // (dist/runtime/worker-entry.js, next to worker-thread.js that starts it).
  input: [...entries, 'src/runtime/worker-entry.ts'],
  external,
  plugins: [typeScriptModules(), internalNames()],
  output: {
    dir: 'dist',
    format: 'es',
    preserveModules: true,
    preserveModulesRoot: 'src',
    entryFileNames: '[name].js',
    sourcemap: true,
  },
};
