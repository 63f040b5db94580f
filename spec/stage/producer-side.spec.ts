// ProducerSide as state transitions (no live stage). Rules R3, R4, R5, R7, R8, R12: docs/protocol.md.
import { expect } from 'chai';
import { DemandDispatcher } from '../../src/stage/demand-dispatcher.js';
import type { Dispatcher } from '../../src/stage/dispatcher.js';
import { ProducerSide } from '../../src/stage/producer-side.js';
import { setDemandMode } from '../../src/stage/demand-mode.js';
import * as M from '../../src/stage/messages.js';
import { FakeCore, link, peer, range } from './role-support.js';

/** A producer whose handleDemand answers `produce(demand)` (default: exactly `demand` numbers from 0 on). */
function producer(options: { produce?: (demand: number) => unknown; dispatcher?: Dispatcher<unknown>; bufferSize?: number } = {}) {
  const demands: number[] = [];
  const cancels: unknown[] = [];
  let next = 0;
  const core = new FakeCore('source', {
    handleDemand: (demand: number) => {
      demands.push(demand);
      if (options.produce) return options.produce(demand);
      const out = range(next, demand);
      next += demand;
      return out;
    },
    handleCancel: (reason: unknown) => void cancels.push(reason),
  });
  const side = new ProducerSide(core, options.dispatcher ?? new DemandDispatcher(), options.bufferSize ?? 10_000, 'last', 'forward');
  core.producer = side;
  return { core, side, demands, cancels };
}

/** `producer(options)` with a consumer `a`, at the peer `down`, already subscribed. */
function withConsumer(options: Parameters<typeof producer>[0] = {}) {
  const rig = producer(options);
  const down = peer('down');
  const a = link('a', {}, down);
  rig.side.onSubscribe(a);
  return { ...rig, down, a };
}

describe('ProducerSide as state transitions (fake stage, no process)', () => {
  it('R3: should take a subscribing consumer, then answer its ask with handleDemand and deliver the events to it', () => {
    const { side, demands } = producer();
    const down = peer('down');
    const a = link('a', {}, down);
    expect(side.onSubscribe(a)).to.equal(undefined);
    expect(side.consumers.includes(a)).to.equal(true);
    side.onAsk(a, 3);
    expect(demands).to.deep.equal([3]);
    expect(down.log).to.deep.equal([['events', 'a', [0, 1, 2]]]);
  });

  it('R5/R3: should buffer events beyond demand and serve the next ask from the buffer before calling handleDemand', () => {
    const { side, demands, down, a } = withConsumer({ produce: (d) => (d === 2 ? range(0, 5) : range(100, d)) });
    side.onAsk(a, 2);
    expect(side.bufferedCount).to.equal(3);
    side.onAsk(a, 4);
    expect(demands).to.deep.equal([2, 1]);
    expect(down.log).to.deep.equal([['events', 'a', [0, 1]], ['events', 'a', [2, 3, 4]], ['events', 'a', [100]]]);
    expect(side.bufferedCount).to.equal(0);
  });

  it('R5: should keep the last bufferSize events and warn with the count discarded', () => {
    const { core, side } = producer({ bufferSize: 2 });
    side.dispatch(range(0, 5)); // nobody has asked: everything goes to the buffer
    expect(side.bufferedCount).to.equal(2);
    expect(core.warnings).to.deep.equal(['GenStage producer source has discarded 3 events from buffer']);
  });

  it('R8: should refuse a subscription it already holds (duplicated_subscription) and answer an ask on an unknown one (unknown_subscription)', () => {
    const { side, demands, down, a } = withConsumer();
    const stray = link('stray', {}, down);
    side.onSubscribe(a);
    side.onAsk(stray, 5);
    expect(demands).to.deep.equal([]);
    expect(down.log).to.deep.equal([['consumerCancel', 'a', 'duplicated_subscription', false], ['consumerCancel', 'stray', 'unknown_subscription', false]]);
  });

  it('R7: should drop a cancelled consumer, tell it unless it exited (down), then run handleCancel', () => {
    const { side, cancels, down, a } = withConsumer();
    const b = link('b', {}, down);
    side.onSubscribe(b);
    side.onCancel(a, 'bye', false);
    side.onCancel(b, 'crash', true);
    side.onCancel(b, 'again', true);
    expect(down.log).to.deep.equal([['consumerCancel', 'a', 'bye', false]]);
    expect(cancels).to.deep.equal([{ cancel: 'bye' }, { down: 'crash' }]);
    expect(side.consumers.length).to.equal(0);
  });

  it('R4: should store demand and emitted batches while accumulating and replay them in arrival order on forward', () => {
    const { core, side, demands, down, a } = withConsumer();
    setDemandMode(side, core, 'accumulate');
    side.onAsk(a, 2);
    side.dispatch(['x']);
    side.onAsk(a, 3);
    expect(demands).to.deep.equal([]);
    expect(down.log).to.deep.equal([]);
    setDemandMode(side, core, 'forward');
    expect(demands).to.deep.equal([2, 3]);
    expect(down.log).to.deep.equal([['events', 'a', [0, 1]], ['events', 'a', ['x']], ['events', 'a', [2, 3]]]);
    expect(side.demandMode).to.equal('forward');
  });

  it('R12: should pass an info to the dispatcher at once when nothing is buffered, and behind the buffered events otherwise', () => {
    const { core, side, down, a } = withConsumer();
    side.placeInfo('first');
    expect(core.posted).to.deep.equal([['info', 'first']]);
    side.dispatch([1, 2]); // no demand: buffered
    side.placeInfo('second');
    expect(core.posted).to.deep.equal([['info', 'first']]);
    side.onAsk(a, 2);
    expect(down.log).to.deep.equal([['events', 'a', [1, 2]]]);
    expect(core.posted).to.deep.equal([['info', 'first'], ['info', 'second']]);
  });

  it('should drain before a normal self-stop only while it holds events for a consumer, and exit once its last consumer leaves', () => {
    const { core, side, demands } = producer();
    const down = peer('down');
    const a = link('a', {}, down);
    expect(side.drainThenExit('normal')).to.equal(false); // no consumer
    side.onSubscribe(a);
    expect(side.drainThenExit('normal')).to.equal(false); // nothing held
    side.dispatch([1, 2, 3]);
    expect(side.drainThenExit('normal')).to.equal(true);
    side.onAsk(a, 5);
    expect(down.log).to.deep.equal([['events', 'a', [1, 2, 3]]]);
    expect(demands).to.deep.equal([]); // nothing more is produced while draining
    expect(core.posted).to.deep.equal([['exit', 'normal']]); // the marker reached the dispatcher
    side.onCancel(a, 'bye', false);
    expect(core.exits).to.deep.equal(['normal']);
  });

  it('should answer the asks waiting next in its mailbox with one handleDemand when the dispatcher coalesces asks', () => {
    const asked: [string, number][] = [];
    const dispatcher: Dispatcher<unknown> = {
      coalesceAsks: true,
      init: () => {},
      subscribe: () => 0,
      cancel: () => 0,
      ask: (count) => (asked.push(['ask', count]), count),
      dispatch: () => [],
      info: () => {},
    };
    const { core, side, demands } = producer({ dispatcher });
    const a = link('a', {}, peer('a'));
    const b = link('b', {}, peer('b'));
    side.onSubscribe(a);
    side.onSubscribe(b);
    core.mail.push(M.ask(b, 2), M.ask(a, 3), M.info('later'), M.ask(b, 4));
    side.onAsk(a, 1);
    expect(demands).to.deep.equal([6]);
    expect(asked).to.deep.equal([['ask', 1], ['ask', 2], ['ask', 3]]);
    expect(core.mail.map((m) => m.kind)).to.deep.equal([M.INFO, M.P_ASK]);
  });

  it('should tell each consumer it exited with a down cancel and report what it held as dropped', () => {
    const { core, side } = producer();
    const down = peer('down');
    const a = link('a', {}, down, { cancel: 'temporary' });
    side.onSubscribe(a);
    side.dispatch([1, 2, 3]);
    expect(side.afterExit('shutdown')).to.equal(false); // temporary, and the consumer has no handleCancel
    expect(down.log).to.deep.equal([['consumerCancel', 'a', 'shutdown', true]]);
    expect(core.warnings).to.deep.equal(['source stopped with 3 events it had not delivered (buffered, or queued for partitions without demand): dropped']);
    expect(side.bufferedCount).to.equal(0);
  });
});
