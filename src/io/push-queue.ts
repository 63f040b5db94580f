import { typeError } from '../runtime/errors.js';
import { Producer } from '../stage/producer.js';
import { Stage } from '../stage/handle.js';
import type { Subscription } from '../stage/subscription.js';
import type { CallFrom, CallResult, CancelReason } from '../stage/types.js';
import { Deque } from '../runtime/deque.js';
import { consumerCount, isOwnProducerSide, runtimeOf, stageName } from '../core/internal.js';
import { expectCount, expectFunction, expectOneOf, show } from '../runtime/validate.js';

/**
 * What a producer over a source that cannot be paused (an observable, a UDP
 * socket, a TCP acceptor's backlog) does when its buffer is full: drop the oldest
 * buffered item, drop the item arriving, or stop with a `BufferOverflowError`.
 */
export type Overflow = 'drop-oldest' | 'drop-newest' | 'error';

/** Counters of a source producer, as `sourceStats(stage)` returns them. */
export interface SourceStats {
  /** Items the source delivered. */
  received: number;
  /** Items handed to consumers. */
  emitted: number;
  /** Items dropped because the buffer was full (`received = emitted + dropped + buffered`). */
  dropped: number;
  /** Items waiting for demand now. */
  buffered: number;
}

/** Options shared by the producers over sources that cannot be paused. */
export interface OverflowOptions {
  /** Most items held while there is no demand. */
  bufferSize?: number;
  /** What a full buffer does with one more item. */
  overflow?: Overflow;
  /**
   * Called inside the stage, at most once per batch of arrivals, with the number of
   * items dropped since the last call and the counters so far. Without it the first
   * drop and the total at exit are logged as warnings.
   */
  onDrop?: (dropped: number, stats: SourceStats) => void;
}

/**
 * The reason a source producer with `overflow: 'error'` stops with.
 *
 * ## Example
 * ```ts
 * const stage = await fromObservable(fast$, { bufferSize: 100, overflow: 'error' });
 * if ((await stage.done) instanceof BufferOverflowError) console.warn('consumers fell behind');
 * ```
 */
export class BufferOverflowError extends Error {
  override readonly name = 'BufferOverflowError';
  /** `ERR_GENSTAGE_BUFFER_OVERFLOW` (see `ErrorCodes`). */
  readonly code = 'ERR_GENSTAGE_BUFFER_OVERFLOW';
  constructor(readonly bufferSize: number) {
    super(`buffer of ${bufferSize} items is full and overflow is 'error'`);
  }
}

const STATS = Symbol('genstage.sourceStats');
const WAKE = Symbol('genstage.wake');
/** Sent to itself when its last consumer left: still none when it arrives, it stops. */
const UNSUBSCRIBED = Symbol('genstage.unsubscribed');

/** The counters of each source producer that has stopped, so they stay readable after it. */
const finalStats = new WeakMap<Stage<unknown>, SourceStats>();

class Fail {
  constructor(readonly reason: unknown) {}
}

/** Checks `bufferSize`, `overflow` and `onDrop`; throws a TypeError/RangeError naming the bad one. */
export function checkOverflowOptions(
  o: Record<string, unknown>,
  defaults: { bufferSize: number; overflow: Overflow },
): { bufferSize: number; overflow: Overflow; onDrop: OverflowOptions['onDrop'] } {
  const bufferSize = o.bufferSize === undefined ? defaults.bufferSize : expectCount('bufferSize', o.bufferSize, 1);
  const overflow = o.overflow === undefined ? defaults.overflow : expectOneOf('overflow', o.overflow, ['drop-oldest', 'drop-newest', 'error'] as const);
  if (o.onDrop !== undefined) expectFunction('onDrop', o.onDrop);
  return { bufferSize, overflow, onDrop: o.onDrop as OverflowOptions['onDrop'] };
}

/**
 * The base of every producer fed from outside the stage (I/O callbacks, an
 * observer): items arrive with `push` at any time, wait in a bounded queue, and go
 * out only as consumers ask. The stage never blocks on its source, so a cancel or
 * a stop is handled at once, whatever the source is doing.
 *
 * A pull source (a stream) overrides `onWant` and reads only while `wanted > 0`,
 * so its queue never holds more than the demand; a push source (an observable, a
 * socket) cannot be asked to wait, so its queue is bounded by `bufferSize` and
 * overflows by `overflow`, counting every drop.
 *
 * It was created for its consumers: once it has had one and the last leaves (a
 * `break` out of a `for await`, a flow that stopped), it stops `'normal'` and
 * releases its source, so nothing keeps the program alive. A resubscription (cancel
 * then subscribe at once) does not stop it.
 * @internal
 */
export abstract class SourceProducer<T> extends Producer<T> {
  private readonly queue = new Deque<T>();
  private demand = 0;
  private woken = false;
  private started = false;
  private ending = false;
  private closed = false;
  private reported = 0;
  private warned = false;
  readonly stats: SourceStats = { received: 0, emitted: 0, dropped: 0, buffered: 0 };

  constructor(
    private readonly bufferSize: number,
    private readonly overflow: Overflow,
    private readonly onDrop: OverflowOptions['onDrop'],
  ) {
    super();
  }

  /** Runs at the first demand: a lazy source opens here. */
  protected onFirstDemand(): void {}

  /** Runs (inside the stage) whenever consumers want more than the queue holds. */
  protected onWant(): void {}

  /** Releases the source; runs once when the stage stops. */
  protected abstract close(reason: unknown): void | Promise<void>;

  /** An item dropped by the overflow policy (or left in the queue at exit): release it if needed. */
  protected discard(_item: T): void {}

  /** Demand received and not yet met. */
  protected get demandLeft(): number {
    return this.demand;
  }

  /** Runs inside the stage after every emission (or attempt): a sink may call its writers back here. */
  protected afterTake(): void {}

  /** How many more items consumers want than the queue holds. */
  protected get wanted(): number {
    return this.demand - this.queue.length;
  }

  /** Adds an item from the source. Safe from any callback, inside or outside the stage. */
  protected push(item: T): void {
    if (this.closed || this.ending) {
      this.discard(item);
      return;
    }
    this.stats.received++;
    // What consumers already asked for is not held "without demand": it is on its
    // way out at the stage's next turn, so it does not count against bufferSize.
    if (this.queue.length >= this.bufferSize + this.demand) {
      if (this.overflow === 'error') {
        this.stats.dropped++; // the item that did not fit: received, never emitted
        this.discard(item);
        this.fail(new BufferOverflowError(this.bufferSize));
        return;
      }
      this.stats.dropped++;
      if (this.overflow === 'drop-newest') {
        this.discard(item);
        this.wake();
        return;
      }
      this.discard(this.queue.shift() as T);
    }
    this.queue.push(item);
    this.wake();
  }

  /** The source has ended: stop `'normal'` once the queue is drained. */
  protected complete(): void {
    if (this.closed) return;
    this.ending = true;
    this.wake();
  }

  /** The source failed: stop with `reason` now (what is queued is discarded). */
  protected fail(reason: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.self.send(new Fail(reason));
  }

  /** Has the stage look at its queue and its source again (after the source signalled data). */
  protected wake(): void {
    if (this.woken) return;
    this.woken = true;
    this.self.send(WAKE);
  }

  override handleCancel(_reason: CancelReason, from: Subscription<T>): undefined {
    if (isOwnProducerSide(this, from) && consumerCount(this.self) === 0) this.self.send(UNSUBSCRIBED);
    return undefined;
  }

  handleDemand(demand: number): T[] | undefined {
    this.demand += demand;
    if (!this.started) {
      this.started = true;
      this.onFirstDemand();
    }
    return this.take();
  }

  override handleInfo(message: unknown): T[] | undefined {
    if (message === WAKE) {
      this.woken = false;
      this.report();
      return this.take();
    }
    if (message instanceof Fail) {
      this.stop(message.reason);
      return undefined;
    }
    if (message === UNSUBSCRIBED) {
      if (consumerCount(this.self) === 0 && !this.closed) {
        this.closed = true;
        this.stop('normal');
      }
      return undefined;
    }
    return undefined;
  }

  override handleCall(request: unknown, _from: CallFrom): CallResult<T> {
    if (request === STATS) return { reply: this.snapshot() };
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${this.constructor.name} takes no calls, got: ${show(request)}`);
  }

  /** The counters now; a subclass may add its own. */
  protected snapshot(): SourceStats {
    return { ...this.stats, buffered: this.queue.length };
  }

  private take(): T[] | undefined {
    // A pull source reads what it has at hand first, so it goes out in this batch.
    if (this.demand > this.queue.length && !this.closed && !this.ending) this.onWant();
    let out: T[] | undefined;
    const n = Math.min(this.demand, this.queue.length);
    if (n > 0) {
      out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = this.queue.shift() as T;
      this.demand -= n;
      this.stats.emitted += n;
    }
    if (this.ending && this.queue.length === 0 && !this.closed) {
      this.closed = true;
      this.stop('normal');
    }
    this.afterTake();
    return out;
  }

  private report(): void {
    const fresh = this.stats.dropped - this.reported;
    if (fresh === 0) return;
    this.reported = this.stats.dropped;
    const stats = this.snapshot();
    if (this.onDrop !== undefined) this.onDrop(fresh, stats);
    else if (!this.warned) {
      this.warned = true;
      runtimeOf(this).logger.warn(`${stageName(this)}: buffer of ${this.bufferSize} is full, dropping items (${this.overflow}); the total is logged at exit`);
    }
  }

  override terminate(reason: unknown): void | Promise<void> {
    this.closed = true;
    this.report();
    if (this.onDrop === undefined && this.stats.dropped > 0) {
      runtimeOf(this).logger.warn(`${stageName(this)}: dropped ${this.stats.dropped} of ${this.stats.received} items (buffer of ${this.bufferSize} full)`);
    }
    finalStats.set(this.self, this.snapshot());
    for (const item of this.queue) this.discard(item);
    this.queue.clear();
    return this.close(reason);
  }
}

/**
 * The counters of a producer over a source that cannot be paused (`fromObservable`,
 * `udpProducer`, `tcpAcceptor`): `received = emitted + dropped + buffered`.
 *
 * The counters stay readable after the stage has stopped (the final ones, as at its
 * exit: after an `overflow: 'error'` exit, how much was received and dropped).
 * Rejects if the stage is not such a producer.
 *
 * ## Example
 * ```ts
 * const stage = await udpProducer({ port: 0, bufferSize: 100 });
 * const { received, dropped } = await sourceStats(stage);
 * ```
 */
export function sourceStats(stage: Stage<unknown>): Promise<SourceStats> {
  if (!(stage instanceof Stage)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `sourceStats: expected stage to be a Stage, got: ${show(stage)}`);
  const final = finalStats.get(stage);
  if (final !== undefined) return Promise.resolve({ ...final });
  return stage.call<SourceStats>(STATS).catch((error: unknown) => {
    // It stopped while the call was on its way: its counters were kept at exit.
    const kept = finalStats.get(stage);
    if (kept !== undefined) return { ...kept };
    throw error;
  });
}
