import { codedError } from './errors.js';
import { WorkerThread, logWorkerRestart, type WorkerTarget } from './worker-thread.js';

/**
 * A fixed number of worker threads running one export of a module, one call at a
 * time each: what a supervisor's worker tasks run on. Calls beyond the free threads
 * wait in order; the supervisor's own bound (`maxConcurrency`, `maxDemand`) bounds
 * that queue, so the pool adds no buffer of its own.
 *
 * A thread that dies rejects the call it was running (a `WorkerError`) and is
 * replaced when the next call needs it; an aborted call ends its thread at once (the
 * work may be synchronous and never look at a signal). `close` ends every thread.
 * @internal
 */
export class WorkerPool {
  private readonly threads: (WorkerThread | undefined)[];
  private readonly idle: number[] = [];
  private readonly queue: Call[] = [];
  /** Threads ended by an abort, until they have exited (`close` waits for them too). */
  private readonly ending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    readonly target: WorkerTarget,
    readonly size: number,
    private readonly transfer: boolean,
    private readonly where: string,
  ) {
    this.threads = new Array<WorkerThread | undefined>(size).fill(undefined);
  }

  private spawn(): WorkerThread {
    // A thread that went down by itself is replaced at the next call: say so, as supervisors do.
    return new WorkerThread(this.target, {
      mode: 'task',
      transfer: this.transfer,
      where: this.where,
      onDown: (reason) => {
        if (!this.closed) logWorkerRestart(this.where, this.target, reason);
      },
    });
  }

  /** Starts every thread; rejects with a TypeError if the module or export is wrong (and ends them). */
  async start(): Promise<void> {
    for (let i = 0; i < this.size; i++) this.threads[i] = this.spawn();
    try {
      await Promise.all(this.threads.map((t) => t!.ready));
    } catch (error) {
      await this.close();
      throw error;
    }
    for (let i = 0; i < this.size; i++) this.idle.push(i);
  }

  /** Runs the export with `args` on a free thread; rejects with its error, or `signal`'s reason once aborted. */
  run(args: readonly unknown[], signal: AbortSignal | undefined): Promise<unknown> {
    if (this.closed) return Promise.reject(codedError(Error, 'ERR_GENSTAGE_CLOSED', `${this.where}(${this.target.label}): the worker pool is closed`));
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const call: Call = { args, signal, resolve, reject, slot: -1, onAbort: undefined };
      if (signal !== undefined) {
        call.onAbort = () => this.abort(call);
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      this.queue.push(call);
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.idle.length > 0) {
      const call = this.queue.shift()!;
      const slot = this.idle.shift()!;
      call.slot = slot;
      this.execute(call, slot);
    }
  }

  private execute(call: Call, slot: number): void {
    let thread = this.threads[slot];
    if (thread === undefined || !thread.alive) {
      thread = this.spawn();
      this.threads[slot] = thread;
    }
    const current = thread;
    const reply = current.ready.then(() => current.request({ t: 'call', args: call.args }, call.args, 'argument'));
    reply.then(
      (m) => this.finish(call, slot, () => call.resolve(m.value)),
      (error: unknown) => this.finish(call, slot, () => call.reject(error)),
    );
  }

  private finish(call: Call, slot: number, settle: () => void): void {
    if (call.slot !== slot) return; // aborted: already settled, slot already given back
    call.slot = -1;
    if (call.onAbort !== undefined) call.signal!.removeEventListener('abort', call.onAbort);
    settle();
    if (this.closed) return;
    this.idle.push(slot);
    this.pump();
  }

  private abort(call: Call): void {
    const reason: unknown = call.signal!.reason;
    if (call.slot === -1) {
      const i = this.queue.indexOf(call);
      if (i < 0) return;
      this.queue.splice(i, 1);
      call.reject(reason);
      return;
    }
    const slot = call.slot;
    call.slot = -1;
    const thread = this.threads[slot];
    this.threads[slot] = undefined;
    call.reject(reason);
    // The slot is free once its thread has ended (a new one starts on the next call).
    const ended = thread === undefined ? Promise.resolve() : thread.terminate(reason);
    this.ending.add(ended);
    void ended.then(() => {
      this.ending.delete(ended);
      if (this.closed) return;
      this.idle.push(slot);
      this.pump();
    });
  }

  /** Ends every thread; calls still waiting reject. Resolves once all have exited. */
  async close(): Promise<void> {
    this.closed = true;
    const error = codedError(Error, 'ERR_GENSTAGE_CLOSED', `${this.where}(${this.target.label}): the worker pool closed`);
    for (const call of this.queue.splice(0)) {
      if (call.onAbort !== undefined) call.signal!.removeEventListener('abort', call.onAbort);
      call.reject(error);
    }
    await Promise.all([...this.threads.map((t) => t?.terminate(error)), ...this.ending]);
  }
}

interface Call {
  readonly args: readonly unknown[];
  readonly signal: AbortSignal | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** The thread slot running it, or -1 (queued, or settled). */
  slot: number;
  onAbort: (() => void) | undefined;
}
