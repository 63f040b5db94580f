// The two steps rollup.config.js runs over each source module: TypeScript to JavaScript,
// then the internal property names renamed. Kept out of the config so that a spec can run
// them on one module (spec/package/internal-names.spec.ts).
import { readFileSync } from 'node:fs';
import { transform } from 'esbuild';

// Internal property names are renamed to short ones in dist/ (mangle-props.json: a fixed
// table, so every module and the worker program agree, and a build is reproducible).
// Only members of the kernel's and io's own classes that nothing outside reads by name
// are listed (scripts/check-mangle.mjs checks it); public members, options, callbacks
// and anything a user, a peer or Node reads keep their names. Issue 12 item 5: it takes
// about 0.5 KB off `import { GenStage }` min+gzip.
const mangleCache = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(new URL('../mangle-props.json', import.meta.url), 'utf8'))).filter(([name]) => !name.startsWith('//')),
);
const mangleProps = new RegExp(`^(${Object.keys(mangleCache).join('|')})$`);

// Strips the types of one module (the source is \`isolatedModules\`-safe): type errors
// are tsc's job, in the declaration step that follows and in \`npm run typecheck\`.
export function typeScriptModules() {
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
export function internalNames() {
  return {
    name: 'internal-names',
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const out = await transform(code, { loader: 'js', format: 'esm', target: 'es2022', sourcemap: 'external', sourcefile: id, mangleProps, mangleCache });
      return { code: out.code, map: out.map };
    },
  };
}


// Modules a worker thread loads are built as one file each (`oneFile`): a thread is a new
// V8 instance that loads its modules again, and it pays per module file far more than per
// byte (docs/workers.md, "Start-up"). The program of the threads (src/runtime/worker-entry.ts)
// and `genstage/worker` (src/worker.ts, what a worker module imports) are built so.
export const ONE_FILE_ENTRIES = { 'src/runtime/worker-entry.ts': 'dist/runtime/worker-entry.js', 'src/worker.ts': 'dist/worker.js' };

// The rollup options that build `input` into the single file `file`: every module it
// reaches inlined (dynamic imports too), only Node built-ins and the peers left as imports.
export function oneFile(input, file, external) {
  return {
    input,
    external,
    plugins: [typeScriptModules(), internalNames()],
    output: { file, format: 'es', inlineDynamicImports: true, sourcemap: true },
  };
}
