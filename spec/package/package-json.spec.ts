import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  type: string; engines: { node: string }; sideEffects: boolean; files: string[]; license: string;
  exports: Record<string, string | Record<string, string>>; main?: string; module?: string;
  scripts: Record<string, string>; repository: { url: string }; homepage: string; bugs: { url: string }; keywords: string[];
};

interface StripInternal {
  stripInternalMembers(text: string, parameterProperties?: Set<string>): { text: string; removed: number };
}

/** The package.json users install: what issue 12 decided, held in place. */
describe('package.json', function () {
  it('ships ES modules only: each entry has a types and a default condition into dist/, no CommonJS build', function () {
    expect(pkg.type).to.equal('module');
    expect(pkg.main).to.equal(undefined);
    expect(pkg.module).to.equal(undefined);
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === './package.json') continue;
      expect(target, subpath).to.be.an('object');
      const conditions = target as Record<string, string>;
      expect(Object.keys(conditions), subpath).to.deep.equal(['types', 'default']);
      expect(conditions.default, subpath).to.match(/^\.\/dist\/[\w/-]+\.js$/);
      expect(conditions.types, subpath).to.equal(conditions.default!.replace(/\.js$/, '.d.ts'));
    }
  });

  it('builds each entry from the source module of the same path (rollup reads them from exports)', function () {
    const sources = Object.values(pkg.exports)
      .filter((target): target is Record<string, string> => typeof target === 'object')
      .map((target) => target.default!.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
    expect(sources).to.include.members(['src/index.ts', 'src/interop/rxjs/index.ts', 'src/interop/web/index.ts', 'src/testing/index.ts']);
    for (const source of sources) expect(existsSync(`${ROOT}${source}`), source).to.equal(true);
  });

  it('asks for Node >= 20.19, the first 20.x that require()s ES modules', function () {
    expect(pkg.engines.node).to.equal('>=20.19');
  });

  it('declares no side effects and ships dist/, the README, the changelog and the MIT LICENSE', function () {
    expect(pkg.sideEffects).to.equal(false);
    expect(pkg.files).to.deep.equal(['dist', 'README.md', 'CHANGELOG.md', 'LICENSE']);
    expect(pkg.license).to.equal('MIT');
    const license = readFileSync(`${ROOT}LICENSE`, 'utf8');
    expect(license.split('\n')[0]).to.equal('MIT License');
    expect(license).to.match(/^Copyright \(c\) \d{4} genstage contributors$/m);
  });

  it('says where the project lives and builds before it is packed', function () {
    expect(pkg.repository.url).to.equal('git+https://github.com/genstage/genstage.git');
    expect(pkg.homepage).to.equal('https://github.com/genstage/genstage#readme');
    expect(pkg.bugs.url).to.equal('https://github.com/genstage/genstage/issues');
    expect(pkg.keywords).to.include.members(['genstage', 'back-pressure', 'stream']);
    expect(pkg.scripts.prepack).to.equal('npm run build');
  });
});

describe('scripts/strip-internal.mjs', function () {
  it('removes the class and interface members marked @internal, and the named parameter properties, keeping the rest', async function () {
    const { stripInternalMembers } = (await import(`${ROOT}scripts/strip-internal.mjs`)) as StripInternal;
    const dts = [
      "import type { StageProcess } from './stage-process.js';",
      '/** @internal */',
      'export type Hidden = number;',
      'export declare class Stage<Out = unknown> {',
      '    readonly process: StageProcess;',
      '    /** @internal */',
      '    post(message: unknown): void;',
      '    /** False once the stage has begun to exit. */',
      '    get alive(): boolean;',
      '}',
      'export interface Options {',
      '    /** @internal Used by the flow only. */',
      '    plan?: unknown;',
      '    name?: string;',
      '}',
      '',
    ].join('\n');
    const { text, removed } = stripInternalMembers(dts, new Set(['Stage.process']));
    expect(removed).to.equal(3);
    expect(text).to.equal([
      "import type { StageProcess } from './stage-process.js';",
      '/** @internal */',
      'export type Hidden = number;',
      'export declare class Stage<Out = unknown> {',
      '    /** False once the stage has begun to exit. */',
      '    get alive(): boolean;',
      '}',
      'export interface Options {',
      '    name?: string;',
      '}',
      '',
    ].join('\n'));
  });
});
