/**
 * Helpers shared by the benchmark suites: interleaved rounds with a median, number
 * formatting, heap measurement after a full collection, a markdown table printer and
 * a line describing the machine.
 */
import { readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// ------------------------------------------------------------------ files

/** The latest modification time (ms) of the files under `dir`: is a build older than its sources? */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// ------------------------------------------------------------------ timing

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The value at quantile `q` (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** One contender: runs the work once and returns a checksum of what it computed. */
export interface Contender {
  name: string;
  run: () => unknown;
}

export interface MeasureOptions {
  /** Timed rounds; each round runs every contender once, in order. */
  rounds: number;
  /** Untimed rounds first (JIT warm-up). */
  warmup?: number;
  /** What every contender must return; a mismatch throws naming the contender. */
  expected?: unknown;
  /**
   * The shortest timed sample, in ms. A contender whose run takes less (measured
   * in the last warm-up round) is repeated within each sample enough times to fill
   * it, and its time is divided back per run. Default 0 (one run per sample).
   */
  minSampleMs?: number;
}

/**
 * Runs every contender `warmup + rounds` times, interleaved (round 1 runs all of
 * them, then round 2...) so they share the machine's state alike, and returns the
 * median wall time of one run of each, in seconds. Every run's result is checked
 * against `expected`.
 *
 * No collection is forced between runs: a forced full GC clears V8's weak map
 * transitions and inline-cache maps, and the next run of every contender then
 * deoptimises and re-optimises ("wrong map"), which a running service never sees
 * (measured here: a genstage pipeline at ~250 M events/s fell to 30–140 M/s with a
 * `gc()` before each run). Garbage left by one contender is collected while the
 * next runs; repeating short runs to `minSampleMs` and the median over interleaved
 * rounds even that out.
 */
export async function measure(contenders: readonly Contender[], options: MeasureOptions): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const reps = new Map<string, number>(contenders.map((c) => [c.name, 1]));
  const warmup = Math.max(options.warmup ?? 0, options.minSampleMs ? 1 : 0);
  const check = (c: Contender, result: unknown): void => {
    if ('expected' in options && !Object.is(result, options.expected)) {
      throw new Error(`checksum mismatch in "${c.name}": got ${String(result)}, expected ${String(options.expected)}`);
    }
  };
  for (let r = 0; r < warmup + options.rounds; r++) {
    for (const c of contenders) {
      const n = reps.get(c.name) as number;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) check(c, await c.run());
      const ms = performance.now() - t0;
      if (r >= warmup) (samples.get(c.name) as number[]).push(ms / n / 1000);
      else if (r === warmup - 1 && options.minSampleMs) reps.set(c.name, Math.max(1, Math.ceil(options.minSampleMs / Math.max(ms, 0.01))));
    }
  }
  return new Map([...samples].map(([name, s]) => [name, median(s)]));
}

// ------------------------------------------------------------------ memory

type Gc = () => void;
let gcFn: Gc | null | undefined;

/**
 * `global.gc`, exposed at run time when node was not started with `--expose-gc`
 * (`npm run bench` runs plain `tsx`). `null` if neither works.
 */
export function getGc(): Gc | null {
  if (gcFn !== undefined) return gcFn;
  const g = (globalThis as { gc?: Gc }).gc;
  if (typeof g === 'function') return (gcFn = g);
  try {
    setFlagsFromString('--expose-gc');
    const exposed = runInNewContext('gc') as unknown;
    gcFn = typeof exposed === 'function' ? (exposed as Gc) : null;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** A full collection when one can be asked for; otherwise nothing. */
export function collectGarbage(): void {
  const gc = getGc();
  if (gc !== null) {
    gc();
    gc();
  }
}

/** `heapUsed` in bytes after a full collection, or `undefined` when gc cannot be called. */
export function heapAfterGc(): number | undefined {
  if (getGc() === null) return undefined;
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

// ------------------------------------------------------------------ formatting

/** `123456789` → `123.5 M/s`; `12345` → `12.3 k/s`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return String(perSecond);
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(perSecond >= 1e8 ? 0 : 1)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

/** `2.345` → `2.35×`; small ratios keep three significant digits (`0.0123×`). */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  if (ratio >= 10) return `${ratio.toFixed(1)}×`;
  if (ratio >= 0.1) return `${ratio.toFixed(2)}×`;
  return `${ratio.toPrecision(3)}×`;
}

export function formatSeconds(seconds: number): string {
  return seconds >= 10 ? `${seconds.toFixed(1)} s` : `${seconds.toFixed(3)} s`;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return `${ms.toFixed(ms >= 100 ? 0 : 2)} ms`;
}

/**
 * Formats one cell of a result row by its key: rates (`…PerSecond`), ratios
 * (`ratio`, `vs…`, `…Ratio`, `speedup`, `scaling`), `seconds`, `…MB`, `…Ms`; anything else as is.
 */
export function formatCell(key: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'number') return String(value);
  if (/PerSecond$/.test(key)) return formatRate(value);
  if (/^(ratio|speedup|scaling)$|^vs[A-Z]|Ratio$/.test(key)) return formatRatio(value);
  if (key === 'seconds') return formatSeconds(value);
  if (/MB$/.test(key)) return `${value.toFixed(Math.abs(value) >= 10 ? 1 : 2)} MB`;
  if (/Ms$/.test(key)) return formatMs(value);
  if (key === 'ms') return formatMs(value);
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(3);
}

/** `eventsPerSecond` → `events per second`, `vsFasterPeer` → `vs faster peer`, `p99LagMs` → `p99 lag (ms)`, `heapGrowthMB` → `heap growth (MB)`. */
export function headerOf(key: string): string {
  const units: [RegExp, string][] = [[/PerSecond$/, ' per second'], [/MB$/, ' (MB)'], [/Ms$/, ' (ms)']];
  let unit = '';
  let base = key;
  for (const [re, text] of units) {
    if (re.test(key)) {
      base = key.replace(re, '');
      unit = text;
      break;
    }
  }
  return base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase() + unit;
}

/** A GitHub markdown table; numeric-looking columns are right-aligned. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || /^[-\d.,]+\s?(×|[kM]?\/s|s|ms|MB)?$/.test(r[i] as string)));
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const lines = [
    `| ${headers.map(escape).join(' | ')} |`,
    `|${headers.map((_, i) => (numeric[i] ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${headers.map((_, i) => escape(r[i] ?? '')).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** A table from row objects: the union of their keys, in first-seen order, each cell formatted by `formatCell`. */
export function rowsTable(rows: readonly object[]): string {
  const keys: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
  return markdownTable(
    keys.map(headerOf),
    rows.map((row) => keys.map((k) => formatCell(k, (row as Record<string, unknown>)[k]))),
  );
}

// ------------------------------------------------------------------ machine

/** `AMD EPYC 7B13, 2 cores, Node v20.20.2, 2025-01-31` */
export function machineLine(date = new Date()): string {
  const list = cpus();
  const model = (list[0]?.model ?? 'unknown CPU').trim().replace(/\s+/g, ' ');
  return `${model}, ${list.length} cores, Node ${process.version}, ${date.toISOString().slice(0, 10)}`;
}

/** `0.12 0.34 0.56` (1, 5 and 15 minute load averages). */
export function loadLine(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
