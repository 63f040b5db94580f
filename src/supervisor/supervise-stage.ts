import { ProducerConsumer } from '../stage/producer-consumer.js';
import type { Subscription } from '../stage/subscription.js';
import type { CancelMode, CancelReason } from '../stage/types.js';
import { clockOf, downstreamDemand, handleOf, makeTemporary, onDownstreamDemand, runtimeOf, stageName } from '../core/internal.js';
import { isNormalReason, Reasons } from '../runtime/reason.js';
import { expectFunction, expectInteger, expectKnownKeys, expectObject, expectOneOf, expectPositiveNumber } from '../runtime/validate.js';
import { checkShutdown, type NormalizedSpec, type Shutdown } from './child-spec.js';
import { checkConcurrency, ConcurrencyWindow, poolOf, SKIP, type TaskPool } from './concurrency.js';
import { ChildExits, SharedSignal } from './child.js';
import { ChildSet } from './children.js';

/** Options of `superviseStage` (and of the `supervise` Flow operator). */
export interface SuperviseOptions<In> {
  /** Children running, plus results downstream has not taken yet, at most. Default 10. */
  maxConcurrency?: number;
  /**
   * Emit results in event order (`true`, the default, as `asyncStream`) or as
   * children finish (`false`: a slow child does not hold back faster ones' results).
   */
  ordered?: boolean;
  /** `'transient'` (default): a crashed child is run again with the same event; `'temporary'`: never. */
  restart?: 'transient' | 'temporary';
  /** Restarts allowed within `maxSeconds` (default 3 within 5); past that a crash is a failure. */
  maxRestarts?: number;
  maxSeconds?: number;
  /** How long a child may take to end after its signal fires when the stage stops. Default 5000 ms. */
  shutdown?: Shutdown;
  /**
   * A crash that will not be restarted (temporary child, or restarts ran out).
   * Without `onError`, the stage exits with the error (the flow fails). With it,
   * `onError(event, reason)` is called, the event yields nothing, and the stage goes on.
   */
  onError?: (event: In, reason: unknown) => void;
  /**
   * With a `workerTask(...)` as `fn`: the worker threads the children run on (default
   * `maxConcurrency`, at most the number of cores). Started with the stage, ended
   * when it stops.
   */
  workers?: number;
  /**
   * `false`: call `fn(event)` only, without an `AbortSignal`.
   * Default `true`: every child gets the stage's one signal (children are only
   * stopped together, so they share it: it fires when the stage stops, also for a
   * child that has ended and still listens). With `false`, stopping the stage can no
   * longer tell a child to stop: it is waited for (or given up on) by `shutdown` as
   * usual. With a `workerTask(...)` the signal is always made (it ends the threads).
   */
  signal?: boolean;
}

/** A slot being given back once the events emitted before it left the buffer. */
class FreeSlots {
  constructor(readonly count: number) {}
}

interface Upstream {
  /** Events asked for and not received yet. */
  outstanding: number;
  readonly mode: CancelMode;
}

const KEYS = ['maxConcurrency', 'ordered', 'restart', 'maxRestarts', 'maxSeconds', 'shutdown', 'onError', 'workers', 'signal'] as const;

/** @internal The stage behind `superviseStage`. */
export class SuperviseStage<In, Out> extends ProducerConsumer<In, Out> {
  private children!: ChildSet;
  private readonly upstream = new Map<Subscription<In>, Upstream>();
  /** Slots (outstanding asks, running children, results not yet dispatched) and result order. */
  private readonly window: ConcurrencyWindow<Out>;
  /**
   * Outstanding asks, running children, and finished results held for order: each
   * will take one unit of downstream demand when it is emitted, so it never exceeds
   * the demand downstream has asked for.
   */
  private inflight = 0;
  private draining: { reason: unknown } | undefined = undefined;
  /** In a flow: producers still feeding the stage (it ends with the last of them). */
  private flowProducers: number | undefined = undefined;
  private readonly spec: NormalizedSpec;

  constructor(
    fn: (event: In, signal: AbortSignal) => Out | Promise<Out>,
    max: number,
    ordered: boolean,
    restart: 'transient' | 'temporary',
    private readonly limits: { maxRestarts: number; maxSeconds: number },
    shutdown: Shutdown,
    private readonly onError: ((event: In, reason: unknown) => void) | undefined,
    /** Set when `fn` is a `workerTask`: the threads its children run on. */
    private readonly pool: TaskPool | undefined = undefined,
    /** The `signal` option. */
    signal = true,
  ) {
    super();
    this.window = new ConcurrencyWindow(max, ordered);
    const start = (pool === undefined ? fn : (event: unknown, signal: AbortSignal) => pool.run([event], signal)) as (...args: unknown[]) => unknown;
    // The children are stopped only all together, when the stage stops: one signal for all.
    const signals = signal || pool !== undefined ? { shared: new SharedSignal() } : { noSignal: true };
    this.spec = { type: 'task', start, restart, shutdown, name: fn.name || undefined, report: false, ...signals };
  }

  override init(): void | Promise<void> {
    const handle = handleOf(this);
    const clock = clockOf(this);
    const runtime = runtimeOf(this);
    this.children = new ChildSet(
      { name: stageName(this), clock: () => clock, logger: () => runtime.logger, deliver: (note) => handle.send(note) },
      { ...this.limits, maxChildren: Infinity },
    );
    // Downstream asked for more: room for children that were waiting for demand.
    onDownstreamDemand(this, () => this.refill());
    return this.pool?.start();
  }

  override handleSubscribe(kind: 'producer' | 'consumer', _options: unknown, from: Subscription<In>): 'manual' | 'automatic' {
    if (kind === 'consumer') return 'automatic';
    // The stage applies the cancel mode itself, so running children can finish first.
    this.upstream.set(from, { outstanding: 0, mode: makeTemporary(from) });
    this.refill();
    return 'manual';
  }

  /**
   * Gives free slots to the producers, the one with the fewest outstanding asks
   * first. A slot is free when fewer than `maxConcurrency` are busy and downstream
   * has demand left for one more result.
   */
  private refill(): void {
    let free = Math.min(this.window.free, downstreamDemand(this) - this.inflight);
    if (free <= 0 || this.draining !== undefined || this.upstream.size === 0) return;
    const subs = [...this.upstream].sort((a, b) => a[1].outstanding - b[1].outstanding);
    for (let i = 0; i < subs.length && free > 0; i++) {
      const [sub, up] = subs[i]!;
      const n = Math.ceil(free / (subs.length - i));
      up.outstanding += n;
      this.window.reserve(n);
      this.inflight += n;
      free -= n;
      this.ask(sub, n);
    }
  }

  handleEvents(events: In[], from: Subscription<In>): Out[] | undefined {
    const up = this.upstream.get(from);
    if (up !== undefined) up.outstanding -= events.length;
    let out: Out[] | undefined;
    for (const event of events) {
      const seq = this.window.start();
      try {
        // Children here are tasks: a task starts synchronously (no promise to wait for).
        void this.children.start(this.spec, [event], seq);
      } catch (error) {
        if (this.onError === undefined) {
          this.stop(error);
          return undefined;
        }
        this.onError(event, error);
        const freed = this.done(seq, SKIP, (out ??= []));
        if (freed > 0) this.asyncInfo(new FreeSlots(freed));
      }
    }
    return out !== undefined && out.length > 0 ? out : undefined;
  }

  override handleInfo(message: unknown): Out[] | undefined | Promise<void> {
    if (message instanceof FreeSlots) {
      this.window.release(message.count);
      this.refill();
      this.stopIfDrained();
      return undefined;
    }
    if (!(message instanceof ChildExits)) return undefined;
    // Children here are tasks: restarts are synchronous, so the batch is handled in one go.
    const out: Out[] = [];
    let freed = 0;
    let stopped = false;
    void this.children.handleExits(message.notes, (outcome) => {
      if (outcome.kind === 'exited' && outcome.reason === 'normal') {
        freed += this.done(outcome.child.tag as number, outcome.value as Out, out);
      } else if (outcome.kind === 'exited' || outcome.kind === 'shutdown') {
        if (this.onError === undefined) {
          this.stop(outcome.reason);
          stopped = true;
          return false;
        }
        this.onError(outcome.child.args[0] as In, outcome.reason);
        freed += this.done(outcome.child.tag as number, SKIP, out);
      }
      return true;
    });
    if (stopped) return undefined;
    if (freed > 0) this.asyncInfo(new FreeSlots(freed));
    return out.length > 0 ? out : undefined;
  }

  /**
   * A result (or `SKIP` for a failure `onError` took): into `out` now (unordered) or
   * once every earlier event is done (ordered). Returns the slots it frees once `out`
   * has left the buffer.
   */
  private done(seq: number, value: Out | typeof SKIP, out: Out[]): number {
    const freed = this.window.settle(seq, value, out);
    this.inflight -= freed;
    return freed;
  }

  /**
   * A producer left. If its cancel mode says to stop: an abnormal reason stops the
   * stage now (children aborted); a normal one lets the running children finish and
   * their results go downstream, then the stage exits with that reason.
   */
  override handleCancel(cancel: CancelReason, from: Subscription<In | Out>): void {
    const up = this.upstream.get(from);
    if (up === undefined) return;
    this.upstream.delete(from);
    this.window.release(up.outstanding);
    this.inflight -= up.outstanding;
    const reason = 'down' in cancel ? cancel.down : cancel.cancel;
    if (this.flowProducers !== undefined) {
      // 'noproc': a short source ended before this stage subscribed (the flow sees a crash through the stage itself).
      const normal = isNormalReason(reason) || reason === Reasons.NOPROC;
      if (normal && --this.flowProducers > 0) {
        this.refill();
        return;
      }
      if (this.draining !== undefined) return;
      if (!normal) {
        this.stop(reason);
        return;
      }
      this.draining = { reason: 'normal' };
      this.stopIfDrained();
      return;
    }
    const stop = up.mode === 'permanent' || (up.mode === 'transient' && !isNormalReason(reason));
    if (!stop) {
      this.refill();
      return;
    }
    if (this.draining !== undefined) return;
    if (!isNormalReason(reason)) {
      this.stop(reason);
      return;
    }
    this.draining = { reason };
    for (const [sub, other] of this.upstream) {
      this.window.release(other.outstanding);
      this.inflight -= other.outstanding;
      this.cancel(sub, reason);
    }
    this.upstream.clear();
    this.stopIfDrained();
  }

  /** @internal */
  get maxConcurrency(): number {
    return this.window.max;
  }

  /**
   * @internal The stage as a layer of a flow (the `supervise` operator): it ends
   * `'normal'` once all `producers` have ended normally and its children's results
   * have gone downstream, whatever the cancel modes of the subscriptions.
   */
  inFlow(producers: number): this {
    this.flowProducers = producers;
    return this;
  }

  private stopIfDrained(): void {
    if (this.draining !== undefined && this.window.used === 0) this.stop(this.draining.reason);
  }

  override terminate(): Promise<void> {
    const pool = this.pool;
    return pool === undefined ? this.children.shutdownAll() : this.children.shutdownAll().then(() => pool.close());
  }
}

/**
 * A producer-consumer that runs `fn(event, signal)` as a supervised child for each
 * event and emits each child's result downstream: the stage the `supervise` Flow
 * operator compiles to.
 *
 * Results are emitted in event order (`ordered: true`, the default, holding finished
 * results until the earlier ones are in) or as children finish (`ordered: false`).
 * The engine (slots, result order) is the one of `TaskSupervisor.asyncStream`.
 * Demand upstream is manual: at most `maxConcurrency` events are asked for, running,
 * or waiting as results downstream has not taken; and no more are asked for than
 * downstream has demand left for (each running child's result has a place to go),
 * so a slow consumer stops the forking. A child that crashes is run again with the
 * same event (`restart: 'transient'`, the default) while restarts last
 * (`maxRestarts` within `maxSeconds`); past that, or with `restart: 'temporary'`,
 * the crash fails the stage with the error, unless `onError(event, reason)` is given: then the event
 * yields nothing and the stage goes on. When the stage stops, the running children
 * are aborted (the signal they share fires). When its producer ends normally, running
 * children finish and their results are emitted before the stage exits.
 *
 * With a `workerTask(module, exportName)` as `fn`, the children run in worker
 * threads (`workers` of them, owned by the stage): CPU-bound children use several
 * cores, and a thread that dies is a crashed child, restarted like any other.
 *
 * ## Example
 * ```ts
 * const urls = await GenStage.fromIterable(list);
 * const bodies = await GenStage.start(
 *   superviseStage((url: string, signal) => fetch(url, { signal }).then((r) => r.text()), { maxConcurrency: 8 }),
 *   { subscribeTo: [urls] },
 * );
 * for await (const body of GenStage.stream([bodies])) console.log(body.length);
 * ```
 */
export function superviseStage<In, Out>(
  fn: (event: In, signal: AbortSignal) => Out | Promise<Out>,
  options: SuperviseOptions<In> = {},
): ProducerConsumer<In, Awaited<Out>> {
  expectFunction('fn', fn);
  const o = expectObject('options', options);
  expectKnownKeys('supervise options', o, KEYS);
  const concurrency = checkConcurrency(o, fn, 'superviseStage');
  const restart = o.restart === undefined ? 'transient' : expectOneOf('restart', o.restart, ['transient', 'temporary'] as const);
  const maxRestarts = o.maxRestarts === undefined ? 3 : expectInteger('maxRestarts', o.maxRestarts, 0);
  const maxSeconds = o.maxSeconds === undefined ? 5 : expectPositiveNumber('maxSeconds', o.maxSeconds);
  const shutdown = o.shutdown === undefined ? 5000 : checkShutdown('shutdown', o.shutdown);
  if (o.onError !== undefined) expectFunction('onError', o.onError);
  const pool = poolOf(fn, concurrency, 'superviseStage');
  return new SuperviseStage<In, Awaited<Out>>(
    fn as (event: In, signal: AbortSignal) => Awaited<Out>,
    concurrency.max,
    concurrency.ordered,
    restart,
    { maxRestarts, maxSeconds },
    shutdown,
    o.onError as ((event: In, reason: unknown) => void) | undefined,
    pool,
    concurrency.signal,
  );
}
