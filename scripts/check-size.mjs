// Size budgets: bundles each import listed in size-budgets.json with esbuild (from
// dist/, as a user's bundler would from the installed package: `sideEffects: false`
// honoured, minified), gzips it and compares it with its budget. Peers and Node
// built-ins stay external. `--update` is not offered: a budget is raised by hand, on
// purpose. Exits 1 when an import is over its budget.
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

let over = 0;
const rows = [];
for (const [line, budget] of Object.entries(budgets)) {
  if (line.startsWith('//')) continue;
  const result = await build({
    stdin: { contents: entryCode(line), resolveDir: process.cwd(), loader: 'js' },
    bundle: true, minify: true, write: false, format: 'esm', platform: 'node', target: 'es2022',
    external: ['rxjs', 'rxjs/*', 'ix', 'ix/*', 'redis', ...builtinModules, 'node:*'],
    plugins: [fromDist], logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const gzip = gzipSync(code, { level: 9 }).length;
  const ok = gzip <= budget;
  if (!ok) over++;
  rows.push(`| ${line} | ${(code.length / 1024).toFixed(1)} KB | ${(gzip / 1024).toFixed(1)} KB | ${(budget / 1024).toFixed(1)} KB | ${ok ? 'ok' : 'OVER'} |`);
}
console.log('| import | min | min+gzip | budget | |\n|---|---|---|---|---|');
console.log(rows.join('\n'));
if (over) {
  console.error(`check-size: ${over} import(s) over budget (size-budgets.json)`);
  process.exitCode = 1;
}
