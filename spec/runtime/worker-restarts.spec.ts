import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flow, GenStage, inWorkers, setLogger, superviseStage, workerTask, type Stage } from '../../src/index.js';

const WORK = new URL('../fixtures/workers/work.mjs', import.meta.url);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Worker-thread restarts are logged as a supervisor logs the children it restarts: one error line each, with the reason. */
describe('worker thread restarts', function () {
  this.timeout(60_000);
  let errors: string[];
  let dir: string;
  beforeEach(() => {
    errors = [];
    setLogger({ warn: () => {}, error: (m) => errors.push(m) });
    dir = mkdtempSync(join(tmpdir(), 'genstage-worker-restarts-'));
    process.env.GENSTAGE_EXIT_MARKER = join(dir, 'exited');
  });
  afterEach(() => {
    setLogger();
    delete process.env.GENSTAGE_EXIT_MARKER;
    delete process.env.GENSTAGE_EXIT_AT;
    rmSync(dir, { recursive: true, force: true });
  });

  it("should log a worker of inWorkers(restart: 'transient') that exited and was replaced", async () => {
    process.env.GENSTAGE_EXIT_AT = '1234';
    const out = await Flow.from(range(3000)).pipe(inWorkers<number, number>(WORK, 'exitOnce', { restart: 'transient' })).toArray();
    expect(out).to.have.length(3000);
    expect(errors).to.deep.equal([
      'inWorkers(work.mjs#exitOnce): worker thread exited with WorkerError: worker thread of work.mjs#exitOnce exited with code 7; a new thread replaces it',
    ]);
  });

  it('should log each restart of a worker whose code throws, up to maxRestarts', async () => {
    const error = await Flow.from(range(20)).pipe(inWorkers(WORK, 'failOn13', { restart: 'transient', maxRestarts: 2 })).toArray().catch((e: unknown) => e);
    expect((error as Error).message).to.equal('13 is unlucky');
    const restarts = errors.filter((e) => e.startsWith('inWorkers(work.mjs#failOn13): worker thread exited with RangeError: 13 is unlucky; a new thread replaces it'));
    expect(restarts).to.have.length(2);
  });

  it('should log a thread of a workerTask pool that exited and was replaced', async () => {
    process.env.GENSTAGE_EXIT_AT = '37';
    const source = await GenStage.fromIterable(range(100));
    const stage = (await GenStage.start(superviseStage(workerTask<number, number>(WORK, 'exitOnce'), { ordered: true, maxConcurrency: 4, workers: 2 }), { subscribeTo: [source] })) as Stage<number>;
    const out: number[] = [];
    for await (const n of GenStage.stream([stage])) out.push(n);
    expect(out).to.deep.equal(range(100).map((n) => n * 2));
    const restarts = errors.filter((e) => / worker thread exited with WorkerError: worker thread of work\.mjs#exitOnce exited with code 7; a new thread replaces it$/.test(e));
    expect(restarts).to.have.length(1);
  });
});
