import { isPromiseLike } from '../runtime/validate.js';
import { stageExitChannel, stageStartChannel } from '../runtime/diagnostics.js';
import { KILLED, NOPROC, StageExitError, describeReason, isNormalReason } from '../runtime/reason.js';
import type { StageCalls } from './calls.js';
import * as M from './messages.js';
import type { StageProcess } from './stage-process.js';
import type { Stage } from './handle.js';
import type { Subscription } from './subscription.js';


/**
 * A stage's start and its cleanup: `init` as the first piece of work of its process, and
 * on exit `terminate` (skipped after a kill) and the disposers registered with `onStop`.
 */

/**
 * Runs `init` as `stage`'s first piece of work; resolves with the stage's handle once it
 * has run, or rejects with its error. Then, in the same turn (or once an async `init`
 * settles), the stage sends `subscriptions` (its `subscribeTo`), behind whatever `init`
 * sent itself: a subscription the stage can no longer make (it stopped in `init`) is
 * dropped, as its exit reason reaches `done` and its monitors already. One promise and
 * one closure per start (issue 14, short flows).
 */
export function startAndSubscribe(stage: StageProcess, subscriptions: readonly Subscription[]): Promise<Stage<unknown>> {
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
              started(stage, subscriptions);
              resolve(stage.handle);
            },
            (error: unknown) => {
              stage.markObserved();
              reject(error);
              throw error;
            },
          );
        }
        started(stage, subscriptions);
        resolve(stage.handle);
        return undefined;
      }, ignore),
    );
  });
}

/** After `init`: the start is published, the subscriptions sent (unless `init` stopped the stage). */
function started(stage: StageProcess, subscriptions: readonly Subscription[]): void {
  publishStart(stage);
  for (const sub of subscriptions) stage.post(M.subscribeTo(sub, ignore, ignore));
}

function ignore(): void {}

/** Publishes the start of `stage` (its `init` has run) on `genstage:stage:start`. */
export function publishStart(stage: StageProcess): void {
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

/**
 * After the cleanup: each peer hears of the exit, what was held is reported as dropped,
 * waiting callers fail with the reason. True when a consumer or a caller receives the
 * reason (the crash is then observed).
 */
export function announceExit(stage: StageProcess, reason: unknown, calls: StageCalls | undefined): boolean {
  stage.consumer?.afterExit(reason);
  let observed = stage.producer?.afterExit(reason) === true;
  if (calls?.rejectAll(reason) === true) observed = true;
  if (stageExitChannel.hasSubscribers) stageExitChannel.publish({ stage: stage.handle, name: stage.name, kind: stage.kind, reason });
  return observed;
}

/** A message that reached `stage` after it began to exit: whoever waits on it learns why. */
export function deadLetter(stage: StageProcess, m: M.Message): void {
  const reason = stage.reason;
  switch (m.kind) {
    case M.P_SUBSCRIBE:
      // A producer that crashed tells a late subscriber why (a flow that failed
      // before anyone subscribed); one that ended normally is simply gone.
      m.a.consumerProcess.post(M.consumerCancel(m.a, isNormalReason(reason) ? NOPROC : reason, true));
      return;
    case M.SUBSCRIBE_TO:
      // The consumer exited before it handled the subscribe: the caller learns why.
      m.c(notRunning(stage, reason));
      return;
    case M.QUERY:
      // A query from the handle (demand(), estimateBufferedCount()) rejects as call does.
      m.b(notRunning(stage, reason));
      return;
    case M.CALL:
      m.b.reject(notRunning(stage, reason));
      return;
    case M.BUFFERED_INFO:
      m.b?.();
      return;
    default:
      return;
  }
}

function notRunning(stage: StageProcess, reason: unknown): StageExitError {
  return new StageExitError(reason, `${stage.name} is not running (${describeReason(reason)})`);
}

/** `stage.stop(reason, timeoutMs)`: kills the stage if it has not exited in time (see StageProcess.stopWithin). */
export function armStopTimeout(stage: StageProcess, timeoutMs: number, blocked: () => boolean): void {
  if (timeoutMs === Infinity) return;
  // Not a sendAfter timer: cleanup clears those, and terminate may be what hangs.
  const timer = stage.clock.setTimeout(() => {
    const where = blocked() || !stage.alive ? `${stage.callback} has not returned` : 'it was still handling earlier messages';
    stage.error(`${stage.name} did not stop within ${timeoutMs} ms: ${where}; killed`);
    stage.kill(KILLED);
  }, timeoutMs);
  stage.monitor(() => stage.clock.clearTimeout(timer));
}
