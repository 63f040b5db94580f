import { Deque } from './deque.js';
import { microtask, type Runnable, type Scheduler } from './scheduler.js';
import type { Logger } from './logger.js';
import { Runtime, runtimeScheduler } from './runtime.js';
import { describeReason, isNormalReason } from './reason.js';
import { isPromiseLike } from './validate.js';
import { removeItem } from './lists.js';

/**
 * An actor: private state, a FIFO mailbox, one message at a time.
 *
 * `post` only enqueues; the scheduler delivers later, so no process ever runs inside
 * another one's call stack. When a handler returns a promise the process is blocked
 * (it handles nothing else) until the promise settles, like a GenServer blocked in a
 * callback. A handler that throws, or a promise that rejects, ends the process with
 * that error as its reason.
 *
 * A process runs on one `Runtime` for its whole life: its scheduler is read once, into
 * a field, so delivering a message costs no more than with one global scheduler; its
 * reports go to the runtime's logger.
 */
export abstract class Process<M> implements Runnable {
  queued = false;
  protected readonly mailbox = new Deque<M>();
  private blocked = false;
  private exiting = false;
  private exited = false;
  /** Set by `kill`: the handler the process was blocked in is abandoned, `terminate` is skipped. */
  private killedFlag = false;
  /** While `cleanup`'s promise is pending (`kill` finishes the exit without it). */
  private awaitingCleanup = false;
  /** Set once `finishExit` ran (it runs once, whichever of cleanup and `kill` comes first). */
  private finished = false;
  /** Set by `requestExit` inside a handler; acted on once the handler returns. */
  private pendingExit: { reason: unknown } | null = null;
  private exitReason: unknown = undefined;
  private monitors: ((reason: unknown) => void)[] | null = null;
  private observed = false;
  // The fields below are declared, not defined: each is created by its one store in the
  // constructor, so a new map never sees it hold `undefined` first (issue 14, docs/performance.md).
  declare readonly runtime: Runtime;
  /** `done`, made on its first read (most processes are never asked: issue 14, idle heap and short flows). */
  private declare donePromise: Promise<unknown> | undefined;
  /** Resolves `donePromise` when it was made before the exit. */
  private declare resolveDone: ((reason: unknown) => void) | undefined;
  /** The runtime's scheduler, set once (the hot path reads this field, not the runtime). */
  private declare readonly scheduler: Scheduler;

  constructor(runtime: Runtime = Runtime.default) {
    this.runtime = runtime;
    this.scheduler = runtimeScheduler(runtime);
    this.donePromise = undefined;
    this.resolveDone = undefined;
  }

  /** Where this process reports: its runtime's logger. */
  get logger(): Logger {
    return this.runtime.logger;
  }

  get alive(): boolean {
    return !this.exiting;
  }

  /**
   * The promise of the exit reason. Reading it observes nothing: see `markObserved`.
   * Made on the first read: settled at once when the process has already exited, else
   * when it does.
   */
  get done(): Promise<unknown> {
    if (this.donePromise === undefined) {
      this.donePromise = this.finished ? Promise.resolve(this.exitReason) : new Promise((resolve) => (this.resolveDone = resolve));
    }
    return this.donePromise;
  }

  /**
   * Counts a crash of this process as observed by whoever called it (the caller of
   * `start`, whoever stopped it, a handle's reader of `done`): it is then not reported
   * to the logger as unobserved. The one way to observe besides `monitor`.
   */
  markObserved(): void {
    this.observed = true;
  }

  get reason(): unknown {
    return this.exitReason;
  }

  /**
   * Calls `onExit(reason)` when the process exits (at once, on a later turn, if it
   * already has). A monitor counts as observing a crash; with `observes` false (a
   * watcher) it does not, and a crash nobody else observes is still reported.
   */
  monitor(onExit: (reason: unknown) => void, observes = true): () => void {
    if (this.exited) return this.tellLater(onExit);
    const list = observes ? (this.monitors ??= []) : (this.watchers ??= []);
    list.push(onExit);
    return () => {
      // not once the exit is telling them
      if ((observes ? this.monitors : this.watchers) === list) removeItem(list, onExit);
    };
  }

  /** Tells a monitor or watcher added after the exit, on a later turn; nothing to remove. */
  private tellLater(onExit: (reason: unknown) => void): () => void {
    const reason = this.exitReason;
    microtask(() => onExit(reason));
    return () => {};
  }

  private watchers: ((reason: unknown) => void)[] | null = null;

  post(message: M): void {
    if (this.exiting) {
      this.deadLetter(message);
      return;
    }
    this.mailbox.push(message);
    if (!this.blocked) this.scheduler.enqueue(this);
  }

  /** As `post`, ahead of the messages not yet started (an exit signal). */
  postFirst(message: M): void {
    if (this.exiting) return this.deadLetter(message);
    this.mailbox.unshift(message);
    if (!this.blocked) this.scheduler.enqueue(this);
  }

  runSlice(budget: number): void {
    while (budget-- > 0 && !this.blocked && !this.exiting) {
      const message = this.mailbox.shift();
      if (message === undefined) return;
      this.dispatchNow(message);
    }
    if (!this.blocked && !this.exiting && this.mailbox.length > 0) this.scheduler.enqueue(this);
  }

  /**
   * Handles `message` now: the next message of a slice, or (from a subclass) one run
   * at once as if it had been the next; errors and promises are handled the same way.
   */
  protected dispatchNow(message: M): void {
    let result: unknown;
    try {
      result = this.receive(message);
    } catch (error) {
      this.crash(error);
      return;
    }
    if (result !== undefined && isPromiseLike(result)) this.block(result);
    else if (this.pendingExit !== null) this.afterHandler();
  }

  /** Blocked or not, counted by the scheduler (`settle` waits for blocked processes). */
  private setBlocked(blocked: boolean): void {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    this.scheduler.blocked += blocked ? 1 : -1;
  }

  private block(promise: PromiseLike<unknown>): void {
    this.setBlocked(true);
    promise.then(
      () => {
        this.setBlocked(false);
        this.afterHandler();
        if (!this.exiting && this.mailbox.length > 0) this.scheduler.enqueue(this);
      },
      (error: unknown) => {
        this.setBlocked(false);
        this.crash(error);
      },
    );
  }

  private afterHandler(): void {
    const pending = this.pendingExit;
    if (pending !== null) {
      this.pendingExit = null;
      if (!this.deferExit(pending.reason)) this.exit(pending.reason);
    }
  }

  protected crash(error: unknown): void {
    this.pendingExit = null;
    this.exit(error);
  }

  /** Ends the process once the current handler returns. */
  requestExit(reason: unknown): void {
    if (this.pendingExit === null) this.pendingExit = { reason };
  }

  /** True while an exit has been requested by the running handler. */
  protected get exitRequested(): boolean {
    return this.pendingExit !== null || this.exiting;
  }

  /** True once `kill` ended the process (cleanup must not run user code beside an abandoned handler). */
  protected get killed(): boolean {
    return this.killedFlag;
  }

  /** True while a handler's promise is pending. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /**
   * Ends the process at once with `reason`, even while it is blocked in a handler that
   * never settles (the handler's late result is ignored) or in a cleanup that never
   * settles (it is no longer awaited). `cleanup` still runs, told by `killed`.
   */
  kill(reason: unknown): void {
    if (this.exited) return;
    this.killedFlag = true;
    this.setBlocked(false);
    if (!this.exiting) this.exit(reason);
    else if (this.awaitingCleanup) {
      this.exitReason = reason; // the exit did not complete: peers see the kill
      this.finishExit();
    }
  }

  /** Ends the process now: `cleanup`, dead letters, `done`, monitors, crash report. */
  exit(reason: unknown): void {
    if (this.exiting) return;
    this.exiting = true;
    this.exitReason = reason;
    let cleanup: unknown;
    try {
      cleanup = this.cleanup(reason);
    } catch (error) {
      this.logger.error(`${this.describe()} failed while stopping`, error);
    }
    if (isPromiseLike(cleanup)) {
      this.awaitingCleanup = true;
      cleanup.then(
        () => this.finishExit(),
        (error: unknown) => {
          this.logger.error(`${this.describe()} failed while stopping`, error);
          this.finishExit();
        },
      );
      if (this.killedFlag) this.finishExit();
    } else this.finishExit();
  }

  /** The rest of the exit once `cleanup` is done: dead letters, `done`, monitors, crash report. */
  private finishExit(): void {
    if (this.finished) return;
    this.finished = true;
    this.awaitingCleanup = false;
    const reason = this.exitReason;
    for (let m = this.mailbox.shift(); m !== undefined; m = this.mailbox.shift()) this.deadLetter(m);
    this.afterExit(reason);
    this.exited = true;
    const monitors = this.monitors;
    this.monitors = null;
    if (!isNormalReason(reason) && !this.observed && (monitors === null || monitors.length === 0) && !this.crashObservedElsewhere()) {
      // An Error goes beside the message (the console prints its name, message and
      // stack once); any other reason is described in the message.
      if (reason instanceof Error) this.logger.error(`${this.describe()} exited and nobody observed it`, reason);
      else this.logger.error(`${this.describe()} exited with ${describeReason(reason)} and nobody observed it`, reason);
    }
    this.resolveDone?.(reason);
    this.resolveDone = undefined;
    if (monitors) for (const m of monitors) m(reason);
    const watchers = this.watchers;
    this.watchers = null;
    if (watchers) for (const w of watchers) w(reason);
  }

  /** Handles one message; may return a promise to block the process until it settles. */
  protected abstract receive(message: M): unknown;
  /** Runs first on exit (user `terminate`, timers); may return a promise. */
  protected abstract cleanup(reason: unknown): unknown;
  /** Runs after cleanup: tell peers. */
  protected abstract afterExit(reason: unknown): void;
  /** A message that arrived after the process began to exit. */
  protected abstract deadLetter(message: M): void;
  /**
   * Called when the handler that requested an exit has returned: true when the process
   * takes care of exiting later itself (a producer delivering what it holds first).
   */
  protected deferExit(_reason: unknown): boolean {
    return false;
  }
  /** True when a peer (a consumer, a supervisor) already receives this exit. */
  protected crashObservedElsewhere(): boolean {
    return false;
  }
  abstract describe(): string;
}
