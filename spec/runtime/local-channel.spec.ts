import { expect } from 'chai';
import { LocalChannel } from '../../src/runtime/host.js';

describe('diagnostics: the channel used where node:diagnostics_channel is absent', () => {
  it('should report hasSubscribers and deliver each message to every subscriber in subscription order, with the name', () => {
    const channel = new LocalChannel('genstage:events');
    const seen: unknown[] = [];
    expect(channel.hasSubscribers).to.equal(false);
    channel.publish({ count: 0 });
    const a = (m: unknown, name: string | symbol): void => void seen.push(['a', m, name]);
    const b = (m: unknown): void => void seen.push(['b', m]);
    channel.subscribe(a);
    channel.subscribe(b);
    expect(channel.hasSubscribers).to.equal(true);
    channel.publish({ count: 3 });
    expect(seen).to.deep.equal([['a', { count: 3 }, 'genstage:events'], ['b', { count: 3 }]]);
  });

  it('should stop delivering to an unsubscribed subscriber and say whether it was subscribed', () => {
    const channel = new LocalChannel('genstage:demand');
    const seen: unknown[] = [];
    const a = (m: unknown): void => void seen.push(m);
    channel.subscribe(a);
    expect(channel.unsubscribe(a)).to.equal(true);
    expect(channel.unsubscribe(a)).to.equal(false);
    channel.publish(1);
    expect(seen).to.deep.equal([]);
    expect(channel.hasSubscribers).to.equal(false);
  });
});
