import { StageCallbacks } from '../stage/stage.js';
import { CONSUMER_ROLE } from '../stage/consumer-role.js';
import type { Stage } from '../stage/handle.js';
import type { Subscription } from '../stage/subscription.js';
import type { CancelMode, CancelReason, SubscribeTo } from '../stage/types.js';
import { isNormalReason } from '../runtime/reason.js';
import { startStage } from '../stage/gen-stage.js';
import { defineRole, producersOf } from '../core/internal.js';
import { ChunkHandoff, DONE } from './chunks.js';
import type { CheckedStream } from './iteration-options.js';

/**
 * The consumer behind a stream: `handleEvents` hands the chunk to the iterator and
 * does not return until the loop has taken all of it, so demand follows the loop.
 */
// A consumer with the role of `Consumer` without its class (see consumer-role.ts).
class StreamConsumer<T> extends StageCallbacks<T, never> {
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
defineRole(StreamConsumer, CONSUMER_ROLE);

class StreamIterator<T> implements AsyncIterator<T>, AsyncIterable<T> {
  private readonly handoff = new ChunkHandoff<T>();
  private failed = false;
  private remaining: number;
  private stage: Stage<never> | undefined;
  private readonly started: Promise<void>;

  constructor(
    private readonly modes: ReadonlyMap<Stage<unknown>, CancelMode>,
    entries: readonly SubscribeTo[],
    producers: readonly Stage<unknown>[],
  ) {
    this.remaining = entries.length;
    this.started = startStage(new StreamConsumer<T>(this), { subscribeTo: [], name: `stream#${nextName++}` }).then(async (stage) => {
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

/**
 * One iteration of `GenStage.stream`, over subscriptions `checkStream` has checked: a
 * new consumer subscribes to them now, and the iterator yields their events.
 */
export function openStream<T>(checked: CheckedStream): AsyncIterator<T> {
  return new StreamIterator<T>(checked.modes, checked.entries, checked.forward);
}

let nextName = 1;
