// Size budgets: bundles each import listed in size-budgets.json with esbuild (from
// dist/, as a user's bundler would from the installed package: `sideEffects: false`
// honoured, minified, code splitting on), gzips it and compares it with its budget.
// Peers and Node built-ins stay external. `--update` is not offered: a budget is raised
// by hand, on purpose. Exits 1 when an import is over its budget.
//
// What is measured is what loads with the import: the entry chunk and the chunks it
// imports statically, gzipped together (as the one file a bundler would emit for them). Modules the library loads
// with a dynamic `import()` on first use (GenStage.stream, GenStage.fromIterable) go to
// chunks of their own, as in an application bundler; their size is shown beside
// ("on first use"), not counted against the budget.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const budgets = JSON.parse(readFileSync('size-budgets.json', 'utf8'));

// `genstage/x` resolves through package.json's exports to dist/, like an installed copy.
const fromDist = {
  name: 'genstage-dist',
  setup(build) {
    build.onResolve({ filter: /^genstage(\/|$)/ }, ({ path }) => {
      const target = pkg.exports[`.${path.slice('genstage'.length)}`];
      if (!target) return { errors: [{ text: `genstage has no export ${path}` }] };
      return { path: resolve(target.default), sideEffects: false };
    });
  },
};

// "import { A, B } from 'x'" keeps A and B; "import * from 'x'" keeps every export.
function entryCode(line) {
  const named = /^import \{ (.+) \} from '(.+)'$/.exec(line);
  if (named) return `import { ${named[1]} } from '${named[2]}';\nconsole.log(${named[1]});\n`;
  const all = /^import \* from '(.+)'$/.exec(line);
  if (all) return `export * from '${all[1]}';\n`;
  throw new Error(`size-budgets.json: cannot read the import ${JSON.stringify(line)}`);
}

const OUT = resolve('.size-check');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * Splits a build's chunks into those that load with the entry (reached by static
 * imports) and those loaded on first use (reached only through a dynamic `import()`),
 * with the minified and gzipped size of each set.
 */
function loadOrder(result) {
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint !== undefined);
  const eagerPaths = new Set();
  const visit = (path) => {
    if (eagerPaths.has(path)) return;
    eagerPaths.add(path);
    for (const i of outputs[path].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  const sum = (paths) => {
    if (paths.length === 0) return { min: 0, gzip: 0 };
    const code = Buffer.concat(paths.map((path) => files.get(resolve(path))));
    return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
  };
  const all = Object.keys(outputs).filter((path) => path.endsWith('.js'));
  return { eager: sum(all.filter((p) => eagerPaths.has(p))), lazy: sum(all.filter((p) => !eagerPaths.has(p))) };
}

let over = 0;
const rows = [];
for (const [line, budget] of Object.entries(budgets)) {
  if (line.startsWith('//')) continue;
  const result = await build({
    stdin: { contents: entryCode(line), resolveDir: process.cwd(), loader: 'js' },
    bundle: true, minify: true, write: false, format: 'esm', platform: 'node', target: 'es2022',
    splitting: true, outdir: OUT, metafile: true,
    external: ['rxjs', 'rxjs/*', 'ix', 'ix/*', 'redis', ...builtinModules, 'node:*'],
    plugins: [fromDist], logLevel: 'silent',
  });
  const { eager, lazy } = loadOrder(result);
  const ok = eager.gzip <= budget;
  if (!ok) over++;
  const onFirstUse = lazy.gzip === 0 ? '-' : `${kb(lazy.gzip)}`;
  rows.push(`| ${line} | ${kb(eager.min)} | ${kb(eager.gzip)} | ${kb(budget)} | ${ok ? 'ok' : 'OVER'} | ${onFirstUse} |`);
}
console.log('| import | min | min+gzip | budget | | on first use (min+gzip) |\n|---|---|---|---|---|---|');
console.log(rows.join('\n'));
if (over) {
  console.error(`check-size: ${over} import(s) over budget (size-budgets.json)`);
  process.exitCode = 1;
}
