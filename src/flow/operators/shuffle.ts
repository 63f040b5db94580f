import { newLayer } from '../plan.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, withLayer } from '../extend.js';
import { checkLayerOptions, type LayerOptions } from '../routing.js';

/**
 * Adds a layer of `stages` stages fed by demand: each batch goes to whichever stage
 * asked, with no key routing (so no key lands anywhere in particular).
 *
 * Use it to spread uneven work, or to start a new stage after a reducer. No order
 * across stages.
 *
 * ## Example
 * ```ts
 * await Flow.from(urls).pipe(shuffle({ stages: 8 }), map(fetchText)).run();
 * ```
 * @param options `stages` (default 1), `window`, `maxDemand`, `minDemand`.
 * @returns an operator for `pipe`.
 */
export function shuffle<T>(options: LayerOptions<T> = {}): FlowOperator<T, T> {
  const o = checkLayerOptions('shuffle', options);
  return (flow) => {
    checkFlow(flow);
    return withLayer(flow, newLayer('shuffle', { stages: o.stages, maxDemand: o.maxDemand, minDemand: o.minDemand, window: o.window }));
  };
}
