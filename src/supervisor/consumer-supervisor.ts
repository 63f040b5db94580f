import { rangeError, typeError } from '../runtime/errors.js';
import { Consumer } from '../stage/consumer.js';
import { GenStage } from '../io/gen-stage.js';
import { ActorHandle, type Stage } from '../stage/handle.js';
import type { Subscription } from '../stage/subscription.js';
import type { CallResult, CancelMode, CancelReason, SubscribeOptions, SubscribeTo } from '../stage/types.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { describeReason, isNormalReason } from '../runtime/reason.js';
import { expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { checkSupervisorOptions, normalizeSpec, type NormalizedSpec, type ProcessChildSpec, type ProcessHandle, type TaskChildSpec, type TaskFunction } from './child-spec.js';
import { ChildExits, type Child, type ChildCounts, type ChildInfo } from './child.js';
import { ChildSet, type ExitOutcome, type Limits } from './children.js';
import { bindHandle, clockOf, handleOf, makeTemporary, processBehind, runtimeOf, stageName } from '../core/internal.js';
import { checkChildTarget, findChild, startError, type StartedChild } from './dynamic-supervisor.js';

/** Options of `ConsumerSupervisor.start`. */
export interface ConsumerSupervisorOptions<T> {
  /**
   * The child started for each event: a task `(event, signal) => Promise`, a task
   * spec `{ start, restart, shutdown }`, or `{ type: 'stage', start: (event) => Promise<Stage> }`.
   * `restart` is `'temporary'` (default) or `'transient'`; `'permanent'` is refused.
   * A task gets a signal of its own (it can be stopped alone); a task that never reads it
   * can say `{ start, signal: false }`, which on Node 20 saves 5.5-6.3 µs of CPU per
   * event (docs/performance.md, "Node 20 builds every AbortSignal...").
   */
  child: TaskFunction<[T]> | TaskChildSpec<[T]> | ProcessChildSpec<[T]>;
  /** Producers to subscribe to; `maxDemand` is the most children alive per producer. */
  subscribeTo?: readonly SubscribeTo[];
  /** Default 3. */
  maxRestarts?: number;
  /** Default 5. */
  maxSeconds?: number;
  clock?: Clock;
  /** Where the supervisor's stage runs, and where it reports its children's crashes. Default: `Runtime.default`. */
  runtime?: Runtime;
  name?: string;
}

interface Slots {
  pending: number;
  readonly min: number;
  /** The cancel mode the subscriber asked for; the supervisor applies it itself. */
  readonly mode: CancelMode;
}

type SupervisorRequest =
  | { op: 'start'; args: unknown[] }
  | { op: 'terminate'; target: number | ProcessHandle }
  | { op: 'which' }
  | { op: 'count' };

type StartReply = { ok: true; value: StartedChild<ProcessHandle | undefined> } | { ok: false; error: unknown };

/** @internal The stage behind `ConsumerSupervisor` (R14). */
export class ConsumerSupervisorStage<T> extends Consumer<T> {
  children!: ChildSet;
  private readonly slots = new Map<Subscription<T>, Slots>();
  private draining: { reason: unknown } | undefined = undefined;

  constructor(
    private readonly spec: NormalizedSpec,
    private readonly limits: Limits,
  ) {
    super();
  }

  override init(): void {
    const handle = handleOf(this);
    const clock = clockOf(this);
    const runtime = runtimeOf(this);
    this.children = new ChildSet({ name: stageName(this), clock: () => clock, logger: () => runtime.logger, deliver: (note) => handle.send(note) }, this.limits);
  }

  /** Manual demand: ask `maxDemand` now, then one event per freed slot, in batches of at least `minDemand`. */
  override handleSubscribe(_kind: 'producer' | 'consumer', _options: unknown, from: Subscription<T>): 'manual' {
    // The supervisor applies the cancel mode itself (handleCancel), so that children
    // running when a producer ends normally can finish.
    this.slots.set(from, { pending: 0, min: from.minDemand, mode: makeTemporary(from) });
    this.ask(from, from.maxDemand);
    return 'manual';
  }

  handleEvents(events: T[], from: Subscription<T>): void | Promise<void> {
    if (this.spec.type === 'task') {
      // A task child starts synchronously; startFor reports a failed start itself.
      for (const event of events) void this.startFor(from, event);
      return undefined;
    }
    return (async () => {
      for (const event of events) await this.startFor(from, event);
    })();
  }

  private startFor(from: Subscription<T>, event: T): void | Promise<void> {
    let started: Child | Promise<Child>;
    try {
      started = this.children.start(this.spec, [event], from);
    } catch (error) {
      this.failedStart(from, event, error);
      return undefined;
    }
    if (started instanceof Promise) {
      return started.then(
        () => undefined,
        (error: unknown) => this.failedStart(from, event, error),
      );
    }
    return undefined;
  }

  /** R14: a failed start counts as a finished child. */
  private failedStart(from: Subscription<T>, event: T, error: unknown): void {
    runtimeOf(this).logger.error(`${stageName(this)}: could not start a child for ${show(event)}: ${describeReason(error)}`, error);
    this.release(from);
  }

  /** R14: a finished child frees its producer's slot; once `minDemand` slots are free, ask for them. */
  private release(from: unknown): void {
    const slots = this.slots.get(from as Subscription<T>);
    if (slots !== undefined) {
      slots.pending++;
      if (slots.pending >= slots.min) {
        const count = slots.pending;
        slots.pending = 0;
        this.ask(from as Subscription<T>, count);
      }
    }
    this.stopIfDrained();
  }

  private stopIfDrained(): void {
    if (this.draining !== undefined && this.children.size === 0) this.stop(this.draining.reason);
  }

  override handleInfo(message: unknown): void | Promise<void> {
    if (!(message instanceof ChildExits)) {
      runtimeOf(this).logger.warn(`${stageName(this)} received an unexpected message: ${show(message)}`);
      return undefined;
    }
    return this.children.handleExits(message.notes, this.onOutcome);
  }

  /** An exited child frees its slot (a restarted one keeps it); too many restarts stop the supervisor. */
  private readonly onOutcome = (outcome: ExitOutcome): boolean => {
    if (outcome.kind === 'shutdown') {
      this.stop('shutdown');
      return false;
    }
    if (outcome.kind === 'exited') this.release(outcome.child.tag);
    return true;
  };

  /**
   * A producer left. Its children keep running. If its subscription's cancel mode
   * says to stop: on an abnormal reason the supervisor stops now (its children are
   * shut down); on a normal one it cancels its other producers, lets the running
   * children finish, then exits with that reason.
   */
  override handleCancel(cancel: CancelReason, from: Subscription<T>): void {
    const slots = this.slots.get(from);
    if (slots === undefined) return;
    this.slots.delete(from);
    const reason = 'down' in cancel ? cancel.down : cancel.cancel;
    const stop = slots.mode === 'permanent' || (slots.mode === 'transient' && !isNormalReason(reason));
    if (!stop || this.draining !== undefined) return;
    if (!isNormalReason(reason)) {
      this.stop(reason);
      return;
    }
    this.draining = { reason };
    for (const other of this.slots.keys()) this.cancel(other, reason);
    this.slots.clear();
    this.stopIfDrained();
  }

  override handleCall(request: SupervisorRequest): CallResult<never> | Promise<CallResult<never>> {
    switch (request.op) {
      case 'start': {
        const reply = (value: StartReply): CallResult<never> => ({ reply: value });
        let started: Child | Promise<Child>;
        try {
          started = this.children.start(this.spec, request.args);
        } catch (error) {
          return reply({ ok: false, error: startError(error) });
        }
        if (started instanceof Promise) {
          return started.then(
            (c) => reply({ ok: true, value: { id: c.id, child: c.handle } }),
            (error: unknown) => reply({ ok: false, error: startError(error) }),
          );
        }
        return reply({ ok: true, value: { id: started.id, child: started.handle } });
      }
      case 'terminate': {
        const found = findChild(this.children.values(), request.target, (id) => this.children.get(id));
        if (found === undefined) return { reply: false };
        return this.children.stop(found).then(() => {
          this.release(found.tag); // R14: terminate_child frees the slot
          return { reply: true };
        });
      }
      case 'which':
        return { reply: this.children.which() };
      case 'count':
        return { reply: this.children.count() };
    }
  }

  override terminate(): Promise<void> {
    return this.children.shutdownAll();
  }
}

const KEYS = ['child', 'subscribeTo', 'maxRestarts', 'maxSeconds', 'clock', 'runtime', 'name'] as const;
let nextName = 1;

/**
 * A consumer stage that starts one supervised child per event (R14).
 *
 * Each event starts a child with the event as its last argument: a task is called
 * `child.start(event, signal)`, and resolving is a normal exit, rejecting a crash.
 * Demand is manual: on subscribe it asks its producer for `maxDemand` events, so at
 * most `maxDemand` children from one producer are alive at once; each child that
 * finishes frees a slot, and once at least `minDemand` slots are free it asks for
 * that many. A `'transient'` child that crashes is restarted with the same event
 * and keeps its slot; a failed start counts as finished. More than `maxRestarts`
 * restarts within `maxSeconds` and the supervisor exits `'shutdown'`.
 *
 * When a producer exits, the children it fed keep running. With the default
 * `'permanent'` subscription, a producer that ends normally makes the supervisor
 * take no more events and exit with the same reason once its last child has
 * finished; an abnormal end stops it at once, aborting its children. A
 * `'temporary'` subscription leaves it running.
 *
 * ## Example
 * ```ts
 * const numbers = await GenStage.fromIterable(range(0, 1000));
 * const printers = await ConsumerSupervisor.start({
 *   child: async (n: number, signal: AbortSignal) => { await sleep(100, { signal }); console.log(n); },
 *   subscribeTo: [{ to: numbers, maxDemand: 50 }], // at most 50 printers at once
 * });
 * await printers.done; // 'normal', once the last printer finished
 * ```
 */
export class ConsumerSupervisor<T> extends ActorHandle {
  private constructor(
    /** The consumer stage itself. */
    readonly stage: Stage<never>,
  ) {
    super(stage);
    // A DynamicSupervisor holding this supervisor as a child finds its process here.
    bindHandle(this, processBehind(stage)!);
  }

  /**
   * Starts the supervisor and subscribes it to `subscribeTo`. Options are checked
   * here and throw a `TypeError`/`RangeError` naming the option.
   */
  static start<T>(options: ConsumerSupervisorOptions<T>): Promise<ConsumerSupervisor<T>> {
    const o = expectObject('options', options);
    expectKnownKeys('ConsumerSupervisor.start options', o, KEYS);
    if (o.child === undefined) throw typeError('ERR_GENSTAGE_INVALID_TYPE', 'expected child (the child spec started for each event), got: undefined');
    const spec = normalizeSpec(o.child, 'child', 'temporary');
    if (spec.restart === 'permanent') {
      throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected child.restart to be 'transient' or 'temporary' (a ConsumerSupervisor child ends when its event is done), got: 'permanent'`);
    }
    const c = checkSupervisorOptions(o);
    const impl = new ConsumerSupervisorStage<T>(spec, { maxRestarts: c.maxRestarts, maxSeconds: c.maxSeconds, maxChildren: Infinity });
    return GenStage.start(impl, {
      subscribeTo: (o.subscribeTo as readonly SubscribeTo[] | undefined) ?? [],
      clock: c.clock,
      runtime: c.runtime,
      name: c.name ?? `ConsumerSupervisor#${nextName++}`,
    }).then((stage) => new ConsumerSupervisor<T>(stage));
  }

  /** Subscribes to one more producer (at most `maxDemand` of its children at once). */
  subscribe(producer: Stage<T>, options: SubscribeOptions = {}): Promise<Subscription<T>> {
    return this.stage.subscribe(producer, options);
  }

  /** Starts a child for `event` outside demand (it takes no producer's slot). */
  async startChild(event: T): Promise<StartedChild<ProcessHandle | undefined>> {
    const r = await this.stage.call<StartReply>({ op: 'start', args: [event] }, Infinity);
    if (!r.ok) throw r.error;
    return r.value;
  }

  /** Stops a child (by id or its stage) by its shutdown policy; its slot is freed. `false` if not found. */
  terminateChild(child: number | ProcessHandle): Promise<boolean> {
    return this.stage.call<boolean>({ op: 'terminate', target: checkChildTarget(child) }, Infinity);
  }

  whichChildren(): Promise<ChildInfo[]> {
    return this.stage.call<ChildInfo[]>({ op: 'which' }, Infinity);
  }

  /** `{ specs, active, workers, supervisors }`. */
  countChildren(): Promise<ChildCounts> {
    return this.stage.call<ChildCounts>({ op: 'count' }, Infinity);
  }

  /** Stops the children (newest first), then the supervisor; resolves once it has exited. */
  stop(reason: unknown = 'normal'): Promise<void> {
    return this.stage.stop(reason, Infinity); // its children are bounded by their own shutdown
  }

  override toString(): string {
    return `ConsumerSupervisor(${this.name})`;
  }
}
