import { expect } from 'chai';
import { Flow, GenStage, Stage } from '../../src/index.js';

/**
 * The specs run the sources under tsx. Loaded through `require()` (mocha's first try
 * when tsx's CommonJS hook is registered), a spec's static imports become CommonJS
 * copies while genstage's own lazy `import()`s (GenStage.fromIterable, a stage's sink)
 * load the ES module copies: two schedulers and two `Stage` classes in one process, so
 * a stage from one copy fails the other's checks. `.mocharc.json` registers tsx's ES
 * module hooks only (`import=tsx/esm`), so specs load by `import()`, as users' code does.
 */
describe('specs: one copy of genstage in the spec process', () => {
  it('should give a lazy import() the same module as the spec\'s static import', async () => {
    const lazy = await import('../../src/index.js');
    expect(lazy.Flow).to.equal(Flow);
    expect(lazy.GenStage).to.equal(GenStage);
  });

  it('should give a Stage of this copy from GenStage.fromIterable (it loads its producer lazily)', async () => {
    const stage = await GenStage.fromIterable([1, 2, 3]);
    expect(stage).to.be.an.instanceOf(Stage);
    expect(await Flow.fromStages([stage]).toArray()).to.deep.equal([1, 2, 3]);
  });
});
