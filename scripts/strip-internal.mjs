// Removes the members marked `@internal` (class and interface members: `Stage.process`,
// `Flow.plan`...) from the declarations tsc wrote into dist/. tsc's own `stripInternal`
// also removes `@internal` module-level exports, which other declaration files of the
// package still import (an internal module's exports are internal by where they live:
// no entry in package.json's `exports` reaches them), and leaves those files broken.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = process.argv[2] ?? 'dist';

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarationFiles(path);
    else if (entry.name.endsWith('.d.ts')) yield path;
  }
}

// The comments and blank space before a node are its trivia: `/** @internal */` is there.
const isInternal = (node, text) => /@internal\b/.test(text.slice(node.getFullStart(), node.getStart()));

// tsc drops the comment of a constructor's parameter property (`constructor(/** @internal */
// readonly process: StageProcess)`), so those are looked up in the source module.
function internalParameterProperties(file) {
  const names = new Set();
  const sourceFile = file.replace(new RegExp(`^${root}/`), 'src/').replace(/\.d\.ts$/, '.ts');
  let text;
  try {
    text = readFileSync(sourceFile, 'utf8');
  } catch {
    return names;
  }
  const source = ts.createSourceFile(sourceFile, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isClassDeclaration(node) && node.name) {
      for (const member of node.members) {
        if (!ts.isConstructorDeclaration(member)) continue;
        for (const parameter of member.parameters) {
          if (ts.getModifiers(parameter)?.length && isInternal(parameter, text)) names.add(`${node.name.text}.${parameter.name.getText()}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

let stripped = 0;
for (const file of declarationFiles(root)) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const cuts = [];
  const parameterProperties = internalParameterProperties(file);
  const visit = (node) => {
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.members) {
      for (const member of node.members) {
        const name = node.name && member.name ? `${node.name.text}.${member.name.getText()}` : '';
        if (isInternal(member, text) || parameterProperties.has(name)) cuts.push([member.getFullStart(), member.getEnd()]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (cuts.length === 0) continue;
  let out = text;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  writeFileSync(file, out);
  stripped += cuts.length;
}
console.log(`strip-internal: removed ${stripped} @internal members from ${root}/**/*.d.ts`);
