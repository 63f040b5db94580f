/**
 * Word count: 200,000 lines of 10 words drawn by a seeded generator from a
 * 5,000-word vocabulary, counted into a Map. Words per second for a hand-written
 * loop, genstage's Flow (one stage; two partitions by word; two worker threads, the
 * recipe of docs/workers.md), RxJS and IxJS, in the same process, best of several rounds.
 *
 * The worker row measures what users run: the built package. Its flow comes from
 * `dist/index.js` and its threads run `dist/runtime/worker-entry.js` with a plain `.mjs`
 * worker module (bench/count-words.worker.mjs) that imports `genstage/worker` by the
 * package's name, so no thread loads a TypeScript loader. Through tsx (the other rows
 * run genstage's TypeScript sources) every thread compiles the library's modules again:
 * about 1 s of CPU per thread start, against 0.2 s for a module importing `genstage`
 * from dist/ and 0.08 s for `genstage/worker` (docs/workers.md, "Start-up"); users pay
 * neither tsx's cost nor this bench's. It starts its two threads in every round
 * (start-up is part of its time). It needs `npm run build` first: when dist/ is missing
 * or older than a file of src/, the row runs from the sources through tsx instead and
 * its name says so. The reference row does the same count on two threads by hand (half
 * the lines to each in one message): the ceiling of two threads at that moment, since
 * other processes share the machine's cores.
 *
 * Run alone: npx tsx bench/word-count.ts
 */
import { from as rxFrom, mergeMap, reduce as rxReduce, lastValueFrom } from 'rxjs';
import { from as ixFrom, reduce as ixReduce } from 'ix/iterable';
import { flatMap as ixFlatMap } from 'ix/iterable/operators';
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Flow, flatMap, inWorkers, partition, reduce } from '../src/index.js';
import { newestMtime } from './lib.js';

export interface WordCountRow {
  name: string;
  /** Words per second (best round). */
  wordsPerSecond: number;
  /** Against the hand-written loop. */
  ratio: number;
}

const LINES = 200_000;
const WORDS_PER_LINE = 10;
const VOCABULARY = 5_000;

/** mulberry32: small, seeded, good enough to draw words. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateLines(lines = LINES, seed = 42): string[] {
  const random = seeded(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const vocabulary = new Set<string>();
  while (vocabulary.size < VOCABULARY) {
    const length = 3 + Math.floor(random() * 7);
    let word = '';
    for (let i = 0; i < length; i++) word += letters[Math.floor(random() * 26)];
    vocabulary.add(word);
  }
  const words = [...vocabulary];
  const out: string[] = new Array(lines);
  for (let i = 0; i < lines; i++) {
    const line: string[] = new Array(WORDS_PER_LINE);
    for (let j = 0; j < WORDS_PER_LINE; j++) line[j] = words[Math.floor(random() * words.length)] as string;
    out[i] = line.join(' ');
  }
  return out;
}

type Counter = (lines: string[]) => Promise<Map<string, number> | [string, number][]>;

/** The worker module of examples/parallel-word-count.ts, for the row from the sources: split and count in the thread, partial counts out at the end. */
const COUNT_WORDS_TS = new URL('../examples/count-words.worker.ts', import.meta.url);
/** The same, importing the built package by name (for the row from dist/). */
const COUNT_WORDS_JS = new URL('./count-words.worker.mjs', import.meta.url);
/** From the TypeScript sources, worker threads load them through tsx's require hook. */
const TSX = { execArgv: ['--require', 'tsx/cjs'] } as const;

type Library = typeof import('../src/index.js');
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The built package (dist/index.js) when it is newer than every file of src/, else `undefined`. */
export async function freshBuild(): Promise<Library | undefined> {
  const index = join(ROOT, 'dist/index.js');
  let built: number;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    return undefined;
  }
  if (built < newestMtime(join(ROOT, 'src'))) return undefined;
  return (await import(pathToFileURL(index).href)) as Library;
}

/** W2 on two worker threads with `lib`'s Flow (the recipe of docs/workers.md). */
function inTwoWorkers(lib: Library, module: URL, options: { execArgv?: readonly string[] }): Counter {
  return (lines) =>
    lib.Flow.from(lines, { stages: 2 })
      .pipe(
        lib.inWorkers<string, [string, number]>(module, 'countWords', options),
        lib.partition({ stages: 2, key: ([word]: [string, number]) => word }),
        lib.reduce(() => new Map<string, number>(), (pair: [string, number], acc) => sum(acc, pair)),
      )
      .toArray();
}
const sum = (acc: Map<string, number>, [word, n]: [string, number]): Map<string, number> => acc.set(word, (acc.get(word) ?? 0) + n);

const count = (acc: Map<string, number>, word: string): Map<string, number> => acc.set(word, (acc.get(word) ?? 0) + 1);

/** What each thread of the by-hand reference runs: count the lines of one message, answer with the counts. */
const COUNT_BY_HAND = `const { parentPort } = require('node:worker_threads');
parentPort.once('message', (lines) => {
  const acc = new Map();
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i].split(' ');
    for (let j = 0; j < words.length; j++) acc.set(words[j], (acc.get(words[j]) ?? 0) + 1);
  }
  parentPort.postMessage(acc);
});`;

/**
 * The ceiling of two threads on this machine at this moment: half the lines to each of
 * two new threads in one message, their counts back in one message, summed. No demand,
 * no batches, no library; thread start-up included, as in the genstage worker row.
 */
async function byHandTwoThreads(lines: string[]): Promise<Map<string, number>> {
  const half = Math.ceil(lines.length / 2);
  const workers = [0, 1].map(() => new Worker(COUNT_BY_HAND, { eval: true }));
  try {
    const parts = await Promise.all(workers.map((w, i) => new Promise<Map<string, number>>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage(lines.slice(i * half, (i + 1) * half));
    })));
    const acc = new Map<string, number>();
    for (const part of parts) for (const [word, n] of part) acc.set(word, (acc.get(word) ?? 0) + n);
    return acc;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

const contenders = (built: Library | undefined): [string, Counter][] => [
  ['hand-written Map loop', async (lines) => {
    const acc = new Map<string, number>();
    for (let i = 0; i < lines.length; i++) {
      const words = (lines[i] as string).split(' ');
      for (let j = 0; j < words.length; j++) count(acc, words[j] as string);
    }
    return acc;
  }],
  ['genstage Flow, 1 stage', (lines) =>
    Flow.from(lines)
      .pipe(flatMap((line: string) => line.split(' ')), reduce(() => new Map<string, number>(), (word: string, acc) => count(acc, word)))
      .toArray()],
  ['genstage Flow, 2 partitions', (lines) =>
    Flow.from(lines)
      .pipe(
        flatMap((line: string) => line.split(' ')),
        partition({ stages: 2, key: (word: string) => word }),
        reduce(() => new Map<string, number>(), (word: string, acc) => count(acc, word)),
      )
      .toArray()],
  built !== undefined
    ? ['genstage Flow, 2 worker threads (dist/)', inTwoWorkers(built, COUNT_WORDS_JS, {})]
    : ['genstage Flow, 2 worker threads (src/ through tsx: dist/ missing or stale, run npm run build)', inTwoWorkers({ Flow, inWorkers, partition, reduce } as Library, COUNT_WORDS_TS, TSX)],
  ['reference: 2 threads by hand, one message each way', byHandTwoThreads],
  ['RxJS mergeMap + reduce', (lines) =>
    lastValueFrom(rxFrom(lines).pipe(mergeMap((line) => line.split(' ')), rxReduce(count, new Map<string, number>())))],
  ['IxJS flatMap + reduce (sync)', async (lines) =>
    ixReduce(ixFrom(lines).pipe(ixFlatMap((line: string) => line.split(' '))), count, new Map<string, number>())],
];

function total(result: Map<string, number> | [string, number][]): number {
  let n = 0;
  for (const [, c] of result) n += c;
  return n;
}

/**
 * Runs every contender `rounds` times (interleaved) and returns the best rate of each.
 * `threads: false` leaves out the two rows on worker threads: bench/ab.ts compares
 * checkouts with it, because the worker row runs the flow's own code (another reducer
 * through the same call sites) in the process of one side only when the other
 * checkout has no such row.
 */
export async function wordCount(rounds = 5, lineCount = LINES, threads = true): Promise<WordCountRow[]> {
  if (!Number.isSafeInteger(lineCount) || lineCount < 1) throw new RangeError(`expected lineCount to be an integer >= 1, got: ${lineCount}`);
  const lines = generateLines(lineCount);
  const words = lineCount * WORDS_PER_LINE;
  const best = new Map<string, number>();
  const runners = contenders(await freshBuild()).filter(([name]) => threads || !/thread/.test(name));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of runners) {
      const t0 = performance.now();
      const result = await run(lines);
      const ms = performance.now() - t0;
      if (total(result) !== words) throw new Error(`${name} counted ${total(result)} words, expected ${words}`);
      best.set(name, Math.max(best.get(name) ?? 0, words / (Math.max(ms, 0.001) / 1000)));
    }
  }
  const loop = best.get('hand-written Map loop') as number;
  return runners.map(([name]) => ({ name, wordsPerSecond: best.get(name) as number, ratio: (best.get(name) as number) / loop }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const before = loadavg()[0]!.toFixed(2);
  const rows = await wordCount();
  console.log(`word count: 200,000 lines x 10 words, vocabulary 5,000 (best of 5); load ${before} -> ${loadavg()[0]!.toFixed(2)}`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(42)} ${(row.wordsPerSecond / 1e6).toFixed(1).padStart(6)} M words/s  ${row.ratio.toFixed(2)}x loop`);
  }
}
