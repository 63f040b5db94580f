/**
 * The specs run genstage from its TypeScript sources (under tsx), so the program of
 * its worker threads is `src/runtime/worker-entry.ts`, and the fixtures' worker
 * modules may be TypeScript too. Worker threads do not inherit tsx's module hooks on
 * Node 20; genstage does not guess a loader, the user passes one (`execArgv` on
 * `inWorkers`/`workerTask`). This setup passes it once, as the default for every
 * worker thread the specs start. Registered in `.mocharc.json` (`require`).
 */
import { setDefaultWorkerExecArgv } from '../../src/runtime/worker-thread.js';

/** What the specs' worker threads start with: tsx's `require` hook. */
export const SPEC_WORKER_EXEC_ARGV = ['--require', 'tsx/cjs'] as const;

setDefaultWorkerExecArgv(SPEC_WORKER_EXEC_ARGV);
