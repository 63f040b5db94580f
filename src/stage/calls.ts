import type { Clock, TimerHandle } from '../runtime/clock.js';
import { requestYield } from '../runtime/scheduler.js';
import type { CallFrom } from './types.js';

/**
 * A `call` waiting for its reply: settled once, by the reply, the timeout or the exit.
 * Settling it ends the scheduler's slice after this turn, so the caller's `await`
 * resumes before any other stage runs (issue 14).
 */
export class PendingCall implements CallFrom {
  private static nextId = 1;
  readonly id = PendingCall.nextId++;
  settled = false;
  timer: TimerHandle | undefined;
  constructor(
    private readonly resolveFn: (v: unknown) => void,
    private readonly rejectFn: (e: unknown) => void,
    private readonly clock: Clock,
  ) {}
  resolve(value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.resolveFn(value);
    requestYield();
  }
  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.rejectFn(error);
    requestYield();
  }
}
