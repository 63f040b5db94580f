/**
 * `npm run bench`: every suite in one process, each printed as a markdown table
 * under a heading, with the machine and the load average at the top and the end.
 *
 *   npm run bench                      all suites, full size
 *   npm run bench -- --quick           fewer rounds and events (a smoke check; figures not comparable)
 *   npm run bench -- --only=pipeline   one suite (comma-separate several); names below
 *
 * Redis is separate (`npm run bench:redis`): it needs redis-server.
 */
import { loadLine, machineLine, rowsTable } from './lib.js';
import { MAX_DEMAND } from './pipeline.js';

/** A table of a suite, with an optional heading of its own. */
export interface Section {
  title?: string;
  rows: readonly object[];
}

export interface Suite {
  /** For `--only=` (matched ignoring case, `-` and `_`). */
  name: string;
  title: string;
  /** What is measured and how, printed under the heading (full mode). */
  about?: string;
  /** Row objects (one table), or several sections. */
  run(quick: boolean): Promise<readonly object[] | readonly Section[]>;
}

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * The suites, in order. Adding one is one entry. Each loads its module when it runs, so
 * `--only` loads only the suites it names (and `bench/run.ts` can be pointed at an older
 * checkout's `src/` for a before/after run of the suites that checkout has).
 */
export const suites: Suite[] = [
  {
    name: 'pipeline',
    title: 'Core pipeline: integers → map(x * 2) → sum',
    about:
      `Median of 7 interleaved rounds after 3 warm-up rounds; runs shorter than 100 ms are repeated within a sample. ` +
      `genstage rows use maxDemand ${n(MAX_DEMAND)} on every subscription unless marked "default". Every run's sum is checked against the loop's.`,
    run: async (quick) => {
      const { pipelineBench, pipelineLarge } = await import('./pipeline.js');
      return [
        { title: `${n(quick ? 100_000 : 1_000_000)} events`, rows: await pipelineBench(quick ? { events: 100_000, rounds: 1, warmup: 1, minSampleMs: 0 } : {}) },
        { title: `${n(quick ? 1_000_000 : 10_000_000)} events, heap`, rows: [await pipelineLarge(quick ? { events: 1_000_000, runs: 1 } : {})] },
      ];
    },
  },
  {
    name: 'fairness',
    title: 'Fairness: a 1 ms timer while the pipeline runs',
    about: 'Lag = time since the previous tick minus 1 ms, over the ticks of 5 interleaved runs; the last tick counted is the first after the work ends.',
    run: async (quick) => {
      const { fairnessBench } = await import('./fairness.js');
      return fairnessBench(quick ? { events: 1_000_000, runs: 1, longEvents: 0 } : {});
    },
  },
  {
    name: 'word-count',
    title: 'Word count: 200,000 lines × 10 words',
    about:
      'Best of 5 interleaved rounds; ratio against the hand-written loop. The worker row runs the built package (dist/, its worker module importing genstage/worker; ' +
      'run npm run build first, else it runs src/ through tsx and says so); the reference row counts on two threads by hand, the ceiling of two threads at that moment.',
    run: async (quick) => {
      const { wordCount } = await import('./word-count.js');
      return wordCount(quick ? 1 : 5);
    },
  },
  {
    name: 'supervision',
    title: 'Supervised concurrency: 20,000 tasks of a 1 ms timer, 100 at once',
    about: 'Best of 5 interleaved rounds; the ideal is 0.2 s. vs faster peer: time over the faster of RxJS and the promise pool (lower is better).',
    run: async (quick) => {
      const { supervisionBench } = await import('./supervision.js');
      return supervisionBench(quick ? 1 : 5);
    },
  },
  {
    name: 'conversions',
    title: 'Conversions: a flow into ReadableStream, Readable and Observable',
    about: '1,000,000 numbers doubled and summed; best of 5 interleaved rounds; ratio against the native pipeline of the same kind.',
    run: async (quick) => {
      const { conversions } = await import('./conversions.js');
      return conversions(quick ? 1 : 5);
    },
  },
  {
    name: 'workers',
    title: 'Worker stages: 20,000 events hashed (sha256 × 100 each), main thread against 1 and 2 worker threads',
    about:
      'Median of 5 interleaved rounds; worker start-up is inside each run. speedup: the main-thread flow\'s time over this row\'s. ' +
      'Every run\'s digests are checked against the main thread\'s. The reference row splits the input over two threads by hand: ' +
      'the most the machine gave at that moment (other processes share its cores; the load average is printed above).',
    run: async (quick) => {
      const { workersBench } = await import('./workers.js');
      return (quick ? workersBench(1, 600) : workersBench(5));
    },
  },
  {
    name: 'after-gc',
    title: 'After a full GC: a new pipeline per run, 1,000,000 events, beside the same warm',
    about:
      'Each run starts a new pipeline right after global.gc() (twice); median of 7 interleaved rounds. The warm columns: median of 5 interleaved rounds after 3 warm-up rounds, no forced GC. ' +
      'Ratios against the RxJS row reading the same source (range for the counting Producer, from(generator) for the generator rows).',
    run: async (quick) => {
      const { afterGcBench } = await import('./after-gc.js');
      return afterGcBench(quick ? { events: 200_000, rounds: 2, warmRounds: 1 } : {});
    },
  },
  {
    name: 'cold-start',
    title: 'First run in a fresh process ÷ warm run, 1,000,000 events',
    about: 'One child process per contender and round (3 rounds, interleaved): modules loaded, then the first run timed, then 20 more; warm = median of the last 5. runs to warm: the first run within 1.5× of warm.',
    run: async (quick) => {
      const { coldStartBench } = await import('./cold-start.js');
      return coldStartBench(quick ? 1 : 3, quick ? 200_000 : 1_000_000);
    },
  },
  {
    name: 'short-flows',
    title: 'Short-lived flows: 10,000 flows of 100 events, one after another',
    about:
      'Each flow is a new pipeline over an array of 100 numbers → map(x * 2) → sum. Median of 3 interleaved rounds after 1 warm-up round. ' +
      'The genstage rows run src/ bundled by esbuild without keepNames, as published (not through tsx); GENSTAGE_BENCH_ROOT=<checkout> bundles another checkout.',
    run: async (quick) => {
      const { shortFlowsBench } = await import('./short-flows.js');
      return shortFlowsBench(quick ? 1_000 : 10_000, quick ? 1 : 3);
    },
  },
  {
    name: 'latency',
    title: 'Continuation latency while W1 runs 10,000,000 events',
    about:
      'Three probes side by side: an awaited promise resolved by an idle stage (time from resolution to the continuation), a call() round trip to that stage, and a setTimeout(1) lag. ' +
      'Quantiles over every sample of 3 interleaved runs; the baseline runs the probes with no pipeline.',
    run: async (quick) => {
      const { latencyBench } = await import('./latency.js');
      return latencyBench(quick ? 1 : 3, quick ? 1_000_000 : 10_000_000);
    },
  },
  {
    name: 'partition',
    title: 'Partitioned routing: 1,000,000 events over 256 partitions',
    about: 'PartitionDispatcher into 256 summing consumers against RxJS groupBy → mergeMap(reduce). Median of 5 interleaved rounds after 2 warm-up rounds.',
    run: async (quick) => {
      const { partitionBench } = await import('./partition.js');
      return partitionBench(quick ? 200_000 : 1_000_000, quick ? 1 : 5);
    },
  },
  {
    name: 'per-message',
    title: 'Per message: W1 with maxDemand 1',
    about: '200,000 events; median of 5 interleaved rounds after 2 warm-up rounds.',
    run: async (quick) => {
      const { perMessageBench } = await import('./per-message.js');
      return perMessageBench(quick ? 50_000 : 200_000, quick ? 1 : 5);
    },
  },
  {
    name: 'dashboard',
    title: 'Dashboard attached: W1 with a page open ÷ without',
    about:
      'W1 = counting Producer → ProducerConsumer → Consumer (maxDemand 10,000), 20,000,000 events; the dashboard samples every 100 ms with one page connected. ' +
      'Modes alternate round by round; rates: median of 7 rounds after 2 warm-up rounds; ratio: median of the 7 per-round ratios. Target: ratio >= 0.9.',
    run: async (quick) => {
      const { dashboardBench } = await import('./dashboard.js');
      return dashboardBench(quick ? 5_000_000 : 20_000_000, quick ? 3 : 7, quick ? 1 : 2);
    },
  },
  {
    name: 'idle-heap',
    title: 'Heap per idle stage',
    about: '5,000 kept alive at once; heapUsed after a full GC before and after, per item; median of 3 rounds.',
    run: async (quick) => {
      const { idleHeapBench } = await import('./idle-heap.js');
      return idleHeapBench(quick ? 1_000 : 5_000, quick ? 1 : 3);
    },
  },
];

const simple = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');

function isSections(result: readonly object[] | readonly Section[]): result is readonly Section[] {
  return result.length > 0 && result.every((r) => 'rows' in r && Array.isArray((r as Section).rows));
}

/** Runs the selected suites and prints them; returns the markdown. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<string> {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const unknown = argv.filter((a) => a !== '--quick' && !a.startsWith('--only='));
  if (unknown.length > 0) throw new TypeError(`unknown argument ${JSON.stringify(unknown[0])}; expected --quick or --only=<${suites.map((s) => s.name).join('|')}>`);
  let selected = suites;
  if (only !== undefined) {
    const wanted = only.split(',').map(simple);
    const missing = wanted.filter((w) => !suites.some((s) => simple(s.name) === w));
    if (missing.length > 0) throw new RangeError(`--only: no suite named ${JSON.stringify(missing[0])}; suites: ${suites.map((s) => s.name).join(', ')}`);
    selected = suites.filter((s) => wanted.includes(simple(s.name)));
  }
  const out: string[] = [];
  const print = (text: string): void => {
    out.push(text);
    console.log(text);
  };
  print(`# genstage benchmarks${quick ? ' (--quick: smoke check, figures not comparable)' : ''}`);
  print('');
  print(`- Machine: ${machineLine()}`);
  print(`- Load average (1, 5, 15 min) at start: ${loadLine()}`);
  let failed = 0;
  for (const suite of selected) {
    const t0 = performance.now();
    print('');
    print(`## ${suite.title}`);
    print('');
    if (suite.about && !quick) {
      print(suite.about);
      print('');
    }
    let result: readonly object[] | readonly Section[];
    try {
      result = await suite.run(quick);
    } catch (error) {
      // One broken suite does not hide the others; the run still exits non-zero.
      failed++;
      print(`**FAILED**: ${error instanceof Error ? error.message : String(error)}`);
      console.error(error);
      continue;
    }
    const seconds = (performance.now() - t0) / 1000;
    const sections: readonly Section[] = isSections(result) ? result : [{ rows: result }];
    sections.forEach((section, i) => {
      if (section.title) print(`### ${section.title}\n`);
      print(rowsTable(section.rows));
      if (i < sections.length - 1) print('');
    });
    print('');
    print(`_(suite took ${seconds.toFixed(1)} s; load average after it: ${loadLine()})_`);
  }
  if (failed > 0) process.exitCode = 1;
  print('');
  print(`- Load average (1, 5, 15 min) at end: ${loadLine()}`);
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
