import { typeError } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { describeReason, isNormalReason, Reasons } from '../runtime/reason.js';
import { show } from '../runtime/validate.js';
import { macrotask, processBehind } from '../core/internal.js';
import type { NormalizedSpec, ProcessHandle, RestartMode } from './child-spec.js';
import { Child, ChildExit, ChildExits, KILLED, type ChildCounts, type ChildInfo, type Exit, type SignalGeneration } from './child.js';
import { StartChildError } from './errors.js';
import { channels } from '../runtime/diagnostics.js';

const childChannel = channels.supervisorChild;

/** @internal What a host (a supervisor process or stage) gives its children. */
export interface ChildHost {
  readonly name: string;
  clock(): Clock;
  /** Where a child's crash is reported: the logger of the host's runtime. */
  logger(): Logger;
  /** Posts `exits` to the host's mailbox; the host hands each note back to `handleExit`. */
  deliver(exits: ChildExits): void;
}

export interface Limits {
  maxRestarts: number;
  maxSeconds: number;
  maxChildren: number;
}

/** @internal What became of a child whose exit the host handled. */
export type ExitOutcome =
  | { kind: 'stale' }
  | { kind: 'restarted'; child: Child; wait: Promise<void> | undefined }
  | { kind: 'exited'; child: Child; reason: unknown; value: unknown }
  | { kind: 'shutdown'; child: Child; reason: unknown };

const STALE: ExitOutcome = { kind: 'stale' };

export /**
 * `start(...args, signal)`, without the array that a spread followed by one more
 * argument makes on every call when the child has one argument (each child of a
 * `superviseStage`, `supervise` or `asyncStream`: its event).
 */
function startWithSignal(child: Child, signal: AbortSignal): unknown {
  const args = child.args;
  return args.length === 1 ? child.spec.start(args[0], signal) : child.spec.start(...args, signal);
}

function shouldRestart(mode: RestartMode, reason: unknown): boolean {
  return mode === 'permanent' || (mode === 'transient' && !isNormalReason(reason));
}

/**
 * The supervision core shared by every supervisor: starting children (tasks and
 * processes), restarting them by their restart mode within the restart intensity
 * (`maxRestarts` within `maxSeconds`), stopping them by their shutdown policy.
 *
 * It is not a process itself: it runs inside its host's message handlers, and child
 * exits come back through the host's mailbox (`deliver` → `handleExit`), so the host
 * sees them one at a time, in order with its other messages.
 */
export class ChildSet {
  /**
   * The children in start order, a list threaded through `Child.prev`/`next` (a
   * `Map` by id rehashed its table every few dozen starts as children came and went:
   * about 70 ns and 100 bytes of garbage per short task). `byId` (for `terminateChild(id)`)
   * is built on the first lookup by id and kept from then on.
   */
  private first: Child | undefined = undefined;
  private byId: Map<number, Child> | undefined = undefined;
  private last: Child | undefined = undefined;
  private linked = 0;
  private restarts: number[] = [];
  private nextId = 1;
  private closed = false;
  /**
   * Exits wait here until the poll/timer callbacks of this event-loop turn are done,
   * then go to the host as one message: 100 children whose timers fire together cost
   * one message, one batch of results and one ask, not 100 of each.
   */
  private exits: ChildExit[] = [];
  private flushing = false;

  constructor(
    private readonly host: ChildHost,
    private readonly limits: Limits,
  ) {}

  private queueExit(note: ChildExit): void {
    this.exits.push(note);
    if (!this.flushing) {
      this.flushing = true;
      macrotask(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushing = false;
    const notes = this.exits;
    this.exits = [];
    this.host.deliver(new ChildExits(notes));
  };

  get size(): number {
    return this.linked;
  }

  get(id: number): Child | undefined {
    if (this.byId === undefined) {
      this.byId = new Map();
      for (let c = this.first; c !== undefined; c = c.next) this.byId.set(c.id, c);
    }
    return this.byId.get(id);
  }

  /** The children in start order (a copy: stopping some while going through it is safe). */
  values(): Child[] {
    const out: Child[] = [];
    for (let c = this.first; c !== undefined; c = c.next) out.push(c);
    return out;
  }

  private link(child: Child): void {
    child.prev = this.last;
    if (this.last === undefined) this.first = child;
    else this.last.next = child;
    this.last = child;
    child.linked = true;
    this.linked++;
    this.byId?.set(child.id, child);
  }

  private unlink(child: Child): void {
    if (!child.linked) return;
    if (child.prev === undefined) this.first = child.next;
    else child.prev.next = child.next;
    if (child.next === undefined) this.last = child.prev;
    else child.next.prev = child.prev;
    child.prev = undefined;
    child.next = undefined;
    child.linked = false;
    this.linked--;
    this.byId?.delete(child.id);
  }

  /**
   * Starts a child. A task starts synchronously (a `start` that throws is a failed
   * start and throws here); a process child returns a promise that rejects on a
   * failed start. `max_children` throws a `StartChildError`.
   */
  start(spec: NormalizedSpec, args: readonly unknown[], tag: unknown = undefined): Child | Promise<Child> {
    if (this.closed) throw new StartChildError('shutdown');
    if (this.linked >= this.limits.maxChildren) throw new StartChildError(Reasons.MAX_CHILDREN);
    const child = new Child(this.nextId++, spec, args, tag);
    if (spec.type === 'task') {
      this.launchTask(child);
      this.link(child);
      return child;
    }
    this.link(child);
    return this.launchProcess(child).then(
      () => child,
      (error: unknown) => {
        this.unlink(child);
        child.status = 'exited';
        throw error;
      },
    );
  }

  private launchTask(child: Child): void {
    const gen = ++child.gen;
    let result: unknown;
    // Every task function gets a signal after its arguments, whatever it declares: its own, or
    // its group's (`spec.shared`: children only stopped together), unless `signal: false`.
    const { shared } = child.spec;
    const generation = shared?.take();
    let controller: AbortController | undefined;
    try {
      if (generation !== undefined) {
        result = startWithSignal(child, generation.signal);
      } else if (child.spec.noSignal === true) {
        result = child.spec.start(...child.args);
      } else {
        controller = new AbortController();
        result = startWithSignal(child, controller.signal);
      }
    } catch (error) {
      if (child.spec.throwIsExit !== true) {
        if (generation !== undefined) shared!.release(generation);
        throw error;
      }
      result = Promise.reject(error);
    }
    child.controller = controller;
    child.status = 'running';
    if (childChannel.hasSubscribers) this.publish(child, 'running', undefined);
    child.exited = Promise.resolve(result).then(
      (value) => this.taskEnded(child, gen, 'normal', value, generation),
      (error: unknown) => this.taskEnded(child, gen, error, undefined, generation),
    );
  }

  /** The incarnation's exit: the note the host gets (if it is still the current one) is also what `exited` resolves with. */
  private taskEnded(child: Child, gen: number, reason: unknown, value: unknown, generation: SignalGeneration | undefined): Exit {
    if (generation !== undefined) child.spec.shared!.release(generation);
    const note = new ChildExit(child, gen, reason, value);
    if (child.gen === gen && child.status === 'running') this.queueExit(note);
    return note;
  }

  private launchProcess(child: Child): Promise<void> {
    const gen = ++child.gen;
    let started: unknown;
    try {
      started = child.spec.start(...child.args);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(started).then((value) => {
      const process = processBehind(value);
      if (process === undefined) {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `expected start of ${child.describe()} (type '${child.spec.type}') to resolve with a Stage or a supervisor, got: ${show(value)}`);
      }
      child.handle = value as ProcessHandle;
      child.process = process;
      child.exited = new Promise<Exit>((resolve) => {
        process.monitor((reason) => {
          resolve({ reason, value: undefined });
          if (child.gen === gen && child.status === 'running') this.queueExit(new ChildExit(child, gen, reason, undefined));
        });
      });
      if (child.status === 'stopping' || child.status === 'exited' || this.closed) {
        // Stopped while it was starting: it never joins (asked through its documented handle).
        void (value as ProcessHandle).stop('shutdown', Infinity);
        return;
      }
      child.status = 'running';
      if (childChannel.hasSubscribers) this.publish(child, 'running', undefined);
    });
  }

  /**
   * Applies a child's exit: restart (same id, same arguments), remove, or report
   * that the restart intensity is exceeded (the host then shuts down). Exits of an
   * incarnation that was already replaced or stopped are `'stale'`.
   */
  handleExit(note: ChildExit): ExitOutcome {
    const child = note.child;
    if (note.gen !== child.gen || child.status !== 'running' || !child.linked) return STALE;
    const { reason, value } = note;
    if (child.spec.report && !isNormalReason(reason)) {
      this.host.logger().error(`${this.host.name}: ${child.describe()} exited with ${describeReason(reason)}`, reason);
    }
    if (shouldRestart(child.spec.restart, reason)) {
      if (!this.allowRestart()) {
        this.remove(child, note);
        return { kind: 'shutdown', child, reason };
      }
      if (childChannel.hasSubscribers) this.publish(child, 'restarting', reason);
      return { kind: 'restarted', child, wait: this.restart(child) };
    }
    this.remove(child, note);
    return { kind: 'exited', child, reason, value };
  }

  /**
   * Applies a batch of exits in order (`handleExit` for each), calling `onOutcome` for
   * each one that is not stale; a process child's restart is awaited before the next
   * note. Stops early when `onOutcome` returns `false` (the host is stopping).
   */
  handleExits(notes: readonly ChildExit[], onOutcome: (outcome: Exclude<ExitOutcome, { kind: 'stale' }>) => boolean, from = 0): void | Promise<void> {
    for (let i = from; i < notes.length; i++) {
      const outcome = this.handleExit(notes[i]!);
      if (outcome.kind === 'stale') continue;
      if (!onOutcome(outcome)) return undefined;
      if (outcome.kind === 'restarted' && outcome.wait !== undefined) return outcome.wait.then(() => this.handleExits(notes, onOutcome, i + 1));
    }
    return undefined;
  }

  private restart(child: Child): Promise<void> | undefined {
    child.status = 'restarting';
    if (child.spec.type === 'task') {
      try {
        this.launchTask(child);
      } catch (error) {
        this.failRestart(child, error);
      }
      return undefined;
    }
    return this.launchProcess(child).catch((error: unknown) => this.failRestart(child, error));
  }

  /** A restart that failed is one more exit of the child, handled like any other. */
  private failRestart(child: Child, error: unknown): void {
    if (child.status !== 'restarting') return;
    child.status = 'running';
    this.queueExit(new ChildExit(child, child.gen, error, undefined));
  }

  /** Restart intensity: true while at most `maxRestarts` restarts fell within the last `maxSeconds`. */
  private allowRestart(): boolean {
    const now = this.host.clock().now();
    const windowMs = this.limits.maxSeconds * 1000;
    this.restarts.push(now);
    while (this.restarts.length > 0 && now - (this.restarts[0] as number) >= windowMs) this.restarts.shift();
    return this.restarts.length <= this.limits.maxRestarts;
  }

  /** `genstage:supervisor:child` (see `SupervisorChildMessage`). */
  private publish(child: Child, state: 'running' | 'restarting' | 'exited', reason: unknown): void {
    childChannel.publish({ supervisor: this.host.name, id: child.id, state, reason, child: state === 'running' ? child.handle : undefined });
  }

  private remove(child: Child, exit: Exit): void {
    if (childChannel.hasSubscribers) this.publish(child, 'exited', exit.reason);
    this.unlink(child);
    child.status = 'exited';
    child.controller = undefined;
    child.onExit?.(exit);
  }

  /**
   * Stops `child` by its shutdown policy and removes it. A task's signal is aborted;
   * a process child is asked to stop `'shutdown'`. Then the supervisor waits up to
   * `shutdown` ms for it to end (`Infinity`: for ever; `'brutal_kill'`: not at all),
   * and past that gives up on it (a process is exited `'killed'`). Resolves with the
   * child's exit, `'killed'` when it was given up on.
   */
  async stop(child: Child): Promise<Exit> {
    if (!child.linked) return { reason: 'not_found', value: undefined };
    this.unlink(child);
    const was = child.status;
    child.status = 'stopping';
    const shutdown = child.spec.shutdown;
    let exit: Exit;
    if (child.spec.type === 'task') {
      child.abort();
      exit = shutdown === 'brutal_kill' ? KILLED : await this.within(child.exited, shutdown);
    } else if ((was === 'starting' || was === 'restarting') || child.process === undefined) {
      exit = { reason: 'shutdown', value: undefined }; // launchProcess exits it once started
    } else {
      const process = child.process;
      if (shutdown === 'brutal_kill') {
        process.kill(Reasons.KILLED);
        exit = KILLED;
      } else {
        void child.handle?.stop('shutdown', Infinity); // bounded by the child's own shutdown below
        exit = await this.within(child.exited, shutdown);
        if (exit === KILLED) process.kill(Reasons.KILLED);
      }
    }
    child.status = 'exited';
    child.controller = undefined;
    if (childChannel.hasSubscribers) this.publish(child, 'exited', exit.reason);
    child.onExit?.(exit);
    return exit;
  }

  private within(exited: Promise<Exit>, ms: number): Promise<Exit> {
    if (ms === Infinity) return exited;
    return new Promise((resolve) => {
      const clock = this.host.clock();
      const timer = clock.setTimeout(() => resolve(KILLED), ms);
      void exited.then((exit) => {
        clock.clearTimeout(timer);
        resolve(exit);
      });
    });
  }

  /** Stops every child, newest first, one after the other; no child starts afterwards. */
  async shutdownAll(): Promise<void> {
    this.closed = true;
    const all = this.values().reverse();
    for (const child of all) await this.stop(child);
  }

  which(): ChildInfo[] {
    const out: ChildInfo[] = [];
    for (let c = this.first; c !== undefined; c = c.next) {
      if (c.status !== 'running' && c.status !== 'restarting') continue;
      out.push({ id: c.id, type: c.spec.type, restart: c.spec.restart, status: c.status, child: c.handle, args: c.args });
    }
    return out;
  }

  count(): ChildCounts {
    let active = 0;
    let workers = 0;
    let supervisors = 0;
    for (let c = this.first; c !== undefined; c = c.next) {
      if (c.status === 'running') active++;
      if (c.spec.type === 'supervisor') supervisors++;
      else workers++;
    }
    return { specs: this.linked, active, workers, supervisors };
  }
}
