import { expect } from 'chai';
import { Deque } from '../../src/runtime/deque.js';

describe('runtime: Deque', () => {
  it('should shift items in the order they were pushed, and undefined once empty', () => {
    const d = new Deque<number>();
    d.push(1);
    d.pushAll([2, 3]);
    expect([d.shift(), d.shift(), d.shift(), d.shift()]).to.deep.equal([1, 2, 3, undefined]);
    expect(d.length).to.equal(0);
  });

  it('should peek at the head without removing it', () => {
    const d = new Deque<string>();
    expect(d.peek()).to.equal(undefined);
    d.pushAll(['a', 'b']);
    expect(d.peek()).to.equal('a');
    expect(d.length).to.equal(2);
  });

  it('should count items as they come and go', () => {
    const d = new Deque<number>();
    d.pushAll([1, 2, 3, 4]);
    d.shift();
    d.push(5);
    expect(d.length).to.equal(4);
  });

  it('should drain every item oldest first and be empty after', () => {
    const d = new Deque<number>();
    d.pushAll([1, 2, 3]);
    d.shift();
    d.push(4);
    expect(d.drain()).to.deep.equal([2, 3, 4]);
    expect(d.length).to.equal(0);
    expect(d.shift()).to.equal(undefined);
  });

  it('should iterate the current items in order without consuming them', () => {
    const d = new Deque<number>();
    d.pushAll([1, 2, 3]);
    d.shift();
    expect([...d]).to.deep.equal([2, 3]);
    expect(d.length).to.equal(2);
  });

  it('should clear everything', () => {
    const d = new Deque<number>();
    d.pushAll([1, 2]);
    d.clear();
    expect(d.length).to.equal(0);
    expect([...d]).to.deep.equal([]);
    d.push(9);
    expect(d.shift()).to.equal(9);
  });

  it('should keep FIFO order across its internal compaction (10,000 interleaved pushes and shifts)', () => {
    const d = new Deque<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 150; i++) d.push(next++);
      for (let i = 0; i < 100; i++) out.push(d.shift() as number);
    }
    while (d.length > 0) out.push(d.shift() as number);
    expect(out).to.have.length(15_000);
    expect(out.every((n, i) => n === i)).to.equal(true);
  });

  it('should hold falsy items (0, empty string, false, null) like any other', () => {
    const d = new Deque<unknown>();
    d.pushAll([0, '', false, null]);
    expect(d.length).to.equal(4);
    expect(d.drain()).to.deep.equal([0, '', false, null]);
  });
  it('should reuse its slots once emptied: refilled, unshifted at the front, iterated and drained in order', () => {
    const d = new Deque<number>();
    d.pushAll([1, 2, 3, 4]);
    expect([d.shift(), d.shift(), d.shift(), d.shift(), d.shift()]).to.deep.equal([1, 2, 3, 4, undefined]);
    expect(d.length).to.equal(0);
    expect(d.peek()).to.equal(undefined);
    d.push(5);
    d.push(6);
    d.unshift(0);
    expect(d.length).to.equal(3);
    expect(d.peek()).to.equal(0);
    expect([...d]).to.deep.equal([0, 5, 6]);
    expect(d.shift()).to.equal(0);
    d.unshift(-1);
    expect(d.drain()).to.deep.equal([-1, 5, 6]);
    expect(d.length).to.equal(0);
    d.push(7);
    expect([...d]).to.deep.equal([7]);
  });
  it('should keep FIFO order when one item waits alone and more arrive behind it (unshift, peek, shiftMany, drain, iteration)', () => {
    const d = new Deque<number>();
    d.push(1); // alone
    expect([d.length, d.peek()]).to.deep.equal([1, 1]);
    d.push(2);
    d.push(3);
    expect([...d]).to.deep.equal([1, 2, 3]);
    expect(d.shift()).to.equal(1);
    d.push(4); // behind 2 and 3, not ahead of them
    expect([...d]).to.deep.equal([2, 3, 4]);
    d.unshift(0);
    expect([d.length, d.peek()]).to.deep.equal([4, 0]);
    expect(d.shiftMany(2)).to.deep.equal([0, 2]);
    expect([d.shift(), d.shift(), d.shift()]).to.deep.equal([3, 4, undefined]);
    d.push(5);
    d.unshift(-1); // ahead of the lone item
    d.push(6);
    expect(d.drain()).to.deep.equal([-1, 5, 6]);
    d.push(7);
    d.clear();
    expect([d.length, d.peek(), d.shift()]).to.deep.equal([0, undefined, undefined]);
  });

  it('should keep deques apart when an emptied array is handed from one to the next (shift, shiftMany, unshift into an empty array)', () => {
    const a = new Deque<string>();
    const b = new Deque<string>();
    a.pushAll(['a1', 'a2', 'a3', 'a4']);
    expect(a.shiftMany(4)).to.deep.equal(['a1', 'a2', 'a3', 'a4']); // a's array is emptied and handed on
    b.pushAll(['b1', 'b2', 'b3']); // b takes it
    a.pushAll(['a5', 'a6', 'a7']);
    expect([...b]).to.deep.equal(['b1', 'b2', 'b3']);
    expect([...a]).to.deep.equal(['a5', 'a6', 'a7']);
    expect([b.shift(), b.shift(), b.shift(), b.shift()]).to.deep.equal(['b1', 'b2', 'b3', undefined]);
    const c = new Deque<string>();
    c.push('c2');
    c.unshift('c1'); // the lone item spills into an array before c1 takes the front
    c.push('c3');
    expect([c.length, ...c]).to.deep.equal([3, 'c1', 'c2', 'c3']);
    expect(c.shiftMany(1)).to.deep.equal(['c1']);
    expect(c.drain()).to.deep.equal(['c2', 'c3']);
    expect([a.shift(), a.shift(), a.shift(), a.length]).to.deep.equal(['a5', 'a6', 'a7', 0]);
  });

  it('should count and keep undefined items like any other, alone or not (callers go by length: events may be undefined)', () => {
    const d = new Deque<number | undefined>();
    d.push(undefined); // alone
    expect(d.length).to.equal(1);
    d.push(1);
    d.push(undefined);
    expect([d.length, ...d]).to.deep.equal([3, undefined, 1, undefined]);
    expect(d.shift()).to.equal(undefined);
    expect(d.length).to.equal(2);
    d.unshift(undefined);
    expect(d.shiftMany(2)).to.deep.equal([undefined, 1]);
    expect([d.length, d.shift(), d.length]).to.deep.equal([1, undefined, 0]);
    d.pushAll([undefined, undefined]);
    expect(d.drain()).to.deep.equal([undefined, undefined]);
  });

  it('should shift many items at once, oldest first, and only as many as it holds', () => {
    const d = new Deque<number>();
    d.pushAll([1, 2, 3, 4, 5]);
    d.shift();
    expect(d.shiftMany(2)).to.deep.equal([2, 3]);
    expect(d.length).to.equal(2);
    expect(d.peek()).to.equal(4);
    expect(d.shiftMany(10)).to.deep.equal([4, 5]);
    expect(d.length).to.equal(0);
    expect(d.shiftMany(3)).to.deep.equal([]);
    d.push(6);
    expect([...d]).to.deep.equal([6]);
  });

  it('should keep order when shifting many items across its compaction (3,000 items taken 700 at a time, one pushed after each take)', () => {
    const d = new Deque<number>();
    d.pushAll(Array.from({ length: 3000 }, (_, i) => i));
    const taken: number[] = [];
    for (let round = 0; round < 5; round++) {
      taken.push(...d.shiftMany(700));
      d.push(3000 + round);
    }
    expect(taken).to.deep.equal([...Array.from({ length: 3000 }, (_, i) => i), 3000, 3001, 3002, 3003]);
    expect([...d]).to.deep.equal([3004]);
  });
});
