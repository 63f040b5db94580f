import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import * as anyHost from '../../src/runtime/host.js';
import * as nodeHost from '../../src/runtime/host.node.js';
import { entriesPlugin, packageEntries } from '../browser/entries.js';

// The kernel's host (the macrotask, the diagnostics channels) is reached in dist/
// through package.json's `imports` (`#genstage/host`): runtime/host.node.js under the
// `node` condition, runtime/host.js (any host: browsers, edge runtimes) otherwise. A
// bundle of `import { GenStage }` for Node then carries neither the browsers' macrotask
// nor the channels of our own (issue 12: GenStage alone's size).
const root = resolve(import.meta.dirname, '../..');

/** The minified bundle of `import { GenStage } from 'genstage'` for `platform`, from the entry files `files`. */
async function bundleOfGenStage(platform: 'node' | 'browser', files: ReturnType<typeof packageEntries>['files']): Promise<string> {
  const result = await build({
    stdin: { contents: `import { GenStage } from 'genstage';\nconsole.log(GenStage);\n`, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true, minify: true, write: false, format: 'esm', platform, target: 'es2022', logLevel: 'silent',
    plugins: [entriesPlugin(files)],
  });
  return result.outputFiles.map((f) => f.text).join('\n');
}

describe('package: the host modules, one for Node and one for any host', function () {
  this.timeout(60_000);

  it('should export the same names from both, but the LocalChannel only the portable one needs', () => {
    expect(Object.keys(nodeHost).sort()).to.deep.equal(['macrotask', 'microtask', 'openChannel']);
    expect(Object.keys(anyHost).sort()).to.deep.equal(['LocalChannel', 'macrotask', 'microtask', 'openChannel']);
  });

  it('should map #genstage/host to host.node.js under the node condition, to host.js otherwise, both built', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { imports: Record<string, unknown> };
    expect(pkg.imports['#genstage/host']).to.deep.equal({ node: './dist/runtime/host.node.js', default: './dist/runtime/host.js' });
    const config = readFileSync(resolve(root, 'rollup.config.js'), 'utf8');
    expect(config).to.contain("['src/runtime/host.ts', 'src/runtime/host.node.ts']");
  });

  it('should leave the browsers\' macrotask and the channels of our own out of a Node bundle of dist/, and keep them in a browser bundle', async function () {
    const { from, files } = packageEntries();
    if (from !== 'dist') this.skip(); // the mapping exists in dist/ only (npm run build; .ci/run builds first)
    const forNode = await bundleOfGenStage('node', files);
    const forBrowser = await bundleOfGenStage('browser', files);
    expect(forNode).to.contain('genstage:stage:start').and.contain('setImmediate');
    expect(forNode).not.to.contain('MessageChannel');
    expect(forNode).not.to.contain('hasSubscribers(){');
    expect(forBrowser).to.contain('MessageChannel').and.contain('hasSubscribers(){');
  });
});
