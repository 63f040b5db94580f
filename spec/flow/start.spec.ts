import { expect } from 'chai';
import { Flow, map, partition, reduce, departition } from '../../src/flow/index.js';
import { GenStage } from '../../src/io/gen-stage.js';
import { range, sorted } from './helpers.js';

// A flow's own stages (an iterable's producer, its map-reducer layers, the sink) start
// without waiting for each init, and their subscriptions go out in one go
// (materialize.ts): the same results, errors and order as one round trip at a time.
describe('Flow: starting its own stages in one pass', () => {
  it('should reject with the error the initial accumulator throws, as when each start was awaited', async () => {
    const boom = new Error('no accumulator');
    const flow = Flow.from([1, 2, 3]).pipe(
      reduce((): number => {
        throw boom;
      }, (x: number, acc: number) => acc + x),
    );
    let caught: unknown;
    await flow.toArray().catch((error: unknown) => (caught = error));
    expect(caught).to.equal(boom);
  });

  it('should route every event through partitions, a reducer per partition and departition when all links go out at once', async () => {
    const out = await Flow.from(range(1, 100))
      .pipe(
        map((n: number) => n * 2),
        partition({ stages: 3, key: (n: number) => n % 3 }),
        reduce(() => 0, (n: number, acc: number) => acc + n),
        departition(() => 0, (sum: number, total: number) => total + sum, (total: number) => total),
      )
      .toArray();
    expect(out).to.deep.equal([10100]);
  });

  it('should keep each partition in order from a short source that ends before the last stage has started', async () => {
    const out = await Flow.from(range(0, 30))
      .pipe(partition({ stages: 2, key: (n: number) => n % 2 }), map((n: number) => n))
      .toArray();
    expect(sorted(out)).to.deep.equal(range(0, 30));
    expect(out.filter((n) => n % 2 === 0)).to.deep.equal(range(0, 30).filter((n) => n % 2 === 0));
    expect(out.filter((n) => n % 2 === 1)).to.deep.equal(range(0, 30).filter((n) => n % 2 === 1));
  });

  it('should connect one waited subscription at a time from a stage it did not start, and deliver in order', async () => {
    const source = await GenStage.fromIterable(range(0, 50));
    const out = await Flow.from(source).pipe(map((n: number) => -n)).toArray();
    expect(out).to.deep.equal(range(0, 50).map((n) => -n));
  });
});
