import { expect } from 'chai';
import { StageProcess } from '../../src/stage/stage-process.js';
import { anchors } from '../../src/stage/anchors.js';
import { EventBuffer } from '../../src/stage/buffer.js';
import '../../src/index.js';
import { scheduler } from '../../src/runtime/scheduler.js';
import * as M from '../../src/stage/messages.js';
import { settle } from '../../src/testing/index.js';
import { probeLoad, root, runProgram } from '../support/load-probe.js';

// The hot-path anchors (src/stage/anchors.ts, issue 14): long-lived dormant objects that
// keep the kernel's hidden classes alive across full GCs. They must not be seen anywhere.

/** The dormant stage of each base class loaded, without the role-less processes at the far ends of their subscriptions. */
function anchoredProcesses(): StageProcess[] {
  return anchors()
    .filter((a): a is StageProcess => a instanceof StageProcess && a.name !== '(anchor shell)')
    .sort((a, b) => (a.kind < b.kind ? -1 : 1));
}

describe('stage: hot-path anchors', function () {
  this.timeout(60_000);

  it('should hold a dormant stage of each kind and a producer → producer-consumer → consumer chain, each out of the run queue with an empty mailbox', () => {
    const processes = anchoredProcesses();
    expect(processes.map((p) => p.kind)).to.deep.equal(['consumer', 'consumer', 'producer', 'producer', 'producer_consumer']);
    expect(processes.map((p) => [p.queued, p.alive, p.peekMail()])).to.deep.equal([
      [true, true, undefined], [true, true, undefined], [true, true, undefined], [true, true, undefined], [true, true, undefined],
    ]);
    expect(processes.map((p) => p.bufferedCount)).to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('should hold, through the anchors module, one producer buffer that has held events and an info (left with one event and the info)', () => {
    // Held by anchors.ts itself: a module-level constant nothing reads is dropped by the build.
    const buffers = anchors().filter((a): a is EventBuffer<unknown> => a instanceof EventBuffer);
    expect(buffers.map((b) => [b.eventCount, b.isEmpty])).to.deep.equal([[1, false]]);
  });

  it('should never be run by the scheduler: mail posted to an anchor stays in its mailbox and settle() resolves', async () => {
    const source = anchoredProcesses().find((p) => p.kind === 'producer');
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
    const result = await probeLoad('src/stage/anchors.ts', 'anchors', "Anchored().filter((a) => typeof a?.name === 'string' && a.name.startsWith('(anchor ') && a.name !== '(anchor shell)').length");
    expect(result).to.deep.equal({ anchors: 5, seen: [], slices: 0, turns: 0, busy: false, blocked: 0, resources: [] });
  });

  it('should anchor only the kinds of stage a program loads: the kernel alone none, Consumer alone a consumer', async () => {
    const names = (modules: string[]): Promise<unknown> =>
      runProgram(
        'roles.mts',
        `${modules.map((m) => `await import(${JSON.stringify(`${root}/src/stage/${m}`)});`).join('\n')}
const { anchors } = await import(${JSON.stringify(`${root}/src/stage/anchors.ts`)});
console.log(JSON.stringify(anchors().filter((a) => typeof a?.name === 'string').map((a) => a.name)));
`,
      );
    expect(await names(['stage-process.ts'])).to.deep.equal(['(anchor shell)', '(anchor shell)']);
    expect(await names(['consumer.ts'])).to.deep.equal(['(anchor shell)', '(anchor shell)', '(anchor consumer)']);
  });
});
