import { typeError } from '../../runtime/errors.js';
import { expectFunction } from '../../runtime/validate.js';
import { newLayer, type Head, type HeadSpec, type OnTriggerFn, type PartitionInfo, type WindowInfo } from '../plan.js';
import type { Flow } from '../flow.js';
import { checkFlow, lastLayer, withLastLayer, withLayer } from '../extend.js';
import type { ReducedFlow } from '../pipe-types.js';

/** What a departitioned stage sends at each trigger: its accumulator and where it came from. */
class Envelope {
  constructor(readonly acc: unknown, readonly partition: PartitionInfo, readonly window: WindowInfo) {}
}

const sendEnvelope: OnTriggerFn = (acc, partition, window) => [[new Envelope(acc, partition, window)], acc];

function departitionHead(init: () => unknown, merge: (acc: unknown, state: unknown) => unknown, done: (state: unknown, id: unknown) => unknown): HeadSpec {
  return {
    name: 'departition',
    create(): Head {
      const windows = new Map<unknown, { state: unknown; done: number }>();
      return {
        input(events) {
          const out: unknown[] = [];
          for (const e of events) {
            if (!(e instanceof Envelope)) throw typeError('ERR_GENSTAGE_INVALID_RETURN', `departition: expected the accumulators of the stages before it`);
            const id = e.window.id;
            let entry = windows.get(id);
            if (entry === undefined) windows.set(id, (entry = { state: init(), done: 0 }));
            entry.state = merge(e.acc, entry.state);
            if (e.window.trigger === 'done' && ++entry.done === e.partition.count) {
              windows.delete(id);
              out.push(done(entry.state, id));
            }
          }
          return out;
        },
        flush() {
          const ids = [...windows.keys()].sort((a, b) => (a === 'global' ? -1 : b === 'global' ? 1 : (a as number) - (b as number)));
          return ids.map((id) => done(windows.get(id)!.state, id));
        },
      };
    },
  };
}

/**
 * Merges the reducers of every stage of the layer into one stage, window by window.
 *
 * At each trigger of any stage, `merge(acc, state)` folds that stage's accumulator
 * into the window's state (which starts as `init()`); once every stage has fired
 * `'done'` for the window, `done(state, windowId)` is emitted as one event. What
 * follows runs in that single stage. Needs a reducer right before it (it replaces
 * `onTrigger`).
 *
 * ## Example
 * ```ts
 * await Flow.from(range(1, 10))
 *   .pipe(partition({ stages: 4 }), reduce(() => 0, (n: number, acc: number) => acc + n),
 *         departition(() => 0, (acc: number, total: number) => total + acc, (total) => total))
 *   .toArray(); // [55]
 * ```
 * @param init the state of a window.
 * @param merge folds one stage's accumulator into the state.
 * @param done the event to emit for a finished window.
 * @returns an operator for `pipe`.
 */
export function departition<A, S, R>(init: () => S, merge: (acc: A, state: S) => S, done: (state: S, windowId: 'global' | number) => R): (flow: ReducedFlow<A, unknown>) => Flow<R> {
  expectFunction('departition init', init);
  expectFunction('departition merge', merge);
  expectFunction('departition done', done);
  const head = departitionHead(init, merge as (acc: unknown, state: unknown) => unknown, done as (state: unknown, id: unknown) => unknown);
  return (flow) => {
    checkFlow(flow);
    const last = lastLayer(flow);
    if (last.reducer === undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `departition: needs a reducer before it (reduce, groupBy, ...)`);
    if (last.onTrigger !== undefined || last.post.length > 0) {
      throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `departition: must follow the reducer (${last.reducer.name}) directly; it receives the accumulators, not onTrigger's events`);
    }
    const marked = withLastLayer(flow, { ...last, onTrigger: sendEnvelope, departitioned: true });
    return withLayer<R>(marked, newLayer('departition', { head }));
  };
}
