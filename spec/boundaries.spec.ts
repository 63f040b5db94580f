// The import-boundary check (`npm run boundaries`, .dependency-cruiser.cjs) is not a stub:
// run on a throw-away src/ tree with one deliberate mistake per rule, it reports exactly
// those mistakes, and none of the imports the layers allow.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = join(repo, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const config = join(repo, '.dependency-cruiser.cjs');

// path -> source; each comment says what the import shows
const tree: Record<string, string> = {
  'src/runtime/clock.ts': `export const now = (): number => 1;`,
  'src/runtime/process.ts': `export class Process {}`,
  // the runtime uses its own internals: allowed
  'src/runtime/scheduler.ts': `import { Process } from './process.js';\nexport const root = new Process();`,
  // a type-only import of a layer above still counts
  'src/runtime/diagnostics.ts': `import type { Handle } from '../stage/handle.js';\nexport type Seen = Handle;`,
  // runtime/worker-*.ts are the workers layer
  'src/runtime/worker-thread.ts': `import { now } from './clock.js';\nexport const spawn = (): unknown => now;`,
  'src/stage/handle.ts': `import { now } from '../runtime/clock.js';\nexport class Handle { at = now(); }`,
  // the kernel uses the internals: allowed
  'src/stage/stage-process.ts': `import { Process } from '../runtime/process.js';\nexport class StageProcess extends Process {}`,
  'src/core/internal.ts': `import { StageProcess } from '../stage/stage-process.js';\nexport const kill = (): StageProcess => new StageProcess();`,
  // a cycle across two folders of one layer
  'src/stage/types.ts': `import { demand } from '../dispatchers/demand.js';\nexport const kinds = [demand];`,
  'src/dispatchers/demand.ts': `import { kinds } from '../stage/types.js';\nexport const demand = (): unknown => kinds;`,
  // a kernel file importing io: upward
  'src/stage/gen-stage.ts': `import { sink } from '../io/sink.js';\nexport const start = (): unknown => sink;`,
  // io through core/internal and a public kernel module: allowed; straight to the stage process: not
  'src/io/sink.ts': `import { kill } from '../core/internal.js';\nimport { Handle } from '../stage/handle.js';\nimport { StageProcess } from '../stage/stage-process.js';\nexport const sink = [kill, Handle, StageProcess];`,
  'src/supervisor/children.ts': `import type { Process } from '../runtime/process.js';\nimport { sink } from '../io/sink.js';\nexport type Child = Process | typeof sink;`,
  // flow naming a workers file by path, in its own folder: upward
  'src/flow/map.ts': `import { Handle } from '../stage/handle.js';\nexport const mapper = Handle;`,
  'src/flow/plan.ts': `import { run } from './worker-stage.js';\nexport const plan = run;`,
  'src/flow/worker-stage.ts': `import { spawn } from '../runtime/worker-thread.js';\nexport const run = spawn;`,
  // a cycle inside one folder: allowed
  'src/flow/a.ts': `import { b } from './b.js';\nexport const a = (): unknown => b;`,
  'src/flow/b.ts': `import { a } from './a.js';\nexport const b = (): unknown => a;`,
  // a folder barrel may re-export any layer; only entries import it
  'src/flow/index.ts': `export { plan } from './plan.js';\nexport { run } from './worker-stage.js';`,
  'src/interop/rx.ts': `import { plan } from '../flow/index.js';\nimport { tcp } from '../connectors/tcp.js';\nexport const rx = [plan, tcp];`,
  'src/interop/rxjs/index.ts': `export { rx } from '../rx.js';`,
  'src/connectors/tcp.ts': `import { Handle } from '../stage/handle.js';\nexport const tcp = Handle;`,
  'src/connectors/udp.ts': `import { rx } from '../interop/rxjs/index.js';\nexport const udp = rx;`,
  'src/testing/virtual-clock.ts': `import { now } from '../runtime/clock.js';\nimport { Handle } from '../stage/handle.js';\nexport const clock = [now, Handle];`,
  'src/testing/index.ts': `export { clock } from './virtual-clock.js';`,
  // an entry re-exporting another entry: refused (the root entry does not carry genstage/testing)
  'src/index.ts': `export { plan } from './flow/index.js';\nexport { udp } from './connectors/udp.js';\nexport { clock } from './testing/index.js';`,
  'src/misc/thing.ts': `import { now } from '../runtime/clock.js';\nexport const thing = now;`,
};

interface Violation { from: string; to: string; rule: { name: string } }

function cruise(cwd: string): Promise<Violation[]> {
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, [depcruise, 'src', '--config', config, '--output-type', 'json'],
      { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        // depcruise exits with the number of errors; a crash prints no JSON
        try {
          const result = JSON.parse(stdout) as { summary: { violations: Violation[] } };
          resolveRun(result.summary.violations);
        } catch {
          reject(new Error(`depcruise failed: ${String(error)}\n${stderr}`));
        }
      });
  });
}

describe('import boundaries (.dependency-cruiser.cjs, npm run boundaries)', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'genstage-boundaries-'));
    for (const [path, source] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source + '\n');
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each deliberate violation of a tree by its rule, and none of the allowed imports', async () => {
    const found = (await cruise(dir)).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).to.deep.equal([
      'barrels-from-entries-only: src/interop/rx.ts -> src/flow/index.ts',
      'kernel-internals-through-core-internal: src/io/sink.ts -> src/stage/stage-process.ts',
      'kernel-internals-through-core-internal: src/supervisor/children.ts -> src/runtime/process.ts',
      // a module cycle is reported once, at one of its cross-folder imports
      'no-cycle-across-folders: src/dispatchers/demand.ts -> src/stage/types.ts',
      // an upward import closes a folder cycle too: each of its folder imports is listed, the
      // kernel folders' included (no folder is exempt since KNOWN_CYCLE_FOLDERS emptied)
      'no-folder-cycle: src/connectors -> src/interop/rxjs',
      'no-folder-cycle: src/core -> src/stage',
      'no-folder-cycle: src/dispatchers -> src/stage',
      'no-folder-cycle: src/interop -> src/connectors',
      'no-folder-cycle: src/io -> src/core',
      'no-folder-cycle: src/io -> src/stage',
      // runtime/diagnostics.ts naming a stage type closes one
      'no-folder-cycle: src/runtime -> src/stage',
      'no-folder-cycle: src/stage -> src/dispatchers',
      'no-folder-cycle: src/stage -> src/io',
      'no-folder-cycle: src/stage -> src/runtime',
      'no-import-of-an-entry: src/connectors/udp.ts -> src/interop/rxjs/index.ts',
      'no-import-of-an-entry: src/index.ts -> src/testing/index.ts',
      'no-upward-from-flow: src/flow/plan.ts -> src/flow/worker-stage.ts',
      'no-upward-from-interop: src/interop/rx.ts -> src/connectors/tcp.ts',
      'no-upward-from-kernel: src/stage/gen-stage.ts -> src/io/sink.ts',
      'no-upward-from-runtime: src/runtime/diagnostics.ts -> src/stage/handle.ts',
      'not-in-a-layer: src/misc/thing.ts -> src/runtime/clock.ts',
      'testing-imports-runtime-only: src/testing/virtual-clock.ts -> src/stage/handle.ts',
    ]);
  });
});
