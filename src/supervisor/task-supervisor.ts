import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { StageExitError, Reasons } from '../runtime/reason.js';
import { expectCount, expectFunction, expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { checkShutdown, type NormalizedSpec, type ProcessHandle, type Shutdown } from './child-spec.js';
import type { Child, ChildCounts, ChildInfo, Exit } from './child.js';
import { DynamicSupervisor, startError, supervisorProcess } from './dynamic-supervisor.js';
import { bindHandle } from '../core/internal.js';
import { ActorHandle } from '../stage/handle.js';
import type { SupervisorMessage, SupervisorProcess } from './supervisor-process.js';
import { TaskTimeoutError } from './errors.js';
import { asyncStream, type AsyncStreamOptions } from './async-stream.js';

/** Options of `TaskSupervisor.start`. */
export interface TaskSupervisorOptions {
  /** `async` fails (its task rejects with `StartChildError('max_children')`) past this many running tasks. Default `Infinity`. */
  maxChildren?: number;
  /** How long a stopped task may take to end after its signal fires, in ms (or `'brutal_kill'`). Default 5000. */
  shutdown?: Shutdown;
  /** Where `await` timeouts and shutdown timeouts get their time. */
  clock?: Clock;
  /** Where the supervisor runs, and where it reports its tasks' crashes. Default: `Runtime.default`. */
  runtime?: Runtime;
  name?: string;
}

/** @internal Turns a task's exit into what `await` rejects with. */
export function exitError(reason: unknown): unknown {
  return reason === Reasons.KILLED || reason === 'shutdown' ? new StageExitError(reason, `task stopped: ${reason}`) : reason;
}

/**
 * A task started by `TaskSupervisor.async`: a supervised, temporary child whose
 * result you can await.
 *
 * A task is awaitable (a `PromiseLike`): `await task` yields its result, or throws
 * its error, waiting as long as the task runs. `task.await(ms)` does the same with a
 * timeout after which the task is stopped. The error is the one `fn` threw or
 * rejected with, as is, whether it threw synchronously or not; a `StartChildError`
 * means the task could not be started at all (`maxChildren` reached, or the
 * supervisor has stopped), a `StageExitError` that it was stopped.
 *
 * Being a thenable, a task returned from an `async` function, or passed to
 * `resolve()`, is awaited there: return `{ task }` to hand the task itself on.
 *
 * ## Example
 * ```ts
 * const body = await tasks.async((signal) => fetch(url, { signal }).then((r) => r.json()));
 * const task = tasks.async(() => slowQuery());
 * const rows = await task.await(2000); // rejects with TaskTimeoutError after 2 s, and stops the task
 * ```
 */
/** Module-private: the supervisor binds a task to its child and settles it (set by `Task`'s static block). */
let bindTask: (task: Task<unknown>, child: Child) => void;
let settleTask: (task: Task<unknown>, exit: Exit) => void;

export class Task<T> implements PromiseLike<T> {
  private child: Child | undefined = undefined;
  private exit: Exit | undefined = undefined;
  private waiters: ((exit: Exit) => void)[] | undefined = undefined;
  readonly #spec: NormalizedSpec;

  /** @internal */
  constructor(
    private readonly owner: TaskSupervisor,
    spec: NormalizedSpec,
  ) {
    this.#spec = spec;
  }

  /** The task's child id in its supervisor, once it has started. */
  get id(): number | undefined {
    return this.child?.id;
  }

  static {
    // The supervisor's side of a task, reachable from this module only.
    bindTask = (task, child) => {
      task.child = child;
    };
    settleTask = (task, exit) => task.#settle(exit);
  }

  #settle(exit: Exit): void {
    if (this.exit !== undefined) return;
    this.exit = exit;
    const waiters = this.waiters;
    this.waiters = undefined;
    if (waiters !== undefined) for (const w of waiters) w(exit);
  }

  /**
   * Resolves with the task's result, or rejects with its error (a `StartChildError`
   * if it could not start, a `StageExitError` if it was stopped). Past `timeoutMs`
   * (default 5000, `Infinity` waits for ever) it rejects with a `TaskTimeoutError`
   * and stops the task (its signal fires). Awaiting a task means its crash is not
   * also logged.
   */
  await(timeoutMs = 5000): Promise<T> {
    if (timeoutMs !== Infinity) expectInteger('timeoutMs', timeoutMs, 0);
    this.#spec.report = false;
    return new Promise<T>((resolve, reject) => {
      const clock = this.owner.clock;
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const done = (exit: Exit): void => {
        if (timer !== undefined) clock.clearTimeout(timer);
        if (exit.reason === 'normal') resolve(exit.value as T);
        else reject(exitError(exit.reason));
      };
      if (this.exit !== undefined) return done(this.exit);
      if (timeoutMs !== Infinity) {
        timer = clock.setTimeout(() => {
          timer = undefined;
          const i = this.waiters?.indexOf(done) ?? -1;
          if (i >= 0) this.waiters!.splice(i, 1);
          reject(new TaskTimeoutError(timeoutMs));
          void this.shutdown();
        }, timeoutMs);
      }
      (this.waiters ??= []).push(done);
    });
  }

  /** `await task`: as `task.await(Infinity)`. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.await(Infinity).then(onFulfilled, onRejected);
  }

  /** Stops the task by its shutdown policy (its signal fires). Resolves once it is gone. */
  shutdown(): Promise<void> {
    const process = supervisorProcess(this.owner.supervisor);
    return process
      .request(() => {
        const child = this.child;
        if (child === undefined) return undefined;
        return process.children.stop(child).then(() => undefined);
      })
      .catch(() => undefined);
  }
}

/** Starts a task in the supervisor's turn (a class, not closures: one of these per task). */
class SpawnMessage implements SupervisorMessage {
  constructor(
    private readonly process: SupervisorProcess,
    private readonly task: Task<unknown>,
    private readonly spec: NormalizedSpec,
    private readonly args: unknown[],
    private readonly onExit: (exit: Exit) => void,
  ) {}

  run(): undefined {
    const { task, onExit } = this;
    let child: Child;
    try {
      child = this.process.children.start(this.spec, this.args) as Child;
    } catch (error) {
      const exit = { reason: startError(error), value: undefined };
      settleTask(task, exit);
      onExit(exit);
      return undefined;
    }
    bindTask(task, child);
    child.onExit = (exit) => {
      settleTask(task, exit);
      onExit(exit);
    };
    return undefined;
  }

  dead(reason: unknown): void {
    const exit = { reason: new StageExitError(reason, `${this.process.name} is not running`), value: undefined };
    settleTask(this.task, exit);
    this.onExit(exit);
  }
}

const KEYS = ['maxChildren', 'shutdown', 'clock', 'runtime', 'name'] as const;
let nextName = 1;

/**
 * A supervisor of tasks, on `DynamicSupervisor`: one-off async functions you await
 * (`async`), and bounded parallel maps (`asyncStream`: pmap, chunked map, farming).
 *
 * Tasks are temporary children: never restarted. Each gets an `AbortSignal` that
 * fires when the task is stopped (its `await` timed out, `shutdown()`, the stream
 * was left early, or the supervisor stopped). The tasks of one `asyncStream` loop
 * share one signal when they can only be stopped together (see its `signal` option).
 *
 * ## Example
 * ```ts
 * const tasks = await TaskSupervisor.start();
 * for await (const size of tasks.asyncStream(urls, (url, signal) => download(url, signal), { maxConcurrency: 8 })) {
 *   console.log(size); // in the order of urls
 * }
 * await tasks.stop();
 * ```
 */
export class TaskSupervisor extends ActorHandle {
  /** The actor behind `supervisor`, looked up once (a task starts through it). */
  readonly #process: SupervisorProcess;

  private constructor(
    /** The DynamicSupervisor that holds the tasks. */
    readonly supervisor: DynamicSupervisor,
    /** @internal */ readonly clock: Clock,
    private readonly shutdownPolicy: Shutdown,
  ) {
    super(supervisor);
    this.#process = supervisorProcess(supervisor);
    // A DynamicSupervisor holding this supervisor as a child finds its process here.
    bindHandle(this, this.#process);
  }

  /** Starts a task supervisor. Options are checked here and throw. */
  static start(options: TaskSupervisorOptions = {}): Promise<TaskSupervisor> {
    const o = expectObject('options', options);
    expectKnownKeys('TaskSupervisor.start options', o, KEYS);
    const shutdown = o.shutdown === undefined ? 5000 : checkShutdown('shutdown', o.shutdown);
    if (o.maxChildren !== undefined) expectCount('maxChildren', o.maxChildren, 1);
    const name = (o.name as string | undefined) ?? `TaskSupervisor#${nextName++}`;
    const start = DynamicSupervisor.start({
      name,
      ...(o.maxChildren === undefined ? {} : { maxChildren: o.maxChildren as number }),
      ...(o.clock === undefined ? {} : { clock: o.clock as Clock }),
      ...(o.runtime === undefined ? {} : { runtime: o.runtime as Runtime }),
    });
    return start.then((sup) => new TaskSupervisor(sup, supervisorProcess(sup).clock, shutdown));
  }

  /** @internal The spec of a temporary task child running `fn`. */
  taskSpec(fn: (...args: unknown[]) => unknown, report: boolean): NormalizedSpec {
    return { type: 'task', start: fn, restart: 'temporary', shutdown: this.shutdownPolicy, name: fn.name || undefined, report, throwIsExit: true };
  }

  /** @internal Starts `fn(...args, signal)` as a temporary child; `onExit` gets its exit. */
  spawn(fn: (...args: unknown[]) => unknown, args: unknown[], onExit: (exit: Exit) => void, report: boolean): Task<unknown> {
    return this.spawnTask(this.taskSpec(fn, report), args, onExit);
  }

  /** @internal As `spawn`, with a spec several tasks may share (`asyncStream`). */
  spawnTask(spec: NormalizedSpec, args: unknown[], onExit: (exit: Exit) => void): Task<unknown> {
    const task = new Task<unknown>(this, spec);
    const process = this.#process;
    process.runOrPost(new SpawnMessage(process, task, spec, args, onExit));
    return task;
  }

  /**
   * Starts `fn(signal)` as a supervised task and returns it at once (`await` it, or
   * call `.await(ms)`). Resolving is its result; rejecting or throwing, its error,
   * passed on as is. `fn` is checked here.
   */
  async<T>(fn: (signal: AbortSignal) => T | Promise<T>): Task<Awaited<T>> {
    expectFunction('fn', fn);
    return this.spawn(fn as (...args: unknown[]) => unknown, [], () => {}, true) as Task<Awaited<T>>;
  }

  /**
   * Runs `fn(item, signal)` as a supervised task for each item of `source`, at most
   * `maxConcurrency` at once, and yields the results: in source order (`ordered`,
   * the default) or as they finish. Never pulls the source more than
   * `maxConcurrency` items ahead of what the loop has taken, so a slow loop slows
   * the source. A task that rejects makes the loop throw its error; a task past
   * `timeout` ms (default 5000) is handled by `onTimeout`: `'throw'` (default,
   * `TaskTimeoutError`), `'skip'` (stop it, yield nothing for it), or a function
   * `(item) => replacement` (stop it, yield the replacement). Leaving the loop, or
   * throwing, stops the tasks still running and closes the source. With a
   * `workerTask(module, exportName)` as `fn`, the tasks run on `workers` worker
   * threads started when the loop begins and ended when it ends. The engine (slots,
   * result order) is the one of `superviseStage` and the Flow `supervise` operator.
   */
  asyncStream<T, R, F = never>(
    source: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, signal: AbortSignal) => R | Promise<R>,
    options: AsyncStreamOptions<T, F> = {},
  ): AsyncIterable<Awaited<R> | F> {
    return asyncStream(this, source, fn as (item: T, signal: AbortSignal) => unknown, options) as AsyncIterable<Awaited<R> | F>;
  }

  /** The running tasks. */
  whichChildren(): Promise<ChildInfo[]> {
    return this.supervisor.whichChildren();
  }

  countChildren(): Promise<ChildCounts> {
    return this.supervisor.countChildren();
  }

  /** Stops a task by id. */
  terminateChild(child: number | ProcessHandle): Promise<boolean> {
    return this.supervisor.terminateChild(child);
  }

  /** Stops every task (newest first), then the supervisor. */
  stop(reason: unknown = 'normal'): Promise<void> {
    return this.supervisor.stop(reason);
  }

  override toString(): string {
    return `TaskSupervisor(${this.name}, ${show(this.shutdownPolicy)})`;
  }
}
