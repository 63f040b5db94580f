import { isPromiseLike } from '../runtime/validate.js';
import { channels } from '../runtime/diagnostics.js';
import * as M from './messages.js';
import type { StageProcess } from './stage-process.js';

const stageStartChannel = channels.stageStart;

/**
 * A stage's start and its cleanup: `init` as the first piece of work of its process, and
 * on exit `terminate` (skipped after a kill) and the disposers registered with `onStop`.
 */

/** Runs `init` as `stage`'s first piece of work; resolves or rejects with it. */
export function startStage(stage: StageProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    stage.post(
      M.query(() => {
        let result: unknown;
        try {
          stage.callback = 'init';
          result = stage.impl.init?.();
        } catch (error) {
          stage.markObserved(); // the caller of start() observes this failure
          reject(error);
          stage.exit(error);
          return undefined;
        }
        if (isPromiseLike(result)) {
          return Promise.resolve(result).then(
            () => {
              publishStart(stage);
              resolve();
            },
            (error: unknown) => {
              stage.markObserved();
              reject(error);
              throw error;
            },
          );
        }
        publishStart(stage);
        resolve();
        return undefined;
      }, () => {}),
    );
  });
}

function publishStart(stage: StageProcess): void {
  if (stageStartChannel.hasSubscribers) {
    const dispatcher = stage.dispatcher === undefined ? undefined : (stage.dispatcher as object).constructor.name;
    stageStartChannel.publish({ stage: stage.handle, name: stage.name, kind: stage.kind, dispatcher });
  }
}

/**
 * `terminate(reason)` unless `killed`, then every disposer; a promise when any of them
 * returned one (the exit completes once they settle; failures are logged, not thrown).
 */
export function runCleanup(stage: StageProcess, killed: boolean, reason: unknown, disposers: readonly (() => unknown)[]): unknown {
  const results: unknown[] = [];
  let terminate: unknown;
  // A killed stage may still be inside a callback that never settled: terminate would
  // run beside it, so it is skipped (as a kill skips it in Erlang); timers and
  // resources are released all the same.
  if (!killed) {
    try {
      stage.callback = 'terminate';
      terminate = stage.impl.terminate?.(reason);
    } catch (error) {
      stage.error(`${stage.name}: terminate threw`, error);
    }
  }
  for (const dispose of disposers) {
    try {
      results.push(dispose());
    } catch (error) {
      stage.error(`${stage.name}: cleanup threw`, error);
    }
  }
  results.push(terminate);
  const promises = results.filter(isPromiseLike);
  if (promises.length === 0) return undefined;
  return Promise.allSettled(promises.map((p) => Promise.resolve(p))).then((settled) => {
    for (const s of settled) if (s.status === 'rejected') stage.error(`${stage.name}: terminate failed`, s.reason);
  });
}
