/**
 * The scheduler runs every process that has mail, one after the other, in one loop.
 *
 * A process handles at most `BUDGET` messages before it goes to the back of the run
 * queue, so one busy stage cannot starve the others. After `SLICE_MS` of continuous
 * work the loop hands control back to the event loop with a macrotask (`setImmediate`
 * in Node), so timers and I/O keep running while a pipeline is busy; short bursts
 * start on a microtask to keep latency low.
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
const SLICE_MS = 8;

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? performance.now.bind(performance) : Date.now;

/** Runs `fn` on a microtask: the host's `queueMicrotask`, as it was at load. */
export const microtask: (fn: () => void) => void =
  typeof queueMicrotask === 'function' ? queueMicrotask.bind(globalThis) : (fn) => void Promise.resolve().then(fn);

/**
 * Runs `fn` on a later turn of the event loop, after pending I/O and timers had their
 * chance, and returns a function that cancels it. `setImmediate` where the host has it
 * (Node, Bun), else a `MessageChannel` message (browsers, Deno, edge runtimes: not
 * clamped like a nested `setTimeout(0)`), else `setTimeout(fn, 0)`. Chosen and
 * captured at load, so fake timers installed later do not reach it.
 */
export const macrotask: (fn: () => void) => () => void = hostMacrotask();

function hostMacrotask(): (fn: () => void) => () => void {
  if (typeof setImmediate === 'function' && typeof clearImmediate === 'function') {
    const set = setImmediate;
    const clear = clearImmediate;
    return (fn) => {
      const handle = set(fn);
      return () => clear(handle);
    };
  }
  if (typeof MessageChannel === 'function') {
    // One channel; each message runs the oldest waiting task (messages keep their order).
    const waiting: { fn: (() => void) | undefined }[] = [];
    let head = 0;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const task = waiting[head];
      waiting[head++] = undefined as never;
      if (head === waiting.length) {
        waiting.length = 0;
        head = 0;
      }
      task?.fn?.();
    };
    const post = channel.port2.postMessage.bind(channel.port2);
    return (fn) => {
      const task: { fn: (() => void) | undefined } = { fn };
      waiting.push(task);
      post(null);
      return () => {
        task.fn = undefined;
      };
    };
  }
  const set = setTimeout;
  const clear = clearTimeout;
  return (fn) => {
    const handle = set(fn, 0);
    return () => clear(handle);
  };
}

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
    if (now() - this.lastYield < SLICE_MS) microtask(this.runFromMicrotask);
    else macrotask(this.runFromMacrotask);
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
          macrotask(this.runFromMacrotask);
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
