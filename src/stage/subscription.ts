import type { StageProcess } from './stage-process.js';
import type { Stage } from './handle.js';
import type { CancelMode } from './types.js';

let nextTag = 1;
let writeCancelMode: (sub: Subscription<unknown>, mode: CancelMode) => void;

/**
 * One link between a producer and a consumer. The same object is the `from` that
 * both sides see in their callbacks, and the tag to `cancel` or `ask` with.
 *
 * The fields after `options` are the consumer side's bookkeeping (demand counters);
 * only the consumer's process touches them.
 */
export class Subscription<T = unknown> {
  // The constructor's fields are declared, not defined: each is created by its one
  // store in the constructor, so a new map never sees it hold `undefined` first
  // (issue 14, docs/performance.md).
  /** @internal */ declare readonly producerProcess: StageProcess;
  /** @internal */ declare readonly consumerProcess: StageProcess;
  declare readonly maxDemand: number;
  declare readonly minDemand: number;
  /** Every option given at subscribe (including `partition`, `selector` and your own). */
  declare readonly options: Readonly<Record<string, unknown>>;
  readonly tag: number = nextTag++;
  /** @internal */ manual = false;
  /** @internal */ pending = 0;
  /** @internal */ cancelling = false;
  /** @internal Cancelled by `resubscribe`: the consumer's cancel mode does not apply. */ replaced = false;
  /** @internal Held by its producer's side (set and cleared there only): membership without a Set per stage. */ producerLinked = false;
  /** @internal Held by its consumer's side (set and cleared there only). */ consumerLinked = false;
  /** @internal */ declare batchLimit: number;

  /** @internal */
  constructor(
    producerProcess: StageProcess,
    consumerProcess: StageProcess,
    maxDemand: number,
    minDemand: number,
    cancelMode: CancelMode,
    options: Readonly<Record<string, unknown>>,
  ) {
    this.producerProcess = producerProcess;
    this.consumerProcess = consumerProcess;
    this.maxDemand = maxDemand;
    this.minDemand = minDemand;
    this.options = options;
    this.batchLimit = maxDemand - minDemand;
    this.#cancelMode = cancelMode;
  }

  #cancelMode: CancelMode;

  /** What the consumer does when this subscription ends: `'permanent'`, `'transient'` or `'temporary'`. */
  get cancelMode(): CancelMode {
    return this.#cancelMode;
  }

  static {
    writeCancelMode = (sub, mode) => {
      sub.#cancelMode = mode;
    };
  }

  /** The producer end. */
  get producer(): Stage<T> {
    return this.producerProcess.handle;
  }

  /** The consumer end. */
  get consumer(): Stage<unknown> {
    return this.consumerProcess.handle;
  }

  toString(): string {
    return `Subscription#${this.tag}(${this.producerProcess.describe()} -> ${this.consumerProcess.describe()})`;
  }
}

/** @internal Sets a subscription's cancel mode (core/internal.ts `makeTemporary` only). */
export function setCancelMode(sub: Subscription<unknown>, mode: CancelMode): void {
  writeCancelMode(sub, mode);
}
