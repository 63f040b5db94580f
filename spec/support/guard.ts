/**
 * Root hook plugin: fails the run if anything reaches `unhandledRejection` or
 * `uncaughtException` while the specs run.
 *
 * Mocha re-emits an unhandled rejection on `process` and, with nobody listening there,
 * nothing happens: a promise a stage forgot to handle would pass silently. This plugin
 * listens, remembers which test was running (or had just finished: Node reports an
 * unhandled rejection after the microtask queue drains, which can be after the test's
 * `done`), prints it at once, and fails the root `after all` hook with the list, so the
 * run ends red and names the tests.
 *
 * It also keeps a finished run from hanging: once every spec has run, a timer that does
 * not itself hold the process open waits `LINGER_MS`; if the process is still alive
 * then, something a spec started was never released (a timer, socket, worker or child
 * process), and the run exits 1 listing the active resources.
 *
 * Registered in `.mocharc.json` (`require`). `guardRecords()` lets a spec check that
 * its own code left nothing behind, and `expectNoEscapes()` to assert it in a test.
 */
interface Escape {
  kind: 'unhandledRejection' | 'uncaughtException';
  error: unknown;
  test: string;
}

interface HookContext {
  currentTest?: { fullTitle(): string };
}

const escapes: Escape[] = [];
const LINGER_MS = 20_000;
let running = '(outside any test)';

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `non-Error value: ${JSON.stringify(error)}`;
  } catch {
    return `non-Error value: ${String(error)}`;
  }
}

function record(kind: Escape['kind'], error: unknown): void {
  escapes.push({ kind, error, test: running });
  process.stderr.write(`\n[guard] ${kind} during "${running}":\n${describeError(error)}\n`);
}

// Mocha listens too and re-emits the same rejection on `process`: count each promise once.
const seenPromises = new WeakSet<Promise<unknown>>();
const onRejection = (reason: unknown, promise: Promise<unknown>): void => {
  if (seenPromises.has(promise)) return;
  seenPromises.add(promise);
  record('unhandledRejection', reason);
};
const onException = (error: unknown): void => record('uncaughtException', error);

/** Everything that escaped so far in this run (a copy). */
export function guardRecords(): readonly Escape[] {
  return escapes.slice();
}

export const mochaHooks = {
  beforeAll(): void {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  },
  beforeEach(this: HookContext): void {
    running = this.currentTest?.fullTitle() ?? '(unknown test)';
  },
  afterEach(this: HookContext): void {
    running = `after "${this.currentTest?.fullTitle() ?? '(unknown test)'}"`;
  },
  async afterAll(): Promise<void> {
    // Give late rejections of the last test a turn to surface.
    await new Promise<void>((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    setTimeout(() => {
      const active = process.getActiveResourcesInfo().filter((type) => type !== 'Timeout');
      process.stderr.write(
        `\n[guard] the specs finished ${LINGER_MS / 1000} s ago but the process is still alive; active resources: ${active.join(', ') || '(none listed: a worker thread or a child process?)'}\n`,
      );
      // Mocha's own 'exit' listener sets the exit code to the failure count: set it after.
      process.on('exit', () => {
        process.exitCode = 1;
      });
      process.exit(1);
    }, LINGER_MS).unref();
    if (escapes.length === 0) return;
    const lines = escapes.map((e) => `- ${e.kind} in ${e.test}: ${describeError(e.error).split('\n')[0]}`);
    throw new Error(`${escapes.length} error(s) escaped to process handlers during the run:\n${lines.join('\n')}`);
  },
};
