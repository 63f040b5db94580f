/**
 * Short-lived flows: 10,000 flows of 100 events each (an array of 100 numbers →
 * map(x * 2) → sum), one after another, as a service that runs one small flow per
 * request or job. Each contender builds a new pipeline per flow; the figure is the
 * median time of all 10,000 over the rounds (interleaved, after one warm-up round).
 *
 * The genstage rows run the library as it is published, not as `tsx` serves `src/`:
 * `src/index.ts` bundled by esbuild without `keepNames` (tsx wraps every named closure
 * made at run time in a `__name` call, 10-17% of a short flow that users do not pay).
 * `GENSTAGE_BENCH_ROOT=<checkout>` bundles another checkout's `src/` instead, for a
 * before/after with this same harness.
 *
 * Run alone: npx tsx bench/short-flows.ts [--quick]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { from as rxFrom, map as rxMap, reduce as rxReduce } from 'rxjs';
import { measure } from './lib.js';
import { double } from './pipeline.js';

type Library = typeof import('../src/index.js');

/** Where the library is bundled from (its `src/index.ts`): `GENSTAGE_BENCH_ROOT`, else this checkout. */
export const libraryRoot = resolve(process.env.GENSTAGE_BENCH_ROOT ?? fileURLToPath(new URL('..', import.meta.url)));

let built: Promise<Library> | undefined;

/**
 * The library as published: `<root>/src/index.ts` bundled by esbuild (ES module, no
 * `keepNames`), written under this checkout's `node_modules/.cache` so that `rxjs`
 * and `ix` resolve, and imported once per process.
 */
export function builtLibrary(): Promise<Library> {
  built ??= (async () => {
    const { build } = await import('esbuild');
    const dir = fileURLToPath(new URL('../node_modules/.cache/genstage-bench/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const outfile = resolve(dir, `index-${process.pid}.mjs`);
    await build({
      entryPoints: [resolve(libraryRoot, 'src/index.ts')],
      bundle: true, format: 'esm', platform: 'node', target: 'es2022', outfile, logLevel: 'warning',
      external: ['rxjs', 'rxjs/*', 'ix', 'ix/*', 'redis', '@redis/*'],
    });
    try {
      return (await import(pathToFileURL(outfile).href)) as Library;
    } finally {
      rmSync(outfile, { force: true }); // loaded: the file is not needed again
    }
  })();
  return built;
}

export interface ShortFlowsRow {
  name: string;
  flowsPerSecond: number;
  /** Wall time per flow, in µs (a short flow takes tens of them: milliseconds would show 0.05). */
  microsecondsPerFlow: number;
  vsRxjs: number;
}

const add = (acc: number, x: number): number => acc + x;
// Module-local, as bench/pipeline.ts's `Double` has it (an imported binding is not inlined into `map`).
const twice = (x: number): number => x * 2;

async function flows(lib: Library, count: number, input: readonly number[]): Promise<number> {
  const { Flow, map, onTrigger, reduce } = lib;
  let total = 0;
  for (let f = 0; f < count; f++) {
    const [sum] = await Flow.from(input)
      .pipe(
        map(double),
        reduce(() => 0, (x: number, acc: number) => acc + x),
        onTrigger((acc: number) => [[acc], acc]),
      )
      .toArray();
    total += sum as number;
  }
  return total;
}

/** The 3 stages of `bench/pipeline.ts` (`Double`, `Sum`), on the bundled library's classes. */
function stageClasses(lib: Library) {
  class Double extends lib.ProducerConsumer<number, number> {
    handleEvents(events: number[]): number[] {
      return events.map(twice);
    }
  }
  class Sum extends lib.Consumer<number> {
    sum = 0;
    handleEvents(events: number[]): void {
      let s = this.sum;
      for (let i = 0; i < events.length; i++) s += events[i] as number;
      this.sum = s;
    }
  }
  return { Double, Sum };
}

async function stages(lib: Library, count: number, input: readonly number[]): Promise<number> {
  const { GenStage } = lib;
  const { Double, Sum } = stageClasses(lib);
  let total = 0;
  for (let f = 0; f < count; f++) {
    const sink = new Sum();
    const src = await GenStage.fromIterable(input);
    const mid = await GenStage.start(new Double(), { subscribeTo: [{ to: src }] });
    const end = await GenStage.start(sink, { subscribeTo: [{ to: mid }] });
    await end.done;
    total += sink.sum;
  }
  return total;
}

function rxjs(count: number, input: readonly number[]): number {
  let total = 0;
  for (let f = 0; f < count; f++) rxFrom(input).pipe(rxMap(double), rxReduce(add, 0)).subscribe((v) => (total += v));
  return total;
}

function loop(count: number, input: readonly number[]): number {
  let total = 0;
  for (let f = 0; f < count; f++) {
    let sum = 0;
    for (let i = 0; i < input.length; i++) sum += (input[i] as number) * 2;
    total += sum;
  }
  return total;
}

const RXJS_ROW = 'RxJS from(array) → map → reduce (sync)';

export async function shortFlowsBench(count = 10_000, rounds = 5, size = 100): Promise<ShortFlowsRow[]> {
  const input = Array.from({ length: size }, (_, i) => i);
  const expected = loop(count, input);
  const lib = await builtLibrary();
  const list = [
    { name: 'for loop', run: () => loop(count, input) },
    { name: 'genstage Flow.from(array) → map → reduce → toArray (bundled, as published)', run: () => flows(lib, count, input) },
    { name: 'genstage 3 stages: fromIterable(array) → ProducerConsumer → Consumer (bundled, as published)', run: () => stages(lib, count, input) },
    { name: RXJS_ROW, run: () => rxjs(count, input) },
  ];
  const times = await measure(list, { rounds, warmup: 1, expected });
  const rx = times.get(RXJS_ROW) as number;
  return list.map(({ name }) => {
    const s = times.get(name) as number;
    return { name, flowsPerSecond: count / s, microsecondsPerFlow: Math.round((s / count) * 1e7) / 10, vsRxjs: rx / s };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await shortFlowsBench(quick ? 1_000 : 10_000, quick ? 1 : 5)));
}
