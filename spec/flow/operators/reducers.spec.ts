import { expect } from 'chai';
import {
  Flow, flatMap, map, partition, shuffle, reduce, emitAndReduce, groupBy, groupByKey, reduceByKey, countByKey,
  uniq, uniqBy, takeSort, departition, onTrigger, window, Window,
} from '../../../src/flow/index.js';
import { range, sorted } from '../helpers.js';

const text = ['the quick brown fox', 'jumps over the lazy dog', 'the end'];

describe('reduce', () => {
  it('should count words (the reference word count) across 2 source stages and 4 partitions', async () => {
    const counts = await Flow.from(['roses are red', 'violets are blue'], { stages: 2 })
      .pipe(
        flatMap((line: string) => line.split(' ')),
        partition({ key: (word: string) => word, stages: 4 }),
        reduce(() => new Map<string, number>(), (word: string, acc) => acc.set(word, (acc.get(word) ?? 0) + 1)),
      )
      .toArray();
    expect(sorted(counts)).to.deep.equal([['are', 2], ['blue', 1], ['red', 1], ['roses', 1], ['violets', 1]]);
  });

  it('should emit an array accumulator as its elements, in the order stored', async () => {
    const out = await Flow.from(range(5)).pipe(reduce(() => [] as number[], (n: number, acc) => [n, ...acc])).toArray();
    expect(out).to.deep.equal([5, 4, 3, 2, 1]);
  });

  it('should emit a Set accumulator as its values', async () => {
    expect(await Flow.from([3, 1, 3]).pipe(reduce(() => new Set<number>(), (n: number, acc) => acc.add(n))).toArray()).to.deep.equal([3, 1]);
  });

  it('should emit per partition, keeping the keys of one partition together', async () => {
    const out = await Flow.from(range(10)).pipe(
      partition({ stages: 2, hash: (n: number) => [n, n % 2] }),
      reduce(() => [] as number[], (n: number, acc) => {
        acc.push(n);
        return acc;
      }),
      onTrigger((acc: number[]) => [[acc], acc]),
    ).toArray();
    expect(sorted(out.map((xs) => JSON.stringify(xs)))).to.deep.equal(['[1,3,5,7,9]', '[2,4,6,8,10]']);
  });

  it('should fail the flow with a clear message when the accumulator is not iterable and there is no onTrigger', async () => {
    let caught: unknown;
    await Flow.from([1, 2]).pipe(reduce(() => 0, (n: number, acc: number) => acc + n)).toArray().catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.match(/^reduce: the accumulator must be an array, Map, Set or iterable to be emitted as events, got: 3/);
  });

  it('should refuse a second reducer in the same stage, naming the fix', () => {
    const flow = Flow.from([1]).pipe(reduce(() => [] as number[], (n: number, acc) => acc));
    expect(() => flow.pipe(reduce(() => 0, (n: number, acc: number) => acc))).to.throw(TypeError, /already has a reducer \(reduce\); add partition\(\), shuffle\(\) or departition\(\)/);
  });

  it('should allow a new reducer after shuffle()', async () => {
    const out = await Flow.from(range(6)).pipe(
      window(Window.count(2)),
      reduce(() => 0, (n: number, acc: number) => acc + n),
      onTrigger((acc: number) => [[acc], acc]),
      shuffle(),
      reduce(() => [] as number[], (n: number, acc) => {
        acc.push(n);
        return acc;
      }),
      onTrigger((acc: number[]) => [[acc], acc]),
    ).toArray();
    expect(out).to.deep.equal([[3, 7, 11, 0]]);
  });
});

describe('emitAndReduce', () => {
  it('should emit events at once and the accumulator at done', async () => {
    const out = await Flow.from([1, 2, 3]).pipe(emitAndReduce(() => [] as number[], (n: number, acc: number[]) => [[n * 10], [...acc, n]])).toArray();
    expect(out).to.deep.equal([10, 20, 30, 1, 2, 3]);
  });

  it('should emit running totals and nothing at the end with onTrigger', async () => {
    const out = await Flow.from([1, 2, 3]).pipe(
      emitAndReduce(() => 0, (n: number, sum: number) => [[sum + n], sum + n]),
      onTrigger((acc: number) => [[], acc]),
    ).toArray();
    expect(out).to.deep.equal([1, 3, 6]);
  });
});

describe('onTrigger', () => {
  it('should need a reducer before it', () => {
    // @ts-expect-error a flow without a reducer does not type-check either
    expect(() => Flow.from([1]).pipe(onTrigger((acc: number) => [[acc], acc]))).to.throw(TypeError, /needs a reducer before it/);
  });

  it('should receive partition { index, count } and window { type, id, trigger }', async () => {
    const out = await Flow.from(range(4)).pipe(
      partition({ stages: 2, hash: (n: number) => [n, n % 2] }),
      reduce(() => 0, (n: number, acc: number) => acc + n),
      onTrigger((acc: number, p, w) => [[{ acc, p, w }], acc]),
    ).toArray();
    expect(sorted(out)).to.deep.equal([
      { acc: 4, p: { index: 1, count: 2 }, w: { type: 'global', id: 'global', trigger: 'done' } },
      { acc: 6, p: { index: 0, count: 2 }, w: { type: 'global', id: 'global', trigger: 'done' } },
    ]);
  });

  it('should fail the flow when it returns something else than [events, acc]', async () => {
    let caught: unknown;
    await Flow.from([1]).pipe(reduce(() => 0, (n: number, a: number) => a + n), onTrigger(() => 5 as never)).run().catch((e: unknown) => (caught = e));
    expect((caught as Error).message).to.equal('onTrigger: expected the function to return [events, acc], got: 5');
  });
});

describe('groupBy', () => {
  it('should keep each key\'s values newest first', async () => {
    const out = await Flow.from(['the quick brown fox jumps over the lazy dog']).pipe(flatMap((l: string) => l.split(' ')), groupBy((w: string) => w.length)).toArray();
    expect(new Map(out).get(3)).to.deep.equal(['dog', 'the', 'fox', 'the']);
  });

  it('should map the kept values', async () => {
    const out = await Flow.from(['a1', 'b2', 'a3']).pipe(groupBy((s: string) => s[0], (s: string) => Number(s[1]))).toArray();
    expect(out).to.deep.equal([['a', [3, 1]], ['b', [2]]]);
  });
});

describe('groupByKey', () => {
  it('should group [key, value] pairs, newest first', async () => {
    const out = await Flow.from([['a', 1], ['b', 2], ['a', 3]] as [string, number][]).pipe(groupByKey()).toArray();
    expect(out).to.deep.equal([['a', [3, 1]], ['b', [2]]]);
  });
});

describe('reduceByKey', () => {
  it('should fold the values per key', async () => {
    const out = await Flow.from([['a', 1], ['b', 2], ['a', 3], ['a', 4]] as [string, number][]).pipe(reduceByKey((x: number, y: number) => x + y)).toArray();
    expect(out).to.deep.equal([['a', 8], ['b', 2]]);
  });

  it('should give each key its partition when partitioned by key', async () => {
    const pairs = range(100).map((n) => [`k${n % 7}`, n] as [string, number]);
    const out = await Flow.from(pairs).pipe(partition({ stages: 3, key: (p: [string, number]) => p[0] }), reduceByKey((x: number, y: number) => x + y)).toArray();
    expect(out).to.have.length(7);
    expect(new Map(out).get('k0')).to.equal(7 + 14 + 21 + 28 + 35 + 42 + 49 + 56 + 63 + 70 + 77 + 84 + 91 + 98);
  });
});

describe('countByKey', () => {
  it('should count events per key', async () => {
    expect(await Flow.from(['a', 'b', 'a']).pipe(countByKey((w: string) => w)).toArray()).to.deep.equal([['a', 2], ['b', 1]]);
  });

  it('should count [key, value] pairs by their key without a key function', async () => {
    expect(await Flow.from([['x', 0], ['x', 9], ['y', 1]] as [string, number][]).pipe(countByKey()).toArray()).to.deep.equal([['x', 2], ['y', 1]]);
  });
});

describe('uniq', () => {
  it('should emit first occurrences in order: [1,2,2,3,1,4] -> [1,2,3,4]', async () => {
    expect(await Flow.from([1, 2, 2, 3, 1, 4]).pipe(uniq()).toArray()).to.deep.equal([1, 2, 3, 4]);
  });

  it('should emit as events come, without waiting for the end of an endless source', async () => {
    function* endless(): Generator<number> {
      for (let i = 0; ; i++) yield i % 5;
    }
    const out: number[] = [];
    for await (const n of Flow.from(endless(), { maxDemand: 10 }).pipe(uniq())) {
      out.push(n);
      if (out.length === 5) break;
    }
    expect(out).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('should dedupe globally when partitioned by the same key', async () => {
    const out = await Flow.from([...range(50), ...range(50)]).pipe(partition({ stages: 3 }), uniq()).toArray();
    expect(sorted(out)).to.deep.equal(range(50));
  });
});

describe('uniqBy', () => {
  it('should keep the first event of each identity', async () => {
    expect(await Flow.from(['apple', 'avocado', 'banana', 'blueberry', 'cherry']).pipe(uniqBy((s: string) => s[0])).toArray())
      .to.deep.equal(['apple', 'banana', 'cherry']);
  });
});

describe('takeSort', () => {
  it('should emit one event, the top n by the comparator', async () => {
    expect(await Flow.from([5, 1, 4, 2, 3]).pipe(takeSort(3, (a: number, b: number) => b - a)).toArray()).to.deep.equal([[5, 4, 3]]);
  });

  it('should sort ascending by default and merge the tops of several partitions', async () => {
    const input = range(1000).map((n) => (n * 7919) % 1000);
    const out = await Flow.from(input).pipe(partition({ stages: 4 }), takeSort(5)).toArray();
    expect(out).to.deep.equal([[0, 1, 2, 3, 4]]);
  });

  it('should take the top words after a word count', async () => {
    const out = await Flow.from(text).pipe(
      flatMap((l: string) => l.split(' ')),
      partition({ stages: 2, key: (w: string) => w }),
      countByKey((w: string) => w),
      takeSort(2, (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    ).toArray();
    expect(out).to.deep.equal([[['the', 3], ['brown', 1]]]);
  });
});

describe('departition', () => {
  it('should merge the reducers of every partition into one event', async () => {
    const out = await Flow.from(range(10)).pipe(
      partition({ stages: 4 }),
      reduce(() => 0, (n: number, acc: number) => acc + n),
      departition(() => 0, (acc: number, total: number) => total + acc, (total: number) => total),
    ).toArray();
    expect(out).to.deep.equal([55]);
  });

  it('should merge window by window and give done the window id', async () => {
    const out = await Flow.from(range(9)).pipe(
      partition({ stages: 3, window: Window.count(2) }),
      reduce(() => [] as number[], (n: number, acc) => [...acc, n]),
      departition(() => [] as number[], (acc: number[], all: number[]) => [...all, ...acc], (all: number[], id) => [id, all.length]),
    ).toArray();
    const total = out.reduce((s, [, n]) => s + (n as number), 0);
    expect(total).to.equal(9);
    expect(out.every(([id]) => typeof id === 'number')).to.equal(true);
  });

  it('should continue with mappers in its single stage', async () => {
    const out = await Flow.from(range(4)).pipe(
      partition({ stages: 2 }),
      reduce(() => 0, (n: number, acc: number) => acc + n),
      departition(() => 0, (acc: number, t: number) => t + acc, (t: number) => t),
      map((t: number) => `total ${t}`),
    ).toArray();
    expect(out).to.deep.equal(['total 10']);
  });

  it('should need a reducer before it', () => {
    // @ts-expect-error a flow without a reducer does not type-check either
    expect(() => Flow.from([1]).pipe(departition(() => 0, (a: number, s: number) => s + a, (s: number) => s))).to.throw(TypeError, /needs a reducer/);
  });
});
