/**
 * Per-message cost: W1's three stages with `maxDemand: 1` on both subscriptions
 * (`minDemand` 0: each event is asked for, sent and acknowledged on its own), next
 * to the same with `maxDemand: 10` and the default. Median of 5 interleaved rounds
 * after 2 warm-up rounds.
 *
 * Run alone: npx tsx bench/per-message.ts [--quick]
 */
import { measure } from './lib.js';
import { w1 } from './after-gc.js';

export interface PerMessageRow {
  name: string;
  eventsPerSecond: number;
}

export async function perMessageBench(events = 200_000, rounds = 5): Promise<PerMessageRow[]> {
  const expected = events * (events - 1);
  const list = [1, 10, undefined].map((maxDemand) => ({
    name: `W1 3 stages, maxDemand ${maxDemand ?? '1,000 (default)'}`,
    run: () => w1(events, maxDemand),
  }));
  const times = await measure(list, { rounds, warmup: 2, expected, minSampleMs: 100 });
  return list.map(({ name }) => ({ name, eventsPerSecond: events / (times.get(name) as number) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await perMessageBench(quick ? 50_000 : 200_000, quick ? 1 : 5)));
}
