import { typeError } from '../../runtime/errors.js';
import { Observable, type OperatorFunction } from 'rxjs';
import { Flow, checkFromOptions, type FromOptions } from '../../flow/flow.js';
import type { Stage } from '../../stage/handle.js';
import type { SinkHandle } from '../../stage/sink.js';
import { expectFunction, expectObject, show } from '../../runtime/validate.js';
import { openSource } from '../source.js';
import { checkPushOptions, PUSH_OPTION_KEYS, startSource } from '../../io/source.js';
import type { OverflowOptions } from '../../io/push-queue.js';

/** Options of `throughFlow`: the source layer's (as `Flow.fromStages`) and the bounds of the queue the source's values wait in. */
export type ThroughFlowOptions<T> = FromOptions<T> & OverflowOptions;

let names = 1;

/**
 * An RxJS operator that runs a Flow pipeline over the source observable's values,
 * so a flow can sit inside an RxJS `pipe`.
 *
 * `build` receives a flow over the source (as `Flow.fromStages`, with `options`)
 * and returns the flow whose output the operator emits. Each subscription
 * subscribes to the source and runs the flow afresh; values go into the flow as
 * they arrive (one at a time if they come one at a time). The source cannot be
 * slowed: values it pushes faster than the flow takes them wait in a queue of
 * `bufferSize` (default 1000) beyond what the flow has asked for; when it is full,
 * `overflow` decides (default `'error'`: the operator errors with a
 * `BufferOverflowError`; `'drop-oldest'`/`'drop-newest'` drop and count, reported to
 * `onDrop` or logged), as for `fromObservable` and `Flow.from(observable)`. Completes when the flow has
 * emitted everything after the source completes; errors with the source's or the
 * flow's error; unsubscribing stops the flow and unsubscribes from the source.
 *
 * ## Example
 * ```ts
 * import { from, toArray } from 'rxjs';
 * import { flatMap, partition, reduce } from 'genstage';
 * import { throughFlow } from 'genstage/rxjs';
 *
 * from(['a b', 'b c']).pipe(
 *   throughFlow((flow) => flow.pipe(flatMap((l: string) => l.split(' ')), partition({ stages: 2 }),
 *     reduce(() => new Map<string, number>(), (w, acc) => acc.set(w, (acc.get(w) ?? 0) + 1)))),
 *   toArray(),
 * ); // [['a', 1], ['b', 2], ['c', 1]] in some order
 * ```
 *
 * @param build turns the flow over the source into the flow to emit.
 * @param options options of the source layer (`stages`, `maxDemand`, `minDemand`, `window`, `clock`) and of its
 *   queue (`bufferSize` 1000, `overflow` `'error'`, `onDrop`).
 */
export function throughFlow<T, R>(build: (flow: Flow<T>) => Flow<R>, options: ThroughFlowOptions<T> = {}): OperatorFunction<T, R> {
  expectFunction('build', build);
  const o = expectObject('throughFlow options', options);
  const bounds = checkPushOptions(o);
  const layer: Record<string, unknown> = { ...o };
  for (const key of PUSH_OPTION_KEYS) delete layer[key];
  checkFromOptions('throughFlow', layer);
  const flowOptions = layer as FromOptions<T>;
  return (source: Observable<T>) =>
    new Observable<R>((subscriber) => {
      let closed = false;
      let producer: Stage<T> | undefined;
      let sink: SinkHandle | undefined;
      const fail = (error: unknown): void => {
        if (producer?.alive) void producer.stop('normal');
        subscriber.error(error);
      };
      startSource<T>({ kind: 'observable', observable: source }, { name: `throughFlow#${names++}`, bounds }).then((stage) => {
        producer = stage;
        if (closed) {
          void stage.stop('normal');
          return;
        }
        const flow = build(Flow.fromStages([producer], flowOptions));
        if (!(flow instanceof Flow)) throw typeError('ERR_GENSTAGE_INVALID_RETURN', `throughFlow: build must return a Flow, got: ${show(flow)}`);
        sink = openSource(flow, (events) => {
          for (let i = 0; i < events.length && !subscriber.closed; i++) subscriber.next(events[i] as R);
        });
        sink.done.then(() => subscriber.complete(), fail);
      }).catch(fail);
      return () => {
        closed = true;
        void sink?.cancel();
        if (producer?.alive) void producer.stop('normal');
      };
    });
}
