// What the dashboard's sampler gives the page each tick (`Sampler.sample()`): plain,
// JSON-serialisable records, exported from `genstage/dashboard` for tools that read
// the snapshots themselves.

/** What the page receives each tick: a whole picture, JSON-serialisable. */
export interface Snapshot {
  /** Tick number, from 1. */
  tick: number;
  /** Wall-clock time of the sample (ms since the epoch). */
  time: number;
  stages: StageView[];
  edges: EdgeView[];
  supervisors: SupervisorView[];
  /** The stage whose consumers wait on it most, or null when none is busy enough to tell. */
  bottleneck: { id: number; name: string; busy: number } | null;
}

export interface StageView {
  id: number;
  name: string;
  kind: string;
  dispatcher: string | null;
  state: 'running' | 'crashed';
  /** The exit reason of a crashed stage, as text, and when it exited. */
  reason: string | null;
  exitedAt: number | null;
  /** Events handled per second (consumers, producer-consumers). */
  inRate: number;
  /** Events of this stage its consumers handled, per second. */
  outRate: number;
  /** inRate for stages that consume, outRate for producers: one value per tick, oldest first. */
  history: number[];
  inTotal: number;
  outTotal: number;
  /** From `estimateBufferedCount()`, polled once a tick (null until the first answer). */
  buffered: number | null;
  discarded: number;
  /** Share of the last ticks spent in handleEvents/handleDemand (0..1), and the total in ms. */
  busy: number;
  busyMs: number;
  /** A flow stage: its flow, layer and partition index, read from the name flows give. */
  flow: { flow: string; layer: string; index: number } | null;
}

export interface EdgeView {
  id: number;
  from: number;
  to: number;
  maxDemand: number;
  minDemand: number;
  /** Events asked for on this subscription and not yet handled by the consumer. */
  pending: number;
  partition: string | null;
}

export interface SupervisorView {
  name: string;
  running: number;
  restarting: number;
  /** Children that left the supervisor (ended, terminated, or out of restarts). */
  exited: number;
  restarts: number;
  /** Names of the running stage children. */
  stages: string[];
}
