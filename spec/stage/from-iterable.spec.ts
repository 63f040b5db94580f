// The protocol rules cited below (R13) are stated in docs/protocol.md.
import { expect } from 'chai';
import { Consumer, DemandDispatcher, Flow, GenStage, type Stage, type Subscription } from '../../src/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';

/** Records batches; in manual mode asks only when cast a number. */
class Pull<T> extends Consumer<T> {
  readonly batches: T[][] = [];
  sub: Subscription<T> | undefined;
  constructor(private readonly mode: 'automatic' | 'manual' = 'manual') {
    super();
  }
  get events(): T[] {
    return this.batches.flat();
  }
  override handleSubscribe(_kind: unknown, _options: unknown, from: Subscription<T>): 'automatic' | 'manual' {
    this.sub = from;
    return this.mode;
  }
  handleEvents(events: T[]): void {
    this.batches.push(events);
  }
  override handleCast(count: number): void {
    this.ask(this.sub as Subscription<T>, count);
  }
}

async function attach<T>(producer: Stage<T>, mode: 'automatic' | 'manual' = 'manual', options = {}) {
  const pull = new Pull<T>(mode);
  const stage = await GenStage.start(pull);
  const sub = await stage.subscribe(producer, { cancel: 'temporary', ...options });
  await settle();
  return {
    pull,
    stage,
    sub,
    ask: async (n: number) => {
      stage.cast(n);
      await settle();
    },
    cancel: async () => {
      stage.cancel(sub as Subscription<unknown>, 'normal');
      await settle();
    },
  };
}

/** A dispatcher that expects asks up to 1000, so manual asks of any size log no warning. */
const quiet = <T>() => ({ dispatcher: new DemandDispatcher<T>({ maxDemand: 1000 }) });

async function collect<T>(producer: Stage<T>, maxDemand = 1000): Promise<T[]> {
  const pull = new Pull<T>('automatic');
  const stage = await GenStage.start(pull, { subscribeTo: [{ to: producer, maxDemand }] });
  await stage.done;
  return pull.events;
}

/** An iterable that counts how many times `next` and `return` were called. */
class Counting implements Iterable<number> {
  nexts = 0;
  returns = 0;
  constructor(private readonly limit: number) {}
  [Symbol.iterator](): Iterator<number> {
    let i = 0;
    return {
      next: () => {
        this.nexts++;
        return i < this.limit ? { value: i++, done: false } : { value: undefined, done: true };
      },
      return: () => {
        this.returns++;
        return { value: undefined, done: true };
      },
    };
  }
}

/** An async iterator the spec feeds by hand: `push` answers the oldest pending `next()` (or the next one). */
function handFed<T>(): { source: AsyncIterable<T>; push(value: T): void; end(): void; nexts(): number; returns(): number } {
  const waiting: ((r: IteratorResult<T>) => void)[] = [];
  const ready: IteratorResult<T>[] = [];
  let nexts = 0;
  let returns = 0;
  const answer = (r: IteratorResult<T>): void => {
    const w = waiting.shift();
    if (w !== undefined) w(r);
    else ready.push(r);
  };
  const iterator: AsyncIterator<T> = {
    next: () => {
      nexts++;
      const r = ready.shift();
      return r !== undefined ? Promise.resolve(r) : new Promise((resolve) => waiting.push(resolve));
    },
    return: () => {
      returns++;
      return Promise.resolve({ value: undefined, done: true });
    },
  };
  return {
    source: { [Symbol.asyncIterator]: () => iterator },
    push: (value) => answer({ value, done: false }),
    end: () => answer({ value: undefined, done: true }),
    nexts: () => nexts,
    returns: () => returns,
  };
}

describe('GenStage.fromIterable', () => {
  it('R13: should emit the items of an array, then stop normal', async () => {
    const producer = await GenStage.fromIterable([1, 2, 3, 4, 5]);
    const done = producer.done;
    expect(await collect(producer, 2)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await done).to.equal('normal');
  });

  it('R13: should emit the items of a sync iterable (a Set)', async () => {
    const producer = await GenStage.fromIterable(new Set(['a', 'b', 'c']));
    expect(await collect(producer)).to.deep.equal(['a', 'b', 'c']);
    expect(await producer.done).to.equal('normal');
  });

  it('R13: should emit the items of a generator', async () => {
    function* squares(): Generator<number> {
      for (let i = 1; i <= 6; i++) yield i * i;
    }
    const producer = await GenStage.fromIterable(squares());
    expect(await collect(producer, 4)).to.deep.equal([1, 4, 9, 16, 25, 36]);
  });

  it('R13: should emit the items of an async iterable', async () => {
    async function* slow(): AsyncGenerator<string> {
      for (const s of ['x', 'y', 'z']) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yield s;
      }
    }
    const producer = await GenStage.fromIterable(slow());
    expect(await collect(producer, 2)).to.deep.equal(['x', 'y', 'z']);
    expect(await producer.done).to.equal('normal');
  });

  it('R13: should stop normal at once for an empty source', async () => {
    const producer = await GenStage.fromIterable<number>([]);
    const done = producer.done;
    expect(await collect(producer)).to.deep.equal([]);
    expect(await done).to.equal('normal');
  });

  it('R13: should pull exactly as many items as demanded', async () => {
    const source = new Counting(100);
    const producer = await GenStage.fromIterable(source, quiet());
    const c = await attach(producer);
    expect(source.nexts).to.equal(0);
    await c.ask(3);
    expect(source.nexts).to.equal(3);
    expect(c.pull.batches).to.deep.equal([[0, 1, 2]]);
    await c.ask(5);
    expect(source.nexts).to.equal(8);
    expect(c.pull.batches).to.deep.equal([[0, 1, 2], [3, 4, 5, 6, 7]]);
    expect(producer.alive).to.equal(true);
  });

  it('R13: should pull exactly as many items as demanded from an async iterable', async () => {
    let pulled = 0;
    async function* numbers(): AsyncGenerator<number> {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const producer = await GenStage.fromIterable(numbers(), quiet());
    const c = await attach(producer);
    await c.ask(4);
    expect(pulled).to.equal(4);
    expect(c.pull.events).to.deep.equal([0, 1, 2, 3]);
    await c.ask(2);
    expect(pulled).to.equal(6);
    await producer.stop();
  });

  it('R13: should stop normal only after its buffered events are delivered', async () => {
    const producer = await GenStage.fromIterable([1, 2, 3], { demand: 'accumulate', ...quiet() });
    const first = await attach(producer);
    await first.ask(3);
    await first.cancel(); // its 3 are produced with nobody to take them: buffered
    producer.demand('forward');
    await settle();
    expect(await producer.estimateBufferedCount()).to.equal(3);
    expect(producer.alive).to.equal(true);
    const second = await attach(producer);
    await second.ask(2);
    expect(second.pull.events).to.deep.equal([1, 2]);
    expect(producer.alive).to.equal(true);
    await second.ask(1);
    expect(second.pull.events).to.deep.equal([1, 2, 3]);
    expect(await producer.done).to.equal('normal');
  });

  it('R13: should stop a permanent consumer normal when the source ends', async () => {
    const producer = await GenStage.fromIterable([1, 2]);
    const pull = new Pull<number>('automatic');
    const consumer = await GenStage.start(pull, { subscribeTo: [producer] });
    expect(await consumer.done).to.equal('normal');
    expect(pull.events).to.deep.equal([1, 2]);
  });

  it('R13: should keep running after its last consumer cancels, by default (onCancel: continue)', async () => {
    const producer = await GenStage.fromIterable(new Counting(10), quiet());
    const a = await attach(producer);
    await a.ask(2);
    await a.cancel();
    expect(producer.alive).to.equal(true);
    const b = await attach(producer);
    await b.ask(3);
    expect(b.pull.events).to.deep.equal([2, 3, 4]); // carries on where it was
  });

  it('R13: should stop normal when its last consumer cancels with onCancel: stop', async () => {
    const source = new Counting(10);
    const producer = await GenStage.fromIterable(source, { onCancel: 'stop', ...quiet() });
    const a = await attach(producer);
    const b = await attach(producer);
    await a.ask(2);
    await a.cancel();
    expect(producer.alive).to.equal(true); // b is still there
    await b.cancel();
    expect(await producer.done).to.equal('normal');
    expect(source.returns).to.equal(1);
  });

  it('R13: should call the iterator\'s return() when the stage stops before the source ends', async () => {
    const source = new Counting(100);
    const producer = await GenStage.fromIterable(source);
    const c = await attach(producer);
    await c.ask(5);
    await producer.stop('shutdown');
    expect(source.returns).to.equal(1);
    expect(source.nexts).to.equal(5);
  });

  it('R13: should run a generator\'s finally block when the stage stops early', async () => {
    const log: string[] = [];
    function* gen(): Generator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        log.push('closed');
      }
    }
    const producer = await GenStage.fromIterable(gen());
    const c = await attach(producer);
    await c.ask(3);
    expect(log).to.deep.equal([]);
    await producer.stop();
    expect(log).to.deep.equal(['closed']);
  });

  it('R13: should await an async iterator\'s return() before it has exited', async () => {
    const log: string[] = [];
    async function* gen(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        await new Promise<void>((resolve) => setImmediate(resolve));
        log.push('closed');
      }
    }
    const producer = await GenStage.fromIterable(gen());
    const c = await attach(producer);
    await c.ask(2);
    await producer.stop();
    expect(log).to.deep.equal(['closed']);
  });

  it('R13: should not call return() when the source ended by itself', async () => {
    const source = new Counting(3);
    const producer = await GenStage.fromIterable(source);
    expect(await collect(producer)).to.deep.equal([0, 1, 2]);
    expect(source.returns).to.equal(0);
  });

  it('R13: should crash with the error a sync iterator throws', async () => {
    const boom = new Error('boom at 3');
    function* gen(): Generator<number> {
      yield 1;
      yield 2;
      throw boom;
    }
    const producer = await GenStage.fromIterable(gen());
    const done = producer.done;
    const pull = new Pull<number>('automatic');
    const consumer = await GenStage.start(pull);
    const consumerDone = consumer.done;
    await consumer.subscribe(producer, { maxDemand: 10 });
    expect(await done).to.equal(boom);
    expect(await consumerDone).to.equal(boom); // permanent subscription: same reason
    expect(pull.events).to.deep.equal([]); // the failing pull emitted nothing
  });

  it('R13: should crash with the error an async iterator rejects with', async () => {
    const boom = new TypeError('bad item');
    async function* gen(): AsyncGenerator<number> {
      yield 1;
      throw boom;
    }
    const producer = await GenStage.fromIterable(gen());
    const done = producer.done;
    const c = await attach(producer);
    await c.ask(1);
    expect(c.pull.events).to.deep.equal([1]);
    await c.ask(1);
    expect(await done).to.equal(boom);
  });

  it('R13: should emit items in source order across many small demands', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const producer = await GenStage.fromIterable(items[Symbol.iterator]());
    expect(await collect(producer, 7)).to.deep.equal(items);
  });

  it('R13: should emit the items in hand as soon as a next() has to wait, not once the demand is filled (a hand-fed source)', async () => {
    const fed = handFed<number>();
    const producer = await GenStage.fromIterable(fed.source);
    const pull = new Pull<number>('automatic');
    await GenStage.start(pull, { subscribeTo: [{ to: producer, maxDemand: 10 }] });
    await settle();
    expect(fed.nexts()).to.equal(1);
    fed.push(1);
    await settle();
    // The first event is at the consumer while the second is still being produced.
    expect(pull.batches).to.deep.equal([[1]]);
    expect(fed.nexts()).to.equal(2);
    fed.push(2);
    await settle();
    expect(pull.batches).to.deep.equal([[1], [2]]);
    // Two that are there together go out together.
    fed.push(3);
    fed.push(4);
    await settle();
    expect(pull.batches).to.deep.equal([[1], [2], [3, 4]]);
    fed.end();
    expect(await producer.done).to.equal('normal');
    expect(pull.events).to.deep.equal([1, 2, 3, 4]);
  });

  it('R13: should deliver an item a second from a slow source each second, with demand for 1000 (virtual clock)', async () => {
    const clock = new VirtualClock();
    async function* ticks(): AsyncGenerator<number> {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 1000));
        yield i;
      }
    }
    const producer = await GenStage.fromIterable(ticks());
    const pull = new Pull<number>('automatic');
    await GenStage.start(pull, { subscribeTo: [{ to: producer, maxDemand: 1000 }] });
    await settle();
    expect(pull.events).to.deep.equal([]);
    await clock.advance(1000);
    expect(pull.batches).to.deep.equal([[0]]);
    await clock.advance(1000);
    expect(pull.batches).to.deep.equal([[0], [1]]);
    await clock.advance(1000);
    expect(await producer.done).to.equal('normal');
    expect(pull.batches).to.deep.equal([[0], [1], [2]]);
  });

  it('R13: should still fill the demand in one batch from an async source that answers at once', async () => {
    async function* quick(): AsyncGenerator<number> {
      for (let i = 0; i < 8; i++) yield i;
    }
    const producer = await GenStage.fromIterable(quick(), quiet());
    const c = await attach(producer);
    await c.ask(5);
    await c.ask(3);
    expect(c.pull.batches).to.deep.equal([[0, 1, 2, 3, 4], [5, 6, 7]]);
  });

  it('R13: should read nothing more once stopped while a next() is pending', async () => {
    const fed = handFed<number>();
    const producer = await GenStage.fromIterable(fed.source);
    const pull = new Pull<number>('automatic');
    await GenStage.start(pull, { subscribeTo: [{ to: producer, maxDemand: 10, cancel: 'temporary' }] });
    await settle();
    fed.push(1);
    await settle();
    expect(fed.nexts()).to.equal(2);
    await producer.stop('shutdown');
    expect(fed.returns()).to.equal(1);
    fed.push(2);
    await settle();
    expect(fed.nexts()).to.equal(2);
    expect(pull.events).to.deep.equal([1]);
  });

  it('R13: should hand a flow loop the first item of a hand-fed source before the second is produced', async () => {
    const fed = handFed<string>();
    const iterator = Flow.from(fed.source)[Symbol.asyncIterator]();
    const first = iterator.next();
    await settle();
    fed.push('a');
    expect(await first).to.deep.equal({ value: 'a', done: false });
    expect(fed.nexts()).to.equal(2); // the second next() is pending: nothing pushed for it yet
    const second = iterator.next();
    fed.push('b');
    expect(await second).to.deep.equal({ value: 'b', done: false });
    fed.end();
    expect((await iterator.next()).done).to.equal(true);
  });

  it('R13: should accept the producer options (a dispatcher, a name)', async () => {
    const producer = await GenStage.fromIterable([1, 2, 3], { name: 'numbers' });
    expect(producer.name).to.equal('numbers');
    expect(producer.kind).to.equal('producer');
    expect(await collect(producer)).to.deep.equal([1, 2, 3]);
  });
});
