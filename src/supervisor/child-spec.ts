import { rangeError, typeError } from '../runtime/errors.js';
import { expectCount, expectFunction, expectInteger, expectKnownKeys, expectObject, expectOneOf, expectPositiveNumber, show } from '../runtime/validate.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { checkClockOption } from '../stage/options.js';
import { checkRuntimeOption, Runtime } from '../runtime/runtime.js';
import type { SharedSignal } from './child.js';

/**
 * When a supervisor starts a child again after it exits:
 * `'permanent'` always, `'transient'` only after an abnormal exit (anything but
 * `'normal'`, `'shutdown'` or `{ shutdown }`), `'temporary'` never.
 */
export type RestartMode = 'permanent' | 'transient' | 'temporary';

/**
 * How a supervisor stops a child: a number of milliseconds (abort or stop it, then
 * wait that long for it to end before giving up on it; `Infinity` waits for ever),
 * or `'brutal_kill'` (abort, or exit the process at once, and do not wait).
 */
export type Shutdown = number | 'brutal_kill';

/**
 * A task child: an async function called with its arguments and an `AbortSignal`.
 * Resolving is a normal exit; rejecting (or throwing once started) is a crash with
 * that error as the reason. The signal fires when the supervisor stops the child.
 */
export type TaskFunction<A extends unknown[] = unknown[]> = (...args: [...A, AbortSignal]) => unknown;

/** Something a supervisor can hold as a running process child: a `Stage`, or a supervisor. */
export interface ProcessHandle {
  /** Resolves with the exit reason. */
  readonly done: Promise<unknown>;
  /** Asks the process to stop; resolves once it has exited (a `Stage` is killed after `timeoutMs`). */
  stop(reason?: unknown, timeoutMs?: number): Promise<void>;
}

interface CommonChildOptions {
  /** Default: `'permanent'` for `DynamicSupervisor`, `'temporary'` for `ConsumerSupervisor` and tasks. */
  restart?: RestartMode;
  /** Default 5000 ms for tasks and stages, `Infinity` for supervisors. */
  shutdown?: Shutdown;
  /** A name for logs. */
  name?: string;
}

/** A task child with options. `start(...args, signal)` as in `TaskFunction`. */
export interface TaskChildSpec<A extends unknown[] = unknown[]> extends CommonChildOptions {
  type?: 'task';
  start: TaskFunction<A>;
  /**
   * `false`: call the function with its arguments only, without an `AbortSignal`.
   * Default `true` (a child of a `DynamicSupervisor` or `ConsumerSupervisor` can be
   * stopped alone, so each gets a signal of its own). Making an `AbortSignal` costs
   * 4.5-10 µs of CPU on Node 20, several times the rest of a short task child's life;
   * a child that never looks at its signal can opt out. Stopping such a child
   * (shutdown, terminateChild) can no longer tell it to stop: it is waited for (or
   * given up on) by its shutdown policy as usual.
   */
  signal?: boolean;
}

/**
 * A process child: `start(...args)` resolves with a running `Stage` or supervisor,
 * which is the child until it exits (its exit reason is the child's). A `start` that
 * throws, rejects or resolves with something else is a failed start.
 */
export interface ProcessChildSpec<A extends unknown[] = unknown[], P extends ProcessHandle = ProcessHandle> extends CommonChildOptions {
  type: 'stage' | 'supervisor';
  start: (...args: A) => P | Promise<P>;
}

/**
 * What a supervisor starts: a task function, a task spec or a process spec.
 *
 * ## Example
 * ```ts
 * const task: ChildSpec<[string]> = async (url, signal) => fetch(url, { signal });
 * const stage: ChildSpec<[number]> = { type: 'stage', start: (n) => GenStage.start(new Counter(n)), restart: 'transient' };
 * ```
 */
export type ChildSpec<A extends unknown[] = unknown[]> = TaskFunction<A> | TaskChildSpec<A> | ProcessChildSpec<A>;

export type ChildType = 'task' | 'stage' | 'supervisor';

/** @internal A checked child spec. */
export interface NormalizedSpec {
  type: ChildType;
  start: (...args: unknown[]) => unknown;
  restart: RestartMode;
  shutdown: Shutdown;
  name: string | undefined;
  /** Log abnormal exits (off where someone else receives the error). */
  report: boolean;
  /**
   * A task whose `start` throws synchronously has started and exited with that error
   * (as if it had rejected), instead of failing to start. Set for TaskSupervisor tasks.
   */
  throwIsExit?: boolean;
  /** A task called without an `AbortSignal` (its spec's `signal: false`). */
  noSignal?: boolean;
  /**
   * Tasks of this spec are only ever stopped together (all of a stage's children, a
   * stream's tasks): they share this signal instead of one `AbortController` each.
   */
  shared?: SharedSignal;
}

const SPEC_KEYS = ['type', 'start', 'restart', 'shutdown', 'name', 'signal'] as const;

/** @internal Checks a `signal` option (`true` or `false`). */
export function checkSignalOption(name: string, value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${name} to be a boolean, got: ${show(value)}`);
  return value;
}

export function checkRestart(name: string, value: unknown): RestartMode {
  return expectOneOf(name, value, ['permanent', 'transient', 'temporary'] as const);
}

export function checkShutdown(name: string, value: unknown): Shutdown {
  if (value === 'brutal_kill') return value;
  if (typeof value === 'string') throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected ${name} to be an integer >= 0, Infinity or 'brutal_kill', got: ${show(value)}`);
  try {
    return expectCount(name, value, 0);
  } catch (error) {
    const message = `expected ${name} to be an integer >= 0, Infinity or 'brutal_kill', got: ${show(value)}`;
    throw error instanceof RangeError ? rangeError('ERR_GENSTAGE_OUT_OF_RANGE', message) : typeError('ERR_GENSTAGE_INVALID_TYPE', message);
  }
}

/** @internal Checks a child spec (a function or an object); throws naming the bad field. */
export function normalizeSpec(spec: unknown, where: string, defaultRestart: RestartMode): NormalizedSpec {
  if (typeof spec === 'function') {
    return { type: 'task', start: spec as (...args: unknown[]) => unknown, restart: defaultRestart, shutdown: 5000, name: spec.name || undefined, report: true };
  }
  const o = expectObject(where, spec);
  expectKnownKeys(where, o, SPEC_KEYS);
  expectFunction(`${where}.start`, o.start);
  const type = o.type === undefined ? 'task' : expectOneOf(`${where}.type`, o.type, ['task', 'stage', 'supervisor'] as const);
  const restart = o.restart === undefined ? defaultRestart : checkRestart(`${where}.restart`, o.restart);
  const shutdown = o.shutdown === undefined ? (type === 'supervisor' ? Infinity : 5000) : checkShutdown(`${where}.shutdown`, o.shutdown);
  if (o.name !== undefined && typeof o.name !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${where}.name to be a string, got: ${show(o.name)}`);
  const signal = checkSignalOption(`${where}.signal`, o.signal);
  if (!signal && type !== 'task') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${where}.signal to be left out for a '${type}' child (it applies to task children), got: false`);
  return {
    ...(signal ? {} : { noSignal: true }),
    type,
    start: o.start as (...args: unknown[]) => unknown,
    restart,
    shutdown,
    name: (o.name) ?? ((o.start as { name?: string }).name || undefined),
    report: true,
  };
}

/** @internal Checks `maxRestarts`, `maxSeconds`, `maxChildren`, `clock`, `runtime`, `name` of a supervisor's options. */
export function checkSupervisorOptions(o: Record<string, unknown>): {
  maxRestarts: number;
  maxSeconds: number;
  maxChildren: number;
  clock: Clock;
  runtime: Runtime;
  name: string | undefined;
} {
  const maxRestarts = o.maxRestarts === undefined ? 3 : expectInteger('maxRestarts', o.maxRestarts, 0);
  const maxSeconds = o.maxSeconds === undefined ? 5 : expectPositiveNumber('maxSeconds', o.maxSeconds);
  const maxChildren = o.maxChildren === undefined ? Infinity : expectCount('maxChildren', o.maxChildren, 1);
  const clock = checkClockOption(o.clock);
  const runtime = checkRuntimeOption(o.runtime) ?? Runtime.default;
  if (o.name !== undefined && typeof o.name !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected name to be a string, got: ${show(o.name)}`);
  return { maxRestarts, maxSeconds, maxChildren, clock: clock ?? systemClock, runtime, name: o.name };
}
