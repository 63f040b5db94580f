import type { StageProcess } from './stage-process.js';
import { bindProcess, processOfInstance, type StageCallbacks } from './stage.js';

/**
 * Which process runs which callbacks instance. Private to the kernel: the process sits
 * in a `#` field of `StageCallbacks` (stage.ts), so the user's class carries no member
 * of ours (`process`, `owner`... stay its own). core/internal.ts reads it for the
 * layers above the kernel.
 */
export function bindCallbacks(callbacks: object, process: StageProcess): void {
  bindProcess(callbacks as StageCallbacks<unknown, unknown>, process);
}

export function unbindCallbacks(callbacks: object): void {
  bindProcess(callbacks as StageCallbacks<unknown, unknown>, undefined);
}

export function processOfCallbacks(callbacks: object): StageProcess | undefined {
  return processOfInstance(callbacks);
}
