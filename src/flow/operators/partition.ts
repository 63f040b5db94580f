import { newLayer } from '../plan.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, withLayer } from '../extend.js';
import { checkLayerOptions, partitionRouting, type LayerOptions } from '../routing.js';

export interface PartitionOptions<T> extends LayerOptions<T> {
  /** The key to hash: events with equal keys land in the same stage. Default: the event itself. */
  key?: (event: T) => unknown;
  /** Instead of `key`: returns `[event, index]` (0 <= index < stages) or `null` to drop the event. */
  hash?: (event: T) => readonly [T, number] | null;
}

/**
 * Adds a layer of `stages` stages and routes every event by key: the same key
 * always lands in the same stage, wherever it came from.
 *
 * The key is hashed with `defaultHash` (stable across runs and machines). What
 * follows runs in the new stages, each holding the state of its keys (a reducer
 * per stage). Default `stages` is 1: Node runs JavaScript on one thread, so more
 * stages give no parallel CPU work; use more to shard state or overlap async work.
 * No order across partitions.
 *
 * ## Example
 * ```ts
 * const counts = await Flow.from(words)
 *   .pipe(partition({ key: (w: string) => w, stages: 4 }), countByKey((w: string) => w))
 *   .toArray();
 * ```
 * @param options `stages`, `key` or `hash`, `window`, `maxDemand`, `minDemand`.
 * @returns an operator for `pipe`.
 */
export function partition<T>(options: PartitionOptions<T> = {}): FlowOperator<T, T> {
  const o = checkLayerOptions('partition', options, ['key', 'hash']);
  const routing = partitionRouting(o.stages, o.key, o.hash);
  return (flow) => {
    checkFlow(flow);
    return withLayer(flow, newLayer('partition', { stages: o.stages, maxDemand: o.maxDemand, minDemand: o.minDemand, window: o.window, routing }));
  };
}
