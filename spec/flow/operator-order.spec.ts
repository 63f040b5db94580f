import { expect } from 'chai';
import { Flow, Window, map, partition, reduce, shuffle, window } from '../../src/flow/index.js';
import { sorted } from './helpers.js';

const sum = reduce(() => [0], (n: number, acc: number[]) => [acc[0]! + n]);

describe('operator order: nothing silently ignored', () => {
  it('should apply a partition that is the last operator: its key runs for every event', async () => {
    const keyed: number[] = [];
    const out = await Flow.from([1, 2, 3, 4]).pipe(partition({ stages: 2, key: (n: number) => {
      keyed.push(n);
      return n;
    } })).toArray();
    expect(sorted(out)).to.deep.equal([1, 2, 3, 4]);
    expect(sorted(keyed)).to.deep.equal([1, 2, 3, 4]);
  });

  it('should apply a last partition\'s hash, which drops the events it maps to null', async () => {
    const out = await Flow.from([1, 2, 3, 4]).pipe(partition({ stages: 2, hash: (n: number) => (n % 2 === 0 ? null : [n, n % 2]) })).toArray();
    expect(sorted(out)).to.deep.equal([1, 3]);
  });

  it('should fail the flow when a last partition\'s key throws', async () => {
    let error: unknown;
    try {
      await Flow.from([1]).pipe(partition({ key: () => {
        throw new Error('bad key');
      } })).toArray();
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('bad key');
  });

  it('should refuse a second window on the same stage at pipe', () => {
    const message = 'window: this stage already has a window (from an earlier window(), or the window option of Flow.from, partition or shuffle); give each stage one window, or add partition() between them';
    expect(() => Flow.from([1]).pipe(window(Window.count(2)), window(Window.count(3)))).to.throw(TypeError, message);
    expect(() => Flow.from([1], { window: Window.count(2) }).pipe(window(Window.count(3)))).to.throw(TypeError, message);
  });

  it('should refuse a window with no reducer after it in its stage when a layer follows, at pipe', () => {
    expect(() => Flow.from([1]).pipe(window(Window.count(2)), map((n: number) => n), partition())).to.throw(
      TypeError,
      'window: the window of the from stage has no reducer after it (reduce, groupBy, countByKey...), so it would change nothing; add the reducer before partition(), or remove the window',
    );
    expect(() => Flow.from([1]).pipe(partition({ window: Window.count(2) }), shuffle())).to.throw(TypeError, 'window: the window of the partition stage has no reducer after it');
  });

  it('should reject a run whose last stage has a window and no reducer', async () => {
    let error: unknown;
    try {
      await Flow.from([1, 2]).pipe(window(Window.count(2))).toArray();
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.equal(
      'window: the window of the from stage has no reducer after it (reduce, groupBy, countByKey...), so it would change nothing; add the reducer before the end of the flow, or remove the window',
    );
  });

  it('should still take a window before a reducer, and one per partition', async () => {
    expect(await Flow.from([1, 2, 3]).pipe(window(Window.count(2)), map((n: number) => n * 10), sum).toArray()).to.deep.equal([30, 30]);
    const out = await Flow.from([1, 2, 3]).pipe(window(Window.count(5)), sum, partition({ window: Window.global() }), sum).toArray();
    expect(out).to.deep.equal([6]);
  });
});
