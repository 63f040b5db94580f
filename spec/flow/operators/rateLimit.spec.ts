import { expect } from 'chai';
import { Flow, rateLimit, tap, map } from '../../../src/flow/index.js';
import { VirtualClock } from '../../../src/testing/virtual-clock.js';
import { range } from '../helpers.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error('condition not reached');
}

describe('rateLimit', () => {
  it('should let `allowed` events through per interval and drop none', async () => {
    const clock = new VirtualClock();
    const out: [number, number][] = [];
    const done = Flow.from(range(5), { clock }).pipe(rateLimit({ allowed: 2, interval: 1000 }), tap((n: number) => out.push([n, clock.now()]))).run();
    await until(() => out.length === 2);
    expect(out).to.deep.equal([[1, 0], [2, 0]]);
    await clock.advance(1000);
    expect(out).to.deep.equal([[1, 0], [2, 0], [3, 1000], [4, 1000]]);
    await clock.advance(1000);
    await done;
    expect(out).to.deep.equal([[1, 0], [2, 0], [3, 1000], [4, 1000], [5, 2000]]);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('should shape demand: the source is not read far ahead of the limit', async () => {
    const clock = new VirtualClock();
    let pulled = 0;
    function* endless(): Generator<number> {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const out: number[] = [];
    const it = Flow.from(endless(), { clock, maxDemand: 4, minDemand: 2 }).pipe(rateLimit({ allowed: 3, interval: 100 }), map((n: number) => n))
      .iterate({ maxDemand: 2 })[Symbol.asyncIterator]();
    out.push((await it.next()).value as number);
    await clock.advance(300);
    // source: what the rate limit asked for (3 at a time) plus the first stage's demand, not thousands
    expect(pulled).to.be.below(40);
    await it.return!();
    expect(out).to.deep.equal([0]);
  });

  it('should validate its options', () => {
    expect(() => rateLimit({ allowed: 0, interval: 10 })).to.throw(RangeError, 'expected allowed to be an integer >= 1, got: 0');
    expect(() => rateLimit({ allowed: 1 } as never)).to.throw(TypeError, /expected interval/);
  });
});
