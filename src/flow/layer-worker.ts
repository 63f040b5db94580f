import { codedError, typeError } from '../runtime/errors.js';
import { WorkerThread, logWorkerRestart, type WorkerTarget } from '../runtime/worker-thread.js';
import { packStrings } from '../runtime/worker-bootstrap.js';
import type { Subscription } from '../stage/subscription.js';
import type { LayerWorkerHost, LayerWorkerPort } from './plan.js';
import type { WorkerStageInit } from './worker-stage.js';

export type { LayerWorkerHost };

/** How `inWorkers` runs a layer's work in worker threads. @internal */
export interface LayerWorkerConfig {
  readonly target: WorkerTarget;
  /** `'transient'`: a worker that crashed is replaced and the batch it held is sent again. */
  readonly restart: 'temporary' | 'transient';
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  /** Move ArrayBuffers across instead of copying them. */
  readonly transfer: boolean;
}

/** Batches a stage may have sent and not had answered: the next one waits in the worker's port while one is worked on. */
export const BATCHES_IN_FLIGHT = 2;

interface WorkerRequest {
  readonly message: Record<string, unknown>;
  readonly values: readonly unknown[];
  readonly label: string;
  /** Settles when the reply is in `output` (or the request failed for good). */
  readonly answered: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The parent's side of one worker stage: its thread, the producers it knows, the
 * requests in flight and their restarts.
 *
 * The stage sends a batch and goes on while fewer than `BATCHES_IN_FLIGHT` are
 * unanswered; past that it waits for the oldest reply. So the worker always has the
 * next batch at hand (it does not wait for the main thread between batches), and at
 * most two batches per stage are ever between the threads: the stage's demand stays
 * the only buffer, and a slow worker slows its producers like any slow stage. A
 * producer's end and the end of input are requests too, answered after the batches
 * before them.
 *
 * Replies, and what the worker's timers emit, land in `output` in the worker's order;
 * the stage emits them from there (when it waits for a reply, or at its next turn).
 *
 * A request stays here until its reply comes: with `restart: 'transient'`, a worker
 * that throws or dies is replaced (within `maxRestarts` in `maxSeconds`) and every
 * request in flight sent again, in order, so no event is lost (a batch may be
 * processed twice). Otherwise the failure is the stage's exit reason.
 * @internal
 */
export class LayerWorker implements LayerWorkerPort {
  private thread: WorkerThread | undefined;
  private readonly ids = new Map<Subscription, number>();
  private nextId = 1;
  private readonly restarts: number[] = [];
  private closed = false;
  /** Sent, not answered, oldest first. */
  private readonly inflight: WorkerRequest[] = [];
  /** Answered events and timer emissions, in the worker's order, not emitted yet. */
  private output: unknown[] = [];
  /** Threads given up on, until they have exited (`close` waits for them). */
  private readonly ending = new Set<Promise<void>>();

  constructor(
    private readonly spec: LayerWorkerConfig,
    private readonly init: WorkerStageInit,
    private readonly host: LayerWorkerHost,
  ) {}

  /** Starts the thread; rejects with a TypeError if the module or export is wrong. */
  async start(): Promise<void> {
    const thread = this.spawn();
    let info: { stateful: boolean };
    try {
      info = await thread.ready;
    } catch (error) {
      await thread.terminate(error);
      throw error;
    }
    if (info.stateful && this.spec.restart === 'transient') {
      await thread.terminate();
      throw typeError(
        'ERR_GENSTAGE_INVALID_TOPOLOGY',
        `inWorkers(${this.spec.target.label}): restart: 'transient' needs a worker stage without a reducer ` +
          `(a restarted worker would start from an empty accumulator); supervise the whole flow instead`,
      );
    }
  }

  /** A new thread, told about the producers of the stage (its messages wait in its port until it is ready). */
  private spawn(): WorkerThread {
    const thread: WorkerThread = new WorkerThread(this.spec.target, {
      mode: 'stage',
      init: this.init,
      transfer: this.spec.transfer,
      where: 'inWorkers',
      onEmit: (events) => this.arrived(events),
      onDown: (error, busy) => {
        // Requests in flight see the failure themselves (`failed`).
        if (busy || thread !== this.thread || this.closed) return;
        this.thread = undefined;
        this.end(thread, error);
        if (!this.mayRestart()) this.host.crash(error); // else replaced at the next request
        else logWorkerRestart('inWorkers', this.spec.target, error);
      },
    });
    this.thread = thread;
    for (const id of this.ids.values()) thread.post({ t: 'sub', id });
    return thread;
  }

  private arrived(events: readonly unknown[]): void {
    if (events.length === 0) return;
    const first = this.output.length === 0;
    for (let i = 0; i < events.length; i++) this.output.push(events[i]);
    if (first) this.host.output();
  }

  /** What has arrived and not been emitted yet, in the worker's order. */
  takeOutput(): unknown[] {
    const out = this.output;
    this.output = [];
    return out;
  }

  private mayRestart(): boolean {
    if (this.spec.restart !== 'transient' || this.closed) return false;
    const now = this.host.clock.now();
    this.restarts.push(now);
    while (this.restarts.length > 0 && now - (this.restarts[0] as number) >= this.spec.maxSeconds * 1000) this.restarts.shift();
    return this.restarts.length <= this.spec.maxRestarts;
  }

  /** Sends `message`; a value that cannot be cloned throws here, before anything is sent. */
  private request(message: Record<string, unknown>, values: readonly unknown[], label: string): WorkerRequest {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const answered = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    answered.catch(() => {}); // a failure also reaches the stage through `crash`
    const request: WorkerRequest = { message, values, label, answered, resolve, reject };
    this.send(request); // may throw (clone): then it was never in flight
    this.inflight.push(request);
    return request;
  }

  private send(request: WorkerRequest): void {
    const running = this.thread;
    const thread = running !== undefined && running.alive ? running : this.spawn();
    thread.request(request.message, request.values, request.label).then(
      (reply) => {
        if (thread !== this.thread) return; // from a thread already given up on
        this.inflight.shift();
        this.arrived(reply.events as unknown[]);
        request.resolve();
      },
      (error: unknown) => this.failed(thread, error),
    );
  }

  /** The thread failed a request: replace it and send everything in flight again, or fail them all. */
  private failed(thread: WorkerThread, error: unknown): void {
    if (thread !== this.thread || this.closed) return; // handled at the first failed request
    this.thread = undefined;
    this.end(thread, error);
    if (this.inflight.length === 0) return;
    if (this.mayRestart()) {
      logWorkerRestart('inWorkers', this.spec.target, error);
      for (const request of this.inflight) this.send(request);
      return;
    }
    for (const request of this.inflight.splice(0)) request.reject(error);
    this.host.crash(error);
  }

  private end(thread: WorkerThread, reason: unknown): void {
    const ended = thread.terminate(reason);
    this.ending.add(ended);
    void ended.then(() => this.ending.delete(ended));
  }

  subscribe(from: Subscription): void {
    const id = this.nextId++;
    this.ids.set(from, id);
    if (this.thread?.alive === true) this.thread.post({ t: 'sub', id });
  }

  /**
   * Sends a batch. Returns `undefined` while fewer than `BATCHES_IN_FLIGHT` are in
   * flight (take the next one), else a promise of the oldest reply's arrival.
   */
  submit(events: unknown[], from: Subscription | null): Promise<void> | undefined {
    const id = from === null ? 0 : (this.ids.get(from) ?? 0);
    // A batch of strings crosses as one string (see packStrings); any other as it is.
    const packed = packStrings(events);
    this.request(packed === undefined ? { t: 'batch', id, events } : { t: 'strings', id, text: packed.text, lengths: packed.lengths }, events, 'event');
    if (this.inflight.length < BATCHES_IN_FLIGHT) return undefined;
    return (this.inflight[0] as WorkerRequest).answered;
  }

  /** A producer ended normally; resolves once what it released (a fixed window's watermark) is in the output. */
  cancel(from: Subscription): Promise<void> {
    const id = this.ids.get(from) ?? 0;
    this.ids.delete(from);
    return this.request({ t: 'cancel', id }, [], 'value').answered;
  }

  /** Input is done; resolves once the reducer's `'done'` triggers (and every batch before) are in the output. */
  finish(): Promise<void> {
    return this.request({ t: 'finish' }, [], 'value').answered;
  }

  /** Ends the thread; resolves once it has exited. */
  close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = undefined;
    const error = codedError(Error, 'ERR_GENSTAGE_CLOSED', `inWorkers(${this.spec.target.label}): the stage stopped`);
    for (const request of this.inflight.splice(0)) request.reject(error);
    return Promise.all([thread?.terminate(error), ...this.ending]).then(() => undefined);
  }
}
