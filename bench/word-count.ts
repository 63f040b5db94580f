/**
 * Word count: 200,000 lines of 10 words drawn by a seeded generator from a
 * 5,000-word vocabulary, counted into a Map. Words per second for a hand-written
 * loop, genstage's Flow (one stage; two partitions by word; two worker threads, the
 * recipe of docs/workers.md), RxJS and IxJS, in the same process, best of several rounds.
 * The worker row starts its two threads in every round (start-up is part of its time),
 * and its threads load genstage's TypeScript sources through tsx, as the bench runs
 * from them (slower to start than the built package).
 *
 * Run alone: npx tsx bench/word-count.ts
 */
import { from as rxFrom, mergeMap, reduce as rxReduce, lastValueFrom } from 'rxjs';
import { from as ixFrom, reduce as ixReduce } from 'ix/iterable';
import { flatMap as ixFlatMap } from 'ix/iterable/operators';
import { Flow, flatMap, inWorkers, partition, reduce } from '../src/index.js';

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

/** The worker module of examples/parallel-word-count.ts: split and count in the thread, partial counts out at the end. */
const COUNT_WORDS = new URL('../examples/count-words.worker.ts', import.meta.url);
/** The bench runs genstage from its TypeScript sources: its worker threads load them through tsx's require hook. */
const TSX = { execArgv: ['--require', 'tsx/cjs'] } as const;
const sum = (acc: Map<string, number>, [word, n]: [string, number]): Map<string, number> => acc.set(word, (acc.get(word) ?? 0) + n);

const count = (acc: Map<string, number>, word: string): Map<string, number> => acc.set(word, (acc.get(word) ?? 0) + 1);

const contenders: [string, Counter][] = [
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
  ['genstage Flow, 2 worker threads', (lines) =>
    Flow.from(lines, { stages: 2 })
      .pipe(
        inWorkers<string, [string, number]>(COUNT_WORDS, 'countWords', TSX),
        partition({ stages: 2, key: ([word]: [string, number]) => word }),
        reduce(() => new Map<string, number>(), (pair: [string, number], acc) => sum(acc, pair)),
      )
      .toArray()],
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

/** Runs every contender `rounds` times (interleaved) and returns the best rate of each. */
export async function wordCount(rounds = 5, lineCount = LINES): Promise<WordCountRow[]> {
  if (!Number.isSafeInteger(lineCount) || lineCount < 1) throw new RangeError(`expected lineCount to be an integer >= 1, got: ${lineCount}`);
  const lines = generateLines(lineCount);
  const words = lineCount * WORDS_PER_LINE;
  const best = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of contenders) {
      const t0 = performance.now();
      const result = await run(lines);
      const ms = performance.now() - t0;
      if (total(result) !== words) throw new Error(`${name} counted ${total(result)} words, expected ${words}`);
      best.set(name, Math.max(best.get(name) ?? 0, words / (Math.max(ms, 0.001) / 1000)));
    }
  }
  const loop = best.get('hand-written Map loop') as number;
  return contenders.map(([name]) => ({ name, wordsPerSecond: best.get(name) as number, ratio: (best.get(name) as number) / loop }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await wordCount();
  console.log('word count: 200,000 lines x 10 words, vocabulary 5,000 (best of 5)');
  for (const row of rows) {
    console.log(`${row.name.padEnd(32)} ${(row.wordsPerSecond / 1e6).toFixed(1).padStart(6)} M words/s  ${row.ratio.toFixed(2)}x loop`);
  }
}
