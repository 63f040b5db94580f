import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// Helpers for specs that load the library in a fresh process (the hot-path anchors'
// specs): write a program to a temporary folder, run it under tsx, read its JSON.

export const root = resolve(import.meta.dirname, '../..');

/** Every diagnostics channel the library publishes on. */
export const CHANNELS = [
  'genstage:stage:start', 'genstage:stage:exit', 'genstage:subscription:start', 'genstage:subscription:cancel',
  'genstage:demand', 'genstage:events', 'genstage:buffer:discard', 'genstage:produce', 'genstage:supervisor:child',
];

/**
 * Runs `source` as `name` in a child process with `flags` and parses what it printed as JSON.
 * `env`: the child's environment (default: this process's).
 */
export async function runProgram(name: string, source: string, flags: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'genstage-probe-'));
  try {
    const program = join(dir, name);
    writeFileSync(program, source);
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, '--import', 'tsx', program], { cwd: root, env, timeout: 30_000 });
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads the library in a fresh process and reports what loading it did: the channels it
 * published on, the scheduler's slices, turns, busy and blocked counts, the handles it
 * left, and `anchors`, the value of `count` (an expression over `Anchored`, the export
 * `exportName` of `modulePath`, a path from the repository's root).
 */
export function probeLoad(modulePath: string, exportName: string, count: string): Promise<unknown> {
  return runProgram(
    'load.mts',
    `import dc from 'node:diagnostics_channel';
const seen = [];
for (const name of ${JSON.stringify(CHANNELS)}) dc.subscribe(name, () => seen.push(name));
const before = process.getActiveResourcesInfo();
const { scheduler } = await import(${JSON.stringify(join(root, 'src/runtime/scheduler.ts'))});
const { ${exportName}: Anchored } = await import(${JSON.stringify(join(root, modulePath))});
await import(${JSON.stringify(join(root, 'src/index.ts'))});
await new Promise((resolve) => setImmediate(resolve));
const after = process.getActiveResourcesInfo();
for (const r of before) after.splice(after.indexOf(r), 1);
console.log(JSON.stringify({
  anchors: ${count},
  seen, slices: scheduler.slices, turns: scheduler.turns, busy: scheduler.busy, blocked: scheduler.blocked, resources: after,
}));
`,
  );
}

/**
 * Whether functions keep their optimized code across a full GC that collects what they ran on.
 * In a fresh process (--allow-natives-syntax, --no-concurrent-recompilation, --expose-gc), runs
 * `setup`, which defines `run()` (one workload resolving to a checksum) and whatever `targets`
 * (an expression: an array of functions) names; then `warm` runs, each target prepared, one run,
 * each optimized on its next call, one run, and gc() twice. Resolves to `{ result, before,
 * afterGc }`: the last run's checksum, and whether each target was optimized before and after.
 */
export function optimizedAcrossGc(setup: string, targets: string, warm = 1): Promise<unknown> {
  return runProgram(
    'optimized.mts',
    `${setup}
const targets = ${targets};
const optimized = () => targets.map((f) => (eval('%GetOptimizationStatus(f)') & 16) !== 0);
for (let i = 0; i < ${warm}; i++) await run();
for (const f of targets) eval('%PrepareFunctionForOptimization(f)');
await run();
for (const f of targets) eval('%OptimizeFunctionOnNextCall(f)');
const result = await run();
const before = optimized();
globalThis.gc();
globalThis.gc();
console.log(JSON.stringify({ result, before, afterGc: optimized() }));
`,
    ['--allow-natives-syntax', '--no-concurrent-recompilation', '--expose-gc'],
    // Without V8's coverage: `npm run coverage` sets NODE_V8_COVERAGE, which Node passes
    // on to every child unless the child's env names it, and its counters change what
    // gets optimized, which is what this measures. Empty is off.
    { ...process.env, NODE_V8_COVERAGE: '' },
  );
}
