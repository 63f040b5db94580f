/**
 * A consumer that sets its own pace: manual demand, N events per interval.
 *
 * `handleSubscribe` returns 'manual', so nothing is asked automatically. Every
 * interval the consumer asks its producer for `allowed` more events, whatever it
 * has been sent so far. Time comes from the stage's clock: pass a `VirtualClock`
 * (see spec) to test it without waiting.
 *
 * Run: npx tsx examples/rate-limiter.ts
 */
import { Consumer, GenStage, type Subscription } from '../src/index.js';

class RateLimiter extends Consumer<number> {
  private readonly producers = new Set<Subscription<number>>();
  private received = 0;

  constructor(
    private readonly allowed: number,
    private readonly intervalMs: number,
    private readonly total: number,
  ) {
    super();
  }

  override handleSubscribe(kind: 'producer' | 'consumer', _options: unknown, from: Subscription<number>): 'manual' {
    this.producers.add(from);
    this.askAndSchedule(from);
    return 'manual';
  }

  override handleCancel(_reason: unknown, from: Subscription<number>): void {
    this.producers.delete(from);
  }

  handleEvents(events: number[]): void {
    this.received += events.length;
    console.log(`${new Date().toISOString().slice(11, 23)}  ${JSON.stringify(events)}`);
    if (this.received >= this.total) this.stop('normal');
  }

  override handleInfo(message: unknown): void {
    const from = message as Subscription<number>;
    if (this.producers.has(from)) this.askAndSchedule(from);
  }

  private askAndSchedule(from: Subscription<number>): void {
    this.ask(from, this.allowed);
    this.sendAfter(from, this.intervalMs);
  }
}

const numbers = await GenStage.fromIterable((function* () {
  for (let n = 0; ; n++) yield n;
})());
const limiter = await GenStage.start(new RateLimiter(10, 500, 40), { subscribeTo: [numbers] });
console.log(`rate limiter exited: ${String(await limiter.done)}`);
await numbers.stop();
