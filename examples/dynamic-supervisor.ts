/**
 * A counter producer feeding supervised children, one child per event.
 *
 * The ConsumerSupervisor subscribes with `maxDemand: 50`: at most 50 printer tasks
 * are alive at once; each one that finishes frees a slot, and once 25 slots are free
 * (minDemand) it asks the counter for 25 more numbers. Every printer gets an
 * AbortSignal, which fires if the supervisor stops it.
 *
 * Run: npx tsx examples/dynamic-supervisor.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerSupervisor, GenStage, Producer } from '../src/index.js';

class Counter extends Producer<number> {
  private next = 0;
  handleDemand(demand: number): number[] {
    return Array.from({ length: demand }, () => this.next++);
  }
}

let alive = 0;
let printed = 0;

async function printer(n: number, signal: AbortSignal): Promise<void> {
  alive++;
  try {
    await sleep(10 + Math.random() * 40, undefined, { signal });
    console.log(`printer for ${n} (${alive} alive)`);
    printed++;
  } finally {
    alive--;
  }
}

const counter = await GenStage.start(new Counter());
const printers = await ConsumerSupervisor.start<number>({
  child: { start: printer, restart: 'temporary' },
  subscribeTo: [{ to: counter, maxDemand: 50 }],
});

while (printed < 200) await sleep(20);
await printers.stop(); // the printers still running are aborted
await counter.stop();
console.log(`printed ${printed}; supervisor exited: ${String(await printers.done)}`);
