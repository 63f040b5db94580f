// ConsumerSide as state transitions (no live stage). Rules R1, R2, R7, R8: docs/protocol.md.
import { expect } from 'chai';
import { ConsumerSide } from '../../src/stage/consumer-side.js';
import * as M from '../../src/stage/messages.js';
import { ExitMarker } from '../../src/stage/role.js';
import type { Subscription } from '../../src/stage/subscription.js';
import { FakeCore, link, peer, range } from './role-support.js';

function consumer(impl: Record<string, unknown> = {}) {
  const batches: unknown[][] = [];
  const cancels: unknown[] = [];
  const core = new FakeCore('sink', {
    handleEvents: (events: unknown[]) => void batches.push(events),
    handleCancel: (reason: unknown) => void cancels.push(reason),
    ...impl,
  });
  const side = new ConsumerSide(core);
  const up = peer('up');
  return { core, side, up, batches, cancels };
}

function subscribe(side: ConsumerSide, sub: Subscription): Subscription[] {
  const resolved: Subscription[] = [];
  side.onSubscribeTo(sub, (s) => resolved.push(s));
  return resolved;
}

describe('ConsumerSide as state transitions (fake stage, no process)', () => {
  it('R1: should send the subscription, then ask maxDemand, and resolve the caller (automatic mode)', () => {
    const { side, up } = consumer();
    const a = link('a', up, {}, { maxDemand: 10, minDemand: 5 });
    expect(subscribe(side, a)).to.deep.equal([a]);
    expect(up.log).to.deep.equal([['subscribe', 'a'], ['ask', 'a', 10]]);
    expect(side.producers.includes(a)).to.equal(true);
  });

  it('R1: should cut a batch into chunks of maxDemand - minDemand and ask again once pending <= minDemand', () => {
    const { side, up, batches } = consumer();
    const a = link('a', up, {}, { maxDemand: 10, minDemand: 5 });
    subscribe(side, a);
    up.log.length = 0;
    expect(side.onEvents(M.events(a, range(0, 10)))).to.equal(undefined);
    expect(batches).to.deep.equal([range(0, 5), range(5, 5)]);
    expect(up.log).to.deep.equal([['ask', 'a', 5], ['ask', 'a', 5]]);
  });

  it('R1: should warn about events in excess of its demand, clamp pending to 0 and ask maxDemand (10/2: 3 then 8 events)', () => {
    const { core, side, up } = consumer();
    const a = link('a', up, {}, { maxDemand: 10, minDemand: 2 });
    subscribe(side, a);
    up.log.length = 0;
    side.onEvents(M.events(a, range(0, 3)));
    expect(a.pending).to.equal(7);
    side.onEvents(M.events(a, range(3, 8)));
    expect(core.warnings).to.deep.equal(['sink has received 1 events in excess from up']);
    expect(up.log).to.deep.equal([['ask', 'a', 10]]);
    expect(a.pending).to.equal(10);
  });

  it('R2: should not ask in manual mode, hand over whole batches, and ask only when told (never 0)', () => {
    const { side, up, batches } = consumer({ handleSubscribe: () => 'manual' });
    const a = link('a', up, {}, { maxDemand: 3, minDemand: 1 });
    subscribe(side, a);
    side.onEvents(M.events(a, range(0, 7)));
    side.ask(a, 0);
    side.ask(a, 4);
    expect(batches).to.deep.equal([range(0, 7)]);
    expect(up.log).to.deep.equal([['subscribe', 'a'], ['ask', 'a', 4]]);
  });

  it('R8: should drop events on a subscription it does not hold and tell the producer unknown_subscription', () => {
    const { side, up, batches } = consumer();
    const stray = link('stray', up, {});
    side.onEvents(M.events(stray, [1]));
    expect(batches).to.deep.equal([]);
    expect(up.log).to.deep.equal([['producerCancel', 'stray', 'unknown_subscription', false]]);
  });

  it('should send a cancel once and ask nothing more while it is being cancelled', () => {
    const { side, up } = consumer({ handleSubscribe: () => 'manual' });
    const a = link('a', up, {});
    subscribe(side, a);
    side.cancel(a, 'bye');
    side.cancel(a, 'again');
    side.ask(a, 5);
    expect(up.log).to.deep.equal([['subscribe', 'a'], ['producerCancel', 'a', 'bye', false]]);
  });

  const modes: [string, 'permanent' | 'transient' | 'temporary', unknown, unknown[]][] = [
    ['permanent, normal', 'permanent', 'normal', ['normal']],
    ['permanent, crash', 'permanent', 'boom', ['boom']],
    ['transient, normal', 'transient', 'normal', []],
    ['transient, shutdown', 'transient', 'shutdown', []],
    ['transient, crash', 'transient', 'boom', ['boom']],
    ['temporary, crash', 'temporary', 'boom', []],
  ];
  for (const [title, mode, reason, exits] of modes) {
    it(`R7: should run handleCancel, then apply the cancel mode (${title} -> exits ${JSON.stringify(exits)})`, () => {
      const { core, side, up, cancels } = consumer();
      const a = link('a', up, {}, { cancel: mode });
      subscribe(side, a);
      side.onCancel(a, reason, true);
      expect(cancels).to.deep.equal([{ down: reason }]);
      expect(core.exits).to.deep.equal(exits);
      expect(side.producers.length).to.equal(0);
      side.onCancel(a, reason, true); // a second cancel of the same subscription does nothing
      expect(cancels).to.have.length(1);
    });
  }

  it('R7: should log noproc when a permanent subscription finds its producer not running', () => {
    const { core, side, up } = consumer();
    const a = link('a', up, {}, { cancel: 'permanent' });
    subscribe(side, a);
    side.onCancel(a, 'noproc', true);
    expect(core.errors).to.deep.equal(['sink subscribed to up, which is not running']);
    expect(core.exits).to.deep.equal(['noproc']);
  });

  it('R7: should not stop on a cancel of a replaced (resubscribed) subscription, even permanent', () => {
    const { core, side, up } = consumer();
    const a = link('a', up, {}, { cancel: 'permanent' });
    subscribe(side, a);
    a.replaced = true;
    side.onCancel(a, 'normal', false);
    expect(core.exits).to.deep.equal([]);
  });

  it('R6/R7: a producer-consumer whose source ended normally should exit after what it holds (exit marker), not at once', () => {
    const { core, side, up } = consumer();
    side.queue = {} as never; // a producer-consumer: only its presence matters here
    const a = link('a', up, {}, { cancel: 'permanent' });
    subscribe(side, a);
    side.onCancel(a, 'normal', true);
    expect(core.exits).to.deep.equal([]);
    expect(core.placed).to.have.length(1);
    expect(core.placed[0]).to.be.instanceOf(ExitMarker);
    expect((core.placed[0] as ExitMarker).reason).to.equal('normal');
  });

  it('should throw a TypeError (ERR_GENSTAGE_INVALID_RETURN) when handleSubscribe returns neither automatic nor manual', () => {
    const { side, up } = consumer({ handleSubscribe: () => 'auto' });
    const a = link('a', up, {});
    expect(() => side.onSubscribeTo(a, () => {}))
      .to.throw(TypeError, `sink: handleSubscribe must return 'automatic' or 'manual', got: "auto"`)
      .with.property('code', 'ERR_GENSTAGE_INVALID_RETURN');
  });

  it('should warn once about events a consumer callback returned, and report the count of later ones when it exits', () => {
    const { core, side } = consumer();
    side.drop(2, 'handleEvents');
    side.drop(3, 'handleEvents');
    side.drop(4, 'handleInfo');
    side.afterExit('normal');
    expect(core.warnings).to.deep.equal([
      'sink: a consumer cannot dispatch events; 2 events from handleEvents dropped (further drops by this stage are counted and reported when it stops)',
      'sink: a consumer cannot dispatch events; 7 more events from its callbacks dropped since the first warning',
    ]);
  });

  it('should tell every producer it exited with a down cancel', () => {
    const { side, up } = consumer();
    const a = link('a', up, {});
    const b = link('b', up, {});
    subscribe(side, a);
    subscribe(side, b);
    up.log.length = 0;
    side.afterExit('shutdown');
    expect(up.log).to.deep.equal([['producerCancel', 'a', 'shutdown', true], ['producerCancel', 'b', 'shutdown', true]]);
    expect(side.producers.length).to.equal(0);
  });
});
