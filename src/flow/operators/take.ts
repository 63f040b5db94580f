import { expectCount } from '../../runtime/validate.js';
import type { FlowOperator } from '../flow.js';
import { withTake } from '../take.js';

/**
 * Emits the first `count` events of the flow, then stops reading it.
 *
 * The count is global: the events of every stage before it are merged into one
 * stage, so `take` after `partition({ stages: 4 })` takes `count` in all, in no
 * particular order across partitions. Once it has them, every stage before it
 * stops: sources are no longer read (an iterator is closed with `return()`, a
 * stage created by `fromLines`, `fromReadable`, `udpProducer`... releases its file
 * or socket), stages the flow does not own lose its subscription, and the flow
 * ends normally once what follows `take` has finished. It asks its producers for
 * at most `count` events at once, so a source is read about `count` times, not a
 * full batch of 1000. `take(0)` emits nothing and reads nothing. Events already on
 * their way when the count is reached are dropped (that is what `take` is for).
 *
 * ## Example
 * ```ts
 * function* naturals() { for (let n = 1; ; n++) yield n; }
 * await Flow.from(naturals()).pipe(map((n: number) => n * n), take(3)).toArray(); // [1, 4, 9]
 * ```
 * @param count how many events, an integer >= 0 (`Infinity`: all of them).
 * @returns an operator for `pipe`.
 */
export function take<T>(count: number): FlowOperator<T, T> {
  const limit = expectCount('take count', count, 0);
  return (flow) =>
    withTake<T>(
      flow,
      'take',
      () => {
        let left = limit;
        return {
          satisfiedAtStart: limit === 0,
          accept(events) {
            if (events.length < left) {
              left -= events.length;
              return { out: events, satisfied: false };
            }
            const out = events.length === left ? events : events.slice(0, left);
            left = 0;
            return { out, satisfied: true };
          },
        };
      },
      limit === Infinity ? undefined : Math.max(limit, 1),
    );
}
