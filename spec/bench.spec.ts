/**
 * Smoke checks for the benchmark suites: each runs at its smallest size, its
 * checksums hold (a suite throws on a mismatch) and its rows have the documented
 * shape. No assertion on any timing: the machine is shared. Redis is not run here.
 */
import { expect } from 'chai';
import { conversions } from '../bench/conversions.js';
import { fairnessBench } from '../bench/fairness.js';
import { formatCell, formatRate, formatRatio, headerOf, markdownTable, measure, median, quantile, rowsTable } from '../bench/lib.js';
import { GENSTAGE_ROW, RXJS_ROW, genstageCounter, genstageStages, pipelineBench, pipelineLarge } from '../bench/pipeline.js';
import { main, suites } from '../bench/run.js';
import { supervisionBench } from '../bench/supervision.js';
import { wordCount } from '../bench/word-count.js';
import { workersBench } from '../bench/workers.js';

const positive = (x: unknown): void => {
  expect(x).to.be.a('number');
  expect(Number.isFinite(x as number) && (x as number) > 0, `${String(x)} is a finite positive number`).to.equal(true);
};

describe('bench', function () {
  this.timeout(20_000);

  describe('lib', () => {
    it('median and quantile', () => {
      expect(median([3, 1, 2])).to.equal(2);
      expect(median([4, 1, 3, 2])).to.equal(2.5);
      expect(() => median([])).to.throw(RangeError);
      const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
      expect(quantile(hundred, 0.5)).to.equal(50);
      expect(quantile(hundred, 0.99)).to.equal(99);
      expect(quantile(hundred, 1)).to.equal(100);
    });

    it('formats rates, ratios and cells by key', () => {
      expect(formatRate(123_456_789)).to.equal('123 M/s');
      expect(formatRate(12_345_678)).to.equal('12.3 M/s');
      expect(formatRate(12_345)).to.equal('12.3 k/s');
      expect(formatRatio(2.345)).to.equal('2.35×');
      expect(formatRatio(12.34)).to.equal('12.3×');
      expect(formatRatio(0.01234)).to.equal('0.0123×');
      expect(formatCell('eventsPerSecond', 2e8)).to.equal('200 M/s');
      expect(formatCell('vsRxjs', 3)).to.equal('3.00×');
      expect(formatCell('seconds', 0.5)).to.equal('0.500 s');
      expect(formatCell('heapGrowthMB', 1.234)).to.equal('1.23 MB');
      expect(formatCell('p99LagMs', 7.5)).to.equal('7.50 ms');
      expect(formatCell('events', 10_000_000)).to.equal('10,000,000');
      expect(formatCell('name', 'x')).to.equal('x');
      expect(headerOf('eventsPerSecond')).to.equal('events per second');
      expect(headerOf('vsFasterPeer')).to.equal('vs faster peer');
      expect(headerOf('heapGrowthMB')).to.equal('heap growth (MB)');
      expect(headerOf('p99LagMs')).to.equal('p99 lag (ms)');
    });

    it('prints a markdown table, numbers right-aligned, pipes escaped', () => {
      expect(markdownTable(['name', 'rate'], [['a|b', '1.0 M/s']])).to.equal('| name | rate |\n|---|---:|\n| a\\|b | 1.0 M/s |');
      expect(rowsTable([{ name: 'x', ratio: 2 }, { name: 'y', seconds: 1 }])).to.equal(
        '| name | ratio | seconds |\n|---|---:|---:|\n| x | 2.00× |  |\n| y |  | 1.000 s |',
      );
    });

    it('measure fails loudly, naming the contender, when a checksum is wrong', async () => {
      const good = { name: 'good', run: () => 42 };
      const bad = { name: 'bad one', run: async () => 41 };
      const times = await measure([good], { rounds: 2, expected: 42 });
      expect([...times.keys()]).to.deep.equal(['good']);
      let error: unknown;
      try {
        await measure([good, bad], { rounds: 1, expected: 42 });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.equal('checksum mismatch in "bad one": got 41, expected 42');
    });
  });

  describe('pipeline', () => {
    it('genstage pipelines compute the sum of 2n', async () => {
      const input = Array.from({ length: 5_000 }, (_, i) => i);
      expect(await genstageStages(input)).to.equal(5_000 * 4_999);
      expect(await genstageStages(input, 7)).to.equal(5_000 * 4_999);
      expect(await genstageCounter(12_345, 100)).to.equal(12_345 * 12_344);
    });

    it('pipelineBench: one row per contender, checksums checked, ratios against genstage and RxJS', async () => {
      const rows = await pipelineBench({ events: 10_000, rounds: 1, warmup: 0, minSampleMs: 0 });
      expect(rows.map((r) => r.name)).to.include.members([GENSTAGE_ROW, RXJS_ROW, 'for loop', 'IxJS async iterable']);
      expect(rows).to.have.length(10);
      for (const row of rows) {
        expect(Object.keys(row)).to.deep.equal(['name', 'eventsPerSecond', 'vsGenstage', 'vsRxjs']);
        positive(row.eventsPerSecond);
        positive(row.vsGenstage);
        positive(row.vsRxjs);
      }
      expect(rows.find((r) => r.name === GENSTAGE_ROW)!.vsGenstage).to.equal(1);
      expect(rows.find((r) => r.name === RXJS_ROW)!.vsRxjs).to.equal(1);
    });

    it('pipelineLarge: time and heap figures', async () => {
      const row = await pipelineLarge({ events: 100_000, runs: 1 });
      expect(row.events).to.equal(100_000);
      positive(row.seconds);
      positive(row.eventsPerSecond);
      // The specs run with --expose-gc, so the heap figures are there.
      expect(row.heapGrowthMB).to.be.a('number');
      expect(row.peakLiveMB).to.be.a('number');
    });
  });

  it('fairnessBench: a row per subject with lag quantiles in order', async () => {
    const rows = await fairnessBench({ events: 100_000, runs: 1, longEvents: 0 });
    expect(rows.map((r) => r.name)).to.deep.equal([
      'genstage Producer → ProducerConsumer → Consumer',
      'plain synchronous loop',
      'RxJS range → map → reduce (sync)',
    ]);
    for (const row of rows) {
      expect(row.events).to.equal(100_000);
      expect(row.ticks).to.be.at.least(1);
      expect(row.p50LagMs).to.be.at.least(0);
      expect(row.p99LagMs).to.be.at.least(row.p50LagMs);
      expect(row.maxLagMs).to.be.at.least(row.p99LagMs);
    }
  });

  // Bounded work (5,000 lines, not the suite's 200,000): it took over 20 s on a loaded machine.
  it('wordCount(1, 5_000): rows { name, wordsPerSecond, ratio }, on bounded work', async () => {
    const rows = await wordCount(1, 5_000);
    expect(rows.length).to.be.at.least(2);
    for (const row of rows) {
      expect(Object.keys(row)).to.deep.equal(['name', 'wordsPerSecond', 'ratio']);
      positive(row.wordsPerSecond);
    }
    expect(rows[0]!.ratio).to.equal(1);
  });

  it('supervisionBench(1): rows { name, seconds, vsFasterPeer }', async () => {
    const rows = await supervisionBench(1);
    expect(rows.length).to.be.at.least(2);
    for (const row of rows) {
      expect(Object.keys(row)).to.deep.equal(['name', 'seconds', 'vsFasterPeer']);
      positive(row.seconds);
      positive(row.vsFasterPeer);
    }
  });

  // Bounded work (10,000 events per pipeline, not the suite's 1,000,000): it checks the
  // rows' shape and the sums, and cannot outgrow the timeout on a loaded machine.
  it('conversions(1, 10_000): a genstage row with a ratio before each native row, on bounded work', async () => {
    const rows = await conversions(1, 10_000);
    expect(rows.map((r) => r.name)).to.deep.equal([
      'flow → ReadableStream', 'native ReadableStream', 'flow → Readable', 'native Readable', 'flow → Observable', 'native RxJS',
    ]);
    rows.forEach((row, i) => {
      positive(row.eventsPerSecond);
      if (i % 2 === 0) positive(row.ratio);
      else expect(row.ratio).to.equal(undefined);
    });
  });

  it('workersBench(1, 600): rows { name, seconds, speedup }, the one-thread row first', async () => {
    const rows = await workersBench(1, 600);
    expect(rows.map((r) => r.name)).to.have.length(4);
    for (const row of rows) {
      expect(Object.keys(row)).to.deep.equal(['name', 'seconds', 'speedup']);
      positive(row.seconds);
      positive(row.speedup);
    }
    expect(rows[0]!.speedup).to.equal(1);
  });

  describe('run', () => {
    it('registers every suite once', () => {
      const names = suites.map((s) => s.name);
      expect(new Set(names).size).to.equal(names.length);
      expect(names).to.include.members(['pipeline', 'fairness', 'word-count', 'supervision', 'conversions', 'workers']);
    });

    it('rejects an unknown flag or suite name before running anything', async () => {
      let error: unknown;
      try {
        await main(['--fast']);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/^unknown argument "--fast"; expected --quick or --only=</);
      error = undefined;
      try {
        await main(['--only=pipeline,nope']);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.match(/^--only: no suite named "nope"; suites: pipeline, fairness/);
    });
  });
});
