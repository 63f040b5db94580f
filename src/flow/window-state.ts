import { typeError } from '../runtime/errors.js';
import { show } from '../runtime/validate.js';
import type { Subscription } from '../stage/subscription.js';
import type { OnTriggerFn, PartitionInfo, ReducerSpec, TriggerName, WindowInfo } from './plan.js';
import type { Window } from './window.js';

/**
 * The reducer of one stage and its windows: which window each event goes to, when
 * triggers fire, and what they emit. Used by the map-reducer stage; one instance per
 * stage. Everything it emits is pushed on the `out` array it is given.
 * @internal
 */

export interface WindowHost {
  readonly partition: PartitionInfo;
  /** How many producers the stage will subscribe to (a fixed window waits for all of them). */
  readonly producers: number;
  /** Delivers `message` to `onTimer` after `ms` on the flow's clock. */
  sendAfter(message: unknown, ms: number): () => void;
  /** Reports to the logger of the stage's runtime. */
  warn(message: string): void;
}

interface Win {
  readonly id: 'global' | number;
  acc: unknown;
  /** Events since the last `every` trigger. */
  sinceEvery: number;
  /** Events in this window (count windows). */
  size: number;
  /** The custom trigger's state. */
  triggerState: unknown;
}

class Tick {
  constructor(readonly kind: 'window' | 'trigger' | 'lateness', readonly index: number) {}
}

export function pushAll(out: unknown[], items: readonly unknown[]): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]);
}

/** The default emission: the accumulator's items (a Map gives `[key, value]` pairs). */
export function accumulatorEvents(acc: unknown, reducer: string): readonly unknown[] {
  if (Array.isArray(acc)) return acc;
  if (acc instanceof Map || acc instanceof Set) return [...acc];
  if (acc !== null && typeof acc === 'object' && typeof (acc as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return Array.from(acc as Iterable<unknown>);
  }
  throw typeError(
    'ERR_GENSTAGE_INVALID_RETURN',
    `${reducer}: the accumulator must be an array, Map, Set or iterable to be emitted as events, got: ${show(acc)}; ` +
      `add onTrigger((acc) => [events, acc]) to say what to emit`,
  );
}

export abstract class WindowState {
  protected readonly step: ReducerSpec['step'];
  protected readonly emitStep: ReducerSpec['emitStep'];
  protected readonly w: Window<unknown>['fields'];

  constructor(
    protected readonly reducer: ReducerSpec,
    protected readonly onTrigger: OnTriggerFn | undefined,
    window: Window<unknown>,
    protected readonly host: WindowHost,
  ) {
    this.step = reducer.step;
    this.emitStep = reducer.emitStep;
    this.w = window.fields;
  }

  abstract feed(events: unknown[], from: Subscription | null, out: unknown[]): void;
  /** End of input: every open window fires `'done'`, in order. */
  abstract finish(out: unknown[]): void;
  /** A timer of this window fired. */
  abstract onTimer(tick: unknown, out: unknown[]): boolean;
  addProducer(_from: Subscription): void {}
  removeProducer(_from: Subscription, _out: unknown[]): void {}

  static create(reducer: ReducerSpec, onTrigger: OnTriggerFn | undefined, window: Window<unknown>, host: WindowHost): WindowState {
    return window.fields.type === 'fixed'
      ? new FixedWindows(reducer, onTrigger, window, host)
      : new SequentialWindows(reducer, onTrigger, window, host);
  }

  protected newWin(id: 'global' | number): Win {
    return { id, acc: this.reducer.init(), sinceEvery: 0, size: 0, triggerState: this.w.custom?.init() };
  }

  protected startPeriodicTriggers(): void {
    this.w.periodically.forEach((p, i) => this.host.sendAfter(new Tick('trigger', i), p.ms));
  }

  protected isTick(message: unknown): message is Tick {
    return message instanceof Tick;
  }

  protected rearmTrigger(tick: Tick): TriggerName {
    const p = this.w.periodically[tick.index]!;
    this.host.sendAfter(tick, p.ms);
    return { periodically: [p.n, p.unit] };
  }

  /** Reduces `events` into `win`, through the custom trigger if there is one. */
  protected reduceInto(win: Win, events: readonly unknown[], out: unknown[]): void {
    const custom = this.w.custom;
    if (custom === undefined) return this.reduceRaw(win, events, out);
    let batch = events;
    for (;;) {
      const r = custom.fn(batch, win.triggerState) as Record<string, unknown>;
      if (r !== null && typeof r === 'object' && 'cont' in r) {
        win.triggerState = r.cont;
        this.reduceRaw(win, (r.events as readonly unknown[] | undefined) ?? batch, out);
        return;
      }
      if (r === null || typeof r !== 'object' || !('trigger' in r) || !Array.isArray(r.pre) || !Array.isArray(r.pos)) {
        throw typeError('ERR_GENSTAGE_INVALID_RETURN', `trigger: expected { cont } or { trigger, pre, pos, state }, got: ${show(r)}`);
      }
      win.triggerState = r.state;
      this.reduceRaw(win, r.pre as unknown[], out);
      this.fire(win, r.trigger, out);
      if ((r.pos as unknown[]).length === 0) return;
      batch = r.pos as unknown[];
    }
  }

  private reduceRaw(win: Win, events: readonly unknown[], out: unknown[]): void {
    const n = events.length;
    let acc = win.acc;
    const step = this.step;
    if (step !== undefined) {
      for (let i = 0; i < n; i++) acc = step(events[i], acc);
    } else {
      const emitStep = this.emitStep!;
      for (let i = 0; i < n; i++) {
        const r = emitStep(events[i], acc);
        if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[0])) {
          throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${this.reducer.name}: expected the function to return [events, acc], got: ${show(r)}`);
        }
        pushAll(out, r[0] as unknown[]);
        acc = r[1];
      }
    }
    win.acc = acc;
  }

  /** Reduces `events` into `win`, cutting the batch where `triggerEvery` fires. */
  protected reduceCounting(win: Win, events: readonly unknown[], out: unknown[]): void {
    const every = this.w.every;
    if (every === undefined) return this.reduceInto(win, events, out);
    let i = 0;
    while (i < events.length) {
      const end = Math.min(events.length, i + (every - win.sinceEvery));
      this.reduceInto(win, i === 0 && end === events.length ? events : events.slice(i, end), out);
      win.sinceEvery += end - i;
      i = end;
      if (win.sinceEvery === every) {
        win.sinceEvery = 0;
        this.fire(win, { every }, out);
      }
    }
  }

  /** Runs `onTrigger` (or the default emission) for `win`; the accumulator it returns goes on. */
  protected fire(win: Win, trigger: TriggerName, out: unknown[]): void {
    const info: WindowInfo = { type: this.w.type, id: win.id, trigger };
    const onTrigger = this.onTrigger;
    if (onTrigger === undefined) {
      pushAll(out, accumulatorEvents(win.acc, this.reducer.name));
      return;
    }
    const r = onTrigger(win.acc, this.host.partition, info);
    if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[0])) {
      throw typeError('ERR_GENSTAGE_INVALID_RETURN', `onTrigger: expected the function to return [events, acc], got: ${show(r)}`);
    }
    pushAll(out, r[0] as unknown[]);
    win.acc = r[1];
  }
}

/** Global, count and periodic windows: one window open at a time. */
class SequentialWindows extends WindowState {
  private win: Win;
  private readonly limit: number;

  constructor(reducer: ReducerSpec, onTrigger: OnTriggerFn | undefined, window: Window<unknown>, host: WindowHost) {
    super(reducer, onTrigger, window, host);
    this.win = this.newWin(this.w.type === 'global' ? 'global' : 0);
    this.limit = this.w.type === 'count' ? this.w.size : Infinity;
    if (this.w.type === 'periodic') host.sendAfter(new Tick('window', 0), this.w.size);
    this.startPeriodicTriggers();
  }

  feed(events: unknown[], _from: Subscription | null, out: unknown[]): void {
    const limit = this.limit;
    if (limit === Infinity) return this.reduceCounting(this.win, events, out);
    let i = 0;
    while (i < events.length) {
      const win = this.win;
      const end = Math.min(events.length, i + (limit - win.size));
      this.reduceCounting(win, i === 0 && end === events.length ? events : events.slice(i, end), out);
      win.size += end - i;
      i = end;
      if (win.size === limit) this.closeCurrent(out);
    }
  }

  private closeCurrent(out: unknown[]): void {
    const win = this.win;
    this.fire(win, 'done', out);
    this.win = this.newWin((win.id as number) + 1);
  }

  onTimer(tick: unknown, out: unknown[]): boolean {
    if (!this.isTick(tick)) return false;
    if (tick.kind === 'window') {
      this.host.sendAfter(tick, this.w.size);
      this.closeCurrent(out);
    } else this.fire(this.win, this.rearmTrigger(tick), out);
    return true;
  }

  finish(out: unknown[]): void {
    this.fire(this.win, 'done', out);
  }
}

/** Event-time windows, with a watermark per upstream producer. */
class FixedWindows extends WindowState {
  private readonly wins = new Map<number, Win>();
  /** Lowest window not yet done (undefined before the first event). */
  private low: number | undefined;
  private high = -Infinity;
  /** Windows below this start have fired `'watermark'` (with lateness) or `'done'`. */
  private markedBelow = -Infinity;
  /** Windows below this start have fired `'done'`: their events are late. */
  private doneBelow = -Infinity;
  private readonly watermarks = new Map<Subscription | null, number>();
  private late = 0;
  private readonly pendingLateness: number[] = [];

  constructor(reducer: ReducerSpec, onTrigger: OnTriggerFn | undefined, window: Window<unknown>, host: WindowHost) {
    super(reducer, onTrigger, window, host);
    this.startPeriodicTriggers();
  }

  /** Producers subscribed so far: no window closes before every expected one is there. */
  private subscribed = 0;

  override addProducer(from: Subscription): void {
    this.subscribed++;
    this.watermarks.set(from, -Infinity);
  }

  override removeProducer(from: Subscription, out: unknown[]): void {
    this.watermarks.delete(from);
    this.advance(out);
  }

  private windowOf(event: unknown): number {
    const t = this.w.by!(event);
    if (typeof t !== 'number' || !Number.isInteger(t)) {
      throw typeError('ERR_GENSTAGE_INVALID_RETURN', `Window.fixed: expected by(event) to return an integer time in ms, got: ${show(t)} for ${show(event)}`);
    }
    const size = this.w.size;
    return Math.floor(t / size) * size;
  }

  private open(start: number): Win {
    let win = this.wins.get(start);
    if (win === undefined) {
      win = this.newWin(start);
      this.wins.set(start, win);
      if (this.low === undefined || start < this.low) this.low = start;
      if (start > this.high) this.high = start;
    }
    return win;
  }

  feed(events: unknown[], from: Subscription | null, out: unknown[]): void {
    let maxStart = this.watermarks.get(from) ?? -Infinity;
    let runStart = 0;
    let current: number | undefined;
    const flush = (end: number): void => {
      if (current !== undefined && end > runStart) {
        this.reduceCounting(this.open(current), runStart === 0 && end === events.length ? events : events.slice(runStart, end), out);
      }
    };
    for (let i = 0; i < events.length; i++) {
      const start = this.windowOf(events[i]);
      if (start !== current) {
        flush(i);
        runStart = i;
        current = start;
      }
      if (start < this.doneBelow) {
        flush(i);
        runStart = i + 1;
        current = undefined;
        this.lateEvent(events[i], start);
        continue;
      }
      if (start > maxStart) maxStart = start;
    }
    flush(events.length);
    if (from !== null) this.watermarks.set(from, maxStart);
    this.advance(out);
  }

  private lateEvent(event: unknown, start: number): void {
    this.late++;
    this.w.onLate?.(event, { windowId: start, partition: this.host.partition });
  }

  /** Closes every window below the lowest watermark. */
  private advance(out: unknown[]): void {
    if (this.low === undefined || this.watermarks.size === 0 || this.subscribed < this.host.producers) return;
    let wm = Infinity;
    for (const m of this.watermarks.values()) if (m < wm) wm = m;
    if (wm === -Infinity) return;
    const size = this.w.size;
    let s = Math.max(this.low, this.markedBelow);
    for (; s < wm && s <= this.high; s += size) {
      if (this.w.lateness === 0) this.done(s, out);
      else {
        this.fire(this.open(s), 'watermark', out);
        this.pendingLateness.push(s);
        this.host.sendAfter(new Tick('lateness', s), this.w.lateness);
      }
      this.markedBelow = s + size;
    }
  }

  private done(start: number, out: unknown[]): void {
    const win = this.wins.get(start) ?? this.newWin(start);
    this.wins.delete(start);
    this.fire(win, 'done', out);
    this.doneBelow = start + this.w.size;
    this.low = this.doneBelow;
    if (this.markedBelow < this.doneBelow) this.markedBelow = this.doneBelow;
  }

  onTimer(tick: unknown, out: unknown[]): boolean {
    if (!this.isTick(tick)) return false;
    if (tick.kind === 'lateness') {
      const upTo = tick.index;
      while (this.pendingLateness.length > 0 && (this.pendingLateness[0] as number) <= upTo) {
        const s = this.pendingLateness.shift() as number;
        if (s >= this.doneBelow) this.done(s, out);
      }
      return true;
    }
    const name = this.rearmTrigger(tick);
    if (this.low === undefined) return true;
    for (let s = this.low; s <= this.high; s += this.w.size) this.fire(this.open(s), name, out);
    return true;
  }

  finish(out: unknown[]): void {
    if (this.low !== undefined) {
      for (let s = Math.max(this.low, this.doneBelow); s <= this.high; s += this.w.size) this.done(s, out);
    }
    if (this.late > 0 && this.w.onLate === undefined) {
      this.host.warn(`flow stage ${this.host.partition.index + 1}/${this.host.partition.count}: ${this.late} late events (window already done) were left out; give the window onLateEvent(hook) to handle them`);
    }
  }
}
