/**
 * The worker module of examples/parallel-word-count.ts: what each worker stage runs.
 * A worker module exports its work by name; this one exports a workerStage, so the
 * split and the count (a reducer) both run in the worker thread, and each worker
 * emits its partial counts, [word, count] pairs, when its input ends.
 *
 * With the installed package this is a plain .mjs module that imports
 * 'genstage/worker' (one file: a thread loads it in a fraction of the time of the
 * 113 modules of 'genstage'; docs/workers.md, "Start-up"). This one is TypeScript and
 * imports the same entry from the sources, loaded through tsx because the example runs
 * under tsx.
 */
import { flatMap, reduce, workerStage } from '../src/worker.js';

export const countWords = workerStage(
  flatMap((line: string) => line.split(' ')),
  reduce(() => new Map<string, number>(), (word: string, counts) => counts.set(word, (counts.get(word) ?? 0) + 1)),
);
