import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';

// `import { GenStage }` alone (issue 12 item 5): GenStage.fromIterable, GenStage.stream
// and a Stage's observable load their io modules on first use, so an application
// bundler leaves them out of what loads with the import, and they still work there.

const root = resolve(import.meta.dirname, '../..');
const IO_ON_FIRST_USE = ['src/io/from-iterable.ts', 'src/io/stream.ts', 'src/io/chunks.ts', 'src/stage/sink.ts'];

async function bundleGenStageAlone(program: string, outdir: string): Promise<Metafile> {
  const result = await build({
    stdin: { contents: `import { GenStage } from '${join(root, 'src/index.ts')}';\n${program}`, resolveDir: root, loader: 'ts' },
    bundle: true, format: 'esm', platform: 'node', splitting: true, outdir, metafile: true, logLevel: 'silent',
    external: ['rxjs', 'ix', 'redis'],
  });
  return result.metafile;
}

/** The source files in the chunks that load with the entry (reached by static imports). */
function eagerInputs(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)!;
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of outputs[path]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen].flatMap((path) => Object.keys(outputs[path]!.inputs)).map((input) => relative(root, resolve(root, input)));
}

describe('io: loaded on first use', function () {
  this.timeout(60_000);
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'genstage-lazy-io-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('should leave fromIterable, stream, the chunked iterator and the sink out of what loads with import { GenStage }', async () => {
    const metafile = await bundleGenStageAlone('console.log(GenStage);', outdir);
    const eager = eagerInputs(metafile);
    expect(eager).to.include('src/stage/gen-stage.ts');
    expect(eager.filter((path) => IO_ON_FIRST_USE.includes(path))).to.deep.equal([]);
    const all = Object.keys(metafile.inputs).map((input) => relative(root, resolve(root, input)));
    expect(IO_ON_FIRST_USE.filter((path) => !all.includes(path))).to.deep.equal([]);
  });

  it('should run fromIterable, stream and the observable from a bundle of import { GenStage } alone', async () => {
    const program = `
      const numbers = await GenStage.fromIterable([1, 2, 3]);
      const seen = [];
      for await (const n of GenStage.stream([numbers])) seen.push(n);
      const letters = await GenStage.fromIterable(['a', 'b']);
      const observed = await new Promise((done, fail) => {
        const out = [];
        letters[Symbol.observable ?? '@@observable']().subscribe({ next: (x) => out.push(x), error: fail, complete: () => done(out) });
      });
      console.log(JSON.stringify({ seen, observed }));
    `;
    await bundleGenStageAlone(program, outdir);
    const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, 'stdin.js')], { cwd: outdir });
    expect(JSON.parse(stdout)).to.deep.equal({ seen: [1, 2, 3], observed: ['a', 'b'] });
  });
});
