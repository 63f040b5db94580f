import { systemClock } from '../runtime/clock.js';
import { mapLoop } from './fuse.js';
import { newLayer, type LayerSpec, type OnTriggerFn, type ReducerSpec } from './plan.js';
import type { MapReducerStage } from './map-reducer.js';
import { Window } from './window.js';

/**
 * Dormant map-reducer stages, kept for the life of the module so that V8 keeps the
 * hidden classes of the flow's hot path across full garbage collections (issue 14,
 * docs/performance.md, "Changes (issue 14, seventh part)"); the kernel's half is
 * src/stage/anchors.ts.
 *
 * A flow's `MapReducerStage`, its `WindowState` and the window objects it reduces into
 * die with the flow; a full GC then drops their maps, and the optimized `handleEvents`
 * and `reduceRaw` specialised on them with it, so the next flow runs its per-event loops
 * in the interpreter until V8 optimizes them again. Stages built here through the same
 * constructor and `init` a flow's stage goes through (with and without a reducer, a
 * global and a count window, an accumulator that is a heap number) keep
 * those maps alive, with their fields already generalized.
 *
 * Every anchor's accumulator is a number. An anchor that reduced into an array (kept
 * until December 2026) turned the `acc` field of the windows' shared hidden class from a
 * number field into a field of any value, and every reduce into a number then ran
 * about 12% slower warm (W1 Flow, maxDemand 10,000: 70-74 against 80-87 M events/s in
 * the same sitting; docs/performance.md, "Before and after the kernel work"). A
 * program whose own flows reduce into objects makes that change itself; the anchors do
 * not make it for every program.
 *
 * They are built and initialized only: no batch goes through them. Running batches
 * through them at load (to warm the loops, or to make the calls into the mappers and the
 * step megamorphic) made every flow slower warm (Flow.from(generator) → map → reduce
 * 37-49 → 52-91 ms per million events): the call sites and the mappers' output arrays then
 * carry the anchors' feedback too.
 *
 * They are never visible: the stages are not started (no process, no handle, no
 * subscription, nothing posted or published), their windows set no timer (global and
 * count windows have none), and nothing registers them anywhere (spec:
 * spec/flow/anchors.spec.ts).
 */

type MapReducerClass = new (layer: LayerSpec, index: number, count: number, producers: number, clock: typeof systemClock) => MapReducerStage;

const pass = (x: unknown): unknown => x;
const plus = (x: unknown, acc: unknown): unknown => (acc as number) + (x as number);
const keep: OnTriggerFn = (acc) => [[acc], acc];

function reducer(step: (x: unknown, acc: unknown) => unknown, init: () => unknown): ReducerSpec {
  return { name: 'reduce', init, step, emitStep: undefined };
}

/**
 * Builds the anchors. Called once, by `MapReducerStage`'s static initializer (the class
 * is passed in: this module cannot import it as a value without a cycle), which keeps
 * what this returns in a static field: a class member, so no bundler drops it.
 */
export function buildFlowAnchors(Stage: MapReducerClass): readonly unknown[] {
  const stages = [
    // map → reduce into a number (a heap number) → onTrigger, in the global window
    new Stage(newLayer('(anchor)', { pre: [() => mapLoop(pass)], reducer: reducer(plus, () => 2 ** 40), onTrigger: keep }), 0, 1, 1, systemClock),
    // reduce into a number in a count window, a mapper after it (a number, not an array:
    // see the note above)
    new Stage(newLayer('(anchor)', { reducer: reducer(plus, () => 2 ** 40), window: Window.count(2), post: [() => mapLoop(pass)] }), 0, 1, 1, systemClock),
    // mappers only
    new Stage(newLayer('(anchor)', { pre: [() => mapLoop(pass)] }), 0, 1, 1, systemClock),
  ];
  // Sync for these layers (no worker): builds the mappers, the window state and its first window.
  for (const stage of stages) void stage.init();
  return stages;
}
