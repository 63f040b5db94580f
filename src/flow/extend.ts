import { typeError } from '../runtime/errors.js';
import { show } from '../runtime/validate.js';
import { Flow, planOf } from './flow.js';
import { checkWindowUsed, type LayerSpec, type OpFactory, type ReducerSpec } from './plan.js';
import type { ReducedFlow } from './pipe-types.js';

// How the library's operators extend a flow: each returns a new flow whose plan is
// the old one with its last layer changed or one more layer (a flow is never changed).
// Internal: not exported from the package.

/** @internal The last layer of a flow (where operators apply). */
export function lastLayer(flow: Flow<unknown>): LayerSpec {
  const layers = planOf(flow).layers;
  return layers[layers.length - 1] as LayerSpec;
}

/** @internal A copy of `flow` with its last layer replaced. */
export function withLastLayer<U>(flow: Flow<unknown>, layer: LayerSpec): Flow<U> {
  const layers = planOf(flow).layers.slice(0, -1);
  layers.push(layer);
  return new Flow<U>({ ...planOf(flow), layers });
}

/** @internal A copy of `flow` with one more layer. */
export function withLayer<U>(flow: Flow<unknown>, layer: LayerSpec): Flow<U> {
  // A stage layer (`supervise`) carries the window on to the stages after it.
  if (layer.stage === undefined) checkWindowUsed(planOf(flow).layers[planOf(flow).layers.length - 1] as LayerSpec, `${layer.name}()`);
  return new Flow<U>({ ...planOf(flow), layers: [...planOf(flow).layers, layer] });
}

/** @internal Adds a mapper: before the reducer (or the workers) if the stage has none yet, else on what it emits. */
export function withMapper<U>(flow: Flow<unknown>, op: OpFactory): Flow<U> {
  checkFlow(flow);
  const last = lastLayer(flow);
  if (last.reducer === undefined && last.worker === undefined) return withLastLayer(flow, { ...last, pre: [...last.pre, op] });
  return withLastLayer(flow, { ...last, post: [...last.post, op] });
}

/** @internal Sets the reducer of the last layer; one per stage. `A` is its accumulator's type, `U` what it emits. */
export function withReducer<U, A = unknown>(flow: Flow<unknown>, reducer: ReducerSpec): ReducedFlow<A, U> {
  checkFlow(flow);
  const last = lastLayer(flow);
  if (last.worker !== undefined) {
    throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${reducer.name}: this stage runs in workers (${last.worker.label}); add partition(), shuffle() or departition() after inWorkers, or put the reducer in its workerStage(...)`);
  }
  if (last.reducer !== undefined) {
    throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${reducer.name}: this stage already has a reducer (${last.reducer.name}); add partition(), shuffle() or departition() between them`);
  }
  return withLastLayer(flow, { ...last, reducer }) as ReducedFlow<A, U>;
}

/** @internal Throws unless `flow` is a Flow (operators called on something else). */
export function checkFlow(flow: unknown): asserts flow is Flow<unknown> {
  if (!(flow instanceof Flow)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected a Flow (use operators inside flow.pipe(...)), got: ${show(flow)}`);
}

/**
 * @internal Sets a reducer whose accumulator is a `Map` by key (`countByKey`,
 * `reduceByKey`, `groupBy`, `groupByKey`): a new map per window, and `add` folds
 * each event into it.
 */
export function withKeyedReducer<U, A>(flow: Flow<unknown>, name: string, add: (map: Map<unknown, unknown>, event: unknown) => void): ReducedFlow<A, U> {
  return withReducer<U, A>(flow, {
    name,
    init: () => new Map<unknown, unknown>(),
    step: (event, acc) => {
      add(acc as Map<unknown, unknown>, event);
      return acc;
    },
    emitStep: undefined,
  });
}

/** @internal Puts `value` first in `key`'s list (`groupBy`, `groupByKey`: the newest value first). */
export function prependTo(map: Map<unknown, unknown>, key: unknown, value: unknown): void {
  const values = map.get(key) as unknown[] | undefined;
  if (values === undefined) map.set(key, [value]);
  else values.unshift(value);
}
