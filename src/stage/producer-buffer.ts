import { bufferDiscardChannel } from '../runtime/diagnostics.js';
import type { EventBuffer } from './buffer.js';
import type { Dispatcher } from './dispatcher.js';
import type { StageCore } from './role.js';

/**
 * What a producer holds and how it hands it on (R3, R5, R12: docs/protocol.md): events
 * offered to the dispatcher from a callback or from the buffer, what the buffer
 * discards, what is dropped at exit. Free functions over the producer side's buffer and
 * dispatcher: no object of their own.
 */

/**
 * Hands `events` to `dispatcher` and returns what it did not deliver. What a call
 * returns is offered again at once as long as that call delivered some of it (a
 * dispatcher may deliver in pieces, see `Dispatcher.dispatch`); the rest is for the
 * buffer, offered again at the next ask.
 */
export function offer(dispatcher: Dispatcher<unknown>, events: unknown[]): unknown[] {
  let left = dispatcher.dispatch(events);
  while (left.length > 0 && left.length < events.length) {
    events = left;
    left = dispatcher.dispatch(events);
  }
  return left;
}

/**
 * Serves `demand` from `buffer`, oldest first: events up to the demand, and each info
 * that reaches the front on the way to the dispatcher (R12). Stops at what the
 * dispatcher gives back (put back at the front) or when the demand is used; returns
 * the demand left for `handleDemand`.
 */
export function serveFromBuffer(buffer: EventBuffer<unknown>, dispatcher: Dispatcher<unknown>, demand: number): number {
  while (!buffer.isEmpty) {
    if (demand > 0) {
      const events = buffer.takeEvents(demand);
      if (events.length > 0) {
        demand -= events.length;
        const left = offer(dispatcher, events);
        if (left.length > 0) {
          buffer.unshift(left);
          demand += left.length;
          break;
        }
      }
    }
    const before = buffer.isEmpty;
    buffer.takeInfos(dispatcher);
    if (demand <= 0 || before || buffer.eventCount === 0) break;
  }
  return demand;
}

/** R5: events the buffer discarded to stay within `bufferSize`: published, and warned unless `formatDiscarded` returns false. */
export function reportDiscarded(core: StageCore, discarded: number): void {
  if (bufferDiscardChannel.hasSubscribers) bufferDiscardChannel.publish({ stage: core.handle, name: core.name, count: discarded });
  const keepDefault = core.impl.formatDiscarded ? core.impl.formatDiscarded(discarded) !== false : true;
  if (keepDefault) core.warn(`GenStage producer ${core.name} has discarded ${discarded} events from buffer`);
}

/**
 * The producer exited holding `undelivered` events (its buffer, its dispatcher's queues)
 * and the batches it stored while accumulating demand: each kind reported as dropped,
 * never lost in silence.
 */
export function reportHeldAtExit(core: StageCore, undelivered: number, accumulated: readonly (number | unknown[])[] | null): void {
  if (undelivered > 0) {
    core.warn(`${core.name} stopped with ${undelivered} events it had not delivered (buffered, or queued for partitions without demand): dropped`);
  }
  let held = 0;
  if (accumulated !== null) for (const entry of accumulated) if (typeof entry !== 'number') held += entry.length;
  if (held > 0) core.warn(`${core.name} stopped with ${held} events emitted while accumulating demand, never dispatched: dropped`);
}
