import { expect } from 'chai';
import { removeItem } from '../../src/runtime/lists.js';

describe('runtime: removeItem', () => {
  it('should remove the first occurrence in place, keep the order of the rest, and say whether it was there', () => {
    const list = ['a', 'b', 'c', 'b', 'd'];
    const same = list;
    expect(removeItem(list, 'b')).to.equal(true);
    expect(list).to.equal(same);
    expect(list).to.deep.equal(['a', 'c', 'b', 'd']);
    expect(removeItem(list, 'd')).to.equal(true);
    expect(removeItem(list, 'a')).to.equal(true);
    expect(list).to.deep.equal(['c', 'b']);
    expect(removeItem(list, 'z')).to.equal(false);
    expect(list).to.deep.equal(['c', 'b']);
    expect(removeItem(list, 'c')).to.equal(true);
    expect(removeItem(list, 'b')).to.equal(true);
    expect(list).to.deep.equal([]);
    expect(removeItem(list, 'b')).to.equal(false);
  });
});
