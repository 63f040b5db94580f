import { DEFAULT_MAX_DEMAND, newLayer, type Head, type HeadHost } from './plan.js';
import type { Flow } from './flow.js';
import { checkFlow, lastLayer, withLastLayer, withLayer } from './extend.js';

/**
 * The machinery of `take`, `takeWhile`, `first` and `takeUntil`: one stage that
 * merges the flow (the limit is global, not per partition), lets events through
 * while the operator's rule allows, and once it is satisfied stops every stage
 * that feeds it (sources are no longer read; external stages see the flow's
 * subscription go) and ends as if its input had ended, so what follows it (a
 * reducer's `'done'` trigger, the flow's end) runs as usual.
 * @internal
 */

/** An operator's rule: how much of `events` goes through, and whether it is satisfied. */
export interface TakeRule {
  /** The events that go on (a prefix of `events`), and true once nothing more will. */
  accept(events: unknown[]): { readonly out: unknown[]; readonly satisfied: boolean };
  /** Called with `satisfy` once the stage exists (to stop from outside, on an AbortSignal); returns a release. */
  watch?(satisfy: () => void): () => void;
  /** True when nothing may go through at all (`take(0)`, a signal already aborted). */
  readonly satisfiedAtStart?: boolean;
}

/** Adds the take stage of `rule` to `flow`; `maxDemand` bounds what it asks for at once (`take(3)` asks for 3). */
export function withTake<T>(flow: Flow<unknown>, name: string, makeRule: () => TakeRule, maxDemand = DEFAULT_MAX_DEMAND): Flow<T> {
  checkFlow(flow);
  const head = {
    name,
    create(host: HeadHost): Head {
      const rule = makeRule();
      let satisfied = rule.satisfiedAtStart === true;
      const satisfy = (): void => {
        satisfied = true;
        host.stopInput();
      };
      const release = rule.watch?.(() => {
        if (!satisfied) satisfy();
      });
      return {
        // Stopping needs the stage's producers: an operator satisfied before they
        // were there stops them as they come.
        onSubscribe() {
          if (satisfied) host.stopInput();
        },
        input(events) {
          if (satisfied) return undefined;
          const { out, satisfied: now } = rule.accept(events);
          if (now) satisfy();
          return out;
        },
        flush() {
          return undefined;
        },
        close() {
          release?.();
        },
      };
    },
  };
  const demand = Math.max(1, Math.min(maxDemand, DEFAULT_MAX_DEMAND));
  let before = flow;
  // The stage before it asks no more than the take will use (its source is read
  // `take(3)`: 3 times), unless it was given a demand of its own.
  const last = lastLayer(flow);
  if (demand < DEFAULT_MAX_DEMAND && last.maxDemand === DEFAULT_MAX_DEMAND && last.minDemand === undefined && last.stage === undefined) {
    before = withLastLayer(flow, { ...last, maxDemand: demand, minDemand: 0 });
  }
  return withLayer(before, newLayer(name, { head, maxDemand: demand, minDemand: demand === DEFAULT_MAX_DEMAND ? undefined : 0 }));
}
