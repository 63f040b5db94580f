import { isPromiseLike } from '../runtime/validate.js';
import type { ProducerSide } from './producer-side.js';
import type { StageCore } from './role.js';
import type { DemandMode } from './types.js';

/**
 * R4: a producer's demand mode. `'accumulate'` stores each demand and each batch its
 * callbacks emit (ProducerSide.produceFor/dispatch); `'forward'` replays them, one
 * `handleDemand` per stored demand, in order, not summed, and one dispatch per stored
 * emission, interleaved with them as they came. Producer-consumers have no demand mode.
 */
export function setDemandMode(side: ProducerSide, core: StageCore, mode: DemandMode): unknown {
  if (side.queue !== null) return undefined;
  if (mode === 'accumulate') {
    side.demandMode = 'accumulate';
    return undefined;
  }
  side.demandMode = 'forward';
  const stored = side.accumulated;
  side.accumulated = null;
  if (stored === null) return undefined;
  const replay = (i: number): unknown => {
    for (; i < stored.length; i++) {
      if (core.stopping) {
        // The rest stays held (and is reported as dropped when the stage exits).
        side.accumulated = stored.slice(i).concat(side.accumulated ?? []);
        return undefined;
      }
      const entry = stored[i] as number | unknown[];
      if (typeof entry !== 'number') {
        core.emit(entry, 'callback');
        continue;
      }
      const result = side.callHandleDemand(entry);
      if (isPromiseLike(result)) {
        const next = i + 1;
        return Promise.resolve(result).then(() => replay(next));
      }
    }
    return undefined;
  };
  return replay(0);
}
