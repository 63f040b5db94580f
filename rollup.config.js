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
import { transform } from 'esbuild';
import { builtinModules } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export const entries = Object.values(pkg.exports)
  .filter((target) => typeof target === 'object')
  .map((target) => target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));

// Internal property names are renamed to short ones in dist/ (mangle-props.json: a fixed
// table, so every module and the worker program agree, and a build is reproducible).
// Only members of the kernel's and io's own classes that nothing outside reads by name
// are listed (scripts/check-mangle.mjs checks it); public members, options, callbacks
// and anything a user, a peer or Node reads keep their names. Issue 12 item 5: it takes
// about 0.6 KB off `import { GenStage }` min+gzip.
const mangleCache = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(new URL('./mangle-props.json', import.meta.url), 'utf8'))).filter(([name]) => !name.startsWith('//')),
);
const mangleProps = new RegExp(`^(${Object.keys(mangleCache).join('|')})$`);

const external = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) ||
  /^(rxjs|ix|redis)(\/|$)/.test(id);

// Strips the types of one module (the source is \`isolatedModules\`-safe): type errors
// are tsc's job, in the declaration step that follows and in \`npm run typecheck\`.
function typeScriptModules() {
  return {
    name: 'typescript-modules',
    resolveId(source, importer) {
      if (importer && source.startsWith('.') && source.endsWith('.js')) {
        return this.resolve(source.replace(/\.js$/, '.ts'), importer, { skipSelf: true });
      }
      return null;
    },
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const out = await transform(code, {
        loader: 'ts', format: 'esm', target: 'es2022', sourcemap: 'external', sourcefile: id,
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: false } },
      });
      return { code: out.code, map: out.map };
    },
  };
}

// Renames the listed properties (see mangleCache), in a pass of its own over the
// JavaScript: over TypeScript, esbuild renames a constructor parameter property's
// assignment but not the field it declares.
function internalNames() {
  return {
    name: 'internal-names',
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const out = await transform(code, { loader: 'js', format: 'esm', target: 'es2022', sourcemap: 'external', sourcefile: id, mangleProps, mangleCache });
      return { code: out.code, map: out.map };
    },
  };
}

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
