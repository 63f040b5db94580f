// The worker module of the W2 worker row (bench/word-count.ts), as a user writes it
// against the installed package: plain JavaScript importing `genstage` (resolved by
// the package's own name to the built dist/, no TypeScript loader in the threads). It
// imports genstage/worker, one file, as docs/workers.md says a worker module should.
import { flatMap, reduce, workerStage } from 'genstage/worker';

export const countWords = workerStage(
  flatMap((line) => line.split(' ')),
  reduce(() => new Map(), (word, counts) => counts.set(word, (counts.get(word) ?? 0) + 1)),
);
