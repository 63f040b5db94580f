import { typeError } from '../runtime/errors.js';
import { Flow, planOf } from '../flow/flow.js';
import { runToSink } from '../flow/ends.js';
import type { FlowRun } from '../flow/materialize.js';
import { Stage } from '../stage/handle.js';
import { openSink, type SinkDemand, type SinkHandle } from '../io/sink.js';
import { checkMinDemand } from '../stage/options.js';
import { expectInteger, show } from '../runtime/validate.js';

/** What the `to...` conversions read: a flow (run once per conversion) or a running producer stage. */
export type Source<T> = Flow<T> | Stage<T>;

/** Throws a TypeError unless `source` is a Flow or a producer (or producer-consumer) Stage. */
export function checkSource(where: string, source: unknown): void {
  if (source instanceof Flow) return;
  if (source instanceof Stage && source.kind !== 'consumer') return;
  throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: expected a Flow or a producer Stage as the source, got: ${show(source)}`);
}

/** Checks `maxDemand`/`minDemand` options shared by the conversions. */
export function checkDemand(where: string, maxDemand: unknown, minDemand: unknown): SinkDemand {
  const demand: SinkDemand = {};
  if (maxDemand !== undefined) demand.maxDemand = expectInteger(`${where} maxDemand`, maxDemand, 1);
  if (minDemand !== undefined) demand.minDemand = checkMinDemand(`${where} minDemand`, minDemand, demand.maxDemand ?? 1000);
  return demand;
}

/**
 * Runs `source` into `onEvents`, batch by batch. A promise returned by `onEvents`
 * holds back further demand until it settles (that is how every conversion
 * applies back-pressure). A flow is materialised here, each call a fresh run; a
 * stage gets a new subscription. `cancel` stops the run (every stage of a flow) or
 * cancels the subscription (a stage), and resolves once that is done.
 * @internal
 */
export function openSource<T>(source: Source<T>, onEvents: (events: T[]) => void | Promise<void>, demand: SinkDemand = {}): SinkHandle {
  if (source instanceof Stage) return openSink(source, onEvents, demand);
  let run: FlowRun | undefined;
  let cancelled = false;
  let release: (() => void) | undefined;
  const done = runToSink(
    planOf(source),
    (events) => {
      if (cancelled) return undefined;
      const result = onEvents(events as T[]);
      if (result === undefined) return undefined;
      // `cancel` lets a pending batch go, so the sink can take the stop.
      return new Promise<void>((resolve, reject) => {
        release = resolve;
        result.then(resolve, reject);
      });
    },
    (r) => {
      run = r;
      if (cancelled) r.abort('shutdown');
    },
    demand,
  );
  return {
    done,
    async cancel(): Promise<void> {
      if (cancelled) return;
      cancelled = true;
      release?.();
      if (run === undefined) {
        await done.catch(() => {});
        return;
      }
      run.abort('shutdown');
      await run.whenExited();
    },
  };
}
