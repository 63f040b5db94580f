/**
 * A GenEvent replacement: one broadcaster, several subscribers.
 *
 * `notify(event)` is a call to the broadcaster: it queues the event and answers only
 * once the event has been dispatched to the subscribers, so a producer that awaits
 * `notify` is held back by the slowest subscriber (back-pressure). The queue is
 * bounded: past `limit` waiting events, `notify` fails at once instead of growing it.
 * Each subscriber is its own consumer, so they handle events concurrently.
 *
 * Run: npx tsx examples/gen-event.ts   (20 lines: 4 subscribers x events 1..5)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BroadcastDispatcher, Consumer, GenStage, Producer, type CallFrom, type CallResult, type Stage } from '../src/index.js';

class Broadcaster extends Producer<number> {
  private readonly queue: { event: number; from: CallFrom }[] = [];
  private demand = 0;
  constructor(private readonly limit: number) {
    super();
  }

  override handleCall(request: { notify: number }, from: CallFrom): CallResult<number> {
    if (this.queue.length >= this.limit) return { reply: { error: 'full' } };
    this.queue.push({ event: request.notify, from });
    return { noreply: true, events: this.take() };
  }

  handleDemand(demand: number): number[] {
    this.demand += demand;
    return this.take();
  }

  /** Emits what the pending demand allows; each notify is answered once its event goes out. */
  private take(): number[] {
    const out = this.queue.splice(0, this.demand);
    this.demand -= out.length;
    // The events returned here are dispatched as soon as this callback returns, before
    // the caller's `await` resumes (a reply settles a promise: its caller runs later).
    for (const { from } of out) this.reply(from, 'ok');
    return out.map(({ event }) => event);
  }
}

class Subscriber extends Consumer<number> {
  constructor(private readonly id: number) {
    super();
  }
  async handleEvents(events: number[]): Promise<void> {
    for (const event of events) {
      await sleep(5 * this.id); // subscribers of different speeds
      console.log(`subscriber ${this.id} got ${event}`);
    }
  }
}

async function notify(broadcaster: Stage<number>, event: number): Promise<void> {
  const answer = await broadcaster.call<'ok' | { error: string }>({ notify: event });
  if (answer !== 'ok') throw new Error(`notify ${event}: ${answer.error}`);
}

const broadcaster = await GenStage.start(new Broadcaster(10), { dispatcher: new BroadcastDispatcher() });
const subscribers = await Promise.all(
  [1, 2, 3, 4].map((id) => GenStage.start(new Subscriber(id), { subscribeTo: [{ to: broadcaster, maxDemand: 1, minDemand: 0 }] })),
);

for (let event = 1; event <= 5; event++) await notify(broadcaster, event);
await broadcaster.stop(); // subscribers finish what they hold, then stop
await Promise.all(subscribers.map((s) => s.done));
