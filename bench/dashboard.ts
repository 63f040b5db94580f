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
 * Run alone: npx tsx bench/dashboard.ts [--quick]
 */
import { request } from 'node:http';
import { startDashboard, type Dashboard } from '../src/dashboard/index.js';
import { median } from './lib.js';
import { genstageCounter } from './pipeline.js';

export interface DashboardRow {
  name: string;
  eventsPerSecond: number;
  /** This row's rate over the row without the dashboard: the median of the per-round ratios. */
  ratio: number;
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
      const sum = await genstageCounter(events);
      const seconds = (performance.now() - t0) / 1000;
      if (sum !== events * (events - 1)) throw new Error(`checksum mismatch (${mode}): got ${sum}`);
      if (page) {
        if (r >= warmup) frames += page.frames() - before;
        page.close();
        await dash!.close();
      }
      if (r >= warmup) (mode === 'attached' ? attached : without).push(events / seconds);
    }
  }
  const ratios = attached.map((rate, i) => rate / (without[i] as number));
  return [
    { name: 'W1 without a dashboard', eventsPerSecond: median(without), ratio: 1 },
    { name: 'W1 with the dashboard attached (a page connected, 100 ms samples)', eventsPerSecond: median(attached), ratio: median(ratios), frames },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  console.table(await dashboardBench(quick ? 5_000_000 : 20_000_000, quick ? 3 : 7, quick ? 1 : 2));
}
