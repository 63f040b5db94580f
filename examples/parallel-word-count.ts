/**
 * Word count with its counting stages in worker threads.
 *
 * Lines go by demand to two worker stages (`Flow.from(lines, { stages: 2 })` then
 * `inWorkers`); each splits its lines and counts the words in its own thread (the
 * `countWords` workerStage of ./count-words.worker.ts), and emits its partial counts
 * when the input ends. Back on the main thread the partial counts are partitioned
 * by word and summed, and the top 10 taken. The same count runs on the main thread
 * alone (examples/word-count.ts's flow), and both results are compared.
 *
 * Events cross threads by structured clone (a batch of lines as one joined string),
 * so a worker stage pays for copying its input, and each worker pays once for
 * starting: a thread and its modules. With the built package that is about 80 ms of
 * CPU per thread (the worker module imports 'genstage/worker', one file); run from the
 * sources as here, tsx compiles genstage's modules in each thread, about 1 s more,
 * which users of the package do not pay: the W2 bench row (bench/word-count.ts) runs
 * this recipe from dist/. It pays off when the work outweighs both; each line here
 * becomes ten Map updates, so the input must be large. Batches stay at the default
 * (500 lines): larger ones (maxDemand 4,000 and 16,000) measured slower, their joined
 * strings and word arrays costing the worker more GC. See bench/workers.ts for
 * CPU-heavy work.
 *
 * Run: npx tsx examples/parallel-word-count.ts [lines]   (default 1,000,000 lines)
 */
import { availableParallelism } from 'node:os';
import { Flow, flatMap, inWorkers, partition, reduce, takeSort } from '../src/index.js';
import { generateLines } from '../bench/word-count.js';

const count = Number(process.argv[2] ?? 1_000_000);
const lines = generateLines(count, 7);
// A TypeScript worker module (and genstage's sources, here): the worker threads load
// them through tsx's require hook, passed as execArgv.
const COUNTER = new URL('./count-words.worker.ts', import.meta.url);
const byCount = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
const sum = (acc: Map<string, number>, [word, n]: [string, number]): Map<string, number> => acc.set(word, (acc.get(word) ?? 0) + n);

async function inTwoWorkers(): Promise<[string, number][]> {
  const [top] = await Flow.from(lines, { stages: 2 })
    .pipe(
      inWorkers<string, [string, number]>(COUNTER, 'countWords', { execArgv: ['--require', 'tsx/cjs'] }),
      partition({ stages: 2, key: ([word]: [string, number]) => word }),
      reduce(() => new Map<string, number>(), (pair: [string, number], acc) => sum(acc, pair)),
      takeSort(10, byCount),
    )
    .toArray();
  return top ?? [];
}

async function onMainThread(): Promise<[string, number][]> {
  const [top] = await Flow.from(lines)
    .pipe(
      flatMap((line: string) => line.split(' ')),
      partition({ stages: 2, key: (word: string) => word }),
      reduce(() => new Map<string, number>(), (word: string, acc) => acc.set(word, (acc.get(word) ?? 0) + 1)),
      takeSort(10, byCount),
    )
    .toArray();
  return top ?? [];
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await run();
  return [result, Math.round(performance.now() - t0)];
}

const [parallel, msParallel] = await timed(inTwoWorkers);
const [single, msSingle] = await timed(onMainThread);
if (JSON.stringify(parallel) !== JSON.stringify(single)) throw new Error('the two counts differ');

console.log(`${count.toLocaleString('en')} lines, ${availableParallelism()} cores`);
console.log(`two worker stages: ${msParallel} ms (worker start-up included); main thread only: ${msSingle} ms`);
console.log('top 10 words (the same both ways):');
for (const [word, n] of parallel) console.log(`  ${word.padEnd(12)} ${n}`);
