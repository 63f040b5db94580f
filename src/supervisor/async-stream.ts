import { rangeError, typeError } from '../runtime/errors.js';
import type { TimerHandle } from '../runtime/clock.js';
import { Deque } from '../runtime/deque.js';
import { Reasons } from '../runtime/reason.js';
import { expectCount, expectFunction, expectKnownKeys, expectObject, isPromiseLike, show } from '../runtime/validate.js';
import { SharedSignal, type Exit } from './child.js';
import { TaskTimeoutError } from './errors.js';
import type { Task, TaskSupervisor } from './task-supervisor.js';
import { exitError } from './task-supervisor.js';
import { checkConcurrency, ConcurrencyWindow, poolOf, SKIP } from './concurrency.js';

/** Options of `TaskSupervisor.asyncStream`. */
export interface AsyncStreamOptions<T, F = never> {
  /** Tasks at once, and how far ahead of the loop the source is read. Default 10. */
  maxConcurrency?: number;
  /** Yield in source order (default `true`) or as tasks finish. */
  ordered?: boolean;
  /** Milliseconds a task may run (from its start). Default 5000; `Infinity` for none. */
  timeout?: number;
  /** What a timed-out task becomes: `'throw'` (default), `'skip'`, or `(item) => replacement`. */
  onTimeout?: 'throw' | 'skip' | ((item: T) => F);
  /**
   * With a `workerTask(...)` as `fn`: the worker threads the tasks run on (default
   * `maxConcurrency`, at most the number of cores), started when the loop begins and
   * ended when it ends.
   */
  workers?: number;
  /**
   * `false`: call `fn(item)` only, without an `AbortSignal`.
   * Default `true`. The tasks of one loop share one signal (a timeout fails the loop,
   * which stops them all), except with `onTimeout: 'skip'` or a function, where a
   * timeout stops one task alone and each task gets its own. A shared signal fires
   * when the loop stops its tasks (also for a task that has ended and still listens);
   * terminating one of them alone (`terminateChild`) fires it for all and fails the
   * loop with a `StageExitError`. With `false`, stopping a task can no longer tell it
   * to stop: it is waited for (or given up on) by its shutdown policy as usual. With a
   * `workerTask(...)` the signal is always made (it ends the threads).
   */
  signal?: boolean;
}

interface Entry {
  readonly item: unknown;
  /** Its place in the source, for the window. */
  readonly seq: number;
  running: boolean;
  /** When the task times out, on the supervisor's clock. */
  readonly deadline: number;
  task: Task<unknown> | undefined;
  /** Its neighbours in the list of running entries (start order). */
  prev: Entry | undefined;
  next: Entry | undefined;
}

const KEYS = ['maxConcurrency', 'ordered', 'timeout', 'onTimeout', 'workers', 'signal'] as const;

/** @internal See `TaskSupervisor.asyncStream`. */
export function asyncStream<T>(
  owner: TaskSupervisor,
  source: Iterable<T> | AsyncIterable<T>,
  fn: (item: T, signal: AbortSignal) => unknown,
  options: AsyncStreamOptions<T, unknown>,
): AsyncIterable<unknown> {
  const isAsync = source !== null && typeof source === 'object' && typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === 'function';
  if (!isAsync && (source === null || source === undefined || typeof (source as Iterable<T>)[Symbol.iterator] !== 'function')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected source to be an iterable or an async iterable, got: ${show(source)}`);
  }
  expectFunction('fn', fn);
  const o = expectObject('options', options);
  expectKnownKeys('asyncStream options', o, KEYS);
  const concurrency = checkConcurrency(o, fn, 'asyncStream');
  const { max, ordered, signal } = concurrency;
  const timeout = o.timeout === undefined ? 5000 : expectCount('timeout', o.timeout, 0);
  const onTimeout = o.onTimeout ?? 'throw';
  if (onTimeout !== 'throw' && onTimeout !== 'skip' && typeof onTimeout !== 'function') {
    const message = `expected onTimeout to be 'throw', 'skip' or a function, got: ${show(onTimeout)}`;
    throw typeof onTimeout === 'string' ? rangeError('ERR_GENSTAGE_OUT_OF_RANGE', message) : typeError('ERR_GENSTAGE_INVALID_TYPE', message);
  }

  return {
    async *[Symbol.asyncIterator]() {
      const pool = poolOf(fn, concurrency, 'asyncStream'); // each loop makes its own
      if (pool !== undefined) await pool.start();
      const task = pool === undefined ? fn : (item: T, signal: AbortSignal) => pool.run([item], signal);
      const iterator = isAsync ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
      const clock = owner.clock;
      /** The slots (tasks running, results the loop has not taken) and the order results come out in. */
      const window = new ConcurrencyWindow<unknown>(max, ordered);
      /** Results released by the window, for the loop to take. */
      const ready = new Deque<unknown>();
      // The running entries in start order, a list through Entry.prev/next (a Set's
      // add and delete per task rehashed its table as tasks came and went).
      let first: Entry | undefined;
      let last: Entry | undefined;
      let runningCount = 0;
      const addRunning = (entry: Entry): void => {
        entry.prev = last;
        if (last === undefined) first = entry;
        else last.next = entry;
        last = entry;
        runningCount++;
      };
      const removeRunning = (entry: Entry): void => {
        if (entry.prev === undefined) first = entry.next;
        else entry.prev.next = entry.next;
        if (entry.next === undefined) last = entry.prev;
        else entry.next.prev = entry.prev;
        entry.prev = undefined;
        entry.next = undefined;
        runningCount--;
      };
      let sourceDone = false;
      let failure: { error: unknown } | undefined;
      let wake: (() => void) | undefined;
      const notify = (): void => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      // Tasks share one timeout, so deadlines follow start order: one timer, set for
      // the oldest running task, serves them all (the running list keeps start order).
      let timer: TimerHandle | undefined;
      const stopTimer = (): void => {
        if (timer !== undefined) clock.clearTimeout(timer);
        timer = undefined;
      };
      const armTimer = (): void => {
        if (timer !== undefined || timeout === Infinity || failure !== undefined) return;
        if (first === undefined) return;
        timer = clock.setTimeout(onTimer, Math.max(0, first.deadline - clock.now()));
      };
      const onTimer = (): void => {
        timer = undefined;
        const now = clock.now();
        for (let entry = first, next; entry !== undefined; entry = next) {
          next = entry.next; // expire takes entry (and only it) off the list
          if (entry.deadline > now || failure !== undefined) break;
          expire(entry);
        }
        armTimer();
      };
      const finish = (entry: Entry, value: unknown): void => {
        entry.running = false;
        removeRunning(entry);
        if (runningCount === 0) stopTimer();
        const before = ready.length;
        const completed = window.settle(entry.seq, value, ready);
        // A skipped entry gives its slot back now; a result, once the loop takes it.
        window.release(completed - (ready.length - before));
        notify();
      };
      const fail = (error: unknown): void => {
        failure ??= { error };
        notify();
      };
      const onExit = (entry: Entry) => (exit: Exit): void => {
        if (!entry.running) return;
        if (exit.reason === 'normal') finish(entry, exit.value);
        else fail(exitError(exit.reason));
      };
      const expire = (entry: Entry): void => {
        if (!entry.running) return;
        if (onTimeout === 'throw') {
          fail(new TaskTimeoutError(timeout));
          return;
        }
        let replacement: unknown;
        if (typeof onTimeout === 'function') {
          try {
            replacement = (onTimeout as (item: unknown) => unknown)(entry.item);
          } catch (error) {
            fail(error);
            return;
          }
        }
        finish(entry, onTimeout === 'skip' ? SKIP : replacement);
        void entry.task?.shutdown();
      };
      const spec = owner.taskSpec(task as (...args: unknown[]) => unknown, false);
      if (!signal && pool === undefined) spec.noSignal = true;
      else if (timeout === Infinity || onTimeout === 'throw') {
        // No task is stopped alone (a timeout fails the loop, which stops them all): one
        // signal for the loop's tasks. A task stopped from outside (the supervisor
        // stopping, terminateChild) aborts them all, and the loop fails.
        spec.shared = new SharedSignal(() => fail(exitError(Reasons.SHUTDOWN)));
      }
      const launch = (item: T): void => {
        const entry: Entry = { item, seq: window.start(), running: true, deadline: timeout === Infinity ? Infinity : clock.now() + timeout, task: undefined, prev: undefined, next: undefined };
        window.reserve(1);
        addRunning(entry);
        entry.task = owner.spawnTask(spec, [item], onExit(entry));
        armTimer();
      };

      try {
        for (;;) {
          while (!sourceDone && window.free > 0 && failure === undefined) {
            let step = iterator.next();
            if (isPromiseLike(step)) step = await step;
            const r = step;
            if (r.done === true) sourceDone = true;
            else launch(r.value);
          }
          if (failure !== undefined) throw failure.error;
          if (ready.length > 0) {
            const value = ready.shift();
            window.release(1);
            yield value;
            continue;
          }
          if (window.used === 0 && sourceDone) return;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        stopTimer();
        for (let entry = first; entry !== undefined; entry = entry.next) {
          entry.running = false;
          void entry.task?.shutdown();
        }
        first = last = undefined;
        runningCount = 0;
        try {
          if (!sourceDone) await iterator.return?.();
        } finally {
          await pool?.close();
        }
      }
    },
  };
}
