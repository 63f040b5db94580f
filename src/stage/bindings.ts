import type { StageProcess } from './stage-process.js';

/**
 * Which process runs which callbacks instance. Module-private to the kernel: the user's
 * class carries no back-reference of ours, so its own members (`process`, `owner`...)
 * are its own. core/internal.ts reads it for the layers above the kernel.
 */
const processes = new WeakMap<object, StageProcess>();

export function bindCallbacks(callbacks: object, process: StageProcess): void {
  processes.set(callbacks, process);
}

export function unbindCallbacks(callbacks: object): void {
  processes.delete(callbacks);
}

export function processOfCallbacks(callbacks: object): StageProcess | undefined {
  return processes.get(callbacks);
}
