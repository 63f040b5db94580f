/**
 * Supervised concurrency: 20,000 events, each a task awaiting a 1 ms timer, at most
 * 100 at once. genstage forks a supervised child per event (`superviseStage` between
 * a `fromIterable` producer and a consumer, the Flow operator `supervise`, a
 * `ConsumerSupervisor` with `maxDemand: 100`, once more with a child that opts out of
 * its `AbortSignal`, and `TaskSupervisor.asyncStream`),
 * against RxJS `mergeMap(…, 100)` and a plain promise pool, in the same run. The
 * ideal is 20,000 / 100 × 1 ms = 0.2 s; timers on Node fire after at least 1 ms, so
 * every runner lands a little above it.
 *
 * Run alone: npx tsx bench/supervision.ts
 */
import { from, lastValueFrom, mergeMap, count } from 'rxjs';
import * as Genstage from '../src/index.js';

export interface SupervisionRow {
  name: string;
  seconds: number;
  /** This runner's time over the faster of the two peers (RxJS, promise pool). */
  vsFasterPeer: number;
}

export const EVENTS = 20_000;
export const CONCURRENCY = 100;
const timerTick = (): Promise<number> => new Promise((resolve) => setTimeout(() => resolve(1), 1));

export function range(): number[] {
  return Array.from({ length: EVENTS }, (_, i) => i);
}

/** The classes the genstage runners use: this checkout's, or another's (bench/w3-cpu.ts). */
export type SupervisionLibrary = Pick<typeof Genstage, 'Consumer' | 'ConsumerSupervisor' | 'Flow' | 'GenStage' | 'TaskSupervisor' | 'supervise' | 'superviseStage'>;

/**
 * The four genstage runners and the promise pool, built on `lib` with `tick` as each
 * task (a 1 ms timer unless given). Each returns how many results it counted.
 */
export function supervisionRunners(lib: SupervisionLibrary, tick: () => Promise<number> = timerTick) {
  const { Consumer, ConsumerSupervisor, Flow, GenStage, TaskSupervisor, supervise, superviseStage } = lib;
  class Count extends Consumer<number> {
    n = 0;
    handleEvents(events: number[]): void {
      this.n += events.length;
    }
  }
  return {
    superviseStage: async (): Promise<number> => {
      const source = await GenStage.fromIterable(range());
      const middle = await GenStage.start(superviseStage(() => tick(), { maxConcurrency: CONCURRENCY }), { subscribeTo: [source] });
      const sink = new Count();
      const end = await GenStage.start(sink, { subscribeTo: [{ to: middle, maxDemand: 1000 }] });
      await end.done;
      return sink.n;
    },
    flowSupervise: async (): Promise<number> => {
      const results = await Flow.from(range()).pipe(supervise(() => tick(), { maxConcurrency: CONCURRENCY })).toArray();
      return results.reduce((a, b) => a + b, 0);
    },
    consumerSupervisor: async (): Promise<number> => {
      const source = await GenStage.fromIterable(range());
      let n = 0;
      const sup = await ConsumerSupervisor.start<number>({
        child: async () => {
          const v = await tick(); // read n after the await: `n += await tick()` reads it before
          n += v;
        },
        subscribeTo: [{ to: source, maxDemand: CONCURRENCY }],
      });
      await sup.done;
      return n;
    },
    // The same child, opted out of its signal (`signal: false`): it never reads one, and
    // making an AbortSignal per child costs 4.5-10 µs of CPU on Node 20 (docs/performance.md).
    consumerSupervisorNoSignal: async (): Promise<number> => {
      const source = await GenStage.fromIterable(range());
      let n = 0;
      const sup = await ConsumerSupervisor.start<number>({
        child: {
          start: async () => {
            const v = await tick();
            n += v;
          },
          signal: false,
        },
        subscribeTo: [{ to: source, maxDemand: CONCURRENCY }],
      });
      await sup.done;
      return n;
    },
    asyncStream: async (): Promise<number> => {
      const tasks = await TaskSupervisor.start();
      let n = 0;
      for await (const v of tasks.asyncStream(range(), () => tick(), { maxConcurrency: CONCURRENCY, ordered: false })) n += v;
      await tasks.stop();
      return n;
    },
    promisePool: async (): Promise<number> => {
      const items = range();
      let next = 0;
      let n = 0;
      const worker = async (): Promise<void> => {
        while (next < items.length) {
          next++;
          const v = await tick();
          n += v;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return n;
    },
  };
}

const ours = supervisionRunners(Genstage);

function rxjsMergeMap(): Promise<number> {
  return lastValueFrom(from(range()).pipe(mergeMap(() => timerTick(), CONCURRENCY), count()));
}

async function time(run: () => Promise<number>): Promise<number> {
  const t0 = performance.now();
  const n = await run();
  const s = (performance.now() - t0) / 1000;
  if (n !== EVENTS) throw new Error(`${run.name}: expected ${EVENTS} results, got ${n}`);
  return s;
}

/** Best of `rounds` for each runner, interleaved so they share the machine's state alike. */
export async function supervisionBench(rounds = 5): Promise<SupervisionRow[]> {
  const runners: [string, () => Promise<number>][] = [
    ['genstage superviseStage (20k × 1 ms timer, 100 at once)', ours.superviseStage],
    ['genstage Flow supervise(…, { maxConcurrency: 100 }) (same)', ours.flowSupervise],
    ['genstage ConsumerSupervisor, maxDemand 100 (same)', ours.consumerSupervisor],
    ['genstage ConsumerSupervisor, child with signal: false (same)', ours.consumerSupervisorNoSignal],
    ['genstage TaskSupervisor.asyncStream (same)', ours.asyncStream],
    ['rxjs mergeMap(…, 100) (same)', rxjsMergeMap],
    ['promise pool of 100 (same)', ours.promisePool],
  ];
  const best = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of runners) best.set(name, Math.min(best.get(name) ?? Infinity, await time(run)));
  }
  const peer = Math.min(...runners.filter(([, run]) => run === rxjsMergeMap || run === ours.promisePool).map(([name]) => best.get(name)!));
  return runners.map(([name]) => ({ name, seconds: best.get(name)!, vsFasterPeer: best.get(name)! / peer }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await supervisionBench()) {
    console.log(`${row.name.padEnd(60)} ${row.seconds.toFixed(3)} s  ${row.vsFasterPeer.toFixed(2)}×`);
  }
}
