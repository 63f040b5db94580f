import type { Clock, TimerHandle } from '../runtime/clock.js';
import { requestYield } from '../runtime/scheduler.js';
import { typeError } from '../runtime/errors.js';
import { CallTimeoutError, StageExitError, describeReason } from '../runtime/reason.js';
import { show } from '../runtime/validate.js';
import * as M from './messages.js';
import { andThen, type StageCore } from './role.js';
import type { CallFrom, CallResult } from './types.js';

let nextCallId = 1;

/**
 * A `call` waiting for its reply: settled once, by the reply, the timeout or the exit.
 * Settling it ends the scheduler's slice after this turn, so the caller's `await`
 * resumes before any other stage runs (issue 14).
 */
export class PendingCall implements CallFrom {
  readonly id = nextCallId++;
  settled = false;
  timer: TimerHandle | undefined;
  constructor(
    private readonly resolveFn: (v: unknown) => void,
    private readonly rejectFn: (e: unknown) => void,
    private readonly clock: Clock,
  ) {}
  resolve(value: unknown): void {
    this.settle(this.resolveFn, value);
  }
  reject(error: unknown): void {
    this.settle(this.rejectFn, error);
  }
  private settle(settleFn: (v: unknown) => void, value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    settleFn(value);
    requestYield();
  }
}

/**
 * A stage's calls waiting for their reply and its `sendAfter` timers. Allocated on the
 * first `call` or `sendAfter` (an idle stage that is never called holds none).
 */
export class StageCalls {
  private readonly waiting = new Map<number, PendingCall>();
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly core: StageCore,
    private readonly clock: Clock,
  ) {}

  /** `stage.call(request)`: a promise settled by the reply, the timeout or the stage's exit. */
  call(request: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const pending = new PendingCall(resolve, reject, this.clock);
      if (timeoutMs !== Infinity) {
        pending.timer = this.clock.setTimeout(() => {
          this.waiting.delete(pending.id);
          pending.reject(new CallTimeoutError(timeoutMs));
        }, timeoutMs);
      }
      this.core.post(M.call(request, pending));
    });
  }

  /** The CALL message: `handleCall`, then its `{ reply }`, `{ noreply }` or `{ stop }`. */
  onCall(request: unknown, pending: PendingCall): unknown {
    if (pending.settled) return undefined;
    const core = this.core;
    if (typeof core.impl.handleCall !== 'function') {
      pending.reject(typeError('ERR_GENSTAGE_INVALID_TYPE', `${core.name} does not define handleCall`));
      return undefined;
    }
    this.waiting.set(pending.id, pending);
    core.callback = 'handleCall';
    return andThen(core.impl.handleCall(request, pending), (value: unknown) => {
      if (typeof value !== 'object' || value === null || !('reply' in value || 'noreply' in value || 'stop' in value)) {
        // Left waiting: the crash this throw causes rejects it with StageExitError at once.
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${core.name}: handleCall must return { reply }, { noreply: true } or { stop }, got: ${show(value)}`);
      }
      const r = value as CallResult<unknown> & { reply?: unknown; stop?: unknown };
      if (r.events !== undefined) core.emit(r.events, 'handleCall');
      if ('reply' in r) this.reply(pending, r.reply);
      if ('stop' in r) core.requestExit(r.stop);
    });
  }

  reply(from: CallFrom, value: unknown): void {
    const pending = this.waiting.get(from.id);
    if (pending === undefined) return;
    this.waiting.delete(from.id);
    pending.resolve(value);
  }

  /** `this.sendAfter`: the message reaches `handleInfo` after `ms`, unless cancelled or the stage stops. */
  sendAfter(message: unknown, ms: number): () => void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      this.core.post(M.info(message));
    }, ms);
    this.timers.add(timer);
    return () => {
      if (this.timers.delete(timer)) this.clock.clearTimeout(timer);
    };
  }

  /** The stage is stopping: no timer fires any more. */
  clearTimers(): void {
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /** The stage exited: every waiting caller fails with the reason. True when there was one (it observes the exit). */
  rejectAll(reason: unknown): boolean {
    if (this.waiting.size === 0) return false;
    for (const pending of this.waiting.values()) pending.reject(new StageExitError(reason, `${this.core.name} exited before replying: ${describeReason(reason)}`));
    this.waiting.clear();
    return true;
  }
}
