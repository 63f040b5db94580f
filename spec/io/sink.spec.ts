import { expect } from 'chai';
import { Flow, GenStage, Producer } from '../../src/index.js';
import type { Subscription } from '../../src/index.js';
import { openSink } from '../../src/stage/sink.js';
import { settle } from '../../src/testing/index.js';

/** What `promise` rejected with, or `'resolved'`. */
const outcome = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (error: unknown) => error);

/** A producer that cancels its consumer with `reason` at the first demand. */
class CancelsConsumer extends Producer<number> {
  constructor(private readonly reason: unknown) {
    super();
  }
  private from: Subscription<number> | undefined;
  override handleSubscribe(_kind: 'producer' | 'consumer', _options: unknown, from: Subscription<number>): 'automatic' {
    this.from = from;
    return 'automatic';
  }
  handleDemand(): number[] {
    this.cancel(this.from!, this.reason);
    return [];
  }
}

describe('the one sink (stage/sink.ts: openSink, and the end of every flow)', () => {
  describe('a producer that had already ended normally when the sink subscribed (noproc)', () => {
    it('should be an empty stream for openSink: done resolves, nothing is handed on', async () => {
      const producer = await GenStage.fromIterable<number>([1, 2]);
      await producer.stop();
      expect(await producer.done).to.equal('normal');
      const seen: number[][] = [];
      const sink = openSink(producer, (events) => void seen.push(events));
      expect(await outcome(sink.done)).to.equal('resolved'); // rejected with 'noproc' before the sinks were one
      expect(seen).to.deep.equal([]);
    });

    it("should be an empty stream for a Stage's observable: complete, no error", async () => {
      const producer = await GenStage.fromIterable<number>([1, 2]);
      await producer.stop();
      const outcome = await new Promise<string>((resolve) => {
        producer['@@observable']().subscribe({ next: () => resolve('next'), error: (e: unknown) => resolve(`error ${String(e)}`), complete: () => resolve('complete') });
      });
      expect(outcome).to.equal('complete');
    });

    it('should still reject done with the reason of a producer that had crashed', async () => {
      const crash = new Error('gone');
      const producer = await GenStage.start(new CancelsConsumer('normal'));
      void producer.done;
      await producer.stop(crash);
      expect(await outcome(openSink(producer, () => {}).done)).to.equal(crash);
    });
  });

  describe('a producer that cancels the sink', () => {
    it('should reject done with an abnormal cancel reason, for openSink and for a flow alike', async () => {
      const reason = new Error('refused');
      const producer = await GenStage.start(new CancelsConsumer(reason));
      expect(await outcome(openSink(producer, () => {}).done)).to.equal(reason);
      const other = await GenStage.start(new CancelsConsumer(reason));
      expect(await outcome(Flow.fromStages([other]).toArray())).to.equal(reason);
      await producer.stop();
      await other.stop();
    });

    it('should resolve done with a normal cancel reason, for openSink and for a flow alike', async () => {
      const producer = await GenStage.start(new CancelsConsumer('normal'));
      await openSink(producer, () => {}).done;
      const other = await GenStage.start(new CancelsConsumer('normal'));
      expect(await Flow.fromStages([other]).toArray()).to.deep.equal([]);
      await producer.stop();
      await other.stop();
    });
  });

  it('should let a pending batch go on cancel, cancel the producer with the reason, and resolve done', async () => {
    const cancels: unknown[] = [];
    class Numbers extends Producer<number> {
      private n = 0;
      handleDemand(demand: number): number[] {
        return Array.from({ length: demand }, () => this.n++);
      }
      override handleCancel(reason: unknown): void {
        cancels.push(reason);
      }
    }
    const producer = await GenStage.start(new Numbers());
    let batches = 0;
    const sink = openSink(producer, () => {
      batches++;
      return new Promise<void>(() => {}); // never settles: only cancel lets it go
    }, { maxDemand: 2 });
    await settle();
    expect(batches).to.equal(1);
    await sink.cancel('enough');
    await sink.done;
    await settle();
    expect(batches).to.equal(1);
    expect(cancels).to.deep.equal([{ cancel: 'enough' }]);
    await producer.stop();
  });
});
