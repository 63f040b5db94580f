import { expect } from 'chai';
import * as os from 'node:os';
import * as workerThreads from 'node:worker_threads';
import { nodeBuiltin, requireBuiltin } from '../../src/runtime/builtins.js';
import { checkWorkerTarget } from '../../src/runtime/worker-thread.js';

describe('runtime: Node built-ins obtained at first use', () => {
  it('should give the same module as an import in Node', () => {
    expect(nodeBuiltin('node:os')?.availableParallelism).to.equal(os.availableParallelism);
    expect(requireBuiltin('node:worker_threads', 'inWorkers').Worker).to.equal(workerThreads.Worker);
  });

  describe('in a runtime without process.getBuiltinModule (a browser)', () => {
    const original = process.getBuiltinModule;
    beforeEach(() => {
      (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    });
    afterEach(() => {
      process.getBuiltinModule = original;
    });

    it('should give undefined, and requireBuiltin an Error naming the feature and the module', () => {
      expect(nodeBuiltin('node:worker_threads')).to.equal(undefined);
      expect(() => requireBuiltin('node:worker_threads', 'inWorkers')).to.throw(
        Error,
        'inWorkers needs node:worker_threads, which this runtime does not provide (Node.js >= 20.16, Deno or Bun)',
      );
    });

    it('should accept a worker module given as a URL, and refuse an absolute path naming it', () => {
      expect(checkWorkerTarget('inWorkers', new URL('https://example.com/work.mjs'), 'run', [])).to.deep.equal({
        url: 'https://example.com/work.mjs',
        exportName: 'run',
        label: 'work.mjs#run',
        execArgv: [],
      });
      expect(() => checkWorkerTarget('inWorkers', '/srv/work.mjs', 'run')).to.throw(
        TypeError,
        `inWorkers: expected module to be a URL (new URL('./work.mjs', import.meta.url)) or an absolute path, got: "/srv/work.mjs"`,
      );
    });
  });
});
