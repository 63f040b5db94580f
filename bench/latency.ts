/**
 * Continuation latency while a pipeline runs: three probes run side by side while
 * 10,000,000 events go through W1 (counting Producer → ProducerConsumer →
 * Consumer), and once with no pipeline (the baseline):
 *
 * - await continuation: an idle stage's `handleInfo` resolves a promise the caller
 *   awaits, noting the time; the delay is from that resolution to the caller's code
 *   after `await` running. The caller then sends the next message at once.
 * - `call()` round trip: `await idle.call('ping')`, one after another.
 * - `setTimeout(1)` lag: the time a 1 ms timeout took beyond 1 ms, re-armed at once.
 *
 * Quantiles over every sample of `runs` runs. The idle stage is a separate stage,
 * not part of the pipeline: what is measured is how long the pipeline holds the
 * thread before promise continuations, other stages' messages and timers get it.
 *
 * Run alone: npx tsx bench/latency.ts [--quick]
 */
import { Consumer, GenStage, type CallFrom, type CallResult } from '../src/index.js';
import { median, quantile } from './lib.js';
import { w1 } from './after-gc.js';
import { MAX_DEMAND } from './pipeline.js';

export interface LatencyRow {
  name: string;
  /** Median wall time of the pipeline run (the probes ran for this long). */
  ms: number;
  awaitP50Ms: number;
  awaitP99Ms: number;
  callP50Ms: number;
  callP99Ms: number;
  timerP50Ms: number;
  timerP99Ms: number;
  /** Samples of the await probe (the others are similar or fewer). */
  samples: number;
}

interface Wake {
  resolvedAt: number;
  resolve: () => void;
}

/** Answers calls and resolves the promises it is sent. */
class Idle extends Consumer<never> {
  handleEvents(): void {}
  override handleCall(_request: unknown, _from: CallFrom): CallResult<never> {
    return { reply: 'pong' };
  }
  override handleInfo(message: unknown): undefined {
    const wake = message as Wake;
    wake.resolvedAt = performance.now();
    wake.resolve();
    return undefined;
  }
}

interface Probes {
  awaits: number[];
  calls: number[];
  timers: number[];
}

/** Runs the three probes until `work` settles, then until each probe's current sample ends. */
async function probe(work: () => Promise<unknown>): Promise<Probes & { ms: number }> {
  const idle = await GenStage.start(new Idle());
  const out: Probes = { awaits: [], calls: [], timers: [] };
  let running = true;
  const awaits = (async () => {
    while (running) {
      const wake: Wake = { resolvedAt: 0, resolve: () => {} };
      const p = new Promise<void>((resolve) => (wake.resolve = resolve));
      idle.send(wake);
      await p;
      out.awaits.push(performance.now() - wake.resolvedAt);
    }
  })();
  const calls = (async () => {
    while (running) {
      const t0 = performance.now();
      await idle.call('ping', Infinity);
      out.calls.push(performance.now() - t0);
    }
  })();
  const timers = (async () => {
    while (running) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      out.timers.push(performance.now() - t0 - 1);
    }
  })();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  running = false;
  await Promise.all([awaits, calls, timers]);
  idle.stop('normal');
  await idle.done;
  return { ...out, ms };
}

/** Lets the probes run for `ms` with no pipeline. */
const idleFor = (ms: number) => (): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function row(name: string, all: Probes, ms: number): LatencyRow {
  return {
    name,
    ms,
    awaitP50Ms: quantile(all.awaits, 0.5),
    awaitP99Ms: quantile(all.awaits, 0.99),
    callP50Ms: quantile(all.calls, 0.5),
    callP99Ms: quantile(all.calls, 0.99),
    timerP50Ms: quantile(all.timers, 0.5),
    timerP99Ms: quantile(all.timers, 0.99),
    samples: all.awaits.length,
  };
}

export async function latencyBench(runs = 3, events = 10_000_000): Promise<LatencyRow[]> {
  const expected = events * (events - 1);
  await w1(100_000); // compile the pipeline before the first timed run
  const contenders: { name: string; work: () => Promise<unknown> }[] = [
    { name: 'no pipeline (baseline, 200 ms)', work: idleFor(200) },
    {
      name: `W1 ${events.toLocaleString('en-US')} events (default maxDemand)`,
      work: async () => {
        const sum = await w1(events);
        if (sum !== expected) throw new Error(`checksum mismatch in the latency pipeline: got ${sum}, expected ${expected}`);
      },
    },
    {
      name: `W1 ${events.toLocaleString('en-US')} events (maxDemand ${MAX_DEMAND.toLocaleString('en-US')})`,
      work: async () => {
        const sum = await w1(events, MAX_DEMAND);
        if (sum !== expected) throw new Error(`checksum mismatch in the latency pipeline: got ${sum}, expected ${expected}`);
      },
    },
  ];
  const collected = contenders.map(() => ({ probes: { awaits: [], calls: [], timers: [] } as Probes, ms: [] as number[] }));
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const result = await probe((contenders[i] as (typeof contenders)[number]).work);
      const c = collected[i] as (typeof collected)[number];
      c.probes.awaits.push(...result.awaits);
      c.probes.calls.push(...result.calls);
      c.probes.timers.push(...result.timers);
      c.ms.push(result.ms);
    }
  }
  return contenders.map((c, i) => {
    const got = collected[i] as (typeof collected)[number];
    return row(c.name, got.probes, median(got.ms));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await latencyBench(quick ? 1 : 3, quick ? 1_000_000 : 10_000_000)));
}
