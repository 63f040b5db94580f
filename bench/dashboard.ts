/**
 * The dashboard's cost: W1 (the counting Producer → ProducerConsumer → Consumer of
 * bench/pipeline.ts, maxDemand 10,000) with a dashboard attached, against the same
 * without. "Attached" means `startDashboard()` running with one page connected to
 * its event stream, sampling every 100 ms (ten times the default rate, so sampling
 * and sending are inside every timed run). The dashboard is started before the timed
 * run and closed after it, and the two modes alternate round by round (which goes
 * first alternates too). The ratio is the median over rounds of that round's rate
 * with the dashboard over its rate without (pairs taken seconds apart see the same
 * load from other processes); the target is at least 0.9.
 *
 * `listenerCost()` is the micro-measurement under that row: the sampler's channel
 * listeners alone, in nanoseconds per message (see its comment).
 *
 * Run alone: npx tsx bench/dashboard.ts [--quick] [--listeners]
 */
import diagnostics from 'node:diagnostics_channel';
import { request } from 'node:http';
import { startDashboard, type Dashboard } from '../src/dashboard/index.js';
import { Sampler } from '../src/dashboard/sampler.js';
import { channels } from '../src/runtime/diagnostics.js';
import { median } from './lib.js';
import { genstageCounter } from './pipeline.js';

export interface DashboardRow {
  name: string;
  eventsPerSecond: number;
  /** This row's rate over the row without the dashboard: the median of the per-round ratios. */
  ratio: number;
  /**
   * The same ratio from the process's CPU time instead of wall time (W1 never waits, so
   * on a quiet machine the two agree; on a loaded one this one is less swamped).
   */
  cpuRatio: number;
  /** Server-sent frames the page received during the timed runs of this row. */
  frames?: number;
}

/** A page's event stream, read and counted like a browser would. */
function connect(dash: Dashboard): Promise<{ frames: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const url = new URL('events', dash.url);
    const req = request(url, (res) => {
      let frames = 0;
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf('\n\n'); i >= 0; i = chunk.indexOf('\n\n', i + 2)) frames++;
      });
      resolve({ frames: () => frames, close: () => req.destroy() });
    });
    req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)));
    req.end();
  });
}

export async function dashboardBench(events = 20_000_000, rounds = 7, warmup = 2): Promise<DashboardRow[]> {
  const without: number[] = [];
  const attached: number[] = [];
  const cpuWithout: number[] = [];
  const cpuAttached: number[] = [];
  let frames = 0;
  for (let r = 0; r < warmup + rounds; r++) {
    for (const mode of r % 2 === 0 ? ['without', 'attached'] : ['attached', 'without']) {
      let dash: Dashboard | undefined;
      let page: Awaited<ReturnType<typeof connect>> | undefined;
      if (mode === 'attached') {
        dash = await startDashboard({ interval: 100 });
        page = await connect(dash);
      }
      const before = page?.frames() ?? 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const sum = await genstageCounter(events);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      if (sum !== events * (events - 1)) throw new Error(`checksum mismatch (${mode}): got ${sum}`);
      if (page) {
        if (r >= warmup) frames += page.frames() - before;
        page.close();
        await dash!.close();
      }
      if (r >= warmup) {
        (mode === 'attached' ? attached : without).push(events / seconds);
        (mode === 'attached' ? cpuAttached : cpuWithout).push(events / ((cpu.user + cpu.system) / 1e6));
      }
    }
  }
  const ratios = attached.map((rate, i) => rate / (without[i] as number));
  const cpuRatios = cpuAttached.map((rate, i) => rate / (cpuWithout[i] as number));
  return [
    { name: 'W1 without a dashboard', eventsPerSecond: median(without), ratio: 1, cpuRatio: 1 },
    { name: 'W1 with the dashboard attached (a page connected, 100 ms samples)', eventsPerSecond: median(attached), ratio: median(ratios), cpuRatio: median(cpuRatios), frames },
  ];
}

export interface ListenerCostRow {
  name: string;
  /** Median over rounds of the CPU time per published message, in ns. */
  nsPerMessage: number;
  /** This row minus the row with a do-nothing listener on the same channels. */
  listenerNs: number;
}

/**
 * The sampler's listeners alone: `messages` synthetic messages published on the
 * channels in W1's mix (per 5 messages: 2 `demand`, 2 `events`, 1 `produce`, on two
 * subscriptions P → PC → C, as W1 publishes them), timed with (a) a do-nothing
 * listener on each of the three channels and (b) a `Sampler` listening, the two
 * alternating round by round, sampled once per round as the dashboard would, timed
 * in process CPU time (`process.cpuUsage()`, so a loaded machine does not count). The
 * messages are built once beforehand, so the figure is publish + listener, and
 * `listenerNs` (b − a) is what the sampler's listeners add per message.
 */
export function listenerCost(messages = 5_000_000, rounds = 7, warmup = 2): ListenerCostRow[] {
  const stage = (name: string) => ({ name, estimateBufferedCount: () => Promise.resolve(0) });
  const p = stage('P');
  const pc = stage('PC');
  const c = stage('C');
  const subscription = (tag: number, producer: object, consumer: object) => ({ tag, producer, consumer, options: {}, maxDemand: 10_000, minDemand: 7_500 });
  const s1 = subscription(1, p, pc);
  const s2 = subscription(2, pc, c);
  const demand1 = { stage: p, subscription: s1, count: 2_500 };
  const demand2 = { stage: pc, subscription: s2, count: 2_500 };
  const events1 = { stage: pc, subscription: s1, count: 2_500, duration: 0.2 };
  const events2 = { stage: c, subscription: s2, count: 2_500, duration: 0.1 };
  const produce = { stage: p, demand: 2_500, count: 2_500, duration: 0.1 };
  const start = [
    { subscription: s1, producer: p, consumer: pc },
    { subscription: s2, producer: pc, consumer: c },
  ];
  // CPU time of this thread's process rather than wall time: the figure is about the
  // listeners' work, which a loaded machine's descheduling would otherwise swamp.
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const loop = (): number => {
    const t0 = cpuMs();
    for (let i = 0; i < messages; i += 5) {
      channels.demand.publish(demand1);
      channels.events.publish(events1);
      channels.produce.publish(produce);
      channels.demand.publish(demand2);
      channels.events.publish(events2);
    }
    return ((cpuMs() - t0) * 1e6) / messages;
  };
  const noop = (): void => {};
  const names = ['genstage:demand', 'genstage:events', 'genstage:produce'];
  const times = { noop: [] as number[], sampler: [] as number[] };
  for (let r = 0; r < warmup + rounds; r++) {
    for (const mode of r % 2 === 0 ? (['noop', 'sampler'] as const) : (['sampler', 'noop'] as const)) {
      let ns: number;
      if (mode === 'noop') {
        for (const n of names) diagnostics.subscribe(n, noop);
        ns = loop();
        for (const n of names) diagnostics.unsubscribe(n, noop);
      } else {
        const sampler = new Sampler();
        for (const m of start) channels.subscriptionStart.publish(m);
        ns = loop();
        const snapshot = sampler.sample();
        sampler.close();
        const handled = snapshot.stages.reduce((sum, s) => sum + s.inTotal, 0);
        if (handled !== (messages / 5) * 2 * 2_500) throw new Error(`the sampler counted ${handled} events handled`);
      }
      if (r >= warmup) times[mode].push(ns);
    }
  }
  const noopNs = median(times.noop);
  const samplerNs = median(times.sampler);
  return [
    { name: 'publish, a do-nothing listener', nsPerMessage: noopNs, listenerNs: 0 },
    { name: 'publish, the sampler listening', nsPerMessage: samplerNs, listenerNs: samplerNs - noopNs },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  if (process.argv.includes('--listeners')) console.table(listenerCost(quick ? 1_000_000 : 5_000_000, quick ? 3 : 7, quick ? 1 : 2));
  else console.table(await dashboardBench(quick ? 5_000_000 : 20_000_000, quick ? 3 : 7, quick ? 1 : 2));
}
