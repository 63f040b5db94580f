import { typeError } from '../../runtime/errors.js';
import { expectFunction } from '../../runtime/validate.js';
import type { OnTriggerFn, PartitionInfo, WindowInfo } from '../plan.js';
import type { Flow } from '../flow.js';
import { checkFlow, lastLayer, withLastLayer } from '../extend.js';
import type { ReducedFlow } from '../pipe-types.js';

/**
 * Decides what the reducer before it emits at each trigger:
 * `fn(acc, partition, window)` returns `[events, nextAcc]`.
 *
 * `partition` is `{ index, count }` (which stage of the layer); `window` is `{ type,
 * id, trigger }` with trigger `'done'`, `'watermark'`, `{ every: n }`,
 * `{ periodically: [n, unit] }` or a custom name. The returned accumulator goes on
 * in the window (return `acc` to keep it, a fresh one to reset); after `'done'` it is
 * dropped. Must follow a reducer directly, once.
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 3])
 *   .pipe(reduce(() => 0, (n: number, acc: number) => acc + n), onTrigger((acc: number) => [[acc], acc]))
 *   .toArray(); // [6]
 * ```
 * The accumulator's type is the reducer's (`acc` of `reduce`, a `Map` for `groupBy`...).
 *
 * @param fn from the accumulator to `[events, nextAcc]`.
 * @returns an operator for `pipe`.
 */
export function onTrigger<A, R>(fn: (acc: A, partition: PartitionInfo, window: WindowInfo) => readonly [readonly R[], A]): (flow: ReducedFlow<A, unknown>) => Flow<R> {
  expectFunction('onTrigger', fn);
  return (flow) => {
    checkFlow(flow);
    const last = lastLayer(flow);
    if (last.reducer === undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `onTrigger: needs a reducer before it in the same stage (reduce, groupBy, ...)`);
    if (last.onTrigger !== undefined || last.post.length > 0) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `onTrigger: must follow the reducer (${last.reducer.name}) directly, once`);
    return withLastLayer(flow, { ...last, onTrigger: fn as OnTriggerFn });
  };
}
