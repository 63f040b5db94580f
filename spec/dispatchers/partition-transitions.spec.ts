// The protocol rule cited below (R11) is stated in docs/protocol.md.
import { expect } from 'chai';
import { PartitionDispatcher, defaultHash, type Subscription } from '../../src/index.js';
import { fakeHost, fakeSubscription as sub } from './support.js';

describe('PartitionDispatcher as state transitions (fake host, no live stages, issue 14)', () => {
  it('R11: should send each partition its share of a dispatch as one message, partitions in the order they first got an event', () => {
    const d = new PartitionDispatcher<number>({ partitions: 3, hash: (x) => [x * 10, x % 3] });
    const { host, log } = fakeHost();
    d.init(host);
    const subs = [sub(0), sub(1), sub(2)];
    subs.forEach((s, p) => d.subscribe({ partition: p }, s));
    subs.forEach((s) => d.ask(10, s));
    expect(d.dispatch([2, 0, 1, 5, 3, 4, 8, 6])).to.deep.equal([]);
    expect(log).to.deep.equal([
      ['deliver', 2, [20, 50, 80]],
      ['deliver', 0, [0, 30, 60]],
      ['deliver', 1, [10, 40]],
    ]);
  });

  it('R11: should route by defaultHash(event) % count when no hash is given, one message per partition', () => {
    const d = new PartitionDispatcher<number>({ partitions: 4 });
    const { host, log } = fakeHost();
    d.init(host);
    const subs = [sub(0), sub(1), sub(2), sub(3)];
    subs.forEach((s, p) => d.subscribe({ partition: p }, s));
    subs.forEach((s) => d.ask(100, s));
    const events = Array.from({ length: 40 }, (_, i) => i - 20);
    expect(d.dispatch(events)).to.deep.equal([]);
    const expected = new Map<number, number[]>();
    for (const e of events) {
      const p = defaultHash(e) % 4;
      if (!expected.has(p)) expected.set(p, []);
      expected.get(p)!.push(e);
    }
    expect(log).to.deep.equal([...expected].map(([p, batch]) => ['deliver', p, batch]));
  });

  it('R11: should route named partitions by the name the hash returns, and queue past a partition\'s demand', () => {
    const d = new PartitionDispatcher<string, string>({ partitions: ['odd', 'even'], hash: (x) => [x, x.length % 2 === 0 ? 'even' : 'odd'] });
    const log: unknown[][] = [];
    d.init({ deliver: (to, events) => log.push([(to as unknown as { tag: number }).tag, events]), askAgain: () => {}, sendInfo: () => {}, warn: () => {} });
    const odd = sub(1) as unknown as Subscription<string>;
    const even = sub(2) as unknown as Subscription<string>;
    d.subscribe({ partition: 'odd' }, odd);
    d.subscribe({ partition: 'even' }, even);
    d.ask(1, odd);
    d.ask(5, even);
    expect(d.dispatch(['a', 'bb', 'ccc', 'dd'])).to.deep.equal([]);
    expect(log).to.deep.equal([[1, ['a']], [2, ['bb', 'dd']]]);
    expect(d.heldCount()).to.equal(1); // 'ccc' waits for odd's next ask
  });

  it('R11: should still deliver the events it placed before a hash throws (none dropped silently)', () => {
    const d = new PartitionDispatcher<number>({
      partitions: 2,
      hash: (x) => {
        if (x === 3) throw new Error('bad key 3');
        return [x, x % 2];
      },
    });
    const { host, log } = fakeHost();
    d.init(host);
    const a = sub(0);
    const b = sub(1);
    d.subscribe({ partition: 0 }, a);
    d.subscribe({ partition: 1 }, b);
    d.ask(10, a);
    d.ask(10, b);
    expect(() => d.dispatch([0, 1, 2, 3, 4])).to.throw('bad key 3');
    expect(log).to.deep.equal([
      ['deliver', 0, [0, 2]],
      ['deliver', 1, [1]],
    ]);
  });
});
