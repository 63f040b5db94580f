import { typeError } from '../runtime/errors.js';
import { expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import {
  checkSupervisorOptions, normalizeSpec,
  type ChildSpec, type ProcessChildSpec, type ProcessHandle, type TaskChildSpec, type TaskFunction,
} from './child-spec.js';
import type { Child, ChildCounts, ChildInfo } from './child.js';
import { StartChildError } from './errors.js';
import { SupervisorProcess } from './supervisor-process.js';
import { bindHandle, processBehind } from '../core/internal.js';
import { ActorHandle } from '../stage/handle.js';

/** Options of `DynamicSupervisor.start`. */
export interface DynamicSupervisorOptions {
  /** Restarts allowed within `maxSeconds`; one more and the supervisor stops its children and exits `'shutdown'`. Default 3. */
  maxRestarts?: number;
  /** The restart intensity window, in seconds. Default 5. */
  maxSeconds?: number;
  /** `startChild` fails with `'max_children'` past this many children. Default `Infinity`. */
  maxChildren?: number;
  /** Where restart windows and shutdown timeouts get their time. Default: the system clock. */
  clock?: Clock;
  /** Where the supervisor runs, and where it reports its children's crashes. Default: `Runtime.default`. */
  runtime?: Runtime;
  /** A name for logs. */
  name?: string;
}

/** What `startChild` resolves with: the child's id, and for a process child its `Stage` or supervisor. */
export interface StartedChild<P> {
  readonly id: number;
  readonly child: P;
}

/** `A`, where TypeScript must not infer `A` (it comes from `startChild`'s arguments). */
type ArgsOf<A extends unknown[]> = [A][A extends unknown ? 0 : never];

export const SUPERVISOR_OPTIONS = ['maxRestarts', 'maxSeconds', 'maxChildren', 'clock', 'runtime', 'name'] as const;
let nextName = 1;

/** @internal Wraps a failed start's error for the caller of `startChild`. */
export function startError(error: unknown): StartChildError {
  return error instanceof StartChildError ? error : new StartChildError(error);
}

/** @internal Finds a child by id or by its process handle. */
export function findChild(children: Iterable<Child>, target: number | ProcessHandle, byId: (id: number) => Child | undefined): Child | undefined {
  if (typeof target === 'number') return byId(target);
  for (const c of children) if (c.handle === target) return c;
  return undefined;
}

/** The actor behind each `DynamicSupervisor` (read by `TaskSupervisor`, in this folder only). */
const processes = new WeakMap<DynamicSupervisor, SupervisorProcess>();

/** @internal The actor behind `sup`. Not exported from the package. */
export function supervisorProcess(sup: DynamicSupervisor): SupervisorProcess {
  return processes.get(sup)!;
}

export function checkChildTarget(target: unknown): number | ProcessHandle {
  if (typeof target === 'number') return expectInteger('child id', target, 1);
  if (processBehind(target) !== undefined) return target as ProcessHandle;
  throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected a child id or a child's Stage or supervisor, got: ${show(target)}`);
}

/**
 * A supervisor that starts its children on demand, and restarts them by their
 * restart mode.
 *
 * A child is a task (an async function given its arguments and an `AbortSignal`), a
 * stage, or another supervisor (so supervision trees work). When a child exits, a
 * `'permanent'` one is restarted with the same arguments, a `'transient'` one only
 * after an abnormal exit, a `'temporary'` one never. More than `maxRestarts` restarts
 * within `maxSeconds` and the supervisor stops every child and exits `'shutdown'`.
 * When the supervisor stops, its children are stopped newest first, each by its
 * `shutdown` policy (a task's signal fires; a stage is stopped `'shutdown'`).
 *
 * The supervisor is an actor: its methods send it a message and resolve with the
 * answer. It blocks while a process child starts, and while `terminateChild` waits.
 *
 * ## Example
 * ```ts
 * const sup = await DynamicSupervisor.start({ maxRestarts: 3, maxSeconds: 5 });
 * const { id } = await sup.startChild({ start: poll, restart: 'transient' }, 'https://example.org');
 * await sup.countChildren(); // { specs: 1, active: 1, workers: 1, supervisors: 0 }
 * await sup.terminateChild(id); // poll's signal fires
 * await sup.stop();
 * ```
 */
export class DynamicSupervisor extends ActorHandle {
  readonly #process: SupervisorProcess;

  private constructor(process: SupervisorProcess) {
    super(process);
    this.#process = process;
    processes.set(this, process);
    bindHandle(this, process);
  }

  /**
   * Starts a supervisor with no children. Options are checked here and throw a
   * `TypeError`/`RangeError` naming the option.
   */
  static start(options: DynamicSupervisorOptions = {}): Promise<DynamicSupervisor> {
    const o = expectObject('options', options);
    expectKnownKeys('DynamicSupervisor.start options', o, SUPERVISOR_OPTIONS);
    const c = checkSupervisorOptions(o);
    const process = new SupervisorProcess(c.name ?? `DynamicSupervisor#${nextName++}`, c.clock, c, c.runtime);
    return Promise.resolve(new DynamicSupervisor(process));
  }

  /**
   * Starts a child with `args`: a task function (called `fn(...args, signal)`), a
   * task spec, or a process spec whose `start(...args)` resolves with a `Stage` or a
   * supervisor. The spec is checked here and throws. Resolves once the child runs;
   * rejects with a `StartChildError` when its start fails (no restart) or the
   * supervisor already has `maxChildren`. Default restart: `'permanent'`.
   */
  startChild<A extends unknown[]>(spec: TaskFunction<ArgsOf<A>> | TaskChildSpec<ArgsOf<A>>, ...args: A): Promise<StartedChild<undefined>>;
  startChild<A extends unknown[], P extends ProcessHandle>(spec: ProcessChildSpec<A, P>, ...args: A): Promise<StartedChild<P>>;
  startChild(spec: ChildSpec<unknown[]>, ...args: unknown[]): Promise<StartedChild<ProcessHandle | undefined>> {
    const normalized = normalizeSpec(spec, 'child spec', 'permanent');
    return this.#process.request(() => {
      let started;
      try {
        started = this.#process.children.start(normalized, args);
      } catch (error) {
        throw startError(error);
      }
      if (started instanceof Promise) {
        return started.then(
          (c) => ({ id: c.id, child: c.handle }),
          (error: unknown) => {
            throw startError(error);
          },
        );
      }
      return { id: started.id, child: started.handle };
    });
  }

  /**
   * Stops a child (by id, or by its `Stage` or supervisor) by its shutdown policy and
   * removes it without restarting it. Resolves `true`, or `false` if there is no such child.
   */
  terminateChild(child: number | ProcessHandle): Promise<boolean> {
    const target = checkChildTarget(child);
    return this.#process.request(() => {
      const children = this.#process.children;
      const found = findChild(children.values(), target, (id) => children.get(id));
      if (found === undefined) return false;
      return children.stop(found).then(() => true);
    });
  }

  /** The children in start order. */
  whichChildren(): Promise<ChildInfo[]> {
    return this.#process.request(() => this.#process.children.which());
  }

  /** `{ specs, active, workers, supervisors }`. */
  countChildren(): Promise<ChildCounts> {
    return this.#process.request(() => this.#process.children.count());
  }

  /** Stops the children (newest first), then the supervisor, with `reason`; resolves once it has exited. */
  stop(reason: unknown = 'normal'): Promise<void> {
    return this.#process.stop(reason);
  }

  override toString(): string {
    return `DynamicSupervisor(${this.name})`;
  }
}
