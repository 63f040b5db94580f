import { expect } from 'chai';
import fc from 'fast-check';
import { planArbitrary, runPlan, checkRun, type Plan } from './topology.js';

// Runs and seed can be set from the environment to replay a failure:
//   PROPERTY_SEED=123 PROPERTY_RUNS=1 npx mocha spec/reliability/properties.spec.ts
const RUNS = Number(process.env.PROPERTY_RUNS ?? 500);
const SEED = process.env.PROPERTY_SEED === undefined ? undefined : Number(process.env.PROPERTY_SEED);

describe('reliability: random topologies (fast-check)', function () {
  this.timeout(120_000);

  it(`should keep the demand bound, exactly-once/broadcast/partition delivery, per-edge order and end with its sources, over ${RUNS} random topologies`, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(planArbitrary, async (plan: Plan) => {
        runs++;
        const problems = checkRun(await runPlan(plan));
        if (problems.length > 0) throw new Error(`${problems.length} invariant(s) broken:\n  ${problems.slice(0, 12).join('\n  ')}`);
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    expect(runs).to.be.at.least(RUNS);
  });
});
