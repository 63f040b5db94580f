// producer-buffer.ts as plain functions over an EventBuffer and a recording dispatcher
// (no stage). Rules R3, R5, R12: docs/protocol.md.
import { expect } from 'chai';
import { EventBuffer } from '../../src/stage/buffer.js';
import type { Dispatcher } from '../../src/stage/dispatcher.js';
import { offer, reportDiscarded, reportHeldAtExit, serveFromBuffer } from '../../src/stage/producer-buffer.js';
import { FakeCore } from './role-support.js';

/** A dispatcher that delivers up to `take(call)` events per dispatch call and records every call and info. */
function recording(take: (call: number) => number) {
  const log: unknown[][] = [];
  let calls = 0;
  const dispatcher = {
    dispatch(events: unknown[]): unknown[] {
      const n = Math.min(events.length, take(calls++));
      log.push(['dispatch', events.slice(), n]);
      return events.slice(n);
    },
    info(message: unknown): void {
      log.push(['info', message]);
    },
  } as unknown as Dispatcher<unknown>;
  return { dispatcher, log };
}

describe('producer-buffer: offering events to the dispatcher (no stage)', () => {
  it('should offer what a call gave back again while each call delivers some, and return what a call delivered none of', () => {
    const { dispatcher, log } = recording((call) => (call < 2 ? 1 : 0));
    expect(offer(dispatcher, [1, 2, 3, 4])).to.deep.equal([3, 4]);
    expect(log).to.deep.equal([['dispatch', [1, 2, 3, 4], 1], ['dispatch', [2, 3, 4], 1], ['dispatch', [3, 4], 0]]);
  });

  it('should make one call when the dispatcher takes everything or nothing', () => {
    const all = recording(() => 10);
    expect(offer(all.dispatcher, [1, 2])).to.deep.equal([]);
    const none = recording(() => 0);
    expect(offer(none.dispatcher, [1, 2])).to.deep.equal([1, 2]);
    expect([all.log.length, none.log.length]).to.deep.equal([1, 1]);
  });

  it('R5/R12: should serve demand from the buffer oldest first, hand the infos that reach the front to the dispatcher, and return the demand left', () => {
    const { dispatcher, log } = recording(() => 10);
    const buffer = new EventBuffer<unknown>(100, 'last');
    buffer.store([1, 2], dispatcher);
    buffer.pushInfo('after-2');
    buffer.store([3], dispatcher);
    expect(serveFromBuffer(buffer, dispatcher, 5)).to.equal(2);
    expect(log).to.deep.equal([['dispatch', [1, 2], 2], ['info', 'after-2'], ['dispatch', [3], 1]]);
    expect(buffer.isEmpty).to.equal(true);
  });

  it('R12: should keep an info behind events it has no demand for', () => {
    const { dispatcher, log } = recording(() => 10);
    const buffer = new EventBuffer<unknown>(100, 'last');
    buffer.store([1, 2, 3], dispatcher);
    buffer.pushInfo('after-3');
    expect(serveFromBuffer(buffer, dispatcher, 2)).to.equal(0);
    expect(log).to.deep.equal([['dispatch', [1, 2], 2]]);
    expect(buffer.eventCount).to.equal(1);
  });

  it('R3: should put what the dispatcher gave back at the front of the buffer and count it as demand left', () => {
    const { dispatcher, log } = recording((call) => (call === 0 ? 1 : 0));
    const buffer = new EventBuffer<unknown>(100, 'last');
    buffer.store([1, 2, 3], dispatcher);
    expect(serveFromBuffer(buffer, dispatcher, 3)).to.equal(2);
    expect(log).to.deep.equal([['dispatch', [1, 2, 3], 1], ['dispatch', [2, 3], 0]]);
    expect(buffer.takeEvents(10)).to.deep.equal([2, 3]);
  });

  it('R5/R12: should take events up to an info, then after it, and all at once once an overflow has pushed the info out', () => {
    const { dispatcher, log } = recording(() => 10);
    const buffer = new EventBuffer<unknown>(3, 'last');
    for (const [events, info] of [[[1, 2], 'after-2'], [[3], undefined]] as const) {
      buffer.store(events, dispatcher);
      if (info !== undefined) buffer.pushInfo(info);
    }
    expect(buffer.takeEvents(5)).to.deep.equal([1, 2]);
    buffer.takeInfos(dispatcher);
    expect(buffer.takeEvents(5)).to.deep.equal([3]);
    buffer.store([4], dispatcher);
    buffer.pushInfo('after-4');
    buffer.store([5, 6, 7, 8], dispatcher);
    expect(log).to.deep.equal([['info', 'after-2'], ['info', 'after-4']]);
    expect(buffer.takeEvents(5)).to.deep.equal([6, 7, 8]);
    expect([buffer.eventCount, buffer.isEmpty]).to.deep.equal([0, true]);
  });

  it('R5: should warn about discarded events unless formatDiscarded returns false', () => {
    const loud = new FakeCore('loud', {});
    reportDiscarded(loud, 3);
    const quiet = new FakeCore('quiet', { formatDiscarded: () => false });
    reportDiscarded(quiet, 3);
    expect([loud.warnings, quiet.warnings]).to.deep.equal([['GenStage producer loud has discarded 3 events from buffer'], []]);
  });

  it('should report at exit the undelivered events and the batches stored while accumulating, each as dropped', () => {
    const core = new FakeCore('p', {});
    reportHeldAtExit(core, 2, [5, [1, 2, 3], 4, [6]]);
    reportHeldAtExit(core, 0, null);
    expect(core.warnings).to.deep.equal([
      'p stopped with 2 events it had not delivered (buffered, or queued for partitions without demand): dropped',
      'p stopped with 4 events emitted while accumulating demand, never dispatched: dropped',
    ]);
  });
});
