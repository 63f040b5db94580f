/**
 * The behaviours of web-platform-tests' `readable-streams/from.any.js` and
 * `readable-streams/async-iterator.any.js`, and of Node's `Readable.from`, that
 * apply to genstage's conversions, re-expressed for `toReadableStream`,
 * `fromReadableStream` and `toReadable` over flows built from iterables. Each title
 * names the behaviour it checks.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { Flow, GenStage, type Stage } from '../../src/index.js';
import { toReadableStream, fromReadableStream } from '../../src/interop/web/index.js';
import { toReadable } from '../../src/interop/node/index.js';
import { settle } from '../../src/testing/index.js';
import { counting, deferred } from './support.js';

/** An async iterator over 0..limit-1 that records next() and return() calls. */
function recorded(limit = Infinity, onReturn: () => Promise<void> | void = () => {}): {
  iterable: AsyncIterable<number>;
  nexts: () => number;
  returns: () => number;
} {
  let nexts = 0;
  let returns = 0;
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<number>> {
        const n = nexts++;
        return n < limit ? { value: n, done: false } : { value: undefined, done: true };
      },
      async return(): Promise<IteratorResult<number>> {
        returns++;
        await onReturn();
        return { value: undefined, done: true };
      },
    }),
  };
  return { iterable, nexts: () => nexts, returns: () => returns };
}

async function drain<T>(stage: Stage<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of GenStage.stream([stage])) out.push(e);
  return out;
}

describe('conformance', () => {
  describe('WPT readable-streams/from.any.js, for toReadableStream(Flow.from(iterable))', () => {
    it('from: next() is not called before the first read', async () => {
      const source = recorded(3);
      const stream = toReadableStream(Flow.from(source.iterable));
      await settle();
      expect(source.nexts()).to.equal(0);
      await stream.cancel();
    });

    it('from: reads the iterable\'s values in order, then the stream closes', async () => {
      const reader = toReadableStream(Flow.from(recorded(3).iterable)).getReader();
      expect(await reader.read()).to.deep.equal({ value: 0, done: false });
      expect(await reader.read()).to.deep.equal({ value: 1, done: false });
      expect(await reader.read()).to.deep.equal({ value: 2, done: false });
      expect(await reader.read()).to.deep.equal({ value: undefined, done: true });
    });

    it('from: the stream errors when next() rejects', async () => {
      const failing: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('next rejected')) }),
      };
      const error = await toReadableStream(Flow.from(failing)).getReader().read().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('next rejected');
    });

    it('from: the stream errors when next() throws synchronously', async () => {
      const failing: Iterable<number> = {
        [Symbol.iterator]: () => ({
          next: () => {
            throw new Error('next threw');
          },
        }),
      };
      const error = await toReadableStream(Flow.from(failing)).getReader().read().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('next threw');
    });

    it('from: the stream errors with a TypeError when next() resolves to a non-object', async () => {
      const bad = { [Symbol.asyncIterator]: () => ({ next: async () => 42 }) } as unknown as AsyncIterable<number>;
      const error = await toReadableStream(Flow.from(bad)).getReader().read().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
    });

    it('from: cancel() calls return() on the iterator', async () => {
      const source = recorded();
      const reader = toReadableStream(Flow.from(source.iterable)).getReader();
      await reader.read();
      await reader.cancel();
      expect(source.returns()).to.equal(1);
    });

    it('from: cancel() resolves only after return() has settled', async () => {
      const gate = deferred();
      let settled = false;
      const source = recorded(Infinity, async () => {
        await gate.promise;
        settled = true;
      });
      const reader = toReadableStream(Flow.from(source.iterable)).getReader();
      await reader.read();
      const cancelled = reader.cancel();
      await settle();
      expect(settled).to.equal(false);
      gate.resolve();
      await cancelled;
      expect(settled).to.equal(true);
    });

    it('from: return() is not called when the iterator completes on its own', async () => {
      const source = recorded(2);
      const out: number[] = [];
      for await (const n of toReadableStream(Flow.from(source.iterable))) out.push(n);
      expect(out).to.deep.equal([0, 1]);
      expect(source.returns()).to.equal(0);
    });

    it('from: a ReadableStream source is read and its lock released at the end', async () => {
      const inner = new ReadableStream<number>({
        start(controller) {
          controller.enqueue(1);
          controller.enqueue(2);
          controller.close();
        },
      });
      const stage = await fromReadableStream(inner);
      expect(await drain(stage)).to.deep.equal([1, 2]);
      expect(inner.locked).to.equal(false);
    });
  });

  describe('WPT readable-streams/async-iterator.any.js, for for-await over toReadableStream and fromReadableStream', () => {
    it('async-iterator: iterating a pull source yields every value, then ends', async () => {
      const out: number[] = [];
      for await (const n of toReadableStream(Flow.from([1, 2, 3]))) out.push(n);
      expect(out).to.deep.equal([1, 2, 3]);
    });

    it('async-iterator: undefined values are yielded, not taken for the end', async () => {
      const out: unknown[] = [];
      for await (const v of toReadableStream(Flow.from([undefined, 1, undefined]))) out.push(v);
      expect(out).to.deep.equal([undefined, 1, undefined]);
    });

    it('async-iterator: breaking inside the loop cancels the stream, which reaches the source', async () => {
      const source = counting();
      for await (const n of toReadableStream(Flow.from(source.iterable))) if (n === 2) break;
      await source.closed;
    });

    it('async-iterator: throwing inside the loop cancels the stream, which reaches the source', async () => {
      const source = counting();
      const error = await (async () => {
        for await (const n of toReadableStream(Flow.from(source.iterable))) if (n === 1) throw new Error('loop threw');
      })().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('loop threw');
      await source.closed;
    });

    it('async-iterator: with preventCancel, breaking releases the lock without cancelling, and reading goes on', async () => {
      const stream = toReadableStream(Flow.from([1, 2, 3, 4]));
      for await (const n of stream.values({ preventCancel: true })) if (n === 2) break;
      expect(stream.locked).to.equal(false);
      const rest: number[] = [];
      for await (const n of stream) rest.push(n);
      expect(rest).to.deep.equal([3, 4]);
    });

    it('async-iterator: an errored stream throws from the loop', async () => {
      async function* failing(): AsyncGenerator<number> {
        throw new Error('errored');
      }
      let iterations = 0;
      const error = await (async () => {
        for await (const _ of toReadableStream(Flow.from(failing()))) iterations++;
      })().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('errored');
      expect(iterations).to.equal(0);
    });

    it('async-iterator: a closed stream, read by fromReadableStream, ends the stage normal with no event', async () => {
      const closed = new ReadableStream({ start: (c) => c.close() });
      const stage = await fromReadableStream(closed);
      expect(await drain(stage)).to.deep.equal([]);
      expect(await stage.done).to.equal('normal');
      expect(closed.locked).to.equal(false);
    });

    it('async-iterator: an errored stream, read by fromReadableStream, stops the stage with the error', async () => {
      const errored = new ReadableStream({ start: (c) => c.error(new Error('already errored')) });
      const stage = await fromReadableStream(errored);
      const error = await drain(stage).catch((e: unknown) => e);
      expect((error as Error).message).to.equal('already errored');
    });
  });

  describe('Node Readable.from, for toReadable(Flow.from(iterable))', () => {
    it('Readable.from: breaking out of for-await destroys the stream and closes the iterator', async () => {
      const source = counting();
      const readable = toReadable(Flow.from(source.iterable));
      for await (const n of readable) if (n === 5) break;
      expect(readable.destroyed).to.equal(true);
      await source.closed;
    });

    it('Readable.from: destroy() calls return() on the iterator', async () => {
      const source = recorded();
      const readable = toReadable(Flow.from(source.iterable));
      await once(readable, 'readable');
      readable.destroy();
      await once(readable, 'close');
      expect(source.returns()).to.equal(1);
    });

    it('Readable.from: an error thrown by the iterator is emitted as the stream\'s error', async () => {
      async function* failing(): AsyncGenerator<number> {
        yield 1;
        throw new Error('generator failed');
      }
      const readable = toReadable(Flow.from(failing()));
      const error = await readable.toArray().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('generator failed');
      expect(readable.destroyed).to.equal(true);
    });

    it('Readable.from: object mode, strings are kept as separate chunks, not concatenated', async () => {
      const readable = toReadable(Flow.from(['ab', 'cd', 'ef']));
      expect(readable.readableObjectMode).to.equal(true);
      expect(await readable.toArray()).to.deep.equal(['ab', 'cd', 'ef']);
    });

    it('Readable.from: values of any type go through, in order', async () => {
      const values = [0, false, '', { a: 1 }, [2], undefined];
      expect(await toReadable(Flow.from(values)).toArray()).to.deep.equal(values);
    });

    it('Readable.from: a null value errors the stream', async () => {
      const readable = toReadable(Flow.from(['a', null]));
      const error = await readable.toArray().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
    });

    it('Readable.from: the iterator is not read before the stream is', async () => {
      const source = recorded(10);
      const readable = toReadable(Flow.from(source.iterable));
      await settle();
      expect(source.nexts()).to.equal(0);
      expect(await readable.toArray()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });
  });
});
