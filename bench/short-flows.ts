/**
 * Short-lived flows: 10,000 flows of 100 events each (an array of 100 numbers →
 * map(x * 2) → sum), one after another, as a service that runs one small flow per
 * request or job. Each contender builds a new pipeline per flow; the figure is the
 * median time of all 10,000 over the rounds (interleaved, after one warm-up round).
 *
 * Run alone: npx tsx bench/short-flows.ts [--quick]
 */
import { from as rxFrom, map as rxMap, reduce as rxReduce } from 'rxjs';
import { Flow, GenStage, map, onTrigger, reduce } from '../src/index.js';
import { measure } from './lib.js';
import { Sum, double, threeStages } from './pipeline.js';

export interface ShortFlowsRow {
  name: string;
  flowsPerSecond: number;
  /** Time per flow. */
  perFlowMs: number;
  vsRxjs: number;
}

const add = (acc: number, x: number): number => acc + x;

async function flows(count: number, input: readonly number[]): Promise<number> {
  let total = 0;
  for (let f = 0; f < count; f++) {
    const [sum] = await Flow.from(input)
      .pipe(
        map(double),
        reduce(() => 0, (x: number, acc: number) => acc + x),
        onTrigger((acc: number) => [[acc], acc]),
      )
      .toArray();
    total += sum as number;
  }
  return total;
}

async function stages(count: number, input: readonly number[]): Promise<number> {
  let total = 0;
  for (let f = 0; f < count; f++) total += await threeStages(GenStage.fromIterable(input), new Sum(), undefined);
  return total;
}

function rxjs(count: number, input: readonly number[]): number {
  let total = 0;
  for (let f = 0; f < count; f++) rxFrom(input).pipe(rxMap(double), rxReduce(add, 0)).subscribe((v) => (total += v));
  return total;
}

function loop(count: number, input: readonly number[]): number {
  let total = 0;
  for (let f = 0; f < count; f++) {
    let sum = 0;
    for (let i = 0; i < input.length; i++) sum += (input[i] as number) * 2;
    total += sum;
  }
  return total;
}

const RXJS_ROW = 'RxJS from(array) → map → reduce (sync)';

export async function shortFlowsBench(count = 10_000, rounds = 5, size = 100): Promise<ShortFlowsRow[]> {
  const input = Array.from({ length: size }, (_, i) => i);
  const expected = loop(count, input);
  const list = [
    { name: 'for loop', run: () => loop(count, input) },
    { name: 'genstage Flow.from(array) → map → reduce → toArray', run: () => flows(count, input) },
    { name: 'genstage 3 stages: fromIterable(array) → ProducerConsumer → Consumer', run: () => stages(count, input) },
    { name: RXJS_ROW, run: () => rxjs(count, input) },
  ];
  const times = await measure(list, { rounds, warmup: 1, expected });
  const rx = times.get(RXJS_ROW) as number;
  return list.map(({ name }) => {
    const s = times.get(name) as number;
    return { name, flowsPerSecond: count / s, perFlowMs: (s / count) * 1000, vsRxjs: rx / s };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await shortFlowsBench(quick ? 1_000 : 10_000, quick ? 1 : 5)));
}
