import { expectCount, expectInteger, expectKnownKeys, expectObject } from '../../runtime/validate.js';
import { newLayer, type Head, type HeadHost, type HeadSpec } from '../plan.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, withLayer } from '../extend.js';

export interface BatchOptions {
  /** Most events in a group; a full group is emitted at once. */
  size: number;
  /** Ms after a group's first event when it is emitted however full (on the flow's clock). Default 1000; `Infinity`: never. */
  timeout?: number;
  /** Stages that batch in parallel (each groups what it receives). Default 1. */
  stages?: number;
}

function batchHead(size: number, timeout: number): HeadSpec {
  return {
    name: 'batch',
    create(host: HeadHost): Head {
      let group: unknown[] = [];
      let generation = 0;
      let cancel: (() => void) | undefined;
      const stopTimer = (): void => {
        cancel?.();
        cancel = undefined;
        generation++;
      };
      return {
        input(events) {
          const out: unknown[] = [];
          for (let i = 0; i < events.length; i++) {
            group.push(events[i]);
            if (group.length === size) {
              out.push(group);
              group = [];
              stopTimer();
            }
          }
          if (group.length > 0 && cancel === undefined && timeout !== Infinity) cancel = host.sendAfter(generation, timeout);
          return out;
        },
        onInfo(message) {
          if (message !== generation || group.length === 0) return undefined;
          cancel = undefined;
          generation++;
          const out = [group];
          group = [];
          return out;
        },
        flush() {
          stopTimer();
          if (group.length === 0) return undefined;
          const out = [group];
          group = [];
          return out;
        },
      };
    },
  };
}

/**
 * Groups events into arrays of `size`, or fewer when `timeout` ms have passed since
 * the group's first event, whichever comes first; the last group goes out at the
 * end of input.
 *
 * Runs in a new layer (`stages`, default 1) fed by demand; mappers after it map the
 * groups. The timer runs on the flow's clock and is cleared when the stage stops.
 *
 * ## Example
 * ```ts
 * await Flow.from([1, 2, 3, 4, 5, 6, 7]).pipe(batch({ size: 3 })).toArray(); // [[1, 2, 3], [4, 5, 6], [7]]
 * ```
 * @param options `size`, `timeout`, `stages`.
 * @returns an operator for `pipe`.
 */
export function batch<T>(options: BatchOptions): FlowOperator<T, T[]> {
  const o = expectObject('batch options', options);
  expectKnownKeys('batch options', o, ['size', 'timeout', 'stages']);
  const size = expectInteger('size', o.size, 1);
  const timeout = o.timeout === undefined ? 1000 : expectCount('timeout', o.timeout, 1);
  const stages = o.stages === undefined ? 1 : expectInteger('stages', o.stages, 1);
  const head = batchHead(size, timeout);
  return (flow) => {
    checkFlow(flow);
    return withLayer(flow, newLayer('batch', { stages, head }));
  };
}
