/**
 * Smoke checks for the issue-14 bench suites (after-gc, cold-start, short-flows,
 * latency, partition, per-message, idle-heap): each runs at a tiny size, every
 * checksum inside is checked by the suite, and the rows have the documented shape.
 * Figures are not asserted (they depend on the machine); names and counts are.
 */
import { expect } from 'chai';
import { afterGcBench } from '../bench/after-gc.js';
import { coldStartBench } from '../bench/cold-start.js';
import { idleHeapBench } from '../bench/idle-heap.js';
import { latencyBench } from '../bench/latency.js';
import { partitionBench } from '../bench/partition.js';
import { perMessageBench } from '../bench/per-message.js';
import { shortFlowsBench } from '../bench/short-flows.js';
import { suites } from '../bench/run.js';

const positive = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x > 0;

describe('bench suites of issue 14', () => {
  it('registers after-gc, cold-start, short-flows, latency, partition, per-message and idle-heap by name', () => {
    expect(suites.map((s) => s.name)).to.include.members(['after-gc', 'cold-start', 'short-flows', 'latency', 'partition', 'per-message', 'idle-heap']);
  });

  it('afterGcBench: each RxJS row is 1× itself after a GC and warm, every rate positive', async () => {
    const rows = await afterGcBench({ events: 20_000, rounds: 1, warmRounds: 1, minSampleMs: 0 });
    expect(rows.map((r) => r.name)).to.include.members(['RxJS range → map → reduce (sync)', 'RxJS from(generator) → map → reduce (sync)', 'Flow.from(generator) → map → reduce (defaults)']);
    for (const r of rows.filter((r) => r.name.startsWith('RxJS'))) {
      expect([r.vsRxjsAfterGc, r.vsRxjsWarm]).to.deep.equal([1, 1]);
    }
    for (const r of rows) expect([r.afterGcPerSecond, r.warmPerSecond, r.gcLossRatio].every(positive), r.name).to.equal(true);
  });

  it('coldStartBench: a child process times its first run and 20 more', async function () {
    this.timeout(60_000);
    const [row] = await coldStartBench(1, 10_000, ['RxJS range → map → reduce (sync)']);
    expect(row!.name).to.equal('RxJS range → map → reduce (sync)');
    expect([row!.firstMs, row!.warmMs, row!.firstOverWarmRatio].every(positive)).to.equal(true);
    expect(row!.runsToWarm).to.be.within(1, 21);
  });

  it('shortFlowsBench: RxJS is 1× itself; the Flow and stage rows computed the same total', async () => {
    const rows = await shortFlowsBench(20, 1, 10);
    expect(rows.map((r) => r.name)).to.have.length(4);
    expect(rows.find((r) => r.name.startsWith('RxJS'))!.vsRxjs).to.equal(1);
    for (const r of rows) expect(positive(r.flowsPerSecond), r.name).to.equal(true);
  });

  it('latencyBench: a baseline row and two pipeline rows, p50 <= p99 for each probe', async () => {
    const rows = await latencyBench(1, 50_000);
    expect(rows.map((r) => r.name)).to.deep.equal(['no pipeline (baseline, 200 ms)', 'W1 50,000 events (default maxDemand)', 'W1 50,000 events (maxDemand 10,000)']);
    for (const r of rows) {
      expect(r.awaitP50Ms).to.be.at.most(r.awaitP99Ms);
      expect(r.callP50Ms).to.be.at.most(r.callP99Ms);
      expect(r.samples).to.be.greaterThan(0);
    }
  });

  it('partitionBench: 256 partitions deliver every event (the suite checks the total)', async () => {
    const rows = await partitionBench(5_000, 1);
    expect(rows.map((r) => r.name)).to.have.length(4);
    expect(rows.find((r) => r.name.startsWith('RxJS'))!.vsRxjs).to.equal(1);
  });

  it('perMessageBench: rows for maxDemand 1, 10 and the default', async () => {
    const rows = await perMessageBench(2_000, 1);
    expect(rows.map((r) => r.name)).to.deep.equal(['W1 3 stages, maxDemand 1', 'W1 3 stages, maxDemand 10', 'W1 3 stages, maxDemand 1,000 (default)']);
  });

  it('idleHeapBench: bytes per item for two genstage rows, an RxJS Subject and a Node Readable', async () => {
    const rows = await idleHeapBench(20, 1);
    expect(rows.map((r) => r.name)).to.have.length(4);
    for (const r of rows) expect(Number.isInteger(r.bytesPerStage), r.name).to.equal(true);
  });
});
