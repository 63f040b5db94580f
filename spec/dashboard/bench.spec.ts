import { expect } from 'chai';
import { dashboardBench, listenerCost } from '../../bench/dashboard.js';
import { suites } from '../../bench/run.js';

describe('dashboard bench row (smoke)', () => {
  it('should run W1 without and with a dashboard and give the ratio of the two', async () => {
    const rows = await dashboardBench(200_000, 1, 0);
    expect(rows.map((r) => r.name)).to.deep.equal([
      'W1 without a dashboard',
      'W1 with the dashboard attached (a page connected, 100 ms samples)',
    ]);
    expect(rows[0]!.ratio).to.equal(1);
    for (const row of rows) expect(row.eventsPerSecond).to.be.above(0);
    expect(rows[1]!.ratio).to.be.closeTo(rows[1]!.eventsPerSecond / rows[0]!.eventsPerSecond, 1e-9);
    expect(rows[0]!.cpuRatio).to.equal(1);
    expect(rows[1]!.cpuRatio).to.be.above(0);
    expect(suites.map((s) => s.name)).to.include('dashboard');
  });

  it('should time the sampler listeners per message against a do-nothing listener, the sampler counting every published event', () => {
    // listenerCost throws when the sampler's inTotal differs from the events published.
    const rows = listenerCost(10_000, 1, 0);
    expect(rows.map((r) => r.name)).to.deep.equal(['publish, a do-nothing listener', 'publish, the sampler listening']);
    expect(rows[0]!.listenerNs).to.equal(0);
    expect(rows[1]!.listenerNs).to.be.closeTo(rows[1]!.nsPerMessage - rows[0]!.nsPerMessage, 1e-9);
    for (const row of rows) expect(row.nsPerMessage).to.be.at.least(0);
  });
});
