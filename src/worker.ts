/**
 * `genstage/worker`: what a worker module imports (docs/workers.md), built as ONE
 * self-contained file (`dist/worker.js`), so a worker thread loads one file for it
 * instead of the 113 modules of `genstage`.
 *
 * A worker thread is a new V8 instance that loads its modules again, and loading is
 * paid per module file far more than per byte: measured on the 2-core machine, a thread
 * whose module imports `genstage` took 204 ms of CPU to be ready, one whose module
 * imports `genstage/worker` 73 ms, and a bare thread 48 ms. Every `inWorkers` stage
 * starts a thread, so this is paid per stage and per flow.
 *
 * It exports `workerStage` and the operators that can run inside one (mappers, the
 * reducers, `window`, `Window`, `onTrigger`). Being one file, it carries its own copy
 * of them, separate from `genstage`'s: import everything a worker module uses from
 * here (a `Window` from `genstage` is not a `Window` to this `window()`), and import it
 * in worker modules only. The types are `genstage`'s own.
 *
 * ## Example
 * ```ts
 * // count-words.worker.mjs
 * import { workerStage, flatMap, reduce } from 'genstage/worker';
 * export const countWords = workerStage(
 *   flatMap((line) => line.split(' ')),
 *   reduce(() => new Map(), (word, acc) => acc.set(word, (acc.get(word) ?? 0) + 1)),
 * );
 * ```
 * @packageDocumentation
 */
export { workerStage, type WorkerStage } from './flow/worker-stage.js';
export { Window, type TriggerResult, type LateEventHook } from './flow/window.js';
export { map } from './flow/operators/map.js';
export { filter } from './flow/operators/filter.js';
export { reject } from './flow/operators/reject.js';
export { flatMap } from './flow/operators/flatMap.js';
export { mapBatch } from './flow/operators/mapBatch.js';
export { tap } from './flow/operators/tap.js';
export { mapValues } from './flow/operators/mapValues.js';
export { window } from './flow/operators/window.js';
export { reduce } from './flow/operators/reduce.js';
export { emitAndReduce } from './flow/operators/emitAndReduce.js';
export { onTrigger } from './flow/operators/onTrigger.js';
export { groupBy } from './flow/operators/groupBy.js';
export { groupByKey } from './flow/operators/groupByKey.js';
export { reduceByKey } from './flow/operators/reduceByKey.js';
export { countByKey } from './flow/operators/countByKey.js';
export { uniq } from './flow/operators/uniq.js';
export { uniqBy } from './flow/operators/uniqBy.js';
