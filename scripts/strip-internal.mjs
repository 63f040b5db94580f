// Removes the members marked `@internal` (class and interface members: `Stage.process`,
// `Flow.plan`...) from the declarations tsc wrote into dist/. tsc's own `stripInternal`
// also removes `@internal` module-level exports, which other declaration files of the
// package still import (an internal module's exports are internal by where they live:
// no entry in package.json's `exports` reaches them), and leaves those files broken.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = 'dist';

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

/**
 * `text` (a declaration file) without its class and interface members marked
 * `@internal`, nor the properties named `Class.member` in `parameterProperties`;
 * `removed` counts them.
 */
export function stripInternalMembers(text, parameterProperties = new Set()) {
  const source = ts.createSourceFile('file.d.ts', text, ts.ScriptTarget.Latest, true);
  const cuts = [];
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
  let out = text;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + out.slice(end);
  return { text: out, removed: cuts.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let stripped = 0;
  for (const file of declarationFiles(root)) {
    const { text, removed } = stripInternalMembers(readFileSync(file, 'utf8'), internalParameterProperties(file));
    if (removed === 0) continue;
    writeFileSync(file, text);
    stripped += removed;
  }
  console.log(`strip-internal: removed ${stripped} @internal members from ${root}/**/*.d.ts`);
}
