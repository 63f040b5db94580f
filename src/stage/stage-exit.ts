import { Process } from '../runtime/process.js';
import { isNormalReason } from '../runtime/reason.js';
import type { StageCalls } from './calls.js';
import * as M from './messages.js';
import type { ProducerSide } from './producer-side.js';
import { announceExit, armStopTimeout, deadLetter, runCleanup } from './lifecycle.js';
import type { StageProcess } from './stage-process.js';

/**
 * How a stage process stops, the part of `StageProcess` (which extends this) that the
 * message switch does not see: a callback's own `stop` (a producer holding events
 * drains first), the stop timeout, and on exit the cleanup (timers, `terminate`, the
 * disposers of core/internal.ts's `onStageStop`),
 * the consumers' `down` cancels and the pending calls' rejections (lifecycle.ts), and
 * whether that counts as observing a crash. Only `StageProcess` extends it: the methods
 * that hand the stage to lifecycle.ts say so with `this: StageProcess`. What only the
 * layers above ask of a stage (exit when drained, exit or abort in its own turn) is
 * written in core/internal.ts's functions: a class's methods stay in every bundle that
 * has the class, a function nobody imports does not (issue 12).
 */
export abstract class StageExit extends Process<M.Message> {
  abstract readonly producer: ProducerSide | undefined;
  /** Created with the first call or timer (see `StageProcess.calls`). */
  protected callTable: StageCalls | undefined = undefined;
  private selfStop = false;
  /** A consumer or a pending call receives this exit's reason (see `crashObservedElsewhere`). */
  private exitObserved = false;
  /** @internal Cleanup to run when the stage stops (core/internal.ts `onStageStop`: sockets, listeners, iterators). */
  disposers: (() => unknown)[] | undefined = undefined;

  /** Resolves with the exit reason. A monitor: it counts as observing a crash (`watch` would not). */
  whenExited(): Promise<unknown> {
    return new Promise((resolve) => this.monitor(resolve));
  }

  /**
   * `this.stop(reason)` from a callback. A producer that stops itself normally while it
   * still holds events (its buffer, its dispatcher's partition queues) first delivers
   * them as its consumers ask, as a producer-consumer does when its source ends; it
   * produces nothing more meanwhile, and stops at once if its last consumer leaves. Any
   * other stop takes effect when the callback returns; events still held then are
   * counted in a warning (dropped), never lost in silence.
   */
  stopFromCallback(reason: unknown): void {
    // Decided once the callback has returned (deferExit): the events it returns count.
    this.selfStop = true;
    this.requestExit(reason);
  }

  protected override deferExit(reason: unknown): boolean {
    const selfStop = this.selfStop;
    this.selfStop = false;
    if (!selfStop || this.producer === undefined || !isNormalReason(reason)) return false;
    return this.producer.drainThenExit(reason);
  }

  /**
   * Arms the timeout of a `stop`: if the stage has not exited `timeoutMs` after the
   * call, it is killed with `'killed'` and the log names the callback that did not
   * return. The timer is released when the stage exits.
   */
  stopWithin(this: StageProcess, timeoutMs: number): void {
    armStopTimeout(this, timeoutMs, () => this.isBlocked);
  }

  protected cleanup(this: StageProcess, reason: unknown): unknown {
    this.callTable?.clearTimers();
    const disposers = this.disposers ?? [];
    this.disposers = undefined;
    return runCleanup(this, this.killed, reason, disposers);
  }

  protected afterExit(this: StageProcess, reason: unknown): void {
    if (announceExit(this, reason, this.callTable)) this.exitObserved = true;
  }

  protected override crashObservedElsewhere(): boolean {
    return this.exitObserved;
  }

  protected deadLetter(this: StageProcess, m: M.Message): void {
    deadLetter(this, m);
  }
}
