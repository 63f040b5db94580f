// DemandDispatcher as state transitions (rule R9, docs/protocol.md).
import { expect } from 'chai';
import { DemandDispatcher } from '../../src/index.js';
import { fakeHost, fakeSubscription as sub } from './support.js';

function rig(options: { maxDemand?: number } = { maxDemand: 100 }) {
  const d = new DemandDispatcher<number>(options);
  const { host, log } = fakeHost();
  d.init(host);
  return { d, log };
}

/** A dispatcher with consumers 1 (`a`) and 2 (`b`) subscribed, in that order. */
function rigTwo() {
  const { d, log } = rig();
  const a = sub(1);
  const b = sub(2);
  d.subscribe({}, a);
  d.subscribe({}, b);
  return { d, log, a, b };
}

describe('DemandDispatcher as state transitions (fake host, no live stages)', () => {
  it('R9: should ask upstream for what each consumer asks, with nothing on subscribe', () => {
    const { d } = rig();
    const a = sub(1);
    expect(d.subscribe({}, a)).to.equal(0);
    expect(d.ask(5, a)).to.equal(5);
    expect(d.ask(5, a)).to.equal(5);
  });

  it('R9: should send events to the consumer with the most outstanding demand first, then to the next as counters change', () => {
    const { d, log, a, b } = rigTwo();
    d.ask(2, a);
    d.ask(4, b);
    expect(d.dispatch([1, 2, 3])).to.deep.equal([]);
    expect(d.dispatch([4, 5, 6])).to.deep.equal([]);
    expect(log).to.deep.equal([
      ['deliver', 2, [1, 2, 3]],
      ['deliver', 1, [4, 5]],
      ['deliver', 2, [6]],
    ]);
  });

  it('R9: should keep consumers ordered by outstanding demand, ties in the order they got there, as asks and deliveries move them', () => {
    const { d, log } = rig();
    const [a, b, c] = [sub(1), sub(2), sub(3)];
    for (const s of [a, b, c]) d.subscribe({}, s);
    d.ask(3, a);
    d.ask(1, b);
    d.ask(2, c); // a 3, c 2, b 1
    d.ask(2, b); // b 3 goes behind a (3): a, b, c
    expect(d.dispatch([1, 2])).to.deep.equal([]); // a 1 goes last: b 3, c 2, a 1
    expect(d.dispatch([3, 4, 5, 6, 7, 8])).to.deep.equal([]);
    expect(d.dispatch([9])).to.deep.equal([9]);
    expect(log).to.deep.equal([
      ['deliver', 1, [1, 2]],
      ['deliver', 2, [3, 4, 5]],
      ['deliver', 3, [6, 7]],
      ['deliver', 1, [8]],
    ]);
  });

  it('R9: should deliver one event at a time in turns to consumers that each ask for 1 (maxDemand 1)', () => {
    const { d, log } = rig({ maxDemand: 1 });
    const [a, b] = [sub(1), sub(2)];
    d.subscribe({}, a);
    d.subscribe({}, b);
    expect([d.ask(1, a), d.ask(1, b)]).to.deep.equal([1, 1]);
    expect(d.dispatch([1])).to.deep.equal([]);
    expect(d.dispatch([2])).to.deep.equal([]);
    expect(d.dispatch([3])).to.deep.equal([3]);
    expect(d.ask(1, b)).to.equal(1); // the producer serves it from its buffer (the 3 handed back)
    expect(d.dispatch([3])).to.deep.equal([]);
    expect(d.ask(1, a)).to.equal(1);
    expect(d.dispatch([4])).to.deep.equal([]);
    expect(log).to.deep.equal([
      ['deliver', 1, [1]],
      ['deliver', 2, [2]],
      ['deliver', 2, [3]],
      ['deliver', 1, [4]],
    ]);
  });

  it('R9: should hand back the events no consumer wants', () => {
    const { d, log } = rig();
    const a = sub(1);
    d.subscribe({}, a);
    d.ask(2, a);
    expect(d.dispatch([1, 2, 3, 4])).to.deep.equal([3, 4]);
    expect(log).to.deep.equal([['deliver', 1, [1, 2]]]);
  });

  it('R9: should keep a cancelled consumer demand as pending and reduce the next asks by it', () => {
    const { d, log, a, b } = rigTwo();
    d.ask(3, a);
    expect(d.cancel(a)).to.equal(0);
    expect(d.ask(5, b)).to.equal(2); // 3 of b's 5 are already being produced for a
    expect(d.dispatch([1, 2, 3, 4, 5])).to.deep.equal([]);
    expect(log).to.deep.equal([['deliver', 2, [1, 2, 3, 4, 5]]]);
  });

  it('R9: should let events nobody takes reduce the pending demand', () => {
    const { d, a, b } = rigTwo();
    d.ask(3, a);
    d.cancel(a);
    expect(d.dispatch([1, 2])).to.deep.equal([1, 2]); // b has no demand: both go back to the buffer
    // 1 of a's 3 is still pending and 2 events sit in the producer's buffer: of b's 4, the
    // answer counts the 2 the producer serves from its buffer and 1 new; 1 is already coming.
    expect(d.ask(4, b)).to.equal(3);
  });

  it('R12: should pass an info straight to the host', () => {
    const { d, log } = rig();
    d.info('tick');
    expect(log).to.deep.equal([['info', 'tick']]);
  });

  it('should warn once an ask exceeds the first ask (the expected maximum), and still count it', () => {
    const { d, log } = rig({});
    const a = sub(1);
    d.subscribe({}, a);
    d.ask(10, a);
    expect(d.ask(20, a)).to.equal(20);
    expect(log).to.deep.equal([['warn', 'consumer 1 asked for 20 events, more than the expected maximum of 10']]);
  });

  it('should ignore an ask from a consumer it does not know', () => {
    const { d } = rig();
    expect(d.ask(5, sub(9))).to.equal(0);
  });
});
