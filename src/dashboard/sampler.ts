import diagnostics from 'node:diagnostics_channel';
import { describeReason, isNormalReason } from '../runtime/reason.js';
import type {
  BufferDiscardMessage, DemandMessage, EventsMessage, ProduceMessage, StageExitMessage, StageStartMessage,
  SubscriptionCancelMessage, SubscriptionStartMessage, SupervisorChildMessage,
} from '../stage/channel-messages.js';
import type { Stage } from '../stage/handle.js';
import type { Subscription } from '../stage/subscription.js';
import type { EdgeView, Snapshot, StageView, SupervisorView } from './snapshot.js';

/** Samples of history kept per stage (one per tick): a minute at the default rate. */
const HISTORY = 60;
/** Crashed stages kept on the page after they exited, newest first. */
const KEEP_CRASHED = 20;
/** Ticks averaged for the busy fraction (so one long callback does not flicker). */
const BUSY_WINDOW = 3;
/** Below this share of a stage's time spent in callbacks, nothing is named the bottleneck. */
const BOTTLENECK_MIN = 0.2;

class StageState {
  inTotal = 0;
  outTotal = 0;
  busyMs = 0;
  discarded = 0;
  buffered: number | null = null;
  state: 'running' | 'crashed' = 'running';
  reason: string | null = null;
  exitedAt: number | null = null;
  readonly history: number[] = [];
  readonly busyHistory: number[] = [];
  lastIn = 0;
  lastOut = 0;
  lastBusy = 0;
  inRate = 0;
  outRate = 0;
  readonly flow: StageView['flow'];
  constructor(
    readonly id: number,
    readonly stage: Stage<unknown>,
    readonly name: string,
    public kind: string,
    public dispatcher: string | null,
  ) {
    const m = /^(flow\d+):(.+)#(\d+)$/.exec(name);
    this.flow = m ? { flow: m[1]!, layer: m[2]!, index: Number(m[3]) } : null;
  }
}

/**
 * One subscription's counters: the only object a `demand` or `events` message touches
 * (one map lookup, then two or three number fields). The stages' totals are summed from
 * their edges at the sample tick (`flush`), not per message.
 */
class EdgeState {
  asked = 0;
  handled = 0;
  /** Time the consumer spent in handleEvents for this subscription, in ms. */
  busyMs = 0;
  /** `handled` and `busyMs` already added to the stages' totals. */
  flushedHandled = 0;
  flushedBusy = 0;
  constructor(
    readonly id: number,
    readonly from: StageState,
    readonly to: StageState,
    readonly subscription: Subscription<unknown>,
  ) {}

  /** Adds what this edge counted since the last flush to its two stages. */
  flush(): void {
    const handled = this.handled - this.flushedHandled;
    const busy = this.busyMs - this.flushedBusy;
    if (handled === 0 && busy === 0) return;
    this.flushedHandled = this.handled;
    this.flushedBusy = this.busyMs;
    this.to.inTotal += handled;
    this.to.busyMs += busy;
    this.from.outTotal += handled;
  }
}

class SupervisorState {
  readonly children = new Map<number, { state: 'running' | 'restarting'; stage: string | null }>();
  exited = 0;
  restarts = 0;
  constructor(readonly name: string) {}
}

/**
 * Listens on the public diagnostics channels and keeps counters: a per-batch message
 * (`demand`, `events`, `produce`) costs one map lookup and adds to one record's
 * numbers (under 10 ns over a do-nothing listener, `bench/dashboard.ts --listeners`). `sample()` turns the counters into
 * rates and a `Snapshot` at a fixed rate; `close()` unsubscribes from everything.
 */
export class Sampler {
  private readonly stages = new Map<Stage<unknown>, StageState>();
  private readonly edges = new Map<Subscription<unknown>, EdgeState>();
  private readonly supervisors = new Map<string, SupervisorState>();
  /**
   * Stages that have exited. A consumer still handles the last events of a producer
   * that has just exited, and their messages must not bring it back (nor hold it in
   * memory): such late counts go to a state that is not kept.
   */
  private readonly exited = new WeakSet<Stage<unknown>>();
  private crashed: StageState[] = [];
  private nextId = 1;
  private tick = 0;
  private lastSample = performance.now();
  private readonly subscriptions: [string, (message: unknown) => void][] = [];

  constructor() {
    this.listen('genstage:stage:start', (m: StageStartMessage) => {
      const s = this.stageOf(m.stage);
      s.kind = m.kind;
      s.dispatcher = m.dispatcher ?? null;
    });
    this.listen('genstage:stage:exit', (m: StageExitMessage) => this.onExit(m));
    this.listen('genstage:subscription:start', (m: SubscriptionStartMessage) => {
      this.edgeOf(m.subscription);
    });
    this.listen('genstage:subscription:cancel', (m: SubscriptionCancelMessage) => {
      this.edges.get(m.subscription)?.flush();
      this.edges.delete(m.subscription);
    });
    // The three per-batch channels (W1 publishes about 10,000 of their messages per
    // 10 M events): one lookup in a map the closure holds, then a few number fields on
    // one record; nothing allocated once the subscription or stage is known.
    const edges = this.edges;
    const stages = this.stages;
    this.listen('genstage:demand', (m: DemandMessage) => {
      (edges.get(m.subscription) ?? this.edgeOf(m.subscription)).asked += m.count;
    });
    this.listen('genstage:events', (m: EventsMessage) => {
      let edge = edges.get(m.subscription);
      if (edge !== undefined) {
        edge.handled += m.count;
        edge.busyMs += m.duration;
        return;
      }
      // First batch on this subscription, or a late one from a stage that has exited
      // (an edge that is not kept): its counts go to the stages at once.
      edge = this.edgeOf(m.subscription);
      edge.handled += m.count;
      edge.busyMs += m.duration;
      edge.flush();
    });
    this.listen('genstage:produce', (m: ProduceMessage) => {
      (stages.get(m.stage) ?? this.stageOf(m.stage)).busyMs += m.duration;
    });
    this.listen('genstage:buffer:discard', (m: BufferDiscardMessage) => {
      this.stageOf(m.stage).discarded += m.count;
    });
    this.listen('genstage:supervisor:child', (m: SupervisorChildMessage) => this.onChild(m));
  }

  private listen<M>(channel: string, handler: (message: M) => void): void {
    const h = handler as (message: unknown) => void;
    diagnostics.subscribe(channel, h);
    this.subscriptions.push([channel, h]);
  }

  /** A stage seen for the first time (it may have started before the dashboard). */
  private stageOf(stage: Stage<unknown>): StageState {
    let s = this.stages.get(stage);
    if (s === undefined) {
      s = new StageState(this.exited.has(stage) ? 0 : this.nextId++, stage, stage.name, 'unknown', null);
      if (s.id !== 0) this.stages.set(stage, s);
    }
    return s;
  }

  private edgeOf(subscription: Subscription<unknown>): EdgeState {
    let e = this.edges.get(subscription);
    if (e === undefined) {
      const from = this.stageOf(subscription.producer);
      const to = this.stageOf(subscription.consumer);
      if (from.kind === 'unknown') from.kind = 'producer';
      if (to.kind === 'unknown') to.kind = 'consumer';
      e = new EdgeState(subscription.tag, from, to, subscription);
      if (from.id !== 0 && to.id !== 0) this.edges.set(subscription, e);
    }
    return e;
  }

  private onExit(m: StageExitMessage): void {
    const s = this.stages.get(m.stage);
    this.stages.delete(m.stage);
    this.exited.add(m.stage);
    for (const [sub, edge] of this.edges) {
      if (edge.from.stage === m.stage || edge.to.stage === m.stage) {
        edge.flush();
        this.edges.delete(sub);
      }
    }
    if (isNormalReason(m.reason)) return;
    const crashed = s ?? new StageState(this.nextId++, m.stage, m.name, m.kind, null);
    crashed.kind = m.kind;
    crashed.state = 'crashed';
    crashed.reason = describeReason(m.reason);
    crashed.exitedAt = Date.now();
    crashed.inRate = 0;
    crashed.outRate = 0;
    this.crashed.unshift(crashed);
    if (this.crashed.length > KEEP_CRASHED) this.crashed.length = KEEP_CRASHED;
  }

  private onChild(m: SupervisorChildMessage): void {
    let sup = this.supervisors.get(m.supervisor);
    if (sup === undefined) {
      sup = new SupervisorState(m.supervisor);
      this.supervisors.set(m.supervisor, sup);
    }
    if (m.state === 'exited') {
      if (sup.children.delete(m.id)) sup.exited++;
      return;
    }
    if (m.state === 'restarting') sup.restarts++;
    const child = m.child as { name?: unknown } | undefined;
    sup.children.set(m.id, { state: m.state, stage: typeof child?.name === 'string' ? child.name : null });
  }

  /** Rates since the last sample, the bottleneck, and everything the page draws. */
  sample(): Snapshot {
    const now = performance.now();
    const seconds = Math.max((now - this.lastSample) / 1000, 1e-3);
    this.lastSample = now;
    this.tick++;
    for (const e of this.edges.values()) e.flush();
    const stages: StageView[] = [];
    const running = [...this.stages.values()];
    for (const s of running) {
      s.inRate = (s.inTotal - s.lastIn) / seconds;
      s.outRate = (s.outTotal - s.lastOut) / seconds;
      s.lastIn = s.inTotal;
      s.lastOut = s.outTotal;
      push(s.history, s.kind === 'producer' ? s.outRate : s.inRate, HISTORY);
      push(s.busyHistory, Math.min(1, (s.busyMs - s.lastBusy) / (seconds * 1000)), BUSY_WINDOW);
      s.lastBusy = s.busyMs;
      if (s.kind !== 'consumer') this.pollBuffered(s);
    }
    for (const s of running) stages.push(view(s));
    for (const s of this.crashed) stages.push(view(s));
    const edges: EdgeView[] = [];
    for (const e of this.edges.values()) {
      const partition = e.subscription.options.partition;
      edges.push({
        id: e.id, from: e.from.id, to: e.to.id,
        maxDemand: e.subscription.maxDemand, minDemand: e.subscription.minDemand,
        pending: Math.max(0, e.asked - e.handled),
        partition: partition === undefined ? null : showPartition(partition),
      });
    }
    const supervisors: SupervisorView[] = [];
    for (const sup of this.supervisors.values()) {
      let runningChildren = 0;
      let restarting = 0;
      const names: string[] = [];
      for (const c of sup.children.values()) {
        if (c.state === 'running') runningChildren++;
        else restarting++;
        if (c.stage !== null && c.state === 'running') names.push(c.stage);
      }
      supervisors.push({ name: sup.name, running: runningChildren, restarting, exited: sup.exited, restarts: sup.restarts, stages: names.slice(0, 20) });
    }
    return { tick: this.tick, time: Date.now(), stages, edges, supervisors, bottleneck: this.bottleneck(running) };
  }

  /**
   * The stage whose consumers wait on it most: its share of time in callbacks, times
   * how idle its consumers are (a busy stage whose consumers are busy too is not what
   * holds them up). A sink has no consumers: its own busy share counts alone.
   */
  private bottleneck(running: StageState[]): Snapshot['bottleneck'] {
    const consumersOf = new Map<StageState, StageState[]>();
    for (const e of this.edges.values()) {
      const list = consumersOf.get(e.from);
      if (list) list.push(e.to);
      else consumersOf.set(e.from, [e.to]);
    }
    let best: StageState | undefined;
    let bestScore = 0;
    for (const s of running) {
      const busy = average(s.busyHistory);
      const consumers = consumersOf.get(s);
      const idle = consumers ? consumers.reduce((sum, c) => sum + (1 - average(c.busyHistory)), 0) / consumers.length : 1;
      const score = busy * idle;
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    if (best === undefined || bestScore < BOTTLENECK_MIN) return null;
    return { id: best.id, name: best.name, busy: average(best.busyHistory) };
  }

  private pollBuffered(s: StageState): void {
    // Public API, answered in the stage's turn. A stage that exits meanwhile rejects
    // (StageExitError): its stage:exit is on the way, nothing to report here.
    s.stage.estimateBufferedCount().then(
      (n) => {
        if (typeof n === 'number') s.buffered = n;
      },
      () => {},
    );
  }

  close(): void {
    for (const [channel, handler] of this.subscriptions) diagnostics.unsubscribe(channel, handler);
    this.subscriptions.length = 0;
    this.stages.clear();
    this.edges.clear();
    this.supervisors.clear();
    this.crashed = [];
  }
}

/** A partition as the page shows it: numbers and strings as they are, anything else as JSON. */
function showPartition(partition: unknown): string {
  if (typeof partition === 'string') return partition;
  if (typeof partition === 'number' || typeof partition === 'boolean' || typeof partition === 'bigint') return partition.toString();
  try {
    return JSON.stringify(partition) ?? typeof partition;
  } catch {
    return typeof partition;
  }
}

function push(list: number[], value: number, max: number): void {
  list.push(value);
  if (list.length > max) list.shift();
}

function average(list: number[]): number {
  if (list.length === 0) return 0;
  let sum = 0;
  for (const v of list) sum += v;
  return sum / list.length;
}

function view(s: StageState): StageView {
  return {
    id: s.id, name: s.name, kind: s.kind, dispatcher: s.dispatcher, state: s.state, reason: s.reason, exitedAt: s.exitedAt,
    inRate: s.inRate, outRate: s.outRate, history: [...s.history], inTotal: s.inTotal, outTotal: s.outTotal,
    buffered: s.buffered, discarded: s.discarded, busy: average(s.busyHistory), busyMs: s.busyMs, flow: s.flow,
  };
}
