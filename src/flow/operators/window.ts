import { typeError } from '../../runtime/errors.js';
import { checkWindow, type Window } from '../window.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, lastLayer, withLastLayer } from '../extend.js';

/**
 * Sets the window of the reducer that follows, in the current stages (as the
 * `window` option of `Flow.from` or `partition` does).
 *
 * Must come before the reducer, once per stage: a second `window()` (or one after a
 * `window` option) is a `TypeError` at `pipe`, and a window with no reducer after it
 * in its stage is a `TypeError` when a layer is added after it (`partition`,
 * `shuffle`, `batch`, `rateLimit`, `take`...) or, at the end of the flow, when the
 * flow runs: a window that would change nothing is a mistake, not a no-op.
 *
 * ## Example
 * ```ts
 * await Flow.from(range(1, 7))
 *   .pipe(window(Window.count(3)), reduce(() => [] as number[], (n, acc) => [...acc, n]), onTrigger((acc) => [[acc], acc]))
 *   .toArray(); // [[1, 2, 3], [4, 5, 6], [7]]
 * ```
 * @param w the window.
 * @returns an operator for `pipe`.
 */
export function window<T>(w: Window<NoInfer<T>> | Window<unknown>): FlowOperator<T, T> {
  const checked = checkWindow(w);
  return (flow) => {
    checkFlow(flow);
    const last = lastLayer(flow);
    if (last.reducer !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `window: set the window before the reducer (${last.reducer.name}), or after a partition()`);
    if (last.worker !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `window: this stage runs in workers (${last.worker.label}); set the window inside its workerStage(...)`);
    if (last.window !== undefined) {
      throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', 'window: this stage already has a window (from an earlier window(), or the window option of Flow.from, partition or shuffle); give each stage one window, or add partition() between them');
    }
    return withLastLayer(flow, { ...last, window: checked });
  };
}
