import { expect } from 'chai';
import { Flow, inWorkers } from '../../src/index.js';

const WORK = new URL('../fixtures/workers/work.mjs', import.meta.url);

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the flow to fail');
}

/**
 * An event that structured clone refuses cannot go to a worker thread: the flow fails
 * with a TypeError (`ERR_GENSTAGE_NOT_CLONEABLE`) that says which event and where in it,
 * inside arrays, Maps and Sets too.
 */
describe('inWorkers: an event that cannot be cloned into the worker', function () {
  this.timeout(60_000); // each flow starts a worker thread

  const cases: [string, unknown, string][] = [
    ['an array item', [1, () => 2], 'event 1 of 2 (at [1]) is a function'],
    ['a Map value', new Map([['k', Symbol('s')]]), 'event 1 of 2 (at .get(<key 0>)) is a symbol'],
    ['a Map key', new Map([[() => 1, 'v']]), 'event 1 of 2 (at .<key 0>) is a function'],
    ['a Set item', new Set([1, () => 1]), 'event 1 of 2 (at .<item 1>) is a function'],
    ['a WeakMap in a field', { cache: new WeakMap() }, 'event 1 of 2 (at .cache) is a WeakMap'],
  ];
  for (const [what, bad, says] of cases) {
    it(`should name ${what} that cannot be cloned`, async () => {
      const error = await failure(Flow.from([0, bad]).pipe(inWorkers(WORK, 'double')).toArray());
      expect(error).to.be.an.instanceOf(TypeError);
      expect(error.code).to.equal('ERR_GENSTAGE_NOT_CLONEABLE');
      expect(error.message.startsWith(`inWorkers(work.mjs#double): ${says}, which cannot be structured-cloned (DataCloneError: `)).to.equal(true, error.message);
    });
  }

  it('should still name the event when what cannot be cloned lies deeper than it looks (8 objects down)', async () => {
    let deep: unknown = () => 1;
    for (let i = 0; i < 8; i++) deep = { d: deep };
    const error = await failure(Flow.from([deep]).pipe(inWorkers(WORK, 'double')).toArray());
    expect(error).to.be.an.instanceOf(TypeError);
    expect(error.code).to.equal('ERR_GENSTAGE_NOT_CLONEABLE');
    expect(error.message.startsWith('inWorkers(work.mjs#double): event cannot be structured-cloned (DataCloneError: ')).to.equal(true, error.message);
  });
});
