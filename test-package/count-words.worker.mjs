// The worker module of test-package/worker-flow.mjs, as docs/workers.md writes one.
import { flatMap, reduce, workerStage } from 'genstage/worker';

export const countWords = workerStage(
  flatMap((line) => line.split(' ')),
  reduce(() => new Map(), (word, counts) => counts.set(word, (counts.get(word) ?? 0) + 1)),
);
