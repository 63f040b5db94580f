import { expect } from 'chai';
import { Flow, map, tap } from '../../src/flow/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

describe('Flow memory (heavy)', function () {
  this.timeout(120_000);

  it('map then run() over 1,000,000 events of 2 KB strings should grow the heap by less than 50 MB', async function () {
    if (gc === undefined) this.skip();
    const base = 'abcdefgh'.repeat(256); // 2 KB
    function* events(): Generator<string> {
      for (let i = 0; i < 1_000_000; i++) yield base;
    }
    gc!();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let seen = 0;
    await Flow.from(events())
      .pipe(
        map((s: string) => s.toUpperCase()), // a fresh 2 KB string per event: keeping them would take 2 GB
        tap(() => {
          if (++seen % 100_000 === 0) {
            gc!();
            peak = Math.max(peak, process.memoryUsage().heapUsed - before);
          }
        }),
      )
      .run();
    gc!();
    const after = process.memoryUsage().heapUsed - before;
    expect(seen).to.equal(1_000_000);
    expect(peak).to.be.below(50 * 1024 * 1024);
    expect(after).to.be.below(50 * 1024 * 1024);
  });
});
