import { expect } from 'chai';
import { join } from 'node:path';
import { optimizedAcrossGc, root } from '../support/load-probe.js';

// How the kernel calls a stage's handleEvents (src/stage/consumer-side.ts, issue 14,
// docs/performance.md, "tenth part"). V8 optimizes functions on their own feedback in a
// child process (--no-concurrent-recompilation and %OptimizeFunctionOnNextCall make it
// deterministic); the stage classes live on, their instances die in the GC.

const PIPELINE = `const { GenStage, Producer, ProducerConsumer, Consumer } = await import(${JSON.stringify(join(root, 'src/index.ts'))});
class Numbers extends Producer { n = 0; handleDemand(d) { const o = []; for (let i = 0; i < d && this.n < 20000; i++) o.push(this.n++); if (this.n >= 20000) this.stop('normal'); return o; } }
class Twice extends ProducerConsumer { handleEvents(e) { return e.map((x) => x * 2); } }
class Total extends Consumer { total = 0; handleEvents(e) { for (const x of e) this.total += x; } }
async function run() {
  const a = await GenStage.start(new Numbers());
  const b = await GenStage.start(new Twice(), { subscribeTo: [{ to: a, maxDemand: 100 }] });
  const total = new Total();
  const c = await GenStage.start(total, { subscribeTo: [{ to: b, maxDemand: 100 }] });
  await c.done;
  return total.total;
}
`;

describe('stage: the kernel calls handleEvents through one small function per kind of consuming stage', function () {
  this.timeout(60_000);

  it("should keep the consumer side's optimized consume across a full GC that collects a pipeline: it does not inline the pipeline's handleEvents", async () => {
    // Before: consume inlined Twice's and Total's handleEvents, embedded the maps of their
    // instances, and was thrown away ('weak objects') when the GC collected them.
    // Warmed 10 runs first, so that the per-kind functions are optimized too: the arrays a stage
    // returns then take their final elements kind before consume is optimized on them.
    const result = await optimizedAcrossGc(
      `${PIPELINE}
const { ConsumerSide } = await import(${JSON.stringify(join(root, 'src/stage/consumer-side.ts'))});
const consume = ConsumerSide.prototype.consume;
`,
      '[consume]',
      10,
    );
    expect(result).to.deep.equal({ result: 19_999 * 20_000, before: [true], afterGc: [true] });
  });
});
