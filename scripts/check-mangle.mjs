// Checks mangle-props.json, the internal property names the build renames in dist/
// (rollup.config.js). A name may be renamed only if nothing but genstage's own code can
// read it, so for each listed name it checks, over src/ with the type checker, that:
//  - every property access, declaration and object-literal key of that name resolves to
//    a member declared in a class or an interface (or type literal) of src/, never to a
//    type of the standard library, Node or a peer, and never to nothing (`any`); such an
//    interface is internal, since no public type has a member of that name (below);
//  - no typing outside src/ (lib, @types/node, rxjs, ix, redis...) declares a property
//    of that name (so no host or peer object is read or handed one under it), unless
//    the name is in the table's `//reviewed` list, checked by hand;
//  - the public API (api/*.api.md) does not name it;
//  - no string in src/ is that name (`'x' in o`, `o['x']`);
//  - it is not read out of an object pattern (destructuring).
// and that the short names are distinct and not themselves used as property names.
// Exits 1 listing what fails. About 30 s (one type-checked program over src/).
import { readFileSync, readdirSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';

const root = process.cwd();
const json = JSON.parse(readFileSync('mangle-props.json', 'utf8'));
const table = Object.entries(json).filter(([name]) => !name.startsWith('//'));
// Names some outside typing also declares, each reviewed by hand: no object that carries
// it is handed to code outside genstage (the reason is written beside the list).
const reviewed = new Set(json['//reviewed'].split(':')[0].split(' '));
const listed = new Map(table);
const problems = [];

const short = new Set();
for (const [name, to] of table) {
  if (!/^\$[\w$]+$/.test(to)) problems.push(`${name}: the short name ${to} does not start with $`);
  if (short.has(to)) problems.push(`${name}: the short name ${to} is used twice`);
  short.add(to);
}

const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram(config.fileNames.filter((f) => f.startsWith(`${root}/src/`)), config.options);
const checker = program.getTypeChecker();
const ours = (file) => file.startsWith(`${root}/src/`);

function fail(name, node, why) {
  const sf = node.getSourceFile();
  problems.push(`${name}: ${why} (${relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
}

/** Every declaration of `symbol` is a member of a class of src/ (or of StageCore). */
function judge(name, symbol, node) {
  if (symbol === undefined) return fail(name, node, 'reached on a value of no known type');
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declarations = symbol.declarations ?? [];
  if (declarations.length === 0) return fail(name, node, 'reached on a value of no known type');
  for (const d of declarations) {
    if (!ours(d.getSourceFile().fileName)) return fail(name, node, `declared outside src/ (${relative(root, d.getSourceFile().fileName)})`);
    const inClass = ts.isClassLike(d.parent) || (ts.isParameter(d) && ts.isConstructorDeclaration(d.parent));
    // An interface or type literal of src/: internal, since no public type names the
    // property (the API check below), and no typing outside src/ does (checked above).
    // What this cannot see is where an object of it comes from: a name that such an
    // interface declares for data from outside (a peer's reply, parsed JSON) must not
    // be listed, whatever this check says (the table's note says so too).
    const inType = ts.isInterfaceDeclaration(d.parent) || ts.isTypeLiteralNode(d.parent);
    if (!inClass && !inType) return fail(name, node, 'declared by a type that is not a class or an interface of src/');
  }
}

const keyOf = (node) => (node.name && ts.isIdentifier(node.name) ? node.name.text : undefined);
for (const sf of program.getSourceFiles()) {
  if (!ours(sf.fileName)) {
    // A property of that name in any typing outside src/: a host or peer object may carry it.
    const visitExternal = (node) => {
      if ((ts.isPropertySignature(node) || ts.isMethodSignature(node) || ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) ||
        ts.isGetAccessor(node) || ts.isSetAccessor(node)) && listed.has(keyOf(node)) && !reviewed.has(keyOf(node))) {
        problems.push(`${keyOf(node)}: ${relative(root, sf.fileName)} declares a property of that name`);
      }
      ts.forEachChild(node, visitExternal);
    };
    visitExternal(sf);
    continue;
  }
  const visit = (node) => {
    if (ts.isPropertyAccessExpression(node) && listed.has(node.name.text)) {
      judge(node.name.text, checker.getSymbolAtLocation(node.name), node);
    } else if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) || (ts.isMethodDeclaration(node) && ts.isObjectLiteralExpression(node.parent))) && listed.has(keyOf(node))) {
      // An optional parameter's type includes undefined: the object is read as the rest.
      const contextual = checker.getContextualType(node.parent);
      const context = contextual && checker.getNonNullableType(contextual);
      const property = context && checker.getPropertyOfType(context, keyOf(node));
      if (property === undefined) fail(keyOf(node), node, 'an object-literal key of no known type');
      else judge(keyOf(node), property, node);
    } else if ((ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node) || ts.isPropertySignature(node) || ts.isMethodSignature(node)) && listed.has(keyOf(node))) {
      judge(keyOf(node), checker.getSymbolAtLocation(node.name), node);
    } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
      const key = node.propertyName ?? node.name;
      if (ts.isIdentifier(key) && listed.has(key.text)) fail(key.text, node, 'read out of an object pattern');
    } else if (ts.isStringLiteralLike(node) && listed.has(node.text)) {
      fail(node.text, node, 'named in a string');
    }
    if (ts.isPropertyAccessExpression(node) && short.has(node.name.text)) fail(node.name.text, node, 'a short name used as a property name');
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

const api = readdirSync('api').map((file) => readFileSync(`api/${file}`, 'utf8')).join('\n');
for (const [name] of table) if (new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(api)) problems.push(`${name}: named in the public API (api/)`);

if (problems.length > 0) {
  console.error(`mangle-props.json: ${problems.length} problem(s):\n${[...new Set(problems)].join('\n')}`);
  process.exitCode = 1;
} else {
  console.log(`mangle-props.json: ${table.length} internal property names, each read by genstage's own code only`);
}
