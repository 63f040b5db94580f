import { expectObject } from '../../runtime/validate.js';
import type { ProducerConsumer } from '../../stage/producer-consumer.js';
import { superviseStage, type SuperviseOptions, type SuperviseStage } from '../../supervisor/supervise-stage.js';
import { newLayer } from '../plan.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, lastLayer, withLayer } from '../extend.js';

/**
 * Runs `fn(event, signal)` as a supervised child for each event and emits each
 * child's result: the flow form of `superviseStage`.
 *
 * Results go on as children finish (`ordered: false`, the default) or in event order
 * (`ordered: true`). At most `maxConcurrency` (default 10) children run at once, and
 * no more than the next stage has demand for: a slow consumer stops the forking. A
 * child that crashes is run again with the same event (`restart: 'transient'`, the
 * default) while restarts last (`maxRestarts` within `maxSeconds`, default 3 within
 * 5). Past that (or with `restart: 'temporary'`) the flow fails with the crash's
 * reason, unless `onError(event, reason)` is given: then the event yields nothing
 * and the flow goes on. When the flow stops early (an error elsewhere, `break`,
 * `unsubscribe`), the running children's signals fire; `shutdown` (default 5000 ms)
 * is how long each then has to end.
 *
 * Runs in its own stages, one per stage of the layer before it, each fed by that
 * stage alone: after `partition`, every partition supervises its own events
 * (`maxConcurrency` is per partition) and the operators that follow (mappers, a
 * reducer) still see that partition's events only. Options are checked here.
 *
 * ## Example
 * ```ts
 * const pages = await Flow.from(urls)
 *   .pipe(supervise((url: string, signal) => fetch(url, { signal }).then((r) => r.text()), { maxConcurrency: 8, maxRestarts: 2 }))
 *   .toArray(); // in the order they finished
 * ```
 * @param fn the child: resolving is its result, rejecting (or throwing) a crash.
 * @param options `maxConcurrency`, `ordered`, `restart`, `maxRestarts`, `maxSeconds`, `shutdown`, `onError`.
 * @returns an operator for `pipe`.
 */
export function supervise<T, R>(fn: (event: T, signal: AbortSignal) => R | Promise<R>, options: SuperviseOptions<T> = {}): FlowOperator<T, Awaited<R>> {
  const checked = superviseStage(fn, options) as SuperviseStage<T, Awaited<R>>; // throws here on bad input
  const o = { ...(expectObject('options', options) as SuperviseOptions<T>) };
  const maxConcurrency = checked.maxConcurrency;
  return (flow) => {
    checkFlow(flow);
    const { stages, window } = lastLayer(flow);
    const supervised = withLayer(flow, newLayer('supervise', {
      stages,
      maxDemand: maxConcurrency,
      routing: { kind: 'aligned' },
      stage: { create: (_index, _count, producers) => (superviseStage(fn, o) as SuperviseStage<T, Awaited<R>>).inFlow(producers) as unknown as ProducerConsumer<unknown, unknown> },
    }));
    // Where the operators after it go: as many stages, each fed by one supervising
    // stage, with the window of the layer before (as if supervise were a mapper).
    return withLayer<Awaited<R>>(supervised, newLayer('supervised', { stages, window, routing: { kind: 'aligned' } }));
  };
}
