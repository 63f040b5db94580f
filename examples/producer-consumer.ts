/**
 * A → B → C, as in the original GenStage README.
 *
 * A counts up from 0 for ever. B turns each number n into n, n+1, n+2. C takes at
 * most 10 at a time and works slowly (a 100 ms pause per batch), so demand, not A's
 * speed, decides how much is produced: A never runs more than C's demand ahead.
 *
 * Run: npx tsx examples/producer-consumer.ts
 */
import { Consumer, GenStage, Producer, ProducerConsumer } from '../src/index.js';

class A extends Producer<number> {
  private counter = 0;
  produced = 0;
  handleDemand(demand: number): number[] {
    const events = Array.from({ length: demand }, (_, i) => this.counter + i);
    this.counter += demand;
    this.produced += demand;
    return events;
  }
}

class B extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.flatMap((n) => [n, n + 1, n + 2]);
  }
}

class C extends Consumer<number> {
  private batches = 0;
  constructor(private readonly a: A, private readonly rounds: number) {
    super();
  }
  async handleEvents(events: number[]): Promise<void> {
    this.batches++;
    console.log(`C got ${events.length} events: [${events.join(', ')}]  (A has produced ${this.a.produced} so far)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (this.batches === this.rounds) this.stop('normal');
  }
}

const a = new A();
const producer = await GenStage.start(a, { name: 'A' });
const middle = await GenStage.start(new B(), { name: 'B', subscribeTo: [{ to: producer, maxDemand: 10 }] });
const consumer = await GenStage.start(new C(a, 5), { name: 'C', subscribeTo: [{ to: middle, maxDemand: 10 }] });

console.log(`C exited: ${String(await consumer.done)}`);
await Promise.all([middle.stop(), producer.stop()]);
// B still holds the expansions C never asked for: stopping B drops them, and says how many.
console.log('A, B and C have stopped (B reported the events it still held: nothing is dropped silently).');
