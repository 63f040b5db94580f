import { typeError } from '../../runtime/errors.js';
import { Observable, type OperatorFunction } from 'rxjs';
import { Flow, checkFromOptions, type FromOptions } from '../../flow/flow.js';
import { GenStage } from '../../stage/gen-stage.js';
import type { Stage } from '../../stage/handle.js';
import type { SinkHandle } from '../../stage/sink.js';
import { expectFunction, show } from '../../runtime/validate.js';
import { openSource } from '../source.js';
import { ObservableProducer } from './from-observable.js';

let names = 1;

/**
 * An RxJS operator that runs a Flow pipeline over the source observable's values,
 * so a flow can sit inside an RxJS `pipe`.
 *
 * `build` receives a flow over the source (as `Flow.fromStages`, with `options`)
 * and returns the flow whose output the operator emits. Each subscription
 * subscribes to the source and runs the flow afresh; values go into the flow as
 * they arrive (one at a time if they come one at a time). The source cannot be
 * slowed: values it pushes faster than the flow takes them wait in an unbounded
 * buffer (use `fromObservable` for a bounded one). Completes when the flow has
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
 * @param options options of the source layer (`stages`, `maxDemand`, `minDemand`, `window`, `clock`).
 */
export function throughFlow<T, R>(build: (flow: Flow<T>) => Flow<R>, options: FromOptions<T> = {}): OperatorFunction<T, R> {
  expectFunction('build', build);
  checkFromOptions('throughFlow', options);
  return (source: Observable<T>) =>
    new Observable<R>((subscriber) => {
      let closed = false;
      let producer: Stage<T> | undefined;
      let sink: SinkHandle | undefined;
      const fail = (error: unknown): void => {
        if (producer?.alive) void producer.stop('normal');
        subscriber.error(error);
      };
      GenStage.start(new ObservableProducer<T>(source, { bufferSize: Infinity, overflow: 'drop-newest', onDrop: undefined }), {
        name: `throughFlow#${names++}`,
      }).then((stage) => {
        producer = stage;
        if (closed) {
          void stage.stop('normal');
          return;
        }
        const flow = build(Flow.fromStages([producer], options));
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
