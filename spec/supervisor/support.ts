import { Consumer, Producer, setLogger, type Subscription } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

/** One run of a task child, settled by the spec. */
export interface Run {
  readonly args: unknown[];
  readonly signal: AbortSignal;
  readonly settled: boolean;
  finish(value?: unknown): void;
  crash(error?: unknown): void;
}

/**
 * Task children whose lifetimes the spec decides: each call records a `Run`; it ends
 * when the spec calls `finish` or `crash`, or (with `honourAbort`) when its signal fires.
 * `alive` and `maxAlive` count runs not yet settled.
 */
export class Tasks {
  readonly runs: Run[] = [];
  readonly aborted: unknown[] = [];
  alive = 0;
  maxAlive = 0;
  constructor(private readonly honourAbort = true) {}

  readonly task = (...argsAndSignal: unknown[]): Promise<unknown> => {
    const signal = argsAndSignal[argsAndSignal.length - 1] as AbortSignal;
    const args = argsAndSignal.slice(0, -1);
    return new Promise((resolve, reject) => {
      const run = {
        args,
        signal,
        settled: false,
        finish: (value?: unknown) => end() && resolve(value),
        crash: (error: unknown = new Error(`crash ${String(args[0])}`)) => end() && reject(error),
      };
      const end = (): boolean => {
        if (run.settled) return false;
        run.settled = true;
        this.alive--;
        return true;
      };
      this.alive++;
      this.maxAlive = Math.max(this.maxAlive, this.alive);
      this.runs.push(run);
      signal.addEventListener('abort', () => {
        this.aborted.push(args[0]);
        if (this.honourAbort && end()) reject(signal.reason);
      }, { once: true });
    });
  };

  /** Runs not settled yet, oldest first. */
  get open(): Run[] {
    return this.runs.filter((r) => !r.settled);
  }

  /** The args[0] of every run, in start order. */
  get started(): unknown[] {
    return this.runs.map((r) => r.args[0]);
  }
}

/** A producer of 0, 1, 2... up to `limit` that records every demand it gets. */
export class Numbers extends Producer<number> {
  readonly asks: number[] = [];
  private next = 0;
  constructor(private readonly limit = Infinity) {
    super();
  }
  handleDemand(demand: number): number[] {
    this.asks.push(demand);
    const out: number[] = [];
    while (out.length < demand && this.next < this.limit) out.push(this.next++);
    return out;
  }
}

/** A consumer that records what it receives. */
export class Sink<T> extends Consumer<T> {
  readonly events: T[] = [];
  sub: Subscription<T> | undefined;
  handleEvents(events: T[]): void {
    this.events.push(...events);
  }
}

/** Captures the logger's output until `restore()`. */
export function captureLog(): { errors: string[]; warnings: string[]; restore(): void } {
  const log = { errors: [] as string[], warnings: [] as string[], restore: () => void setLogger() };
  setLogger({ warn: (m) => log.warnings.push(m), error: (m) => log.errors.push(m) });
  return log;
}

export { settle };
