/**
 * Live throughput per stage, from the `genstage:events` diagnostics channel.
 *
 * The pipeline: `numbers` counts up for about 3.5 seconds, `square` squares each
 * number, `evens` keeps the even squares, and two consumers `sink-1` and `sink-2`
 * share them (a DemandDispatcher sends each event to one of them). Nothing in the
 * stages knows it is being measured: a subscriber to `genstage:events` adds up the
 * `count` of every handled batch by stage name, prints one line a second (events
 * each stage took in per second, stages in the order `genstage:stage:start` saw them
 * start; a producer takes no events in, so `numbers` has no column), and stops when
 * `genstage:stage:exit` reports the last sink gone.
 *
 * Run: npx tsx examples/throughput.ts
 */
import diagnostics from 'node:diagnostics_channel';
import {
  Consumer, GenStage, Producer, ProducerConsumer, type EventsMessage, type StageExitMessage, type StageStartMessage,
} from '../src/index.js';

const RUN_MS = 3500;

class Numbers extends Producer<number> {
  private next = 0;
  private readonly until = Date.now() + RUN_MS;
  handleDemand(demand: number): number[] {
    if (Date.now() >= this.until) {
      this.stop('normal');
      return [];
    }
    const out = new Array<number>(demand);
    for (let i = 0; i < demand; i++) out[i] = this.next++;
    return out;
  }
}

class Square extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map((n) => n * n);
  }
}

class Evens extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.filter((n) => n % 2 === 0);
  }
}

class Sink extends Consumer<number> {
  total = 0;
  handleEvents(events: number[]): void {
    for (const n of events) this.total = (this.total + n) % 1_000_003;
  }
}

// ---------------------------------------------------------------- the observer

const counts = new Map<string, number>();
const onStart = (message: unknown): void => {
  const { name, kind } = message as StageStartMessage;
  if (kind !== 'producer') counts.set(name, 0); // fixes the column order
};
diagnostics.subscribe('genstage:stage:start', onStart);
const onEvents = (message: unknown): void => {
  const { stage, count } = message as EventsMessage;
  counts.set(stage.name, (counts.get(stage.name) ?? 0) + count);
};
diagnostics.subscribe('genstage:events', onEvents);

let last = performance.now();
function printLine(): void {
  const now = performance.now();
  const seconds = (now - last) / 1000;
  last = now;
  const parts = [...counts].map(([name, n]) => `${name} ${(n / seconds / 1e6).toFixed(2)} M/s`);
  for (const name of counts.keys()) counts.set(name, 0);
  console.log(parts.join('  |  '));
}
const ticker = setInterval(printLine, 1000);

const sinksLeft = new Set(['sink-1', 'sink-2']);
const finished = new Promise<void>((resolve) => {
  const onExit = (message: unknown): void => {
    const { name, reason } = message as StageExitMessage;
    if (!sinksLeft.delete(name) || sinksLeft.size > 0) return;
    console.log(`${name} exited (${String(reason)}): the pipeline has ended`);
    diagnostics.unsubscribe('genstage:stage:exit', onExit);
    resolve();
  };
  diagnostics.subscribe('genstage:stage:exit', onExit);
});

// ---------------------------------------------------------------- the pipeline

const numbers = await GenStage.start(new Numbers(), { name: 'numbers' });
const square = await GenStage.start(new Square(), { name: 'square', subscribeTo: [numbers] });
const evens = await GenStage.start(new Evens(), { name: 'evens', subscribeTo: [square] });
await GenStage.start(new Sink(), { name: 'sink-1', subscribeTo: [evens] });
await GenStage.start(new Sink(), { name: 'sink-2', subscribeTo: [evens] });

await finished;
clearInterval(ticker);
printLine(); // the last partial second
diagnostics.unsubscribe('genstage:events', onEvents);
diagnostics.unsubscribe('genstage:stage:start', onStart);
