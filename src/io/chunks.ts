const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as IteratorResult<never>;

/**
 * The one chunked iterator: hands the batches a sink consumer receives to a
 * `for await` loop, one item per `next()`. `push` resolves only once the loop has
 * taken the whole batch, so a consumer that returns that promise from
 * `handleEvents` asks for more only as fast as the loop reads: demand follows the
 * loop. Used by `GenStage.stream` (io/stream.ts) and by `for await` over a flow
 * (flow/ends.ts).
 * @internal
 */
export class ChunkHandoff<T> {
  private chunk: readonly T[] | null = null;
  private index = 0;
  private release: (() => void) | null = null;
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private ending: { error: { reason: unknown } | undefined } | undefined;
  private closed = false;

  /** True once the source ended or the loop left: nothing more will be taken. */
  get finished(): boolean {
    return this.closed || this.ending !== undefined;
  }

  /** True while the loop left (`close`), whatever the source did. */
  get left(): boolean {
    return this.closed;
  }

  /** Hands `events` to the loop; resolves once it has taken them all (at once if finished or empty). */
  push(events: readonly T[]): Promise<void> {
    return new Promise((resolve) => {
      if (this.finished || events.length === 0) {
        resolve();
        return;
      }
      this.chunk = events;
      this.index = 0;
      this.release = resolve;
      const waiter = this.waiter;
      if (waiter !== null) {
        this.waiter = null;
        waiter.resolve({ value: events[this.index++] as T, done: false });
      }
    });
  }

  /** The source ended, with `error` if it failed: a pending or the next `next()` throws it (once), then done. */
  end(error?: { reason: unknown }): void {
    if (this.ending !== undefined) return;
    this.ending = { error };
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    if (error !== undefined && !this.closed) {
      this.ending = { error: undefined };
      waiter.reject(error.reason);
    } else waiter.resolve(DONE);
  }

  /** True when `next()` can answer from the batch in hand. */
  get holding(): boolean {
    return this.chunk !== null && this.index < this.chunk.length;
  }

  next(): Promise<IteratorResult<T>> {
    const chunk = this.chunk;
    if (chunk !== null) {
      if (this.index < chunk.length) return Promise.resolve({ value: chunk[this.index++] as T, done: false });
      this.releaseChunk();
    }
    if (this.ending !== undefined || this.closed) {
      const error = this.ending?.error;
      if (error !== undefined && !this.closed) {
        this.ending = { error: undefined };
        return Promise.reject(error.reason); // the source's exit reason, whatever value it is, is what the loop throws
      }
      return Promise.resolve(DONE);
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** The loop left (`return()`): the batch in hand is released and nothing more is taken. */
  close(): void {
    this.closed = true;
    this.releaseChunk();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(DONE);
  }

  private releaseChunk(): void {
    this.chunk = null;
    const release = this.release;
    this.release = null;
    release?.();
  }
}

export { DONE };
