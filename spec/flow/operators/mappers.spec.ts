import { expect } from 'chai';
import { Flow, map, filter, reject, flatMap, mapBatch, tap, mapValues, reduce, onTrigger, uniqBy, reduceByKey, groupByKey } from '../../../src/flow/index.js';
import { range } from '../helpers.js';

describe('map', () => {
  it('should apply the function to each event in order', async () => {
    expect(await Flow.from([1, 2, 3]).pipe(map((n: number) => `#${n}`)).toArray()).to.deep.equal(['#1', '#2', '#3']);
  });

  it('should await an async function and keep input order, calling it one event at a time', async () => {
    let running = 0;
    let most = 0;
    const out = await Flow.from(range(20)).pipe(map(async (n: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, (n * 7) % 3));
      running--;
      return n * n;
    })).toArray();
    expect(out).to.deep.equal(range(20).map((n) => n * n));
    expect(most).to.equal(1);
  });

  it('should map what a reducer emits when it comes after one', async () => {
    const out = await Flow.from([1, 2, 3]).pipe(
      reduce(() => 0, (n: number, acc: number) => acc + n),
      onTrigger((acc: number) => [[acc], acc]),
      map((sum: number) => sum * 100),
    ).toArray();
    expect(out).to.deep.equal([600]);
  });

  it('should throw at the call for a non-function', () => {
    expect(() => map(3 as never)).to.throw(TypeError, 'expected map to be a function, got: 3');
  });
});

describe('filter', () => {
  it('should keep the events the predicate accepts', async () => {
    expect(await Flow.from(range(10)).pipe(filter((n: number) => n % 3 === 0)).toArray()).to.deep.equal([3, 6, 9]);
  });

  it('should accept an async predicate', async () => {
    expect(await Flow.from(range(6)).pipe(filter(async (n: number) => n > 4)).toArray()).to.deep.equal([5, 6]);
  });

  it('should fuse with map in one stage (order of results kept)', async () => {
    const out = await Flow.from(range(10)).pipe(map((n: number) => n * 3), filter((n: number) => n % 2 === 0), map((n: number) => n + 1)).toArray();
    expect(out).to.deep.equal([7, 13, 19, 25, 31]);
  });
});

describe('reject', () => {
  it('should drop the events the predicate accepts', async () => {
    expect(await Flow.from(range(6)).pipe(reject((n: number) => n % 2 === 0)).toArray()).to.deep.equal([1, 3, 5]);
  });

  it('should accept an async predicate', async () => {
    expect(await Flow.from(['a', 'bb', 'c']).pipe(reject(async (s: string) => s.length > 1)).toArray()).to.deep.equal(['a', 'c']);
  });
});

describe('flatMap', () => {
  it('should emit every item of the returned arrays in order', async () => {
    expect(await Flow.from(['a b', '', 'c d e']).pipe(flatMap((s: string) => (s === '' ? [] : s.split(' ')))).toArray())
      .to.deep.equal(['a', 'b', 'c', 'd', 'e']);
  });

  it('should accept iterables (a Set, a generator)', async () => {
    function* twice(n: number): Generator<number> {
      yield n;
      yield n;
    }
    expect(await Flow.from([1, 2]).pipe(flatMap((n: number) => twice(n))).toArray()).to.deep.equal([1, 1, 2, 2]);
    expect(await Flow.from([1]).pipe(flatMap(() => new Set([5, 6]))).toArray()).to.deep.equal([5, 6]);
  });

  it('should await a Promise of an array', async () => {
    expect(await Flow.from([1, 2]).pipe(flatMap(async (n: number) => [n, -n])).toArray()).to.deep.equal([1, -1, 2, -2]);
  });

  it('should fail the flow when the function returns a non-iterable', async () => {
    let caught: unknown;
    await Flow.from([1]).pipe(flatMap(() => 5 as never)).toArray().catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.equal('flatMap: expected the function to return an array or an iterable, got: 5');
  });
});

describe('mapBatch', () => {
  it('should replace each batch (500 events with the default demand) with what it returns', async () => {
    const sizes = await Flow.from(range(1200)).pipe(mapBatch((batch: number[]) => [batch.length])).toArray();
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(1200);
    expect(Math.max(...sizes)).to.equal(500);
  });

  it('should give batches of maxDemand - minDemand', async () => {
    const sizes = await Flow.from(range(25), { maxDemand: 10, minDemand: 5 }).pipe(mapBatch((batch: number[]) => [batch.length])).toArray();
    expect(sizes).to.deep.equal([5, 5, 5, 5, 5]);
  });

  it('should fail the flow when it returns a non-array', async () => {
    let caught: unknown;
    await Flow.from([1]).pipe(mapBatch(() => 'x' as never)).toArray().catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.equal('mapBatch: expected the function to return an array, got: "x"');
  });
});

describe('tap', () => {
  it('should see every event and pass it on unchanged', async () => {
    const seen: number[] = [];
    expect(await Flow.from([4, 5]).pipe(tap((n: number) => seen.push(n * 2))).toArray()).to.deep.equal([4, 5]);
    expect(seen).to.deep.equal([8, 10]);
  });

  it('should await an async side effect before the next event', async () => {
    const log: string[] = [];
    await Flow.from([1, 2]).pipe(tap(async (n: number) => {
      log.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, 2));
      log.push(`end ${n}`);
    })).run();
    expect(log).to.deep.equal(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});

describe('mapValues', () => {
  it('should map the values of [key, value] pairs and keep the keys', async () => {
    const out = await Flow.from([['a', 1], ['b', 2]] as [string, number][]).pipe(mapValues((n: number) => n * 10)).toArray();
    expect(out).to.deep.equal([['a', 10], ['b', 20]]);
  });

  it('should await an async mapping', async () => {
    const out = await Flow.from([['k', 'v']] as [string, string][]).pipe(mapValues(async (v: string) => v.toUpperCase())).toArray();
    expect(out).to.deep.equal([['k', 'V']]);
  });
});

describe('uniqBy', () => {
  it('should await an async key and keep the first event of each key, in order', async () => {
    const out = await Flow.from(['apple', 'avocado', 'banana', 'blueberry', 'cherry'])
      .pipe(uniqBy(async (s: string) => s[0]))
      .toArray();
    expect(out).to.deep.equal(['apple', 'banana', 'cherry']);
  });

  it('should mix sync and async keys in one batch', async () => {
    const out = await Flow.from([1, 2, 3, 4, 5, 6]).pipe(uniqBy((n: number) => (n % 2 === 0 ? Promise.resolve(n % 3) : n % 3))).toArray();
    expect(out).to.deep.equal([1, 2, 3]);
  });
});

describe('operators over [key, value] pairs', () => {
  async function failure(flow: Flow<unknown>): Promise<Error> {
    try {
      await flow.toArray();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the flow to fail');
  }

  it('should fail mapValues on an event that is not a pair with a TypeError naming it and the event', async () => {
    const error = await failure(Flow.from([['a', 1], 3] as never[]).pipe(mapValues((n: number) => n + 1)));
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.equal('mapValues: expected each event to be a [key, value] pair, got: 3');
  });

  it('should fail reduceByKey and groupByKey on an event that is not a pair with a TypeError naming them and the event', async () => {
    const byKey = await failure(Flow.from([['a', 1], { key: 'b' }] as never[]).pipe(reduceByKey((a: number, b: number) => a + b)));
    expect(byKey).to.be.instanceOf(TypeError);
    expect(byKey.message).to.equal('reduceByKey: expected each event to be a [key, value] pair, got: {"key":"b"}');
    const grouped = await failure(Flow.from(['ab'] as never[]).pipe(groupByKey()));
    expect(grouped.message).to.equal('groupByKey: expected each event to be a [key, value] pair, got: "ab"');
  });
});
