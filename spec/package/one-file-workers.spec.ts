import { expect } from 'chai';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { rollup, type OutputChunk, type RollupOptions } from 'rollup';
import * as index from '../../src/index.js';
import * as worker from '../../src/worker.js';
import { Flow, inWorkers } from '../../src/index.js';
// @ts-expect-error -- the build's config, plain JavaScript without declarations
import config from '../../rollup.config.js';

// A worker thread is a new V8 instance that loads its modules again, and it pays per
// module file: a thread whose module imports `genstage` (113 files) took 205 ms of CPU
// to be ready, one importing `genstage/worker` (one file) 73 ms (docs/workers.md, "Start-up"). So the
// worker threads' program and `genstage/worker` (what a worker module imports) are each
// built as one self-contained file. These build them in memory with the build's own
// config and look at what comes out.

const root = resolve(import.meta.dirname, '../..');
const configs = [config as RollupOptions | RollupOptions[]].flat();

/** The chunks the build makes for the config whose input includes `input`, without writing them. */
async function chunksOf(input: string): Promise<OutputChunk[]> {
  const options = configs.find((c) => (Array.isArray(c.input) ? c.input : [c.input]).includes(input));
  if (options === undefined) throw new Error(`rollup.config.js builds no ${input}`);
  const single = { ...options, input, onLog: () => {}, plugins: (options.plugins as { name: string }[]).filter((p) => p.name !== 'empty-dist') };
  const bundle = await rollup(single as RollupOptions);
  try {
    const outputs = Array.isArray(options.output) ? options.output : [options.output!];
    const { output } = await bundle.generate(outputs[0]!);
    return output.filter((o): o is OutputChunk => o.type === 'chunk');
  } finally {
    await bundle.close();
  }
}

const builtin = (id: string): boolean => id.startsWith('node:') || builtinModules.includes(id);

describe('package: worker threads load one file each for genstage', function () {
  this.timeout(60_000);

  it('should build the worker threads\' program as one file that imports no sibling module', async () => {
    const chunks = await chunksOf('src/runtime/worker-entry.ts');
    expect(chunks.map((c) => c.fileName)).to.have.lengthOf(1);
    const [entry] = chunks;
    expect(entry!.imports.filter((id) => !builtin(id))).to.deep.equal([]);
    expect(entry!.dynamicImports).to.deep.equal([]);
    expect(entry!.code).to.contain('unpackStrings').and.to.contain('ready');
  });

  it('should build genstage/worker as one file that imports no sibling module (Node built-ins only)', async () => {
    const chunks = await chunksOf('src/worker.ts');
    expect(chunks).to.have.lengthOf(1);
    const [entry] = chunks;
    expect(entry!.imports.filter((id) => !builtin(id))).to.deep.equal([]);
    expect(entry!.dynamicImports).to.deep.equal([]);
    expect([...entry!.exports].sort()).to.deep.equal(Object.keys(worker).sort());
    expect(entry!.fileName).to.equal('worker.js');
    expect(resolve(root, 'dist', entry!.fileName)).to.equal(resolve(root, 'dist/worker.js'));
  });

  it('should export from genstage/worker workerStage, Window and the operators a worker stage runs, the same functions as genstage\'s', () => {
    expect(Object.keys(worker).sort()).to.deep.equal([
      'Window', 'countByKey', 'emitAndReduce', 'filter', 'flatMap', 'groupBy', 'groupByKey', 'map', 'mapBatch', 'mapValues',
      'onTrigger', 'reduce', 'reduceByKey', 'reject', 'tap', 'uniq', 'uniqBy', 'window', 'workerStage',
    ]);
    for (const [name, value] of Object.entries(worker)) expect(value, name).to.equal((index as Record<string, unknown>)[name]);
  });

  it('should run a worker module that imports genstage/worker, its Window and window() from the same entry', async () => {
    const module = new URL('../fixtures/workers/count-words-subpath.ts', import.meta.url);
    const counts = await Flow.from(['a b', 'b c', 'c'], { stages: 1 })
      .pipe(inWorkers<string, [string, number]>(module, 'countWords'))
      .toArray();
    expect([...counts].sort()).to.deep.equal([['a', 1], ['b', 2], ['c', 2]]);
    const windows = await Flow.from(['a b', 'c', 'd e f', 'g'], { stages: 1 })
      .pipe(inWorkers<string, [number, number]>(module, 'wordsPerTwo'))
      .toArray();
    expect(windows).to.deep.equal([[0, 2], [1, 2], [2, 2], [3, 1]]);
  });
});
