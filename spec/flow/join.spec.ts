import { expect } from 'chai';
import { Flow, Window, map } from '../../src/flow/index.js';
import { sorted } from './helpers.js';

const pair = (l: number | null, r: number | null): [number | null, number | null] => [l, r];
const id = (n: number): number => n;

describe('Flow.boundedJoin', () => {
  it('inner: should pair every left with every right of the same key', async () => {
    const out = await Flow.boundedJoin('inner', Flow.from([1, 2, 3]), Flow.from([2, 2, 4]), id, id, pair).toArray();
    expect(sorted(out)).to.deep.equal([[2, 2], [2, 2]]);
  });

  it('leftOuter (1 stage): [1,2,3] with [2,2,4] -> [2,2], [2,2], [1,null], [3,null]', async () => {
    const out = await Flow.boundedJoin('leftOuter', Flow.from([1, 2, 3]), Flow.from([2, 2, 4]), id, id, pair).toArray();
    expect(out.slice(0, 2)).to.deep.equal([[2, 2], [2, 2]]);
    expect(out.slice(2)).to.deep.equal([[1, null], [3, null]]);
  });

  it('rightOuter: should add the unmatched right rows with null on the left', async () => {
    const out = await Flow.boundedJoin('rightOuter', Flow.from([1, 2, 3]), Flow.from([2, 2, 4]), id, id, pair).toArray();
    expect(sorted(out)).to.deep.equal(sorted([[2, 2], [2, 2], [null, 4]]));
  });

  it('fullOuter: should add unmatched rows of both sides', async () => {
    const out = await Flow.boundedJoin('fullOuter', Flow.from([1, 2, 3]), Flow.from([2, 2, 4]), id, id, pair).toArray();
    expect(sorted(out)).to.deep.equal(sorted([[2, 2], [2, 2], [1, null], [3, null], [null, 4]]));
  });

  it('should join on keys of different shapes over several partitions', async () => {
    const users = Flow.from([{ id: 1, name: 'ann' }, { id: 2, name: 'bob' }, { id: 3, name: 'cy' }]);
    const orders = Flow.from([{ user: 1, item: 'pen' }, { user: 3, item: 'ink' }, { user: 1, item: 'pad' }, { user: 9, item: 'orphan' }]);
    const out = await Flow.boundedJoin('fullOuter', users, orders, (u) => u.id, (o) => o.user,
      (u, o) => `${u?.name ?? '-'}:${o?.item ?? '-'}`, { stages: 3 }).toArray();
    expect(sorted(out)).to.deep.equal(['-:orphan', 'ann:pad', 'ann:pen', 'bob:-', 'cy:ink']);
  });

  it('should continue with mappers after the join', async () => {
    const out = await Flow.boundedJoin('inner', Flow.from([1, 2]), Flow.from([2]), id, id, (l, r) => (l ?? 0) + (r ?? 0))
      .pipe(map((n: number) => n * 10)).toArray();
    expect(out).to.deep.equal([40]);
  });

  it('should reject an unknown mode', () => {
    expect(() => Flow.boundedJoin('outer' as never, Flow.from([1]), Flow.from([1]), id, id, pair)).to.throw(RangeError, /expected mode to be one of 'inner', 'leftOuter', 'rightOuter', 'fullOuter', got: "outer"/);
  });
});

describe('Flow.windowJoin', () => {
  interface Ev {
    k: string;
    t: number;
  }
  const ev = (k: string, t: number): Ev => ({ k, t });
  const byT = Window.fixed<Ev>(1, 'second', (e) => e.t);
  const show = (l: Ev | null, r: Ev | null): string => `${l ? `${l.k}@${l.t}` : 'null'}|${r ? `${r.k}@${r.t}` : 'null'}`;

  it('inner: should only match events of the same key in the same window', async () => {
    const left = Flow.from([ev('a', 100), ev('b', 1100)]);
    const right = Flow.from([ev('a', 900), ev('a', 1200), ev('b', 1300)]);
    const out = await Flow.windowJoin('inner', left, right, byT, (e) => e.k, (e) => e.k, show).toArray();
    expect(sorted(out)).to.deep.equal(['a@100|a@900', 'b@1100|b@1300']);
  });

  it('leftOuter: should emit a left row unmatched in its window with null', async () => {
    const left = Flow.from([ev('a', 100), ev('c', 1100)]);
    const right = Flow.from([ev('a', 1200)]);
    const out = await Flow.windowJoin('leftOuter', left, right, byT, (e) => e.k, (e) => e.k, show).toArray();
    expect(sorted(out)).to.deep.equal(['a@100|null', 'c@1100|null']);
  });

  it('rightOuter and fullOuter: should emit unmatched rows per window', async () => {
    const left = () => Flow.from([ev('a', 100)]);
    const right = () => Flow.from([ev('a', 200), ev('a', 1500)]);
    const r = await Flow.windowJoin('rightOuter', left(), right(), byT, (e) => e.k, (e) => e.k, show).toArray();
    expect(sorted(r)).to.deep.equal(['a@100|a@200', 'null|a@1500']);
    const f = await Flow.windowJoin('fullOuter', Flow.from([ev('a', 100), ev('z', 2100)]), right(), byT, (e) => e.k, (e) => e.k, show).toArray();
    expect(sorted(f)).to.deep.equal(['a@100|a@200', 'null|a@1500', 'z@2100|null']);
  });
});
