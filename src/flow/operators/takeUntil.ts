import { typeError } from '../../runtime/errors.js';
import { show } from '../../runtime/validate.js';
import type { FlowOperator } from '../flow.js';
import { withTake } from '../take.js';

/**
 * Emits events until `signal` aborts, then stops reading the flow, as `take` does
 * (RxJS's `takeUntil`, with an `AbortSignal` as the notifier: `AbortSignal.timeout(ms)`
 * gives a time limit, an `AbortController` a manual stop).
 *
 * The flow ends normally, not with the signal's reason: what was emitted before
 * the abort is the result. A signal already aborted when the flow runs emits
 * nothing and reads nothing. The listener is removed when the flow stops.
 *
 * ## Example
 * ```ts
 * const ctrl = new AbortController();
 * for await (const line of Flow.from(lines).pipe(takeUntil(ctrl.signal))) {
 *   if (line === 'quit') ctrl.abort(); // the flow ends after the events already on their way
 * }
 * ```
 * @param signal ends the flow when it aborts.
 * @returns an operator for `pipe`.
 */
export function takeUntil<T>(signal: AbortSignal): FlowOperator<T, T> {
  if (typeof AbortSignal === 'undefined' || !(signal instanceof AbortSignal)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected takeUntil signal to be an AbortSignal, got: ${show(signal)}`);
  }
  return (flow) =>
    withTake<T>(flow, 'takeUntil', () => ({
      satisfiedAtStart: signal.aborted,
      accept(events) {
        return signal.aborted ? { out: [], satisfied: true } : { out: events, satisfied: false };
      },
      watch(satisfy) {
        if (signal.aborted) return () => {};
        signal.addEventListener('abort', satisfy, { once: true });
        return () => signal.removeEventListener('abort', satisfy);
      },
    }));
}
