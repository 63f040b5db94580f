import type { Clock } from '../runtime/clock.js';
import { WorkerThread } from '../runtime/worker-thread.js';
import type { Subscription } from '../stage/subscription.js';
import type { WorkerLayerSpec } from './plan.js';
import type { WorkerStageInit } from './worker-stage.js';

/** What a worker stage's client needs from its stage. @internal */
export interface LayerWorkerHost {
  readonly clock: Clock;
  /** The worker sent events on its own (a timer of its window): call `takeEmitted()` in the stage's turn. */
  emitted(): void;
  /** The worker crashed while idle and is not restarted: the stage stops with `reason`. */
  crash(reason: unknown): void;
}

/**
 * The parent's side of one worker stage: the thread, the producers it knows, and
 * its restarts. The stage sends one request at a time (a batch, a producer's end,
 * the end of input) and waits for its reply, so at most one batch is ever in the
 * thread's port and the stage's demand is the only buffer: a slow worker slows its
 * producers like any slow stage.
 *
 * A batch stays here until its reply comes: with `restart: 'transient'`, a worker
 * that throws or dies is replaced (within `maxRestarts` in `maxSeconds`) and the
 * batch sent again, so no event is lost (a batch may be processed twice). Otherwise
 * the failure is the stage's exit reason.
 * @internal
 */
export class LayerWorker {
  private thread: WorkerThread | undefined;
  private readonly ids = new Map<Subscription, number>();
  private nextId = 1;
  private readonly restarts: number[] = [];
  private closed = false;
  /**
   * Events the worker sent on its own, not emitted yet. They go out before the
   * reply of the request that follows them on the port (or at the stage's next
   * turn), so the stage emits everything in the worker's order.
   */
  private held: unknown[] = [];

  constructor(
    private readonly spec: WorkerLayerSpec,
    private readonly init: WorkerStageInit,
    private readonly host: LayerWorkerHost,
  ) {}

  /** Starts the thread; rejects with a TypeError if the module or export is wrong. */
  async start(): Promise<void> {
    const thread = this.spawn();
    this.thread = thread;
    let info: { stateful: boolean };
    try {
      info = await thread.ready;
    } catch (error) {
      await thread.terminate(error);
      throw error;
    }
    if (info.stateful && this.spec.restart === 'transient') {
      await thread.terminate();
      throw new TypeError(
        `inWorkers(${this.spec.target.label}): restart: 'transient' needs a worker stage without a reducer ` +
          `(a restarted worker would start from an empty accumulator); supervise the whole flow instead`,
      );
    }
  }

  private spawn(): WorkerThread {
    const thread: WorkerThread = new WorkerThread(this.spec.target, {
      mode: 'stage',
      init: this.init,
      transfer: this.spec.transfer,
      where: 'inWorkers',
      onEmit: (events) => {
        const first = this.held.length === 0;
        for (let i = 0; i < events.length; i++) this.held.push(events[i]);
        if (first && events.length > 0) this.host.emitted();
      },
      onDown: (error, busy) => {
        // A waiting request sees the failure itself.
        if (busy || thread !== this.thread || this.closed) return;
        if (this.mayRestart()) this.thread = undefined; // replaced at the next request
        else this.host.crash(error);
      },
    });
    return thread;
  }

  /** The running thread, or a new one told about the producers of the stage. */
  private current(): WorkerThread | Promise<WorkerThread> {
    const running = this.thread;
    if (running !== undefined && running.alive) return running;
    const thread = this.spawn();
    this.thread = thread;
    return thread.ready.then(() => {
      for (const id of this.ids.values()) thread.post({ t: 'sub', id });
      return thread;
    });
  }

  private mayRestart(): boolean {
    if (this.spec.restart !== 'transient' || this.closed) return false;
    const now = this.host.clock.now();
    this.restarts.push(now);
    while (this.restarts.length > 0 && now - (this.restarts[0] as number) >= this.spec.maxSeconds * 1000) this.restarts.shift();
    return this.restarts.length <= this.spec.maxRestarts;
  }

  private async call(message: Record<string, unknown>, values: readonly unknown[], label: string): Promise<unknown[]> {
    for (;;) {
      const thread = await this.current();
      // A value that cannot be cloned throws here, before anything is sent: no restart helps.
      const reply = thread.request(message, values, label);
      try {
        const events = (await reply).events as unknown[];
        return this.held.length === 0 ? events : this.takeEmitted().concat(events);
      } catch (error) {
        void thread.terminate(error);
        if (!this.mayRestart()) throw error;
      }
    }
  }

  /** What the worker sent on its own since the last request (see `held`). */
  takeEmitted(): unknown[] {
    const out = this.held;
    this.held = [];
    return out;
  }

  subscribe(from: Subscription): void {
    const id = this.nextId++;
    this.ids.set(from, id);
    if (this.thread?.alive === true) this.thread.post({ t: 'sub', id });
  }

  batch(events: unknown[], from: Subscription | null): Promise<unknown[]> {
    return this.call({ t: 'batch', id: from === null ? 0 : (this.ids.get(from) ?? 0), events }, events, 'event');
  }

  /** A producer ended normally: what its end released (a fixed window's watermark). */
  cancel(from: Subscription): Promise<unknown[]> {
    const id = this.ids.get(from) ?? 0;
    this.ids.delete(from);
    return this.call({ t: 'cancel', id }, [], 'value');
  }

  /** Input is done: the reducer's `'done'` triggers. */
  finish(): Promise<unknown[]> {
    return this.call({ t: 'finish' }, [], 'value');
  }

  /** Ends the thread; resolves once it has exited. */
  close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = undefined;
    return thread === undefined ? Promise.resolve() : thread.terminate();
  }
}
