/**
 * The scheduler runs every process that has mail, one after the other, in one loop.
 *
 * A process handles at most `BUDGET` messages before it goes to the back of the run
 * queue, so one busy stage cannot starve the others. After `SLICE_MS` of continuous
 * work the loop hands control back to the event loop with `setImmediate`, so timers
 * and I/O keep running while a pipeline is busy; short bursts start on a microtask to
 * keep latency low.
 */
export interface Runnable {
  /** Set by the scheduler while the process waits in the run queue. */
  queued: boolean;
  /** Handles up to `budget` messages. */
  runSlice(budget: number): void;
}

const BUDGET = 64;
const SLICE_MS = 8;

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

class Scheduler {
  private queue: (Runnable | undefined)[] = [];
  private head = 0;
  private kicked = false;
  private running = false;
  private lastYield = now();
  private idleWaiters: (() => void)[] = [];

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
    if (now() - this.lastYield < SLICE_MS) queueMicrotask(this.runFromMicrotask);
    else setImmediate(this.runFromMacrotask);
  }

  private readonly runFromMicrotask = (): void => this.run();

  private readonly runFromMacrotask = (): void => {
    this.lastYield = now();
    this.run();
  };

  private run(): void {
    this.kicked = false;
    this.running = true;
    let turns = 0;
    try {
      while (this.head < this.queue.length) {
        const process = this.queue[this.head] as Runnable;
        this.queue[this.head++] = undefined;
        process.queued = false;
        process.runSlice(BUDGET);
        if ((++turns & 15) === 0 && now() - this.lastYield >= SLICE_MS) break;
      }
    } finally {
      if (this.head >= this.queue.length) {
        this.queue.length = 0;
        this.head = 0;
      } else if (this.head > 4096) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.running = false;
      if (this.head < this.queue.length) {
        if (!this.kicked) {
          this.kicked = true;
          setImmediate(this.runFromMacrotask);
        }
      } else if (this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}

/** The one scheduler of this thread. */
export const scheduler = new Scheduler();
