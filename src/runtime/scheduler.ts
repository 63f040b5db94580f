/**
 * The scheduler runs every process that has mail, one after the other, in one loop.
 *
 * A process handles at most `BUDGET` messages before it goes to the back of the run
 * queue, so one busy stage cannot starve the others. After `SLICE_MS` of continuous
 * work the loop hands control back to the event loop with a macrotask (`setImmediate`
 * in Node), so timers and I/O keep running while a pipeline is busy; short bursts
 * start on a microtask to keep latency low.
 *
 * When the kernel resolves a promise that user code may be awaiting (a `call()`
 * reply, `start()`'s init, a stage's `done`) or runs a callback that may resolve one
 * (`handleInfo`, `handleCast`), it calls `requestYield()`: the loop ends its slice
 * after the current process's turn, so the continuation runs (on the microtasks that
 * follow) before any other process's turn, not after the rest of a busy slice.
 *
 * The host's timing functions are captured when this module loads: a test runner's
 * fake timers installed later (`@sinonjs/fake-timers`, Vitest's `useFakeTimers`)
 * replace the globals but do not stop the scheduler, so a pipeline still runs to its
 * end without ticking the fake clock.
 */
export interface Runnable {
  /** Set by the scheduler while the process waits in the run queue. */
  queued: boolean;
  /** Handles up to `budget` messages. */
  runSlice(budget: number): void;
}

const BUDGET = 64;
/** Continuous work before the loop yields to the event loop (timers, I/O); 8 before issue 14. */
const SLICE_MS = 1;
/** A slice ends every `CHECK_EVERY` turns (a power of two). */
const CHECK_EVERY = 4;
/**
 * The most slice ends between two reads of the clock. A read costs about 100 ns on these
 * machines (as much as a whole turn at `maxDemand: 1`), so while slices are short (the
 * last stretch between reads took under `SLICE_MS / 8`) the loop doubles the number of
 * slice ends it lets pass unread, up to this; one long stretch brings it back to 1.
 */
const MAX_UNTIMED = 16;

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? performance.now.bind(performance) : Date.now;

// The host's task primitives live in host-tasks.ts (the virtual clock uses them too,
// and it may not import the scheduler); re-exported here for the kernel.
export { hostMacrotask, macrotask, microtask, type MacrotaskHost } from './host-tasks.js';
import { macrotask } from './host-tasks.js';

/**
 * The loop resumes on a reaction to this settled promise rather than with the host's
 * `queueMicrotask`: Node's makes an `AsyncResource` (and runs the async hooks) per call,
 * and the loop resumes on a microtask every few turns of a busy pipeline; the objects
 * it makes also die at each full GC, and Node's code specialised on them with them
 * (issue 14, docs/performance.md). The order is the same: a microtask either way.
 */
const resumed = Promise.resolve();

/** The scheduler whose loop is running now, if any (loops never nest: each starts on its own task). */
let active: Scheduler | null = null;

/**
 * @internal One run loop: the processes of one `Runtime` (see runtime.ts). The default
 * runtime has the one this module exports; `new Runtime()` makes another, which runs
 * beside it with its own queue, slices and counts.
 */
export class Scheduler {
  private queue: (Runnable | undefined)[] = [];
  private head = 0;
  private kicked = false;
  private running = false;
  private yieldRequested = false;
  private lastYield = now();
  /**
   * When the clock was last read at a slice end (not reset by a yield: a stretch that
   * spans a yield looks long, which only makes the next read come sooner), and how many
   * slice ends pass before the next read.
   */
  private lastRead = this.lastYield;
  private untimedRun = 1;
  private untimed = 0;
  private idleWaiters: (() => void)[] = [];
  /** Processes blocked in a handler's promise now (`settle` waits for them). */
  blocked = 0;

  /** True while a process waits in the run queue or the loop runs. */
  get busy(): boolean {
    return this.running || this.head < this.queue.length;
  }
  /** @internal Slices run so far (one slice: the loop from a kick until it yields or empties). */
  slices = 0;
  /** @internal Process turns run so far (one `runSlice` call each). */
  turns = 0;

  /**
   * Ends the running slice after the current process's turn, so promise continuations
   * queued by that turn run before the next one. Outside a slice it does nothing.
   */
  requestYield(): void {
    if (this.running) this.yieldRequested = true;
  }

  enqueue(process: Runnable): void {
    if (process.queued) return;
    process.queued = true;
    this.queue.push(process);
    if (!this.running && !this.kicked) this.kick();
  }

  /** Resolves once the run queue is empty (processes awaiting a promise do not count). */
  whenIdle(): Promise<void> {
    if (!this.running && this.head >= this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    this.kicked = true;
    if (now() - this.lastYield < SLICE_MS) void resumed.then(this.runFromMicrotask);
    else macrotask(this.runFromMacrotask);
  }

  private readonly runFromMicrotask = (): void => this.run();

  private readonly runFromMacrotask = (): void => {
    this.lastYield = now();
    this.run();
  };

  /** At a slice end: true to resume on a microtask (within SLICE_MS), false on a macrotask. */
  private withinBudget(): boolean {
    if (this.untimed > 0) {
      this.untimed--;
      return true;
    }
    const t = now();
    this.untimedRun = t - this.lastRead < SLICE_MS / 8 ? Math.min(this.untimedRun * 2, MAX_UNTIMED) : 1;
    this.untimed = this.untimedRun - 1;
    this.lastRead = t;
    return t - this.lastYield < SLICE_MS;
  }

  private run(): void {
    this.kicked = false;
    this.running = true;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loop running now, for requestYield()
    active = this;
    this.slices++;
    let turns = 0;
    let pause = false;
    try {
      while (this.head < this.queue.length) {
        const process = this.queue[this.head] as Runnable;
        this.queue[this.head++] = undefined;
        process.queued = false;
        this.turns++;
        process.runSlice(BUDGET);
        if (this.yieldRequested) break;
        if ((++turns & (CHECK_EVERY - 1)) === 0) {
          // Every few turns the slice ends: on a microtask while within SLICE_MS (the
          // continuations these turns queued run first), else on a macrotask.
          pause = this.withinBudget();
          break;
        }
      }
    } finally {
      const yieldRequested = this.yieldRequested;
      this.yieldRequested = false;
      if (this.head >= this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      } else if (this.head > 4096) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.running = false;
      active = null;
      if (this.head < this.queue.length) {
        if (!this.kicked) {
          this.kicked = true;
          if (pause && !yieldRequested) void resumed.then(this.runFromMicrotask);
          else macrotask(this.runFromMacrotask);
        }
      } else if (this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}

/** The scheduler of the default runtime: the one every stage used before runtimes were injectable. */
export const scheduler = new Scheduler();

/**
 * Called by the kernel when it resolves a promise user code may await, or runs a
 * callback that may: the running slice (of whichever runtime) ends after this
 * process's turn (see above).
 */
export function requestYield(): void {
  active?.requestYield();
}
