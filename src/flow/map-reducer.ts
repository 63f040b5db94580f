import { ProducerConsumer } from '../stage/producer-consumer.js';
import { bufferedCount, exitStage, handleOf, runtimeOf, stopWhenDrained } from '../core/internal.js';
import type { Subscription } from '../stage/subscription.js';
import type { CancelReason, DemandManagement } from '../stage/types.js';
import { isNormalReason, Reasons } from '../runtime/reason.js';
import type { Clock } from '../runtime/clock.js';
import { runOps } from './fuse.js';
import type { BatchFn, Head, HeadHost, LayerSpec } from './plan.js';
import { Window } from './window.js';
import { WindowState, type WindowHost } from './window-state.js';
import type { LayerWorkerPort } from './plan.js';
import { buildFlowAnchors } from './anchors.js';

class HeadMessage {
  constructor(readonly message: unknown) {}
}

/** A worker's output arrived while the stage was not waiting for it. */
const WORKER_OUTPUT = Symbol('worker output');

type Out = unknown[] | undefined | Promise<unknown[] | undefined>;

/**
 * The stage every flow layer compiles to. For each batch it receives it runs:
 * the head (if any), the fused mappers before the reducer, the reducer with its
 * window and triggers, and the mappers after the reducer on what the triggers emit.
 * A layer without a reducer emits each batch once mapped, in order. A layer of
 * `inWorkers` sends each batch (after the head and `pre`) to its worker thread,
 * which runs the worker stage's mappers and reducer, and runs `post` on the replies
 * (two batches in flight: see `LayerWorker`).
 *
 * It ends on its own: when every producer it expects has ended normally it fires
 * `'done'` for its open windows, emits, and stops once downstream has taken all it
 * holds. A producer that ends abnormally stops it with the same reason.
 * @internal
 */
export class MapReducerStage extends ProducerConsumer<unknown, unknown> {
  /** A join's stages learn the side of each subscription from this option. */
  static readonly subscriptionOptions = ['side'];
  /** Dormant stages that keep this class's hot-path maps across full GCs (anchors.ts); built at load. */
  static readonly anchors: readonly unknown[] = buildFlowAnchors(this);
  private head: Head | undefined;
  private pre: BatchFn[] = [];
  private post: BatchFn[] = [];
  private windows: WindowState | undefined;
  private worker: LayerWorkerPort | undefined;
  private remaining: number;
  private inputDone = false;
  private finished = false;

  constructor(
    private readonly layer: LayerSpec,
    private readonly index: number,
    private readonly count: number,
    producers: number,
    private readonly clock: Clock,
    private readonly stopUpstream: () => void = () => {},
  ) {
    super();
    this.remaining = producers;
  }

  override init(): void | Promise<void> {
    const layer = this.layer;
    this.pre = layer.pre.map((make) => make());
    this.post = layer.post.map((make) => make());
    if (layer.head !== undefined) {
      const host: HeadHost = {
        index: this.index,
        count: this.count,
        clock: this.clock,
        sendAfter: (message, ms) => this.sendAfter(new HeadMessage(message), ms),
        ask: (from, n) => this.ask(from, n),
        bufferedCount: () => bufferedCount(this),
        stopInput: () => this.stopUpstream(),
      };
      this.head = layer.head.create(host);
    }
    if (layer.reducer !== undefined) {
      const host: WindowHost = {
        partition: { index: this.index, count: this.count },
        producers: this.remaining,
        sendAfter: (message, ms) => this.sendAfter(message, ms),
        warn: (message) => runtimeOf(this).logger.warn(message),
      };
      this.windows = WindowState.create(layer.reducer, layer.onTrigger, layer.window ?? Window.global(), host);
    }
    if (layer.worker !== undefined) {
      const handle = handleOf(this);
      this.worker = layer.worker.create({ index: this.index, count: this.count, producers: this.remaining }, {
        clock: this.clock,
        output: () => handle.send(WORKER_OUTPUT),
        crash: (reason) => exitStage(handle, reason),
      });
      return this.worker.start();
    }
  }

  override terminate(_reason?: unknown): Promise<void> | undefined {
    this.head?.close?.();
    return this.worker?.close();
  }

  override handleSubscribe(kind: 'producer' | 'consumer', _options: unknown, from: Subscription): DemandManagement {
    if (kind === 'producer') {
      this.windows?.addProducer(from);
      this.worker?.subscribe(from);
      this.head?.onSubscribe?.(from);
      if (this.head?.manual === true) return 'manual';
    }
    return 'automatic';
  }

  handleEvents(events: unknown[], from: Subscription): Out {
    const head = this.head;
    if (head === undefined) return this.run(events, from);
    const xs = head.input(events, from);
    return xs === undefined || xs.length === 0 ? undefined : this.run(xs, from);
  }

  private run(events: unknown[], from: Subscription | null): Out {
    const mapped = this.pre.length === 0 ? events : runOps(this.pre, events);
    if (mapped instanceof Promise) return mapped.then((ys) => this.reduce(ys, from));
    return this.reduce(mapped, from);
  }

  private reduce(events: unknown[], from: Subscription | null): Out {
    const worker = this.worker;
    if (worker !== undefined) {
      if (events.length === 0) return undefined;
      const wait = worker.submit(events, from);
      return wait === undefined ? this.emitWorkerOutput() : wait.then(() => this.emitWorkerOutput());
    }
    const windows = this.windows;
    if (windows === undefined) return this.post.length === 0 ? events : runOps(this.post, events);
    const out: unknown[] = [];
    windows.feed(events, from, out);
    return this.emit(out);
  }

  /** What the worker has sent back so far, through the mappers after it. */
  private emitWorkerOutput(): Out {
    return this.emit(this.worker!.takeOutput());
  }

  /** Runs the mappers after the reducer on what the triggers emitted. */
  private emit(out: unknown[]): Out {
    if (out.length === 0) return undefined;
    return this.post.length === 0 ? out : runOps(this.post, out);
  }

  override handleCancel(reason: CancelReason, from: Subscription): Out {
    const why = 'down' in reason ? reason.down : reason.cancel;
    // 'noproc': the producer had already ended when this stage subscribed (a short
    // source can finish before its last consumer's subscription arrives). A crash
    // is not lost that way: the flow's run sees every stage's own exit.
    if (!isNormalReason(why) && why !== Reasons.NOPROC) {
      this.stop(why);
      return undefined;
    }
    this.head?.onCancel?.(from);
    const out: unknown[] = [];
    this.windows?.removeProducer(from, out);
    this.remaining--;
    if (this.worker !== undefined) {
      const released = this.worker.cancel(from).then(() => this.emitWorkerOutput());
      if (this.remaining > 0) return released;
      this.inputDone = true;
      return this.then(released, () => this.maybeFinish());
    }
    if (this.remaining > 0) return this.emit(out);
    this.inputDone = true;
    return this.then(this.emit(out), () => this.maybeFinish());
  }

  override handleInfo(message: unknown): Out {
    if (message === WORKER_OUTPUT) return this.emitWorkerOutput();
    if (message instanceof HeadMessage) {
      const events = this.head?.onInfo?.(message.message);
      const emitted = events === undefined || events.length === 0 ? undefined : this.run(events, null);
      return this.then(emitted, () => this.maybeFinish());
    }
    const out: unknown[] = [];
    if (this.windows?.onTimer(message, out) === true) return this.emit(out);
    return undefined;
  }

  /** Once input is done and the head holds nothing back: flush the head, fire `'done'`, emit, stop when drained. */
  private maybeFinish(): Out {
    if (!this.inputDone || this.finished) return undefined;
    if (this.head?.pending?.() === true) return undefined;
    this.finished = true;
    const flushed = this.head?.flush();
    const first = flushed === undefined || flushed.length === 0 ? undefined : this.run(flushed, null);
    return this.then(first, () => {
      const out: unknown[] = [];
      this.windows?.finish(out);
      stopWhenDrained(this, 'normal');
      if (this.worker !== undefined) return this.worker.finish().then(() => this.emitWorkerOutput());
      return this.emit(out);
    });
  }

  /** `a`, then `next()`, concatenated; a Promise only if one of them is. */
  private then(a: Out, next: () => Out): Out {
    if (a instanceof Promise) return a.then((xs) => this.concat(xs, next()));
    return this.concat(a, next());
  }

  private concat(xs: unknown[] | undefined, b: Out): Out {
    if (b instanceof Promise) return b.then((ys) => join(xs, ys));
    return join(xs, b);
  }
}

function join(a: unknown[] | undefined, b: unknown[] | undefined): unknown[] | undefined {
  if (a === undefined || a.length === 0) return b;
  if (b === undefined || b.length === 0) return a;
  return a.concat(b);
}
