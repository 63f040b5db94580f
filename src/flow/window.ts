import { typeError } from '../runtime/errors.js';
import { expectFunction, expectInteger, expectOneOf, show } from '../runtime/validate.js';
import { UNIT_MS, type PartitionInfo, type TimeUnit } from './plan.js';

const UNITS = ['millisecond', 'second', 'minute', 'hour'] as const;

/**
 * What a custom trigger function returns for a batch:
 * - `{ cont: state }` reduces the whole batch and keeps `state`;
 * - `{ cont: state, events }` reduces `events` instead of the batch;
 * - `{ trigger: name, pre, pos, state }` reduces `pre`, fires trigger `name`, then
 *   goes on with `pos` (the trigger function is called again on it).
 */
export type TriggerResult<T, S> =
  | { readonly cont: S; readonly events?: readonly T[] }
  | { readonly trigger: unknown; readonly pre: readonly T[]; readonly pos: readonly T[]; readonly state: S };

/** A custom trigger: its initial state and a function of each batch and the state. */
export interface CustomTrigger<T> {
  readonly init: () => unknown;
  readonly fn: (events: readonly T[], state: unknown) => TriggerResult<unknown, unknown>;
}

/** Where a late event (one whose fixed window already closed) is handed, with its window and partition. */
export type LateEventHook<T> = (event: T, info: { readonly windowId: number; readonly partition: PartitionInfo }) => void;

interface WindowFields<T> {
  readonly type: 'global' | 'count' | 'periodic' | 'fixed';
  readonly size: number;
  readonly by: ((event: T) => number) | undefined;
  readonly lateness: number;
  readonly every: number | undefined;
  readonly periodically: readonly { readonly ms: number; readonly n: number; readonly unit: TimeUnit }[];
  readonly custom: CustomTrigger<T> | undefined;
  readonly onLate: LateEventHook<T> | undefined;
}

/**
 * How a reducer splits its input in time and when it emits (its triggers).
 *
 * - `Window.global()`: one window for the whole input; it emits once, at the end
 *   (trigger `'done'`), unless a trigger fires earlier.
 * - `Window.count(n)`: a window per `n` events (ids 0, 1, 2...). A full window emits
 *   `'done'` and the next starts empty; at the end of input the current window emits
 *   `'done'` too, even when empty.
 * - `Window.periodic(n, unit)`: a window per `n` units of processing time (ids 0, 1,
 *   2...), on the flow's clock.
 * - `Window.fixed(n, unit, by)`: event time. `by(event)` gives the event's time in ms;
 *   its window's id is its start (`Math.floor(t / size) * size`). Each upstream
 *   producer has its own watermark: a window closes once every producer has sent an
 *   event of a later window. Closing fires `'done'`, or with `allowedLateness` first
 *   `'watermark'` and `'done'` after the lateness (processing time). Windows between
 *   two seen windows are emitted too, with a fresh accumulator. An event whose
 *   window has already fired `'done'` is late: it is counted and handed to the
 *   `onLateEvent` hook (without one, a warning at the end reports how many).
 *
 * Triggers add emissions inside a window: `triggerEvery(n)` (named `{ every: n }`),
 * `triggerPeriodically(n, unit)` (named `{ periodically: [n, unit] }`, may be
 * stacked) and `trigger(init, fn)` (custom names). Windows are immutable: each method
 * returns a new one. Timers run on the flow's clock (`Flow.from(src, { clock })`).
 *
 * ## Example
 * ```ts
 * const sums = await Flow.from(range(1, 100))
 *   .pipe(
 *     window(Window.global().triggerEvery(10)),
 *     reduce(() => 0, (n: number, acc: number) => acc + n),
 *     onTrigger((acc: number) => [[acc], acc]),
 *   )
 *   .toArray(); // [55, 210, 465, ..., 5050, 5050]
 * ```
 */
export class Window<T = unknown> {
  private constructor(/** @internal */ readonly fields: WindowFields<T>) {}

  /** One window over all the input. */
  static global<T = unknown>(): Window<T> {
    return new Window<T>({ type: 'global', size: 0, by: undefined, lateness: 0, every: undefined, periodically: [], custom: undefined, onLate: undefined });
  }

  /** A window per `n` events. */
  static count<T = unknown>(n: number): Window<T> {
    expectInteger('count', n, 1);
    return new Window<T>({ ...Window.global<T>().fields, type: 'count', size: n });
  }

  /** A window per `n` units of processing time. */
  static periodic<T = unknown>(n: number, unit: TimeUnit): Window<T> {
    return new Window<T>({ ...Window.global<T>().fields, type: 'periodic', size: toMs('Window.periodic n', n, unit) });
  }

  /** Event-time windows of `n` units; `by(event)` returns the event's time in ms (an integer). */
  static fixed<T>(n: number, unit: TimeUnit, by: (event: T) => number): Window<T> {
    const size = toMs('Window.fixed n', n, unit);
    expectFunction('by', by);
    return new Window<T>({ ...Window.global<T>().fields, type: 'fixed', size, by });
  }

  get type(): 'global' | 'count' | 'periodic' | 'fixed' {
    return this.fields.type;
  }

  /** Fires `{ every: n }` each `n` events within a window (per stage). One of `triggerEvery`/`trigger` per window. */
  triggerEvery(n: number): Window<T> {
    expectInteger('triggerEvery n', n, 1);
    this.checkOneTrigger('triggerEvery');
    return new Window<T>({ ...this.fields, every: n });
  }

  /** Fires `{ periodically: [n, unit] }` every `n` units of processing time, for every open window. */
  triggerPeriodically(n: number, unit: TimeUnit): Window<T> {
    const ms = toMs('triggerPeriodically n', n, unit);
    return new Window<T>({ ...this.fields, periodically: [...this.fields.periodically, { ms, n, unit }] });
  }

  /** A custom trigger: `fn(batch, state)` decides, per batch, whether and where to fire (see `TriggerResult`). */
  trigger<S>(init: () => S, fn: (events: readonly T[], state: S) => TriggerResult<T, S>): Window<T> {
    expectFunction('trigger init', init);
    expectFunction('trigger fn', fn);
    this.checkOneTrigger('trigger');
    return new Window<T>({ ...this.fields, custom: { init, fn: fn as CustomTrigger<T>['fn'] } });
  }

  /** Fixed windows only: keep a closed window open `n` units longer, firing `'watermark'` then `'done'`. */
  allowedLateness(n: number, unit: TimeUnit): Window<T> {
    if (this.fields.type !== 'fixed') {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `allowedLateness applies to fixed windows, got: a ${this.fields.type} window`);
    }
    expectOneOf('unit', unit, UNITS);
    expectInteger('allowedLateness n', n, 0);
    return new Window<T>({ ...this.fields, lateness: n * UNIT_MS[unit] });
  }

  /** Fixed windows only: called with each late event (its window already fired `'done'`). */
  onLateEvent(hook: LateEventHook<T>): Window<T> {
    if (this.fields.type !== 'fixed') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `onLateEvent applies to fixed windows, got: a ${this.fields.type} window`);
    expectFunction('onLateEvent hook', hook);
    return new Window<T>({ ...this.fields, onLate: hook });
  }

  /** @internal The same window over wrapped events: `by` and the late hook see `unwrap(event)`. */
  mapEvents<U>(unwrap: (event: U) => T): Window<U> {
    const { by, onLate, custom } = this.fields;
    return new Window<U>({
      ...this.fields,
      by: by === undefined ? undefined : (event: U) => by(unwrap(event)),
      onLate: onLate === undefined ? undefined : (event: U, info) => onLate(unwrap(event), info),
      custom: custom === undefined ? undefined : { init: custom.init, fn: (events, state) => custom.fn(events as unknown as T[], state) },
    });
  }

  private checkOneTrigger(name: string): void {
    if (this.fields.every !== undefined || this.fields.custom !== undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${name}: a window takes one triggerEvery or trigger; stack triggerPeriodically instead`);
    }
  }
}

function toMs(name: string, n: number, unit: TimeUnit): number {
  expectInteger(name, n, 1);
  expectOneOf('unit', unit, UNITS);
  return n * UNIT_MS[unit];
}

export function isWindow(value: unknown): value is Window<unknown> {
  return value instanceof Window;
}

export function checkWindow(value: unknown): Window<unknown> {
  if (!(value instanceof Window)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected window to be a Window (Window.global(), count, periodic or fixed), got: ${show(value)}`);
  return value;
}
