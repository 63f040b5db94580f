import { expect } from 'chai';
import { StageProcess } from '../../src/stage/stage-process.js';
import { scheduler } from '../../src/runtime/scheduler.js';
import * as M from '../../src/stage/messages.js';
import { settle } from '../../src/testing/index.js';
import { probeLoad } from '../support/load-probe.js';

// The hot-path anchors (src/stage/anchors.ts, issue 14): long-lived dormant objects that
// keep the kernel's hidden classes alive across full GCs. They must not be seen anywhere.

function anchoredProcesses(): StageProcess[] {
  return StageProcess.anchors.filter((a): a is StageProcess => a instanceof StageProcess);
}

describe('stage: hot-path anchors', function () {
  this.timeout(60_000);

  it('should hold a dormant producer, producer-consumer and consumer, each out of the run queue with an empty mailbox', () => {
    const processes = anchoredProcesses();
    expect(processes.map((p) => p.kind)).to.deep.equal(['producer', 'producer_consumer', 'consumer']);
    expect(processes.map((p) => [p.queued, p.alive, p.peekMail()])).to.deep.equal([
      [true, true, undefined], [true, true, undefined], [true, true, undefined],
    ]);
    expect(processes.map((p) => p.bufferedCount)).to.deep.equal([0, 0, 0]);
  });

  it('should never be run by the scheduler: mail posted to an anchor stays in its mailbox and settle() resolves', async () => {
    const [source] = anchoredProcesses();
    await settle();
    const turns = scheduler.turns;
    source!.post(M.info('stray'));
    await settle();
    expect(scheduler.turns).to.equal(turns);
    expect(source!.peekMail()).to.deep.include({ kind: M.INFO, a: 'stray' });
    source!.skipMail();
    expect(source!.peekMail()).to.equal(undefined);
  });

  it('should publish nothing, run no slice, hold no timer or handle, and let a fresh process exit, once the library is loaded', async () => {
    const result = await probeLoad('src/stage/stage-process.ts', 'StageProcess', 'Anchored.anchors.filter((a) => a instanceof Anchored).length');
    expect(result).to.deep.equal({ anchors: 3, seen: [], slices: 0, turns: 0, busy: false, blocked: 0, resources: [] });
  });
});
