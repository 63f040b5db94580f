// Writes each ```ts block of the README into <out>/NN-<file>.ts, as written, so the
// package check type-checks the snippets a user copies. Additions, never edits: a
// snippet that uses a genstage export it does not import (the README shows an import
// once, not in every snippet) gets that import from its entry, and a block holding
// several files (`// main.ts` lines) is split, keeping its TypeScript files.
// Run from the repository root after `npm run build` (it reads the entries' exports).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [readme, out] = process.argv.slice(2);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const exported = new Map(); // export name -> the first entry exporting it, core first
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object') continue;
  const entry = `genstage${subpath.slice(1)}`;
  for (const name of Object.keys(await import(pathToFileURL(resolve(target.default)).href))) {
    if (!exported.has(name)) exported.set(name, entry);
  }
}
const importedNames = (text) =>
  new Set([...text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((s) => s.trim().split(/\s+as\s+/).pop())));
function missingImports(source) {
  const text = source.replace(/\/\/.*$/gm, ''); // not the names in comments
  const have = importedNames(text);
  const byEntry = new Map();
  for (const [name, entry] of exported) {
    if (have.has(name) || !new RegExp(`(?<![.\\w$])${name.replace(/\$/g, '\\$')}\\b`).test(text)) continue;
    if (new RegExp(`(?:const|let|class|function)\\s+${name}\\b`).test(text)) continue;
    byEntry.set(entry, [...(byEntry.get(entry) ?? []), name]);
  }
  return [...byEntry].map(([entry, names]) => `import { ${names.join(', ')} } from '${entry}';\n`).join('');
}

mkdirSync(out, { recursive: true });
const blocks = [...readFileSync(readme, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1]);
let written = 0;
blocks.forEach((block, index) => {
  const parts = block.split(/^\/\/ (\S+\.\w+)\n/m);
  const files = parts.length === 1 ? [['snippet.ts', block]] : [];
  for (let i = 1; i < parts.length; i += 2) files.push([parts[i], parts[i + 1]]);
  for (const [name, text] of files) {
    if (!/\.ts$/.test(name) || /\.d\.ts$/.test(name)) continue;
    const imports = missingImports(text);
    const file = join(out, `${String(index + 1).padStart(2, '0')}-${name}`);
    writeFileSync(file, `${imports}${text}export {};\n`);
    written++;
  }
});
console.log(`readme-snippets: ${written} files from ${blocks.length} blocks of ${readme}`);
