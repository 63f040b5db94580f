import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { StageProcess } from '../../src/stage/stage-process.js';
import { scheduler } from '../../src/runtime/scheduler.js';
import * as M from '../../src/stage/messages.js';
import { settle } from '../../src/testing/index.js';

// The hot-path anchors (src/stage/anchors.ts, issue 14): long-lived dormant objects that
// keep the kernel's hidden classes alive across full GCs. They must not be seen anywhere.

const root = resolve(import.meta.dirname, '../..');

const CHANNELS = [
  'genstage:stage:start', 'genstage:stage:exit', 'genstage:subscription:start', 'genstage:subscription:cancel',
  'genstage:demand', 'genstage:events', 'genstage:buffer:discard', 'genstage:produce', 'genstage:supervisor:child',
];

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
    const dir = mkdtempSync(join(tmpdir(), 'genstage-anchors-'));
    try {
      const program = join(dir, 'load.mts');
      writeFileSync(
        program,
        `import dc from 'node:diagnostics_channel';
const seen = [];
for (const name of ${JSON.stringify(CHANNELS)}) dc.subscribe(name, () => seen.push(name));
const before = process.getActiveResourcesInfo();
const { scheduler } = await import(${JSON.stringify(join(root, 'src/runtime/scheduler.ts'))});
const { StageProcess } = await import(${JSON.stringify(join(root, 'src/stage/stage-process.ts'))});
await import(${JSON.stringify(join(root, 'src/index.ts'))});
await new Promise((resolve) => setImmediate(resolve));
const after = process.getActiveResourcesInfo();
for (const r of before) after.splice(after.indexOf(r), 1);
console.log(JSON.stringify({
  anchors: StageProcess.anchors.filter((a) => a instanceof StageProcess).length,
  seen, slices: scheduler.slices, turns: scheduler.turns, busy: scheduler.busy, blocked: scheduler.blocked, resources: after,
}));
`,
      );
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', program], { cwd: root, timeout: 30_000 });
      expect(JSON.parse(stdout)).to.deep.equal({ anchors: 3, seen: [], slices: 0, turns: 0, busy: false, blocked: 0, resources: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
