import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
// @ts-expect-error -- a build script in plain JavaScript, no declarations
import * as buildPlugins from '../../scripts/build-plugins.mjs';

// Issue 12 item 5: the build renames the internal property names of mangle-props.json in
// dist/ (rollup.config.js runs these two steps over each module). What it makes of a
// module whose class declares listed fields as a constructor parameter property and as a
// plain field, beside public ones.

const root = resolve(import.meta.dirname, '../..');
const table = JSON.parse(readFileSync(resolve(root, 'mangle-props.json'), 'utf8')) as Record<string, string>;

interface Step {
  transform(code: string, id: string): Promise<{ code: string } | null>;
}
const { typeScriptModules, internalNames } = buildPlugins as { typeScriptModules: () => Step; internalNames: () => Step };

async function build(source: string): Promise<string> {
  const id = resolve(root, 'src/stage/fixture.ts');
  const js = await typeScriptModules().transform(source, id);
  const renamed = await internalNames().transform(js!.code, id);
  return renamed!.code;
}

describe('build: internal property names', function () {
  this.timeout(30_000);

  it('should rename a constructor parameter property in the field it declares as in its assignment, leaving public members named', async () => {
    const code = await build(`
      export class Link {
        consumerLinked = false;
        constructor(readonly consumerProcess: object, readonly maxDemand: number, private readonly options: object) {}
        get consumer(): object {
          return this.consumerProcess;
        }
        toString(): string {
          return String(this.maxDemand) + String(this.consumerLinked) + String(this.options);
        }
      }
    `);
    const cp = table.consumerProcess!;
    const linked = table.consumerLinked!;
    expect(code).to.include(`this.${cp} = consumerProcess;`);
    expect(code).to.match(new RegExp(`^\\s*\\${cp};$`, 'm')); // the field it declares, renamed too
    expect(code).to.match(new RegExp(`^\\s*\\${linked} = false;$`, 'm'));
    expect(code).to.include(`return this.${cp};`);
    expect(code).not.to.match(/^\s*consumerProcess;|consumerLinked|\.consumerProcess/m);
    // Public members keep their names.
    for (const kept of ['this.maxDemand = maxDemand;', 'this.options = options;', 'get consumer()', 'toString()', 'this.maxDemand)']) expect(code).to.include(kept);
  });

  it('should give every listed name a short name of its own', () => {
    const names = Object.entries(table).filter(([name]) => !name.startsWith('//'));
    const short = names.map(([, to]) => to);
    expect(new Set(short).size).to.equal(short.length);
    expect(short.filter((to) => !/^\$[\w$]{1,2}$/.test(to))).to.deep.equal([]);
    expect(names.length).to.be.greaterThan(100);
  });
});
