import { typeError } from '../runtime/errors.js';
import { Consumer } from '../stage/stage.js';
import { Stage } from '../stage/handle.js';
import type { Subscription } from '../stage/subscription.js';
import type { CancelMode, CancelReason, SubscribeTo } from '../stage/types.js';
import { checkSubscription } from '../stage/options.js';
import { isNormalReason } from '../runtime/reason.js';
import { expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { GenStage } from '../stage/gen-stage.js';
import { producersOf } from '../core/internal.js';
import { ChunkHandoff, DONE } from './chunks.js';

export interface StreamOptions {
  /** Producers to switch to `demand('forward')` once subscribed. Default: the subscribed producers. */
  producers?: readonly Stage<unknown>[];
}


/**
 * The consumer behind a stream: `handleEvents` hands the chunk to the iterator and
 * does not return until the loop has taken all of it, so demand follows the loop.
 */
class StreamConsumer<T> extends Consumer<T> {
  constructor(private readonly sink: StreamIterator<T>) {
    super();
  }
  handleEvents(events: T[]): Promise<void> {
    return this.sink.push(events).then(() => {
      // The loop broke (or the stream failed): cancel before the automatic ask that
      // follows this chunk, so the producers are not asked for events nobody will take.
      if (this.sink.finished) {
        for (const sub of producersOf(this)) this.cancel(sub, 'normal');
        this.stop('normal');
      }
    });
  }
  override handleCancel(reason: CancelReason, from: Subscription<T>): void {
    this.sink.ended(from, 'down' in reason ? reason.down : reason.cancel);
    if (this.sink.finished) this.stop('normal');
  }
}

class StreamIterator<T> implements AsyncIterator<T>, AsyncIterable<T> {
  private readonly handoff = new ChunkHandoff<T>();
  private failed = false;
  private remaining: number;
  private stage: Stage<never> | undefined;
  private readonly started: Promise<void>;

  constructor(
    private readonly modes: Map<Stage<unknown>, CancelMode>,
    entries: readonly SubscribeTo[],
    producers: readonly Stage<unknown>[],
  ) {
    this.remaining = entries.length;
    this.started = GenStage.start(new StreamConsumer<T>(this), { subscribeTo: [], name: `stream#${nextName++}` }).then(async (stage) => {
      this.stage = stage;
      // All subscriptions are posted at once: awaiting each in turn would deadlock once
      // the first producer's events block the consumer until the loop (itself waiting
      // for `started`) takes them.
      const subscribed = entries.map((entry) => {
        const options = entry instanceof Object && 'to' in entry ? { ...entry } : { to: entry };
        const to = options.to;
        delete (options as { to?: unknown }).to;
        return stage.subscribe(to, { ...options, cancel: 'temporary' });
      });
      await Promise.all(subscribed);
      for (const p of producers) if (p.kind === 'producer' && p.alive) p.demand('forward');
      if (this.remaining === 0) this.handoff.end();
    });
    this.started.catch(() => {});
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  /** True once the producers are done, one failed, or the loop left. */
  get finished(): boolean {
    return this.handoff.finished;
  }

  push(events: T[]): Promise<void> {
    return this.handoff.push(events);
  }

  ended(from: Subscription<T>, reason: unknown): void {
    this.remaining--;
    const mode = this.modes.get(from.producer) ?? 'permanent';
    if (!isNormalReason(reason) && mode !== 'temporary' && !this.failed) {
      this.failed = true;
      this.handoff.end({ reason });
    } else if (this.remaining <= 0) this.handoff.end();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.handoff.holding) return this.handoff.next();
    return this.started.then(() => this.handoff.next());
  }

  async return(): Promise<IteratorResult<T>> {
    this.handoff.close();
    await this.started.catch(() => {});
    if (this.stage !== undefined && this.stage.alive) await this.stage.stop('normal');
    return DONE;
  }
}

export function stream<T>(entries: readonly SubscribeTo[], options: StreamOptions = {}): AsyncIterable<T> {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected subscriptions to be a non-empty array of stages or { to, ...options }, got: ${show(entries)}`);
  }
  const o = expectObject('stream options', options);
  expectKnownKeys('stream options', o, ['producers']);
  if (o.producers !== undefined && !Array.isArray(o.producers)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected producers to be an array of stages, got: ${show(o.producers)}`);
  }
  for (const p of (o.producers as unknown[] | undefined) ?? []) {
    if (!(p instanceof Stage)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected producers to be an array of stages, got: ${show(p)} in it`);
  }
  const modes = new Map<Stage<unknown>, CancelMode>();
  const producers: Stage<unknown>[] = [];
  for (const entry of entries) {
    const checked = checkSubscription(entry, 'consumer', 'stream', 'stream');
    modes.set(checked.producer.handle, checked.cancel);
    producers.push(checked.producer.handle);
  }
  const forward = (o.producers as Stage<unknown>[] | undefined) ?? producers;
  return {
    [Symbol.asyncIterator]: () => new StreamIterator<T>(modes, entries, forward),
  };
}

let nextName = 1;
