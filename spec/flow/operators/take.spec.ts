import { expect } from 'chai';
import { Flow, map, filter, partition, reduce, onTrigger, take, takeWhile, first, takeUntil } from '../../../src/flow/index.js';
import { GenStage } from '../../../src/io/gen-stage.js';
import { baseline, newResources } from '../../support/resources.js';
import { range } from '../helpers.js';

/** An endless generator that counts how many items were pulled from it and whether it was closed. */
function counted(): { items: Generator<number>; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  function* naturals(): Generator<number> {
    try {
      for (let n = 1; ; n++) {
        pulled++;
        yield n;
      }
    } finally {
      closed = true;
    }
  }
  return { items: naturals(), pulled: () => pulled, closed: () => closed };
}

/** Lets resources being closed right now go (bounded: a leak still fails the check after it). */
async function settle(before?: Map<string, number>): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; before !== undefined && i < 500 && newResources(before).length > 0; i++) await new Promise((r) => setTimeout(r, 2));
}

describe('take', () => {
  it('should emit the first n events, stop reading the source and close it', async () => {
    const src = counted();
    const before = await baseline();
    expect(await Flow.from(src.items).pipe(map((n: number) => n * n), take(3)).toArray()).to.deep.equal([1, 4, 9]);
    expect(src.pulled()).to.equal(3);
    expect(src.closed()).to.equal(true);
    await settle(before);
    expect(newResources(before)).to.deep.equal([]);
  });

  it('should take n in all across partitions, and let a reducer after it see the end', async () => {
    const src = counted();
    const out = await Flow.from(src.items)
      .pipe(partition({ stages: 3 }), take(10), reduce(() => 0, (_n: number, acc: number) => acc + 1), onTrigger((acc: number) => [[acc], acc]))
      .toArray();
    expect(out).to.deep.equal([10]);
    expect(src.closed()).to.equal(true);
  });

  it('should emit everything of a shorter flow and end normally', async () => {
    expect(await Flow.from(range(3)).pipe(take(10)).toArray()).to.deep.equal([1, 2, 3]);
  });

  it('should emit nothing and read nothing with take(0)', async () => {
    const src = counted();
    expect(await Flow.from(src.items).pipe(take(0)).toArray()).to.deep.equal([]);
    expect(src.pulled()).to.equal(0);
  });

  it('should leave a stage the flow does not own running, with the flow\'s subscription gone', async () => {
    const source = await GenStage.fromIterable(counted().items);
    expect(await Flow.from(source).pipe(take(2)).toArray()).to.deep.equal([1, 2]);
    expect(source.alive).to.equal(true);
    await source.stop();
  });

  it('should stop the flow behind a for await that keeps going after it', async () => {
    const src = counted();
    const out: number[] = [];
    for await (const n of Flow.from(src.items).pipe(filter((n: number) => n % 2 === 0), take(4))) out.push(n);
    expect(out).to.deep.equal([2, 4, 6, 8]);
    expect(src.closed()).to.equal(true);
  });

  it('should reject a count that is not an integer >= 0', () => {
    expect(() => take(-1)).to.throw(RangeError, 'expected take count to be an integer >= 0 or Infinity, got: -1');
    expect(() => take('3' as never)).to.throw(TypeError, 'expected take count to be an integer >= 0 or Infinity, got: "3"');
  });
});

describe('takeWhile', () => {
  it('should emit while the predicate holds and stop reading at the first event that fails it', async () => {
    const src = counted();
    expect(await Flow.from(src.items).pipe(takeWhile((n: number) => n < 4)).toArray()).to.deep.equal([1, 2, 3]);
    expect(src.closed()).to.equal(true);
    expect(src.pulled()).to.be.at.most(1000);
  });

  it('should also emit the event that ended it with inclusive: true', async () => {
    expect(await Flow.from([1, 2, 5, 1]).pipe(takeWhile((n: number) => n < 4, { inclusive: true })).toArray()).to.deep.equal([1, 2, 5]);
  });

  it('should fail the flow with a TypeError naming takeWhile when the predicate returns a Promise', async () => {
    let error: unknown;
    try {
      await Flow.from([1, 2]).pipe(takeWhile(async () => true)).toArray();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.equal('takeWhile: expected predicate to return a boolean, got a Promise for event 1');
  });

  it('should check its arguments', () => {
    expect(() => takeWhile(3 as never)).to.throw(TypeError, 'expected takeWhile predicate to be a function, got: 3');
    expect(() => takeWhile(() => true, { inclusiv: true } as never)).to.throw(TypeError, "takeWhile options: unknown option 'inclusiv'; known: 'inclusive'");
  });
});

describe('first', () => {
  it('should emit the first event and stop reading the source', async () => {
    const src = counted();
    expect(await Flow.from(src.items).pipe(first()).toArray()).to.deep.equal([1]);
    expect(src.pulled()).to.equal(1);
    expect(src.closed()).to.equal(true);
  });

  it('should emit the first event matching the predicate', async () => {
    expect(await Flow.from([1, 4, 6, 9]).pipe(first((n: number) => n % 2 === 0)).toArray()).to.deep.equal([4]);
  });

  it('should emit nothing when the flow ends before a match', async () => {
    expect(await Flow.from([1, 3]).pipe(first((n: number) => n % 2 === 0)).toArray()).to.deep.equal([]);
  });
});

describe('takeUntil', () => {
  it('should end the flow normally when the signal aborts, having stopped reading the source', async () => {
    const src = counted();
    const ctrl = new AbortController();
    const before = await baseline();
    const out: number[] = [];
    for await (const n of Flow.from(src.items, { maxDemand: 10 }).pipe(takeUntil(ctrl.signal)).iterate({ maxDemand: 10 })) {
      out.push(n);
      if (n === 25) ctrl.abort();
    }
    expect(out.slice(0, 25)).to.deep.equal(range(25));
    expect(out.length).to.be.below(60);
    expect(src.closed()).to.equal(true);
    await settle(before);
    expect(newResources(before)).to.deep.equal([]);
  });

  it('should emit nothing and read nothing with a signal already aborted', async () => {
    const src = counted();
    expect(await Flow.from(src.items).pipe(takeUntil(AbortSignal.abort())).toArray()).to.deep.equal([]);
    expect(src.pulled()).to.equal(0);
  });

  it('should reject what is not an AbortSignal', () => {
    expect(() => takeUntil({} as never)).to.throw(TypeError, 'expected takeUntil signal to be an AbortSignal, got: {}');
  });
});
