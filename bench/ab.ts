/**
 * Before/after: the W1, W2 and W3 rows of two checkouts, measured in the same sitting.
 *
 *   npx tsx bench/ab.ts --before=<bench dir> [--after=bench] [--pairs=4] [--suites=w1,w2,w3] [--node=<node binary>] [--quick]
 *
 * `--before` and `--after` name a bench directory inside a checkout (its `../src` is the
 * library measured): for an older commit, a worktree with a copy of this bench in it
 * (`git worktree add ../before <commit> && cp -r bench ../before/bench-cur`, then drop
 * the rows that checkout cannot run). Each measurement runs in a fresh process (one per
 * suite and side), sides alternating A B B A, so a drift of the machine's load during
 * the sitting falls on both sides alike. Every row is a ratio to a peer measured in the
 * same process: W1 (suite `pipeline`, 1,000,000 events, 7 rounds) to RxJS, W2 (`word-count`,
 * 5 rounds, without the rows on worker threads) to the hand-written loop, W3 (`supervision`, 5 rounds) to the promise pool
 * (its time over the pool's: lower is better). `--quick` leaves the W1 peers other than
 * RxJS out (their rows are not compared), so a W1 process takes about 40 s instead of
 * 4 minutes and more pairs fit in a sitting. Printed per row: the median ratio of each
 * side over its processes, their spread, and the change of the after median from the
 * before median (positive: after is better), with "within 5%" when the after side is at
 * most 5% worse.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdownTable, median } from './lib.js';

type Suite = 'w1' | 'w2' | 'w3';

/** One row of one process: its ratio, and whether a higher ratio is better. */
interface Sample {
  suite: Suite;
  row: string;
  ratio: number;
  higherIsBetter: boolean;
}

/** Runs the suites from the bench copy in `dir` and returns their rows as ratios. */
async function measureIn(dir: string, suites: readonly Suite[], quick: boolean): Promise<Sample[]> {
  const from = (file: string): string => pathToFileURL(resolve(dir, file)).href;
  const samples: Sample[] = [];
  if (suites.includes('w1')) {
    const { pipelineBench } = (await import(from('pipeline.ts'))) as typeof import('./pipeline.js');
    for (const row of await pipelineBench({ genstageAndRxjsOnly: quick })) {
      if (row.name.startsWith('genstage')) samples.push({ suite: 'w1', row: row.name, ratio: row.vsRxjs, higherIsBetter: true });
    }
  }
  if (suites.includes('w2')) {
    const { wordCount } = (await import(from('word-count.ts'))) as typeof import('./word-count.js');
    for (const row of await wordCount(5, undefined, false)) {
      if (row.name.startsWith('genstage')) samples.push({ suite: 'w2', row: row.name, ratio: row.ratio, higherIsBetter: true });
    }
  }
  if (suites.includes('w3')) {
    const { supervisionBench } = (await import(from('supervision.ts'))) as typeof import('./supervision.js');
    const rows = await supervisionBench(5);
    const pool = rows.find((r) => r.name.startsWith('promise pool'));
    if (pool === undefined) throw new Error('the supervision suite has no promise pool row');
    for (const row of rows) {
      if (row.name.startsWith('genstage')) samples.push({ suite: 'w3', row: row.name, ratio: row.seconds / pool.seconds, higherIsBetter: false });
    }
  }
  return samples;
}

const MARK = 'AB-SAMPLES ';

function option(argv: readonly string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function parseSuites(text: string): Suite[] {
  const suites = text.split(',');
  for (const s of suites) if (s !== 'w1' && s !== 'w2' && s !== 'w3') throw new RangeError(`--suites: expected w1, w2 or w3, got: ${JSON.stringify(s)}`);
  return suites as Suite[];
}

/** One process: `node --expose-gc --import tsx/esm bench/ab.ts --child --dir=... --suites=...`. */
function runChild(node: string, dir: string, suites: readonly Suite[], quick: boolean): Sample[] {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(node, ['--expose-gc', '--import', 'tsx/esm', self, '--child', `--dir=${dir}`, `--suites=${suites.join(',')}`, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    cwd: resolve(fileURLToPath(new URL('..', import.meta.url))),
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (out.status !== 0 || line === undefined) throw new Error(`bench/ab.ts child in ${dir} failed (status ${out.status}):\n${out.stderr.slice(-2000)}`);
  return JSON.parse(line.slice(MARK.length)) as Sample[];
}

const fmt = (x: number): string => x.toFixed(2);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(argv: readonly string[]): Promise<void> {
  const suites = parseSuites(option(argv, 'suites') ?? 'w1,w2,w3');
  if (argv.includes('--child')) {
    const dir = option(argv, 'dir');
    if (dir === undefined) throw new TypeError('--child needs --dir=<bench dir>');
    console.log(MARK + JSON.stringify(await measureIn(dir, suites, argv.includes('--quick'))));
    return;
  }
  const before = option(argv, 'before');
  if (before === undefined) throw new TypeError('expected --before=<bench dir of the before checkout>');
  const after = option(argv, 'after') ?? fileURLToPath(new URL('.', import.meta.url));
  for (const dir of [before, after]) if (!existsSync(resolve(dir, 'pipeline.ts'))) throw new RangeError(`expected a bench directory, got: ${dir}`);
  const pairs = Number(option(argv, 'pairs') ?? 4);
  if (!Number.isInteger(pairs) || pairs < 1) throw new RangeError(`expected --pairs to be an integer >= 1, got: ${option(argv, 'pairs')}`);
  const node = option(argv, 'node') ?? process.execPath;
  const sides = { before: [] as Sample[][], after: [] as Sample[][] };
  console.log(`# before/after: ${before} vs ${after}; ${pairs} pairs, suites ${suites.join(', ')}; node ${node}`);
  console.log(`- load at start: ${load()}`);
  for (let p = 0; p < pairs; p++) {
    // A B, then B A: each side as often first as second.
    const order: ('before' | 'after')[] = p % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const side of order) {
      sides[side].push(runChild(node, side === 'before' ? before : after, suites, argv.includes('--quick')));
      console.log(`- pair ${p + 1} ${side} done, load ${load()}`);
    }
  }
  const rows = new Map<string, { suite: Suite; higherIsBetter: boolean; before: number[]; after: number[] }>();
  for (const side of ['before', 'after'] as const) {
    for (const run of sides[side]) {
      for (const s of run) {
        const entry = rows.get(s.row) ?? { suite: s.suite, higherIsBetter: s.higherIsBetter, before: [], after: [] };
        entry[side].push(s.ratio);
        rows.set(s.row, entry);
      }
    }
  }
  const table: string[][] = [];
  for (const [row, r] of rows) {
    if (r.before.length === 0 || r.after.length === 0) {
      table.push([r.suite.toUpperCase(), row, r.before.length ? fmt(median(r.before)) : '-', r.after.length ? fmt(median(r.after)) : '-', '-', 'one side only']);
      continue;
    }
    const b = median(r.before);
    const a = median(r.after);
    // Positive: after is better (a higher ratio, or a lower time over the pool).
    const change = r.higherIsBetter ? a / b - 1 : b / a - 1;
    const spread = (xs: number[]): string => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
    table.push([
      r.suite.toUpperCase(),
      row,
      `${fmt(b)}× (${spread(r.before)})`,
      `${fmt(a)}× (${spread(r.after)})`,
      `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`,
      change >= -0.05 ? 'within 5%' : 'worse by more than 5%',
    ]);
  }
  console.log(`- load at end: ${load()}\n`);
  console.log(markdownTable(['suite', 'row', 'before: median (spread)', 'after: median (spread)', 'change', 'verdict'], table));
  console.log('\nW1: ratio to RxJS; W2: ratio to the hand-written loop; W3: time over the promise pool\'s (lower is better). Change: positive when after is better.');
}

await main(process.argv.slice(2));
