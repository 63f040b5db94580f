import { expect } from 'chai';
import { DynamicSupervisor, StartChildError } from '../../src/supervisor/index.js';

describe('DynamicSupervisor: a stage child whose start throws', () => {
  it('should reject startChild with StartChildError (ERR_GENSTAGE_START_CHILD) carrying the error, keep no child and stay alive', async () => {
    const sup = await DynamicSupervisor.start();
    const thrown = new RangeError('no stage today');
    const error = (await sup
      .startChild({
        type: 'stage',
        start: () => {
          throw thrown;
        },
      })
      .catch((e: unknown) => e)) as StartChildError;
    expect(error).to.be.an.instanceOf(StartChildError);
    expect(error.code).to.equal('ERR_GENSTAGE_START_CHILD');
    expect(error.reason).to.equal(thrown);
    expect(error.message).to.equal('could not start child: RangeError: no stage today');
    expect(await sup.countChildren()).to.deep.equal({ specs: 0, active: 0, workers: 0, supervisors: 0 });
    expect(sup.alive).to.equal(true);
    await sup.stop();
    expect(await sup.done).to.equal('normal');
  });
});
