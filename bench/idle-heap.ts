/**
 * Heap per idle stage: 5,000 of each kept alive at once, heapUsed after a full GC
 * before and after, divided by the count. genstage: a started `Producer` with no
 * demand (nothing subscribed), and a producer with one subscribed consumer (two
 * stages, one subscription: the figure is per stage); RxJS: a `Subject` with one
 * subscriber; Node: an object-mode `Readable` not read. Median of 3 rounds.
 *
 * Run alone: npx tsx bench/idle-heap.ts [--quick]
 */
import { Readable } from 'node:stream';
import { Subject } from 'rxjs';
import { Consumer, GenStage, Producer, type Stage } from '../src/index.js';
import { heapAfterGc, median } from './lib.js';

export interface IdleHeapRow {
  name: string;
  /** Heap bytes per idle stage (or per Subject, per stream). */
  bytesPerStage: number;
}

class Quiet extends Producer<number> {
  handleDemand(): number[] {
    return [];
  }
}

class Sink extends Consumer<number> {
  handleEvents(): void {}
}

async function measureHeap(count: number, perItem: number, make: (n: number) => Promise<unknown[]> | unknown[], release: (held: unknown[]) => Promise<void> | void): Promise<number> {
  const before = heapAfterGc();
  if (before === undefined) throw new Error('idle-heap: global.gc is not available');
  const held = await make(count);
  const after = heapAfterGc() as number;
  await release(held);
  return (after - before) / (count * perItem);
}

async function stopAll(held: unknown[]): Promise<void> {
  for (const s of held as Stage<unknown>[]) s.stop('normal');
  await Promise.all((held as Stage<unknown>[]).map((s) => s.done.catch(() => undefined)));
}

export async function idleHeapBench(count = 5_000, rounds = 3): Promise<IdleHeapRow[]> {
  const list: { name: string; perItem: number; make: (n: number) => Promise<unknown[]> | unknown[]; release: (held: unknown[]) => Promise<void> | void }[] = [
    {
      name: 'genstage Producer, started, no subscriber',
      perItem: 1,
      make: async (n) => {
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(await GenStage.start(new Quiet()));
        return out;
      },
      release: stopAll,
    },
    {
      name: 'genstage Producer + subscribed Consumer (per stage)',
      perItem: 2,
      make: async (n) => {
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) {
          const p = await GenStage.start(new Quiet());
          out.push(p, await GenStage.start(new Sink(), { subscribeTo: [p] }));
        }
        return out;
      },
      release: stopAll,
    },
    {
      name: 'RxJS Subject with one subscriber',
      perItem: 1,
      make: (n) => Array.from({ length: n }, () => {
        const s = new Subject<number>();
        s.subscribe(() => {});
        return s;
      }),
      release: (held) => held.forEach((s) => (s as Subject<number>).complete()),
    },
    {
      name: 'Node object-mode Readable',
      perItem: 1,
      make: (n) => Array.from({ length: n }, () => new Readable({ objectMode: true, read() {} })),
      release: (held) => held.forEach((s) => (s as Readable).destroy()),
    },
  ];
  const samples = list.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as (typeof list)[number];
      (samples[i] as number[]).push(await measureHeap(count, c.perItem, c.make, c.release));
    }
  }
  return list.map((c, i) => ({ name: c.name, bytesPerStage: Math.round(median(samples[i] as number[])) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowsTable } = await import('./lib.js');
  const quick = process.argv.includes('--quick');
  console.log(rowsTable(await idleHeapBench(quick ? 1_000 : 5_000, quick ? 1 : 3)));
}
