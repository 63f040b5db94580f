import { expect } from 'chai';
import { from, range as ixRange, toArray as ixToArray } from 'ix/asynciterable';
import { filter as ixFilter, map as ixMap, take } from 'ix/asynciterable/operators';
import { Flow, GenStage, map, partition, reduce } from '../../src/index.js';
import { throughFlow, toAsyncIterable } from '../../src/interop/ix/index.js';
import { Naturals, counting } from './support.js';

describe('genstage/ix', () => {
  it('should let IxJS from(flow) iterate a flow', async () => {
    const out = await ixToArray(from(Flow.from([1, 2, 3]).pipe(map((n: number) => n * 10))).pipe(ixMap((n) => n + 1)));
    expect(out).to.deep.equal([11, 21, 31]);
  });

  it('should let Flow.from read an AsyncIterableX', async () => {
    const out = await Flow.from(ixRange(0, 5).pipe(ixMap((n) => n * n))).toArray();
    expect(out).to.deep.equal([0, 1, 4, 9, 16]);
  });

  it('should run a flow pipeline as an IxJS operator', async () => {
    const out = await ixToArray(
      ixRange(1, 10).pipe(
        throughFlow((flow) => flow.pipe(map((n: number) => n * 2))),
        ixFilter((n) => n % 4 === 0),
      ),
    );
    expect(out).to.deep.equal([4, 8, 12, 16, 20]);
  });

  it('should run partitioned reducers inside the operator', async () => {
    const out = await ixToArray(
      from(['x', 'y', 'x', 'z', 'x']).pipe(
        throughFlow((flow) =>
          flow.pipe(partition({ stages: 2 }), reduce(() => new Map<string, number>(), (k: string, acc: Map<string, number>) => acc.set(k, (acc.get(k) ?? 0) + 1))),
        ),
      ),
    );
    expect(new Map(out as [string, number][])).to.deep.equal(new Map([['x', 3], ['y', 1], ['z', 1]]));
  });

  it('should stop the flow and close the source when the loop stops early', async () => {
    const source = counting();
    const out = await ixToArray(from(source.iterable).pipe(throughFlow((flow) => flow.pipe(map((n: number) => -n))), take(3)));
    expect(out).to.deep.equal([-0, -1, -2]);
    await source.closed;
  });

  it('should throw the flow\'s error from the loop', async () => {
    const failing = from([1, 2]).pipe(throughFlow((flow) => flow.pipe(map(() => {
      throw new Error('ix flow failed');
    }))));
    const error = await ixToArray(failing).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('ix flow failed');
  });

  it('should give a stage IxJS operators, and cancel its subscription when the loop stops', async () => {
    const naturals = new Naturals();
    const stage = await GenStage.start(naturals);
    const out = await ixToArray(toAsyncIterable(stage).pipe(take(4)));
    expect(out).to.deep.equal([0, 1, 2, 3]);
    expect(await naturals.cancelled.promise).to.deep.equal({ cancel: 'normal' });
    await stage.stop();
  });

  it('should reject a build that is not a function and a source that is not a flow or producer', () => {
    expect(() => throughFlow(null as never)).to.throw(TypeError, /build/);
    expect(() => toAsyncIterable('abc' as never)).to.throw(TypeError, /expected a Flow or a producer Stage/);
  });
});
