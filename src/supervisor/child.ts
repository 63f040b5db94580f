import type { Process } from '../core/internal.js';
import { nodeBuiltin } from '../runtime/builtins.js';
import { Reasons } from '../runtime/reason.js';
import type { ChildType, NormalizedSpec, ProcessHandle, RestartMode } from './child-spec.js';

/** How one incarnation of a child ended: its reason, and a task's resolved value. */
export interface Exit {
  reason: unknown;
  value: unknown;
}

/** One entry of `whichChildren()`, in start order. */
export interface ChildInfo {
  /** The child's id in its supervisor (kept across restarts). */
  readonly id: number;
  readonly type: ChildType;
  readonly restart: RestartMode;
  /** `'restarting'` while a process child's restart is starting. */
  readonly status: 'running' | 'restarting';
  /** The running `Stage` or supervisor of a process child; `undefined` for a task. */
  readonly child: ProcessHandle | undefined;
  /** The arguments the child was started with (and is restarted with). */
  readonly args: readonly unknown[];
}

/** What `countChildren()` returns. */
export interface ChildCounts {
  /** Children the supervisor holds, running or restarting. */
  readonly specs: number;
  /** Children running now. */
  readonly active: number;
  /** Task and stage children. */
  readonly workers: number;
  /** Supervisor children. */
  readonly supervisors: number;
}

export const KILLED: Exit = Object.freeze({ reason: Reasons.KILLED, value: undefined });

const NEVER = new Promise<Exit>(() => {});

/** One `AbortController` of a `SharedSignal`, and the children that hold its signal. */
export interface SignalGeneration {
  readonly controller: AbortController;
  /** `controller.signal`, read once (the getter is not free on Node 20). */
  readonly signal: AbortSignal;
  /** Task incarnations started with this signal and not ended yet. */
  users: number;
}

/**
 * Tasks started on one generation of a `SharedSignal` before the next one is made.
 * A generation costs a signal and `setMaxListeners` on it (10-40 µs of CPU together
 * on Node 20, about 5% of a Flow `supervise` of 20,000 short tasks at 256 per
 * generation); a task that leaves a listener on its signal keeps it until the last
 * task of its generation ends, so the size bounds what ended tasks can hold.
 */
export const GENERATION_SIZE = 1024;

/**
 * `node:events` (for `setMaxListeners`), looked up at the first generation and kept: a call of
 * `process.getBuiltinModule` costs about 20 µs on Node 20 (`null`: not looked up yet;
 * `undefined`: a runtime without `node:events`).
 */
let events: ReturnType<typeof nodeBuiltin<'node:events'>> | null = null;

function unlimitedListeners(signal: AbortSignal): void {
  if (events === null) events = nodeBuiltin('node:events');
  events?.setMaxListeners(0, signal);
}

/**
 * @internal The signal of task children that are only ever stopped together (every
 * child of a `superviseStage`, the tasks of one `asyncStream` loop without per-task
 * timeouts): one `AbortSignal` for many tasks instead of one each, since making an
 * `AbortSignal` costs 4.5-10 µs on Node 20. Stopping any of them aborts them all
 * (`abort`), and later tasks get an aborted signal.
 *
 * The signal is made anew every `GENERATION_SIZE` task starts, and a generation is
 * dropped once its tasks have ended: abort listeners a task leaves on its signal are
 * freed with it, as they would be with a signal of its own, instead of piling up for
 * the life of the stage. A shared signal has no listener limit (Node would warn past
 * 10 listeners, and 100 tasks each passing it to `fetch` add 100).
 */
export class SharedSignal {
  private current: SignalGeneration | undefined = undefined;
  private starts = 0;
  private readonly live = new Set<SignalGeneration>();
  private aborted = false;

  /** @param onAbort called once, at the first `abort` (the owner then stops the rest). */
  constructor(private readonly onAbort: (() => void) | undefined = undefined) {}

  /** The generation a task starting now runs with; give it back with `release` when the task ends. */
  take(): SignalGeneration {
    if (this.current === undefined || this.starts >= GENERATION_SIZE) {
      const controller = new AbortController();
      unlimitedListeners(controller.signal);
      if (this.aborted) controller.abort();
      // The outgoing generation is dropped now if its tasks have all ended (release
      // keeps the current one, which may still be handed out).
      if (this.current !== undefined && this.current.users === 0) this.live.delete(this.current);
      this.current = { controller, signal: controller.signal, users: 0 };
      this.live.add(this.current); // the current generation stays in `live` until replaced
      this.starts = 0;
    }
    this.starts++;
    this.current.users++;
    return this.current;
  }

  release(generation: SignalGeneration): void {
    if (--generation.users === 0 && generation !== this.current) this.live.delete(generation);
  }

  /** Aborts every task holding the signal, now and later. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const generation of this.live) generation.controller.abort();
    this.onAbort?.();
  }
}

/** @internal One supervised child; the same object across restarts. */
export class Child {
  gen = 0;
  status: 'starting' | 'running' | 'restarting' | 'stopping' | 'exited' = 'starting';
  /** A task's own signal; `undefined` for one on a shared signal (`spec.shared`) or none. */
  controller: AbortController | undefined = undefined;
  handle: ProcessHandle | undefined = undefined;
  process: Process<unknown> | undefined = undefined;
  /** Settles when the current incarnation ends; never rejects. */
  exited: Promise<Exit> = NEVER;
  /** Called once, when the child leaves the supervisor for good. */
  onExit: ((exit: Exit) => void) | undefined = undefined;
  /** Its place in its `ChildSet`'s list (start order), while it is held there. */
  prev: Child | undefined = undefined;
  next: Child | undefined = undefined;
  linked = false;
  constructor(
    readonly id: number,
    readonly spec: NormalizedSpec,
    readonly args: readonly unknown[],
    /** The host's own data (the subscription of a ConsumerSupervisor child, a sequence number...). */
    readonly tag: unknown,
  ) {}

  /** Tells a task child to stop: its own signal, or its whole group's shared one. */
  abort(): void {
    if (this.spec.shared !== undefined) this.spec.shared.abort();
    else this.controller?.abort();
  }

  describe(): string {
    return this.spec.name === undefined ? `child #${this.id}` : `child #${this.id} (${this.spec.name})`;
  }
}

/** @internal An exit of one incarnation, delivered through the host's mailbox; also the `Exit` its `exited` and `onExit` see. */
export class ChildExit implements Exit {
  constructor(
    readonly child: Child,
    readonly gen: number,
    readonly reason: unknown,
    readonly value: unknown,
  ) {}
}

/** @internal Exits gathered in one turn of the event loop, delivered as one message. */
export class ChildExits {
  constructor(readonly notes: readonly ChildExit[]) {}
}
