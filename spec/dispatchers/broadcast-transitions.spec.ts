import { expect } from 'chai';
import { BroadcastDispatcher } from '../../src/index.js';
import { fakeHost, fakeSubscription as sub } from './support.js';

describe('BroadcastDispatcher as state transitions (fake host, no live stages)', () => {
  it('R10: should refuse a second subscription of the same consumer with the value { refuse: already_subscribed }, not a throw', () => {
    const d = new BroadcastDispatcher<number>();
    const { host } = fakeHost();
    d.init(host);
    const consumer = {};
    expect(d.subscribe({}, sub(1, consumer))).to.equal(0);
    expect(d.subscribe({}, sub(2, consumer))).to.deep.equal({ refuse: 'already_subscribed' });
  });

  it('R10: should ask upstream only for what the slowest consumer wants, and deliver to every consumer', () => {
    const d = new BroadcastDispatcher<number>();
    const { host, log } = fakeHost();
    d.init(host);
    const a = sub(1, {});
    const b = sub(2, {});
    d.subscribe({}, a);
    d.subscribe({}, b);
    expect(d.ask(3, a)).to.equal(0);
    expect(d.ask(2, b)).to.equal(2);
    expect(d.dispatch([10, 11, 12])).to.deep.equal([12]);
    expect(log).to.deep.equal([['deliver', 1, [10, 11]], ['deliver', 2, [10, 11]]]);
    expect(d.cancel(b)).to.equal(1);
  });

  it('R12: should pass an info straight to the host when no event is held', () => {
    const d = new BroadcastDispatcher<number>();
    const { host, log } = fakeHost();
    d.init(host);
    d.info('tick');
    expect(log).to.deep.equal([['info', 'tick']]);
  });
});
