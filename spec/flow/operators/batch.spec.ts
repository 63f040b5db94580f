import { expect } from 'chai';
import { Flow, batch, map, tap } from '../../../src/flow/index.js';
import { VirtualClock } from '../../../src/testing/virtual-clock.js';
import { range } from '../helpers.js';

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error('condition not reached');
}

describe('batch', () => {
  it('should group by size and emit the rest at the end: 1..7 by 3', async () => {
    expect(await Flow.from(range(7)).pipe(batch({ size: 3 })).toArray()).to.deep.equal([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('should group across incoming batch boundaries', async () => {
    const out = await Flow.from(range(10), { maxDemand: 4, minDemand: 1 }).pipe(batch({ size: 4 })).toArray();
    expect(out).to.deep.equal([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
  });

  it('should emit a partial group when the timeout passes first, on the flow clock', async () => {
    const clock = new VirtualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let atGate = false;
    async function* source(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      atGate = true;
      await gate;
      yield 3;
    }
    const out: { at: number; group: number[] }[] = [];
    const done = Flow.from(source(), { clock, maxDemand: 2, minDemand: 1 })
      .pipe(batch({ size: 10, timeout: 500 }), tap((group: number[]) => out.push({ at: clock.now(), group })))
      .run();
    await until(() => atGate);
    await clock.advance(499);
    expect(out).to.deep.equal([]);
    await clock.advance(1);
    expect(out).to.deep.equal([{ at: 500, group: [1, 2] }]);
    release();
    await done;
    expect(out).to.deep.equal([{ at: 500, group: [1, 2] }, { at: 500, group: [3] }]);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('should let mappers after it map the groups', async () => {
    expect(await Flow.from(range(5)).pipe(batch({ size: 2 }), map((g: number[]) => g.length)).toArray()).to.deep.equal([2, 2, 1]);
  });

  it('should validate its options', () => {
    expect(() => batch({ size: 0 })).to.throw(RangeError, 'expected size to be an integer >= 1, got: 0');
    expect(() => batch({ size: 2, timeout: -1 })).to.throw(RangeError, /expected timeout/);
    expect(() => batch({ size: 2, every: 1 } as never)).to.throw(TypeError, /unknown option every/);
  });
});
