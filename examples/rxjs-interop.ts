/**
 * RxJS and genstage, both ways.
 *
 * 1. A flow as an Observable: `from(flow)` (flows are interop observables) and
 *    `toObservable(flow)`; `take(3)` unsubscribes, which stops the flow.
 * 2. A flow inside an RxJS pipe: `throughFlow` runs a partitioned word count.
 * 3. An observable as a producer: `fromObservable` over a fast `interval`, read by
 *    a slow loop. The observable cannot be paused, so the producer keeps a bounded
 *    buffer and counts what it drops.
 *
 * Run: npx tsx examples/rxjs-interop.ts
 */
import { from, interval, lastValueFrom, map as rxMap, take, toArray } from 'rxjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Flow, GenStage, flatMap, map, partition, reduce } from '../src/index.js';
import { fromObservable, sourceStats, throughFlow, toObservable } from '../src/interop/rxjs/index.js';

// An iterable, not a generator object: each run of the flow starts it afresh.
const naturals: Iterable<number> = {
  *[Symbol.iterator]() {
    for (let n = 0; ; n++) yield n;
  },
};

// 1. Flows as observables.
const squares = Flow.from(naturals).pipe(map((n: number) => n * n));
console.log('from(flow)        ', await lastValueFrom(from(squares).pipe(take(5), toArray())));
console.log('toObservable(flow)', await lastValueFrom(toObservable(squares, { maxDemand: 10 }).pipe(take(3), toArray())));

// 2. A flow pipeline inside an RxJS pipe.
const poem = ['roses are red', 'violets are blue', 'sugar is sweet', 'and so are you'];
const counts = await lastValueFrom(
  from(poem).pipe(
    throughFlow((flow) =>
      flow.pipe(
        flatMap((line: string) => line.split(' ')),
        partition({ stages: 2 }),
        reduce(() => new Map<string, number>(), (word: string, acc: Map<string, number>) => acc.set(word, (acc.get(word) ?? 0) + 1)),
      ),
    ),
    toArray(),
  ),
);
console.log('word counts       ', Object.fromEntries((counts as [string, number][]).sort(([a], [b]) => a.localeCompare(b))));

// 3. A fast observable into a slow consumer, through a bounded buffer.
const ticks = await fromObservable(interval(1).pipe(rxMap((n) => `tick ${n}`)), {
  bufferSize: 5,
  overflow: 'drop-oldest',
  onDrop: () => {}, // counted; read with sourceStats
});
const seen: string[] = [];
for await (const tick of GenStage.stream([{ to: ticks, maxDemand: 1 }])) {
  seen.push(tick);
  await sleep(20); // much slower than the interval
  if (seen.length === 5) break;
}
console.log('slow consumer saw ', seen);
console.log('producer counters ', await sourceStats(ticks));
await ticks.stop();
