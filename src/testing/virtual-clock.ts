import { rangeError, typeError } from '../runtime/errors.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { macrotask } from '../runtime/host-tasks.js';
import { checkRuntimeOption, Runtime, runtimeScheduler } from '../runtime/runtime.js';
import { expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when told, for testing windows, rate limits and timeouts
 * without sleeping. Pass it as the `clock` option.
 *
 * `advance(ms)` fires every timer due within `ms`, in time order, and lets the stages
 * handle what each timer caused before firing the next one: it settles the clock's
 * `runtime` (default `Runtime.default`) after each, as `settle(runtime)` does; give the
 * clock the runtime its stages run on.
 *
 * ## Example
 * ```ts
 * const clock = new VirtualClock();
 * const stage = await GenStage.start(new RateLimiter(), { clock, subscribeTo: [source] });
 * await clock.advance(2000); // two intervals pass, instantly
 * ```
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];
  private readonly runtime: Runtime;

  /**
   * @param start the time it shows first (ms, an integer >= 0).
   * @param options `runtime`: the runtime whose stages `advance` and `runAll` settle (default `Runtime.default`).
   */
  constructor(start = 0, options: { runtime?: Runtime } = {}) {
    this.time = expectInteger('start', start, 0);
    const o = expectObject('VirtualClock options', options);
    expectKnownKeys('VirtualClock options', o, ['runtime']);
    this.runtime = checkRuntimeOption(o.runtime) ?? Runtime.default;
  }

  now(): number {
    return this.time;
  }

  /** As the global `setTimeout`: a negative, NaN or infinite delay fires on the next `advance`. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    if (typeof fn !== 'function') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected fn to be a function, got: ${show(fn)}`);
    if (typeof ms !== 'number') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ms to be a number, got: ${show(ms)}`);
    const timer: Timer = { at: this.time + Math.max(0, Number.isFinite(ms) ? ms : 0), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const i = this.timers.indexOf(handle as unknown as Timer);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** How many timers are waiting. A stopped stage leaves none. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and settling the stages after each. */
  advance(ms: number): Promise<void> {
    // Checked here, not in the async body, so a bad argument throws at the call.
    expectInteger('ms', ms, 0);
    return this.advanceTo(this.time + ms);
  }

  private async advanceTo(target: number): Promise<void> {
    await settle(this.runtime);
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > target) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.time = next.at;
      next.fn();
      await settle(this.runtime);
    }
    this.time = target;
    await settle(this.runtime);
  }

  /** Fires timers until none is left (at most `limit`, against timers that re-arm forever). */
  runAll(limit = 10_000): Promise<void> {
    expectInteger('limit', limit, 1);
    return this.fireAll(limit);
  }

  private async fireAll(limit: number): Promise<void> {
    await settle(this.runtime);
    for (let fired = 0; ; fired++) {
      const next = this.earliest();
      if (next === undefined) return;
      if (fired >= limit) throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `runAll fired ${limit} timers and more are still due; a timer re-arms itself (use advance)`);
      this.timers.splice(this.timers.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.fn();
      await settle(this.runtime);
    }
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }
}

/**
 * Lets the stages of `runtime` (default: `Runtime.default`, where every stage runs
 * unless given another) run until nothing of theirs is queued and none of them is
 * blocked in a callback's promise, event-loop turns in between. Another runtime's
 * stages are neither waited for nor counted. A blocked stage is waited for while any
 * stage of the runtime makes progress or the host has I/O requests in flight (Node: a
 * file read, a DNS lookup); once `quietRounds` turns of the event loop (default 3)
 * pass with neither, a stage still blocked is taken as held open on purpose and no
 * longer holds it up.
 *
 * ## Example
 * ```ts
 * const runtime = new Runtime();
 * const sum = await GenStage.start(new Sum(), { runtime, subscribeTo: [source] });
 * await settle(runtime);
 * ```
 *
 * @param quietRounds quiet event-loop turns before a blocked stage no longer holds it up (default 3).
 */
export function settle(quietRounds?: number): Promise<void>;
/**
 * Lets the stages of `runtime` run until none of them has anything left to do (see the first signature).
 *
 * @param runtime the runtime to settle (default `Runtime.default`); `settle(n)` is `settle(Runtime.default, n)`.
 * @param quietRounds quiet event-loop turns before a blocked stage no longer holds it up (default 3).
 */
export function settle(runtime: Runtime | undefined, quietRounds?: number): Promise<void>;
export function settle(runtime?: Runtime | number, quietRounds = 3): Promise<void> {
  if (typeof runtime === 'number') return settle(undefined, runtime);
  const scheduler = runtimeScheduler(checkRuntimeOption(runtime) ?? Runtime.default);
  expectInteger('quietRounds', quietRounds, 1);
  return settleScheduler(scheduler, quietRounds);
}

async function settleScheduler(scheduler: ReturnType<typeof runtimeScheduler>, quietRounds: number): Promise<void> {
  let quiet = 0;
  for (;;) {
    const before = scheduler.turns;
    await scheduler.whenIdle();
    await new Promise<void>((resolve) => macrotask(resolve));
    if (scheduler.busy) continue;
    if (scheduler.turns !== before || (scheduler.blocked > 0 && ioInFlight())) quiet = 0;
    else if (++quiet >= quietRounds) return;
  }
}

/** True when the host reports I/O requests in flight (Node's active `...Req...` resources). */
function ioInFlight(): boolean {
  const host = (globalThis as { process?: { getActiveResourcesInfo?: () => string[] } }).process;
  const resources = host?.getActiveResourcesInfo?.();
  return resources !== undefined && resources.some((name) => name.includes('Req'));
}
