/**
 * Partitioned routing: 1,000,000 integers split over 256 partitions by `x % 256`,
 * each partition summed. genstage: the counting `Producer` with a
 * `PartitionDispatcher` (256 partitions; its default hash, and a modulo `hash`) and
 * 256 summing consumers (default maxDemand); RxJS: `range` → `groupBy(x % 256)` →
 * `mergeMap(group => group.pipe(reduce))`; a hand loop into 256 sums. Median of 5
 * interleaved rounds after 2 warm-up rounds; every run's total is checked.
 *
 * Run alone: npx tsx bench/partition.ts [--quick]
 */
import { groupBy, mergeMap, range as rxRange, reduce as rxReduce } from 'rxjs';
import { GenStage, PartitionDispatcher } from '../src/index.js';
import { measure } from './lib.js';
import { Counter, Sum } from './pipeline.js';

export interface PartitionRow {
  name: string;
  eventsPerSecond: number;
  vsRxjs: number;
}

const PARTITIONS = 256;

async function genstage(events: number, modulo: boolean): Promise<number> {
  const dispatcher = modulo
    ? new PartitionDispatcher<number>({ partitions: PARTITIONS, hash: (x) => [x, x % PARTITIONS] })
    : new PartitionDispatcher<number>({ partitions: PARTITIONS });
  // Demand is accumulated until every partition has its consumer, so none misses events.
  const producer = await GenStage.start(new Counter(events), { dispatcher, demand: 'accumulate' });
  const sinks: Sum[] = [];
  const stages = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const sink = new Sum();
    sinks.push(sink);
    stages.push(await GenStage.start(sink, { subscribeTo: [{ to: producer, partition: p }] }));
  }
  producer.demand('forward');
  await Promise.all(stages.map((s) => s.done));
  return sinks.reduce((acc, s) => acc + s.sum, 0);
}

function rxjs(events: number): number {
  let total = 0;
  rxRange(0, events)
    .pipe(
      groupBy((x) => x % PARTITIONS),
      mergeMap((group) => group.pipe(rxReduce((acc, x) => acc + x, 0))),
    )
    .subscribe((sum) => (total += sum));
  return total;
}

function loop(events: number): number {
  const sums = new Float64Array(PARTITIONS);
  for (let i = 0; i < events; i++) sums[i % PARTITIONS] = (sums[i % PARTITIONS] as number) + i;
  let total = 0;
  for (const s of sums) total += s;
  return total;
}

const RXJS_ROW = `RxJS range → groupBy(x % ${PARTITIONS}) → mergeMap(reduce)`;

export async function partitionBench(events = 1_000_000, rounds = 5): Promise<PartitionRow[]> {
  const expected = (events * (events - 1)) / 2;
  const list = [
    { name: `hand loop into ${PARTITIONS} sums`, run: () => loop(events) },
    { name: `genstage PartitionDispatcher, ${PARTITIONS} partitions, default hash`, run: () => genstage(events, false) },
    { name: `genstage PartitionDispatcher, ${PARTITIONS} partitions, hash x % ${PARTITIONS}`, run: () => genstage(events, true) },
    { name: RXJS_ROW, run: () => rxjs(events) },
  ];
  const times = await measure(list, { rounds, warmup: 2, expected });
  const rx = events / (times.get(RXJS_ROW) as number);
  return list.map(({ name }) => {
    const rate = events / (times.get(name) as number);
    return { name, eventsPerSecond: rate, vsRxjs: rate / rx };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await partitionBench(quick ? 200_000 : 1_000_000, quick ? 1 : 5)));
}
