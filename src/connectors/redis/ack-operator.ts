import type { FlowOperator } from '../../flow/flow.js';
import { tap } from '../../flow/operators/tap.js';
import { expectFunction } from '../../runtime/validate.js';
import type { Ackable } from './event.js';

/**
 * A Flow operator that acknowledges each event as it passes, and passes it on.
 *
 * Put it last in a flow (after the work, before `run()`/`start()`): an event is
 * acknowledged once every operator before it has handled it. It runs fused with
 * the mappers before it, as a loop over the batch; acknowledgements are batched
 * into `XACK` by the producer that read the events. Events the flow turned into
 * something else are acknowledged through `select`, which finds the original
 * (returning `undefined` skips one).
 *
 * ## Example
 * ```ts
 * const jobs = await redisStreamProducer({ stream: 'jobs', group: 'g' });
 * await Flow.from(jobs)
 *   .pipe(map((e: RedisStreamEvent) => ({ e, size: e.fields.body?.length ?? 0 })), tap(store), ack((d) => d.e))
 *   .run();
 * ```
 * @param select finds what to acknowledge in an event (default: the event itself).
 * @returns an operator for `pipe`.
 */
export function ack<T>(select?: (event: T) => Ackable | undefined): FlowOperator<T, T> {
  if (select !== undefined) expectFunction('select', select);
  const find = select ?? ((event: T) => event as unknown as Ackable);
  return tap((event: T) => {
    find(event)?.ack();
  });
}
