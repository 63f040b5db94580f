import { Deque } from '../runtime/deque.js';
import { isPromiseLike } from '../runtime/validate.js';
import * as M from './messages.js';
import type { ConsumerSide } from './consumer-side.js';
import type { StageCore } from './role.js';

/**
 * A producer-consumer's upstream queue (R6): what its producers send waits here while
 * its own consumers have no demand, and is taken a whole message at a time, in arrival
 * order (events, cancels and infos alike), while downstream demand remains. Allocated
 * for producer-consumers only.
 */
export class PcQueue {
  private readonly queue = new Deque<M.UpstreamMsg>();
  /** Downstream demand not yet met. */
  counter = 0;
  /** `onDownstreamDemand` listeners (core/internal); null until one registers. */
  private listeners: ((pending: number) => void)[] | null = null;

  // Declared, not defined: created by their one store in the constructor (issue 14, docs/performance.md).
  private declare readonly core: StageCore;
  private declare readonly consumer: ConsumerSide;

  constructor(core: StageCore, consumer: ConsumerSide) {
    this.core = core;
    this.consumer = consumer;
  }

  get length(): number {
    return this.queue.length;
  }

  /** A batch from a known producer: consumed now if nothing waits and downstream wants it. */
  onEvents(m: M.EventsMsg): unknown {
    if (this.queue.length === 0 && this.counter > 0) return this.consumer.consume(m.a, m.b, 0, true);
    this.queue.push(m);
    return this.take();
  }

  /** A cancel or an info while upstream messages wait: it keeps its place behind them. */
  enqueue(m: M.UpstreamMsg): unknown {
    this.queue.push(m);
    return this.take();
  }

  /** Downstream asked for `demand` more. */
  addDemand(demand: number): unknown {
    this.counter += demand;
    if (this.listeners !== null) for (const listener of this.listeners) listener(this.counter);
    return this.take();
  }

  /** `count` events went downstream. */
  delivered(count: number): void {
    this.counter -= count;
    if (this.counter < 0) this.counter = 0;
  }

  /** R6: upstream messages are taken a whole message at a time while downstream demand remains. */
  take(): unknown {
    const core = this.core;
    for (;;) {
      if (core.stopping) return undefined;
      const head = this.queue.peek();
      if (head === undefined) return undefined;
      let result: unknown;
      if (head.kind === M.C_EVENTS) {
        if (this.counter <= 0) return undefined;
        this.queue.shift();
        if (!head.a.consumerLinked) continue; // cancelled while it waited
        result = this.consumer.consume(head.a, head.b, 0, false);
      } else {
        this.queue.shift();
        if (head.kind === M.C_CANCEL) result = this.consumer.onCancel(head.a, head.b, head.c);
        else result = core.emitAfter(core.invokeOptional('handleInfo', head.a));
      }
      if (isPromiseLike(result)) return Promise.resolve(result).then(() => this.take());
    }
  }

  /** `listener(pending)` runs each time downstream demand arrives; returns its removal. */
  addListener(listener: (pending: number) => void): () => void {
    const listeners = (this.listeners ??= []);
    listeners.push(listener);
    return () => {
      const i = listeners.indexOf(listener);
      if (i >= 0) listeners.splice(i, 1);
    };
  }

  clear(): void {
    this.queue.clear();
  }
}
