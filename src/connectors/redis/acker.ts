import { command, delay, isConnectionError, type RedisClient } from './connection.js';
import { getLogger } from '../../runtime/logger.js';

/**
 * Batches the acknowledgements of one stream and group into `XACK` commands.
 *
 * `ack(id)` queues the id; the queue goes out as one `XACK` when it reaches
 * `batchSize` ids, or on the next turn of the event loop, whichever is first, with
 * at most one `XACK` on the wire at a time (acks made meanwhile join the next one).
 * An `XACK` lost to a broken connection is sent again once the client is back, so an
 * acknowledged event is acknowledged in Redis exactly once in the end (`XACK` of an
 * id no longer pending is a no-op there).
 *
 * It also tracks the ids delivered and not yet acked or failed (`inFlight`), so the
 * producer does not hand out twice what its own pipeline still holds.
 */
export class Acker {
  /** Delivered to the pipeline, neither acked nor failed yet. */
  readonly inFlight = new Set<string>();
  private queue: string[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private readonly retry = { stopped: false, wake: undefined as (() => void) | undefined };
  /** Ids Redis removed from the pending list on our `XACK`s. */
  confirmed = 0;
  /** Ids our `XACK`s named that were no longer pending (acknowledged twice, or dead-lettered meanwhile). */
  redundant = 0;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    readonly stream: string,
    readonly group: string,
    private readonly batchSize: number,
    private readonly owner: string,
  ) {}

  delivered(id: string): void {
    this.inFlight.add(id);
  }

  /** Queues `id` for `XACK`; false when it was not in flight (already acked or failed). */
  ack(id: string): boolean {
    if (!this.inFlight.delete(id)) return false;
    if (this.closed) return false; // stays pending in Redis: redelivered later
    this.queue.push(id);
    // flush's drain retries failed XACKs itself and never rejects.
    if (this.queue.length >= this.batchSize) void this.flush();
    else if (this.scheduled === undefined && this.flushing === undefined) {
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        void this.flush();
      });
    }
    return true;
  }

  /** Forgets `id` without acking it: it stays pending in Redis, to be reclaimed later. */
  release(id: string): boolean {
    return this.inFlight.delete(id);
  }

  /** Ids queued or on the wire. */
  get queued(): number {
    return this.queue.length;
  }

  /** Sends what is queued now; resolves once every queued ack is confirmed (or dropped on a non-connection error). */
  flush(): Promise<void> {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.flushing === undefined && this.queue.length > 0) {
      this.flushing = this.drain().finally(() => {
        this.flushing = undefined;
      });
    }
    return this.flushing ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const ids = this.queue;
      this.queue = [];
      for (;;) {
        try {
          const removed = Number(await command(this.client, ['XACK', this.stream, this.group, ...ids]));
          this.confirmed += removed;
          this.redundant += ids.length - removed;
          break;
        } catch (error) {
          if (this.retry.stopped || !isConnectionError(error)) {
            if (!this.retry.stopped) getLogger().error(`${this.owner}: XACK of ${ids.length} ids failed; they stay pending and will be redelivered`, error);
            break;
          }
          await delay(100, this.retry);
        }
      }
    }
  }

  /** Stops retrying; a flush in progress ends after its current attempt. */
  close(): void {
    this.closed = true;
    this.retry.stopped = true;
    this.retry.wake?.();
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
  }
}
