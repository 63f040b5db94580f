import { expect } from 'chai';
import { Consumer, GenStage, Stage } from '../../src/index.js';

/** A user's class with members named as a library might name its own: they are the user's. */
class OrderSink extends Consumer<number> {
  private owner = 'team-a';
  readonly processed: string[] = [];
  process(order: number): string {
    return `${this.owner}:${order}`;
  }
  handleEvents(orders: number[]): void {
    for (const order of orders) this.processed.push(this.process(order));
  }
}

describe('stage: user subclasses own their member names', () => {
  it('should run a Consumer subclass with its own process() method and private owner field', async () => {
    const sink = new OrderSink();
    const consumer = await GenStage.start(sink);
    await consumer.subscribe(await GenStage.fromIterable([1, 2]));
    expect(await consumer.done).to.equal('normal');
    expect(sink.processed).to.deep.equal(['team-a:1', 'team-a:2']);
    expect(typeof sink.process).to.equal('function');
  });

  it('should keep a plain-JavaScript subclass\'s process() method (not overwritten by GenStage.start)', async () => {
    // As plain JS would write it: no TypeScript in the way.
    const seen: unknown[] = [];
    const JsSink = class extends Consumer<number> {
      process(order: number): number {
        return order * 10;
      }
      handleEvents(orders: number[]): void {
        for (const order of orders) seen.push(this.process(order));
      }
    };
    const sink = new JsSink();
    const before = Object.getOwnPropertyNames(sink);
    const consumer = await GenStage.start(sink);
    expect(Object.getOwnPropertyNames(sink)).to.deep.equal(before);
    await consumer.subscribe(await GenStage.fromIterable([1, 2]));
    await consumer.done;
    expect(seen).to.deep.equal([10, 20]);
  });

  it('should reach no process through the public members of a Stage or a callbacks instance', async () => {
    const sink = new OrderSink();
    const consumer = await GenStage.start(sink);
    const stageKeys = new Set<string | symbol>();
    for (let o: object | null = consumer; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
      for (const key of Reflect.ownKeys(o)) stageKeys.add(key);
    }
    expect([...stageKeys].filter((k) => typeof k === 'string' && /process|owner|plan/i.test(k))).to.deep.equal([]);
    expect(consumer).to.be.instanceOf(Stage);
    expect(Object.keys(sink).sort()).to.deep.equal(['owner', 'processed']);
    await consumer.stop();
  });
  it('should add no own key, string or symbol, to a callbacks instance when it starts and stops', async () => {
    const sink = new OrderSink();
    const before = Reflect.ownKeys(sink);
    const consumer = await GenStage.start(sink);
    expect(Reflect.ownKeys(sink)).to.deep.equal(before);
    await consumer.stop();
    expect(Reflect.ownKeys(sink)).to.deep.equal(before);
  });
});
