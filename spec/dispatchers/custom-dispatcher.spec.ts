// The contract of a user-written Dispatcher (docs on the `Dispatcher` interface): what
// `dispatch` returns goes to the producer's buffer and is offered again, and
// subscription options are checked by the dispatcher that takes them.
import { expect } from 'chai';
import { Consumer, GenStage, Producer, type Dispatcher, type DispatcherHost, type Subscription } from '../../src/index.js';
import { NO_EVENTS } from '../../src/stage/dispatcher.js';
import { settle } from '../../src/testing/index.js';

/** One consumer, served one event per `dispatch` call: the rest of each batch is returned. */
class OneAtATime<T> implements Dispatcher<T> {
  private host!: DispatcherHost<T>;
  private sub: Subscription<T> | undefined;
  private demand = 0;
  readonly calls: number[] = [];
  readonly seenOptions: Readonly<Record<string, unknown>>[] = [];
  init(host: DispatcherHost<T>): void {
    this.host = host;
  }
  subscribe(options: Readonly<Record<string, unknown>>, from: Subscription<T>): number {
    this.seenOptions.push(options);
    this.sub = from;
    return 0;
  }
  cancel(): number {
    this.sub = undefined;
    return 0;
  }
  ask(count: number): number {
    this.demand += count;
    return count;
  }
  dispatch(events: T[]): T[] {
    this.calls.push(events.length);
    if (this.sub === undefined || this.demand === 0 || events.length === 0) return events;
    this.demand--;
    this.host.deliver(this.sub, [events[0] as T]);
    return events.length === 1 ? NO_EVENTS : events.slice(1);
  }
  info(message: unknown): void {
    this.host.sendInfo(message);
  }
}

class Counter extends Producer<number> {
  private next = 0;
  constructor(private readonly last: number) {
    super();
  }
  handleDemand(demand: number): number[] {
    const out: number[] = [];
    while (out.length < demand && this.next < this.last) out.push(this.next++);
    return out;
  }
}

class Collect extends Consumer<number> {
  readonly events: number[] = [];
  handleEvents(events: number[]): void {
    this.events.push(...events);
  }
}

describe('a custom dispatcher', () => {
  it('should get every event to the consumer when its dispatch delivers one event per call and returns the rest (maxDemand 4, minDemand 1)', async () => {
    const dispatcher = new OneAtATime<number>();
    const producer = await GenStage.start(new Counter(10), { dispatcher });
    const sink = new Collect();
    const consumer = await GenStage.start(sink, { subscribeTo: [{ to: producer, maxDemand: 4, minDemand: 1 }] });
    await settle();
    expect(sink.events).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await consumer.stop();
    await producer.stop();
  });

  it('should receive a selector option that is not a function when it declares no subscription options (no kernel check of selector)', async () => {
    const dispatcher = new OneAtATime<number>();
    const producer = await GenStage.start(new Counter(0), { dispatcher });
    const consumer = await GenStage.start(new Collect());
    await consumer.subscribe(producer, { selector: 'fast' } as never);
    await settle();
    expect(dispatcher.seenOptions.map((o) => o.selector)).to.deep.equal(['fast']);
    await consumer.stop();
    await producer.stop();
  });
});
