/**
 * The worker module of examples/parallel-word-count.ts: what each worker stage runs.
 * A worker module exports its work by name; this one exports a workerStage, so the
 * split and the count (a reducer) both run in the worker thread, and each worker
 * emits its partial counts, [word, count] pairs, when its input ends.
 *
 * A plain .mjs module works the same (import from 'genstage'); this one is
 * TypeScript, loaded through tsx because the example runs under tsx.
 */
import { flatMap, reduce, workerStage } from '../src/index.js';

export const countWords = workerStage(
  flatMap((line: string) => line.split(' ')),
  reduce(() => new Map<string, number>(), (word: string, counts) => counts.set(word, (counts.get(word) ?? 0) + 1)),
);
