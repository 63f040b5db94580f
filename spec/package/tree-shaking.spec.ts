import { expect } from 'chai';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';

// What an application bundler keeps of an import, built as scripts/check-size.mjs builds
// it (minified, code splitting on), from the sources: the entry chunk and the chunks it
// imports statically, as one text. The kernel reads exit reasons and diagnostics
// channels through constants, so `Reasons` and `channels` (objects that name every
// reason and every channel, the supervisors' included) stay out of a bundle that does
// not import them (issue 12 item 5).
const src = resolve(import.meta.dirname, '../../src/index.ts');

async function eagerText(names: string): Promise<string> {
  const result = await build({
    stdin: { contents: `import { ${names} } from ${JSON.stringify(src)};\nconsole.log(${names});\n`, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true, minify: true, write: false, format: 'esm', platform: 'node', target: 'es2022',
    splitting: true, outdir: resolve(import.meta.dirname, '.tree-shaking-out'), metafile: true, logLevel: 'silent',
    external: ['rxjs', 'rxjs/*', 'ix', 'ix/*', 'redis', ...builtinModules, 'node:*'],
  });
  const outputs = result.metafile.outputs;
  const eager = new Set<string>();
  const visit = (path: string): void => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const i of outputs[path]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)!);
  return result.outputFiles.filter((f) => [...eager].some((p) => resolve(p) === f.path)).map((f) => f.text).join('\n');
}

describe('package: what a bundle keeps of an import', function () {
  this.timeout(60_000);

  it('should keep neither the Reasons object nor the channels object for import { GenStage }', async () => {
    const text = await eagerText('GenStage');
    expect(text).to.contain('genstage:stage:start');
    expect(text).to.contain('"noproc"');
    // Only Reasons names max_children; only channels (and the supervisors) name the supervisor channel.
    expect(text).not.to.contain('max_children');
    expect(text).not.to.contain('genstage:supervisor:child');
  });

  it('should keep Reasons and channels whole when the application imports them', async () => {
    const text = await eagerText('Reasons, channels');
    expect(text).to.contain('MAX_CHILDREN:"max_children"');
    expect(text).to.contain('genstage:supervisor:child');
  });
});
