import { expect } from 'chai';
import { join } from 'node:path';
import { MapReducerStage } from '../../src/flow/map-reducer.js';
import { processOfInstance } from '../../src/stage/stage.js';
import { Flow, map, onTrigger, reduce } from '../../src/index.js';
import { optimizedAcrossGc, probeLoad, root } from '../support/load-probe.js';

// The flow's hot-path anchors (src/flow/anchors.ts, issue 14): dormant map-reducer
// stages that keep the flow's hidden classes alive across full GCs. They must not be
// seen anywhere, and must not change what a flow computes.

describe('flow: hot-path anchors', function () {
  this.timeout(60_000);

  it('should hold three map-reducer stages that were never started (no process bound to them)', () => {
    const stages = MapReducerStage.anchors;
    expect(stages.map((s) => s instanceof MapReducerStage)).to.deep.equal([true, true, true]);
    expect(stages.map((s) => processOfInstance(s as MapReducerStage))).to.deep.equal([undefined, undefined, undefined]);
  });

  it("should hold only number accumulators in its windows, so the windows' acc field stays a number field for every reduce into a number", () => {
    // An anchor holding an array there generalized the field for every window of the
    // program: W1's Flow rows ran about 12% slower warm (docs/performance.md).
    const accs = MapReducerStage.anchors.map((s) => {
      const windows = (s as unknown as { windows?: { win?: { acc: unknown } } }).windows;
      return windows?.win === undefined ? 'no window' : typeof windows.win.acc;
    });
    expect(accs).to.deep.equal(['number', 'number', 'no window']);
  });

  it('should leave what a flow computes unchanged: map → reduce → onTrigger', async () => {
    const sums = await Flow.from([1, 2, 3, 4])
      .pipe(map((x: number) => x * 10), reduce(() => 0, (x: number, acc: number) => acc + x), onTrigger((acc: number) => [[acc], acc]))
      .toArray();
    expect(sums).to.deep.equal([100]);
  });

  it('should publish nothing, run no slice, hold no timer or handle, and let a fresh process exit, once the flow layer is loaded', async () => {
    const result = await probeLoad('src/flow/map-reducer.ts', 'MapReducerStage', 'Anchored.anchors.length');
    expect(result).to.deep.equal({ anchors: 3, seen: [], slices: 0, turns: 0, busy: false, blocked: 0, resources: [] });
  });

  it("should keep a flow's optimized handleEvents and reduceRaw across a full GC that collects the flow", async () => {
    // Optimized synchronously (--no-concurrent-recompilation) with the feedback of real
    // flows (Flow.from(generator) → map → reduce, new closures per flow); the flows' stages
    // die in the GC. Without the anchors both were thrown away ('weak objects'): they were
    // specialised on the maps of the dead MapReducerStage, WindowState and window objects.
    const result = await optimizedAcrossGc(
      `const { WindowState } = await import(${JSON.stringify(join(root, 'src/flow/window-state.ts'))});
const { MapReducerStage } = await import(${JSON.stringify(join(root, 'src/flow/map-reducer.ts'))});
const { Flow, map, reduce, onTrigger } = await import(${JSON.stringify(join(root, 'src/index.ts'))});
const reduceRaw = WindowState.prototype['reduceRaw'];
const handleEvents = MapReducerStage.prototype.handleEvents;
function* ints(n) { for (let i = 0; i < n; i++) yield i; }
async function run() {
  const [sum] = await Flow.from(ints(20000)).pipe(map((x) => x * 2), reduce(() => 0, (x, acc) => acc + x), onTrigger((acc) => [[acc], acc])).toArray();
  return sum;
}
`,
      '[reduceRaw, handleEvents]',
    );
    expect(result).to.deep.equal({ result: 19_999 * 20_000, before: [true, true], afterGc: [true, true] });
  });
});
