// The protocol rules cited below (R11) are stated in docs/protocol.md.
import { expect } from 'chai';
import { defaultHash } from '../../src/index.js';

/**
 * The numbers below are what `defaultHash` produces today. They are part of the
 * contract (the same key lands in the same partition in every process and release):
 * a change to the hash must fail here.
 */
describe('defaultHash', () => {
  it('R11: should hash strings with FNV-1a over their UTF-16 code units', () => {
    expect(defaultHash('')).to.equal(2166136261); // the FNV offset basis
    expect(defaultHash('a')).to.equal(3826002220);
    expect(defaultHash('b')).to.equal(3876335077);
    expect(defaultHash('apple')).to.equal(280767167);
    expect(defaultHash('roses')).to.equal(218923055);
    expect(defaultHash('1')).to.equal(873244444);
  });

  it('R11: should hash safe integers with the integer mixer, negatives included', () => {
    expect(defaultHash(0)).to.equal(0);
    expect(defaultHash(1)).to.equal(1364076727);
    expect(defaultHash(2)).to.equal(821347078);
    expect(defaultHash(42)).to.equal(142593372);
    expect(defaultHash(-1)).to.equal(4037111948);
    expect(defaultHash(-42)).to.equal(406780403);
    expect(defaultHash(2 ** 32)).to.equal(2349025055);
    expect(defaultHash(2 ** 40)).to.equal(1912742686);
    expect(defaultHash(Number.MAX_SAFE_INTEGER)).to.equal(1531432114);
    expect(defaultHash(Number.MIN_SAFE_INTEGER)).to.equal(86870701);
  });

  it('R11: should not pair each negative integer -k with k - 1', () => {
    for (let k = 1; k <= 100; k++) expect(defaultHash(-k), `-${k}`).to.not.equal(defaultHash(k - 1));
  });

  it('R11: should hash other numbers by their string form, apart from strings', () => {
    expect(defaultHash(1.5)).to.equal(2210173371);
    expect(defaultHash(-0.5)).to.equal(48328627);
    expect(defaultHash(0.1)).to.equal(3969448392);
    expect(defaultHash(NaN)).to.equal(1905263896);
    expect(defaultHash(Infinity)).to.equal(34808927);
    expect(defaultHash(-Infinity)).to.equal(3034195958);
    expect(defaultHash(1.5)).to.not.equal(defaultHash('1.5'));
  });

  it('R11: should give equal numbers equal hashes (1 and 1.0, 0 and -0)', () => {
    expect(defaultHash(1.0)).to.equal(defaultHash(1));
    expect(defaultHash(-0)).to.equal(defaultHash(0));
  });

  it('R11: should hash bigints apart from the number and the string of the same digits', () => {
    expect(defaultHash(1n)).to.equal(292984781);
    expect(defaultHash(-5n)).to.equal(4117450084);
    expect(defaultHash(12345678901234567890n)).to.equal(192201974);
    const forms = [defaultHash(1), defaultHash('1'), defaultHash(1n), defaultHash([1])];
    expect(new Set(forms).size).to.equal(4);
  });

  it('R11: should give fixed hashes to booleans, null and undefined', () => {
    expect(defaultHash(true)).to.equal(2654435769);
    expect(defaultHash(false)).to.equal(2135587861);
    expect(defaultHash(null)).to.equal(461845907);
    expect(defaultHash(undefined)).to.equal(625341585);
  });

  it('R11: should hash arrays by content, nested ones included', () => {
    expect(defaultHash([])).to.equal(308366045);
    expect(defaultHash([1, 2])).to.equal(1926977742);
    expect(defaultHash([1, [2, 3]])).to.equal(4130198773);
    expect(defaultHash([1, 2])).to.equal(defaultHash([1, 2].slice()));
    expect(defaultHash([1, 2])).to.not.equal(defaultHash([2, 1]));
    expect(defaultHash([1, 2])).to.not.equal(defaultHash(['1', '2']));
  });

  it('R11: should hash a bigint inside an array or object instead of throwing', () => {
    expect(defaultHash(['a', 1n])).to.equal(2387303017);
    expect(defaultHash({ id: 7n })).to.equal(defaultHash({ id: 7n }));
    expect(defaultHash([1n])).to.not.equal(defaultHash([1]));
  });

  it('R11: should hash objects by content, whatever the key order, nested objects included', () => {
    expect(defaultHash({})).to.equal(840026973);
    expect(defaultHash({ a: 1, b: 2 })).to.equal(317326131);
    expect(defaultHash({ b: 2, a: 1 })).to.equal(317326131);
    expect(defaultHash({ x: { z: 1, y: 2 } })).to.equal(3786232759);
    expect(defaultHash({ x: { y: 2, z: 1 } })).to.equal(3786232759);
    expect(defaultHash({ a: 1 })).to.not.equal(defaultHash({ a: 2 }));
  });

  it('R11: should hash Dates by their time and Maps and Sets by their entries', () => {
    expect(defaultHash(new Date(0))).to.equal(266766888);
    expect(defaultHash(new Date(1000))).to.not.equal(defaultHash(new Date(0)));
    expect(defaultHash(new Date(5))).to.equal(defaultHash(new Date(5)));
    expect(defaultHash(new Map([['a', 1]]))).to.equal(2909707577);
    expect(defaultHash(new Map([['a', 2]]))).to.not.equal(defaultHash(new Map([['a', 1]])));
    expect(defaultHash(new Set([1, 2]))).to.equal(978139888);
    expect(defaultHash(new Set([1, 3]))).to.not.equal(defaultHash(new Set([1, 2])));
  });

  it('R11: should return an unsigned 32-bit integer for every kind of value', () => {
    const values: unknown[] = [
      '', 'x', 'a longer string with spaces', 0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, 0.25, -1e300, NaN,
      0n, -(2n ** 70n), true, false, null, undefined, [], [[[]]], {}, { a: [1, { b: null }] }, new Date(0),
    ];
    for (let i = 0; i < 1000; i++) values.push(i * 7919 - 500_000, `key-${i}`);
    for (const v of values) {
      const h = defaultHash(v);
      expect(Number.isInteger(h), String(v)).to.equal(true);
      expect(h).to.be.at.least(0).and.at.most(0xffffffff);
    }
  });

  it('R11: should spread consecutive integers over partitions', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const p = defaultHash(i) % 4;
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const c of counts) expect(c).to.be.within(850, 1150);
  });

  it('R11: should reject a symbol or a function with a TypeError naming the type', () => {
    expect(() => defaultHash(Symbol('s'))).to.throw(TypeError, 'cannot hash a symbol');
    expect(() => defaultHash(() => 1)).to.throw(TypeError, 'cannot hash a function');
  });
});
