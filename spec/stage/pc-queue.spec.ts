// PcQueue, with the consumer and producer sides of a producer-consumer, as state
// transitions (no live stage). Rule R6: docs/protocol.md.
import { expect } from 'chai';
import { DemandDispatcher } from '../../src/stage/demand-dispatcher.js';
import { ConsumerSide } from '../../src/stage/consumer-side.js';
import { PcQueue } from '../../src/stage/pc-queue.js';
import { ProducerSide } from '../../src/stage/producer-side.js';
import * as M from '../../src/stage/messages.js';
import { FakeCore, link, peer } from './role-support.js';

/** A producer-consumer multiplying by 10, composed as StageProcess composes it, between two peers. */
function rig() {
  const seen: unknown[] = [];
  const core = new FakeCore('times10', {
    handleEvents: (events: number[]) => (seen.push(events), events.map((x) => x * 10)),
    handleInfo: (message: unknown) => void seen.push(['info', message]),
    handleCancel: (reason: unknown) => void seen.push(['cancel', reason]),
  });
  const consumer = new ConsumerSide(core);
  const producer = new ProducerSide(core, new DemandDispatcher(), Infinity, 'last', 'forward');
  const queue = new PcQueue(core, consumer);
  consumer.queue = producer.queue = queue;
  core.producer = producer;
  const up = peer('up');
  const down = peer('down');
  const u = link('u', up, core, { maxDemand: 10, minDemand: 5, cancel: 'temporary' });
  const d = link('d', core, down);
  consumer.onSubscribeTo(u, () => {});
  producer.onSubscribe(d);
  up.log.length = 0;
  return { core, consumer, producer, queue, up, down, u, d, seen };
}

describe('PcQueue as state transitions (a producer-consumer without a process)', () => {
  it('R6: should hold upstream events while downstream has no demand, then take them a whole message at a time', () => {
    const { consumer, producer, queue, down, u, d, seen } = rig();
    consumer.onEvents(M.events(u, [1, 2, 3]));
    expect(seen).to.deep.equal([]);
    expect(queue.length).to.equal(1);
    producer.onAsk(d, 2);
    // The whole message is processed for a demand of 2; the event beyond it is buffered.
    expect(seen).to.deep.equal([[1, 2, 3]]);
    expect(down.log).to.deep.equal([['events', 'd', [10, 20]]]);
    expect(producer.bufferedCount).to.equal(1);
    expect(queue.counter).to.equal(0);
    expect(queue.length).to.equal(0);
  });

  it('R6: should serve new downstream demand from the buffer first, then from the queue', () => {
    const { consumer, producer, down, u, d } = rig();
    consumer.onEvents(M.events(u, [1, 2, 3]));
    producer.onAsk(d, 2);
    consumer.onEvents(M.events(u, [4]));
    producer.onAsk(d, 5);
    expect(down.log).to.deep.equal([['events', 'd', [10, 20]], ['events', 'd', [30]], ['events', 'd', [40]]]);
  });

  it('R6: should consume at once when nothing waits and downstream demand remains', () => {
    const { consumer, producer, queue, down, u, d, seen } = rig();
    producer.onAsk(d, 5);
    expect(queue.counter).to.equal(5);
    consumer.onEvents(M.events(u, [7]));
    expect(seen).to.deep.equal([[7]]);
    expect(down.log).to.deep.equal([['events', 'd', [70]]]);
    expect(queue.counter).to.equal(4);
  });

  it('R6: should keep infos and upstream cancels in their place behind the events that came before them', () => {
    const { consumer, producer, queue, u, d, seen } = rig();
    consumer.onEvents(M.events(u, [1]));
    queue.enqueue(M.info('tick'));
    queue.enqueue(M.consumerCancel(u, 'normal', true));
    expect(seen).to.deep.equal([]);
    producer.onAsk(d, 1);
    expect(seen).to.deep.equal([[1], ['info', 'tick'], ['cancel', { down: 'normal' }]]);
    expect(consumer.producers.length).to.equal(0);
  });

  it('should tell each demand listener the downstream demand not yet met', () => {
    const { producer, queue, d } = rig();
    const heard: number[] = [];
    const remove = queue.addListener((pending) => heard.push(pending));
    producer.onAsk(d, 3);
    producer.onAsk(d, 2);
    remove();
    producer.onAsk(d, 1);
    expect(heard).to.deep.equal([3, 5]);
  });

  it('should take nothing more once the stage is stopping', () => {
    const { core, consumer, queue, u, seen } = rig();
    consumer.onEvents(M.events(u, [1]));
    consumer.onEvents(M.events(u, [2]));
    core.stopping = true;
    queue.counter = 5;
    expect(queue.take()).to.equal(undefined);
    expect(seen).to.deep.equal([]);
    expect(queue.length).to.equal(2);
  });
});
