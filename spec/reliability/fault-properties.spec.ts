import { expect } from 'chai';
import fc from 'fast-check';
import { faultArbitrary, runPlan, checkFaultRun } from './topology.js';
import { guardRecords } from '../support/guard.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

describe('reliability: random topologies with one failing callback (fast-check)', function () {
  this.timeout(120_000);

  it(`should end every stage, propagate the error only along permanent/transient subscriptions and leak no rejection, over ${RUNS} runs`, async () => {
    const before = guardRecords().length;
    await fc.assert(
      fc.asyncProperty(faultArbitrary, async ({ plan, fault }) => {
        const problems = checkFaultRun(await runPlan(plan, fault), fault);
        if (problems.length > 0) throw new Error(`${problems.length} invariant(s) broken:\n  ${problems.slice(0, 12).join('\n  ')}`);
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(guardRecords().length - before, 'errors that reached process handlers').to.equal(0);
  });
});
