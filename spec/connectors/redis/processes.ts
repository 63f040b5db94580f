/** Child processes for the cross-process and fault specs: `node --import tsx <fixture>`. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  /** Resolves once the child printed "ready" (rejects if it exits first). */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

export function spawnFixture(name: 'worker' | 'feeder', env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', `${name}.ts`)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve();
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
  ready.catch(() => {});
  return { process: child, ready, exited };
}

/** Polls `check` every 20 ms until it returns true; throws `what` after `ms`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
