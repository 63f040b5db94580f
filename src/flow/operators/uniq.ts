import type { FlowOperator } from '../flow.js';
import { uniqBy } from './uniqBy.js';

/**
 * Emits each distinct event once, the first time it is seen (`SameValueZero`, as a
 * `Set`), at once and in order; per stage, for the life of the stage.
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 2, 3, 1, 4]).pipe(uniq()).toArray(); // [1, 2, 3, 4]
 * ```
 * @returns an operator for `pipe`.
 */
export function uniq<T>(): FlowOperator<T, T> {
  return uniqBy((event: T) => event);
}
