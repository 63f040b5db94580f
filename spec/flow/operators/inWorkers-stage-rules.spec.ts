import { expect } from 'chai';
import { Flow, Window, inWorkers, partition, shuffle, window } from '../../../src/index.js';

const WORK = new URL('../../fixtures/workers/work.mjs', import.meta.url);

/** The error `build` throws, for its `code` and message. */
function thrown(build: () => unknown): Error & { code?: string } {
  try {
    build();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the pipe to throw');
}

/** `inWorkers` runs the whole stage it is added to in worker threads: what may share that stage is checked when the flow is built. */
describe('inWorkers: one worker function per stage, no window', () => {
  it('should refuse a second inWorkers in the same stage, naming the first (ERR_GENSTAGE_INVALID_TOPOLOGY)', () => {
    const error = thrown(() => Flow.from([1]).pipe(inWorkers(WORK, 'double'), inWorkers(WORK, 'double')));
    expect(error).to.be.an.instanceOf(TypeError);
    expect(error.code).to.equal('ERR_GENSTAGE_INVALID_TOPOLOGY');
    expect(error.message).to.equal('inWorkers: this stage already runs in workers (work.mjs#double); add partition() or shuffle() between them');
  });

  it('should take a second inWorkers once partition() or shuffle() starts a new stage', () => {
    expect(Flow.from([1]).pipe(inWorkers(WORK, 'double'), partition({ stages: 2 }), inWorkers(WORK, 'double'))).to.be.an.instanceOf(Flow);
    expect(Flow.from([1]).pipe(inWorkers(WORK, 'double'), shuffle(), inWorkers(WORK, 'double'))).to.be.an.instanceOf(Flow);
  });

  it('should refuse inWorkers in a stage that has a window, pointing to workerStage (ERR_GENSTAGE_INVALID_TOPOLOGY)', () => {
    const error = thrown(() => Flow.from([1]).pipe(window(Window.count(2)), inWorkers(WORK, 'double')));
    expect(error).to.be.an.instanceOf(TypeError);
    expect(error.code).to.equal('ERR_GENSTAGE_INVALID_TOPOLOGY');
    expect(error.message).to.equal('inWorkers: this stage has a window; set the window inside the workerStage(...) that runs in the workers');
  });
});
