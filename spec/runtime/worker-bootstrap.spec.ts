import { expect } from 'chai';
import { packStrings, unpackStrings } from '../../src/runtime/worker-bootstrap.js';

// A batch of strings crosses to a worker thread as one joined string and the lengths of
// its parts (one copy instead of one per string); the worker cuts it back.
describe('worker threads: a batch of strings packed into one string', () => {
  const texts = ['roses are red', '', 'line one\nline two', 'naïve café', '😀 astral', '\ud800 lone surrogate', ' '];

  it('should join the strings and keep their lengths in UTF-16 code units', () => {
    const packed = packStrings(['ab', '', 'c😀']);
    expect(packed?.text).to.equal('abc😀');
    expect([...(packed?.lengths ?? [])]).to.deep.equal([2, 0, 3]);
  });

  it('should cut the packed text back into the same strings, in order (empty, multi-line, non-Latin-1, astral, a lone surrogate)', () => {
    const packed = packStrings(texts)!;
    expect(unpackStrings(packed.text, packed.lengths)).to.deep.equal(texts);
  });

  it('should leave a batch as it is unless every event is a string and there are at least two', () => {
    expect(packStrings(['a', 1, 'b'])).to.equal(undefined);
    expect(packStrings(['a', null])).to.equal(undefined);
    expect(packStrings(['only one'])).to.equal(undefined);
    expect(packStrings([])).to.equal(undefined);
    // eslint-disable-next-line no-sparse-arrays
    expect(packStrings(['a', , 'b'])).to.equal(undefined);
  });
});
