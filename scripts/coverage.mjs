#!/usr/bin/env node
// `npm run coverage`: runs the whole suite (mocha, .mocharc.json) under V8 coverage and
// prints the line coverage of src/ (text summary; lcov in coverage/lcov.info).
//
// Why not plain `c8 mocha`: c8 merges the raw V8 coverage of every process and thread
// by file URL and byte offset before it applies one source map per file. The specs run
// src/ through tsx, and not every process compiles a file the same way: worker threads
// load it as CommonJS (`--require tsx/cjs`), the main process as an ES module, and a
// child process started after a file was edited sees another version. Their offsets do
// not line up, so the merge marks code the main process ran as never run (measured:
// 97.5% of lines for the main process alone, 91.5% once the worker threads were merged
// in, src/flow/operators/departition.ts from 97.5% to 35%). Here each process's
// coverage is converted with its own source maps first (c8's converter, one process at
// a time) and the results are merged line by line, so a process can only add coverage.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root); // include: src/** is relative to the working directory
const require = createRequire(import.meta.url);
// c8's own dependencies, resolved from c8, so they are the versions it reports with.
const fromC8 = createRequire(require.resolve('c8'));
const makeReport = require('c8/lib/report.js');
const libCoverage = fromC8('istanbul-lib-coverage');
const libReport = fromC8('istanbul-lib-report');
const reports = fromC8('istanbul-reports');
const defaultExclude = fromC8('@istanbuljs/schema/default-exclude');
const defaultExtension = fromC8('@istanbuljs/schema/default-extension');

const reportDir = join(root, 'coverage');
const tempDir = join(reportDir, 'tmp');
// `--report`: report on the coverage of the last run (coverage/tmp) without running the specs.
const reportOnly = process.argv[2] === '--report';
let status = 0;
if (!reportOnly) {
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(tempDir, { recursive: true });
  const mocha = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_V8_COVERAGE: tempDir },
  });
  if (mocha.error) throw mocha.error;
  status = mocha.status ?? 1;
}

const total = libCoverage.createCoverageMap();
const scratch = mkdtempSync(join(tmpdir(), 'genstage-coverage-'));
try {
  for (const file of readdirSync(tempDir)) {
    // c8 reads a directory: give it one process's file at a time.
    const one = join(scratch, file.replace(/\.json$/, ''));
    mkdirSync(one);
    symlinkSync(join(tempDir, file), join(one, file));
    const report = makeReport({
      include: ['src/**'],
      exclude: defaultExclude,
      extension: defaultExtension,
      excludeNodeModules: true,
      omitRelative: true,
      wrapperLength: 0,
      resolve: '',
      reporter: [],
      tempDirectory: one,
      reportsDirectory: reportDir,
    });
    total.merge(await report.getCoverageMapFromAllCoverageFiles());
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const context = libReport.createContext({ dir: reportDir, coverageMap: total });
for (const name of ['text-summary', 'lcov']) reports.create(name).execute(context);
process.exitCode = status;
