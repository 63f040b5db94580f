import { expect } from 'chai';
import { Flow, GenStage, map, type Stage } from '../../src/index.js';
import { toReadableStream, fromReadableStream } from '../../src/interop/web/index.js';
import { settle } from '../../src/testing/index.js';
import { Naturals, counting, manual } from './support.js';

/** A pull stream of 0, 1, 2... (up to `limit`) that records its pulls and its cancel reason. */
function pulled(limit = Infinity): { stream: ReadableStream<number>; pulls: () => number; cancelled: () => unknown } {
  let pulls = 0;
  let cancelled: unknown = undefined;
  const stream = new ReadableStream<number>(
    {
      pull(controller) {
        if (pulls >= limit) controller.close();
        else controller.enqueue(pulls++);
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled without reason';
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

async function drain<T>(stage: Stage<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of GenStage.stream([stage])) out.push(e);
  return out;
}

describe('genstage/web', () => {
  describe('toReadableStream', () => {
    it('should not pull before the first read', async () => {
      const source = counting();
      const stream = toReadableStream(Flow.from(source.iterable));
      await settle();
      expect(source.pulled()).to.equal(0);
      const reader = stream.getReader();
      expect(await reader.read()).to.deep.equal({ value: 0, done: false });
      await reader.cancel();
    });

    it('should enqueue every event and close when the flow ends', async () => {
      const out: number[] = [];
      for await (const n of toReadableStream(Flow.from([1, 2, 3]).pipe(map((n: number) => n * 2)))) out.push(n);
      expect(out).to.deep.equal([2, 4, 6]);
    });

    it('should propagate cancel to the flow and resolve only once it has stopped', async () => {
      const source = counting();
      const reader = toReadableStream(Flow.from(source.iterable)).getReader();
      await reader.read();
      let closed = false;
      void source.closed.then(() => (closed = true));
      await reader.cancel('enough');
      await Promise.resolve();
      expect(closed).to.equal(true);
    });

    it('should error with the flow\'s error', async () => {
      const reader = toReadableStream(Flow.from([1]).pipe(map(() => {
        throw new Error('flow failed');
      }))).getReader();
      const error = await reader.read().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('flow failed');
    });

    it('should cancel its subscription to a stage on cancel', async () => {
      const naturals = new Naturals();
      const stage = await GenStage.start(naturals);
      const reader = toReadableStream(stage, { maxDemand: 10 }).getReader();
      expect((await reader.read()).value).to.equal(0);
      await reader.cancel();
      await settle(); // the producer handles the cancel message in its own turn
      expect(naturals.cancels).to.deep.equal([{ cancel: 'normal' }]);
      expect(naturals.demands).to.deep.equal([10]);
      await stage.stop();
    });

    it('should pull ahead up to a highWaterMark above 0', async () => {
      const naturals = new Naturals();
      const stage = await GenStage.start(naturals);
      const stream = toReadableStream(stage, { highWaterMark: 5, maxDemand: 5 });
      await settle();
      // Pulled ahead without a read, and no further than highWaterMark + maxDemand.
      expect(naturals.next).to.be.within(5, 10);
      const before = naturals.next;
      await settle();
      expect(naturals.next).to.equal(before);
      await stream.cancel();
      await stage.stop();
    });

    it('should check its arguments', () => {
      expect(() => toReadableStream({} as never)).to.throw(TypeError, /expected a Flow or a producer Stage/);
      expect(() => toReadableStream(Flow.from([1]), { highWaterMark: -1 })).to.throw(RangeError, /highWaterMark/);
    });
  });

  describe('fromReadableStream', () => {
    it('should read only on demand, one chunk per event asked for', async () => {
      const source = pulled();
      const stage = await fromReadableStream(source.stream);
      await settle();
      expect(source.pulls()).to.equal(0);
      expect(source.stream.locked).to.equal(false);
      const { consumer, ask } = await manual(stage);
      ask(3);
      await consumer.until(3);
      await settle();
      expect(consumer.got).to.deep.equal([0, 1, 2]);
      expect(source.pulls()).to.equal(3);
      await stage.stop();
    });

    it('should emit every chunk, release the lock at the end and exit normal', async () => {
      const source = pulled(4);
      const stage = await fromReadableStream(source.stream);
      expect(await drain(stage)).to.deep.equal([0, 1, 2, 3]);
      expect(await stage.done).to.equal('normal');
      expect(source.stream.locked).to.equal(false);
    });

    it('should cancel the stream with the stop reason and release the lock when the stage stops', async () => {
      const source = pulled();
      const stage = await fromReadableStream(source.stream);
      const { consumer, ask } = await manual(stage);
      ask(1);
      await consumer.until(1);
      await stage.stop('shutdown');
      expect(source.cancelled()).to.equal('shutdown');
      expect(source.stream.locked).to.equal(false);
    });

    it('should only release the lock with preventCancel', async () => {
      const source = pulled();
      const stage = await fromReadableStream(source.stream, { preventCancel: true });
      const { consumer, ask } = await manual(stage);
      ask(1);
      await consumer.until(1);
      await stage.stop();
      expect(source.cancelled()).to.equal(undefined);
      expect(source.stream.locked).to.equal(false);
      const reader = source.stream.getReader();
      expect((await reader.read()).done).to.equal(false);
      await reader.cancel();
    });

    it('should exit with the stream\'s error', async () => {
      const stream = new ReadableStream({
        pull(controller) {
          controller.error(new Error('socket reset'));
        },
      });
      const stage = await fromReadableStream(stream);
      const error = await drain(stage).catch((e: unknown) => e);
      expect((error as Error).message).to.equal('socket reset');
    });

    it('should stop at once even while a read is pending', async () => {
      const stream = new ReadableStream<number>({ pull: () => new Promise<void>(() => {}) }, { highWaterMark: 0 });
      const stage = await fromReadableStream(stream);
      const { ask } = await manual(stage);
      ask(1);
      await settle();
      await stage.stop();
      expect(stream.locked).to.equal(false);
    });

    it('should refuse a locked stream and what is not a stream', () => {
      const stream = new ReadableStream();
      const reader = stream.getReader();
      expect(() => fromReadableStream(stream)).to.throw(TypeError, /locked/);
      reader.releaseLock();
      expect(() => fromReadableStream([1] as never)).to.throw(TypeError, /expected stream to be a ReadableStream/);
    });
  });
});
