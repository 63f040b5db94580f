import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { Flow, inWorkers, workerTask } from '../../src/index.js';
import { setDefaultWorkerExecArgv } from '../../src/runtime/worker-thread.js';
import { SPEC_WORKER_EXEC_ARGV } from '../support/workers.js';

const TS_STAGES = new URL('../fixtures/workers/stages.ts', import.meta.url);
const JS_WORK = new URL('../fixtures/workers/work.mjs', import.meta.url);
const ENTRY = new URL('../../src/runtime/worker-entry.ts', import.meta.url);

// Worker threads start a real, type-checked program (src/runtime/worker-entry.ts, built
// to dist/runtime/worker-entry.js); how they load TypeScript is the execArgv the user
// passes, never a guess from the parent's flags.
describe('worker threads: their entry file and the execArgv option', () => {
  afterEach(() => setDefaultWorkerExecArgv(SPEC_WORKER_EXEC_ARGV));

  it('should start the worker entry file, a module of its own, not a program assembled from function source text', () => {
    expect(existsSync(ENTRY)).to.equal(true);
    const thread = readFileSync(new URL('../../src/runtime/worker-thread.ts', import.meta.url), 'utf8');
    const bootstrap = readFileSync(new URL('../../src/runtime/worker-bootstrap.ts', import.meta.url), 'utf8');
    expect(thread).to.match(/new URL\(ENTRY_FILE, import\.meta\.url\)/);
    expect(`${thread}\n${bootstrap}`).to.not.match(/\.toString\(\)|process\.execArgv|NODE_OPTIONS|__name/);
  });

  it('should run a TypeScript workerStage module with the execArgv passed on inWorkers, and nothing set by default', async () => {
    setDefaultWorkerExecArgv(undefined);
    const out = await Flow.from(['a b', 'b'])
      .pipe(inWorkers<string, [string, number]>(TS_STAGES, 'countWords', { execArgv: ['--require', 'tsx/cjs'] }))
      .toArray();
    expect([...out].sort()).to.deep.equal([['a', 1], ['b', 2]]);
  });

  it('should run a task with the execArgv passed on workerTask', async () => {
    setDefaultWorkerExecArgv(undefined);
    expect(await workerTask<number, number>(JS_WORK, 'double', { execArgv: ['--require', 'tsx/cjs'] })(21)).to.equal(42);
  });

  it('should refuse, at the call, to start workers from the TypeScript sources without an execArgv, naming the option', () => {
    setDefaultWorkerExecArgv(undefined);
    expect(() => inWorkers(JS_WORK, 'double')).to.throw(TypeError, "inWorkers: genstage runs from its TypeScript sources here, so its worker threads need a TypeScript loader: pass execArgv (for tsx: ['--require', 'tsx/cjs'])");
    expect(() => workerTask(JS_WORK, 'double')).to.throw(TypeError, 'workerTask: genstage runs from its TypeScript sources here');
  });

  it('should check execArgv at the call: an array of strings', () => {
    expect(() => inWorkers(JS_WORK, 'double', { execArgv: '--require tsx/cjs' as never })).to.throw(TypeError, 'inWorkers: expected execArgv to be an array of strings');
    expect(() => workerTask(JS_WORK, 'double', { execArgv: [1] as never })).to.throw(TypeError, 'workerTask: expected execArgv to be an array of strings (Node options for the worker threads, e.g. [\'--require\', \'tsx/cjs\']), got: [1]');
  });
});
