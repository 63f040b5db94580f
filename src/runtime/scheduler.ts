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
export const macrotask: (fn: () => void) => () => void = hostMacrotask(globalThis);

/** @internal What `hostMacrotask` looks for on the host. */
export type MacrotaskHost = Partial<Pick<typeof globalThis, 'setImmediate' | 'clearImmediate' | 'MessageChannel' | 'setTimeout' | 'clearTimeout'>>;

/** @internal The macrotask `host` offers, by the order of `macrotask` (a parameter for the specs). */
export function hostMacrotask(host: MacrotaskHost): (fn: () => void) => () => void {
  if (typeof host.setImmediate === 'function' && typeof host.clearImmediate === 'function') {
    const set = host.setImmediate;
    const clear = host.clearImmediate;
    return (fn) => {
      const handle = set(fn);
      return () => clear(handle);
    };
  }
  if (typeof host.MessageChannel === 'function') {
    // One channel; each message runs the oldest waiting task (messages keep their order).
    const tasks: (() => void)[] = [];
    const { port1, port2 } = new host.MessageChannel();
    port1.onmessage = () => tasks.shift()?.();
    // Where ports hold the process open (Node, Bun), this one must not.
    (port1 as { unref?: () => void }).unref?.();
    return (fn) => {
      let live = true;
      tasks.push(() => live && fn());
      port2.postMessage(0);
      return () => {
        live = false;
      };
    };
  }
  const set = host.setTimeout as typeof setTimeout;
  const clear = host.clearTimeout as typeof clearTimeout;
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
