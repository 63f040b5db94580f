import { expect } from 'chai';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumer, Flow, GenStage, map, type Stage } from '../../src/index.js';
import { fromReadable, fromLines, pipeToWritable, toReadable, toWritable, writableProducer } from '../../src/interop/node/index.js';
import { settle } from '../../src/testing/index.js';
import { Naturals, counting, deferred, manual } from './support.js';

/** An endless object stream of 0, 1, 2... counting its `_read` calls. */
function counter(highWaterMark = 2): { stream: Readable; reads: () => number } {
  let n = 0;
  let reads = 0;
  const stream = new Readable({
    objectMode: true,
    highWaterMark,
    read() {
      reads++;
      this.push(n++);
    },
  });
  return { stream, reads: () => reads };
}

async function drain<T>(stage: Stage<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of GenStage.stream([stage])) out.push(e);
  return out;
}

class Collect<T> extends Consumer<T> {
  readonly got: T[] = [];
  handleEvents(events: T[]): void {
    this.got.push(...events);
  }
}

describe('genstage/node', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'genstage-node-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('fromReadable', () => {
    it('should read nothing before the first demand', async () => {
      const { stream, reads } = counter();
      const stage = await fromReadable(stream);
      await settle();
      expect(reads()).to.equal(0);
      const { consumer, ask } = await manual(stage);
      await settle();
      expect(reads()).to.equal(0);
      ask(3);
      await consumer.until(3);
      expect(consumer.got).to.deep.equal([0, 1, 2]);
      await stage.stop();
    });

    it('should pause the stream when there is no demand (reads stay within demand + highWaterMark)', async () => {
      const { stream, reads } = counter(2);
      const stage = await fromReadable(stream);
      const { consumer, ask } = await manual(stage);
      ask(5);
      await consumer.until(5);
      await settle();
      const after = reads();
      await settle();
      expect(reads()).to.equal(after);
      expect(after).to.be.at.most(5 + 2 + 1);
      await stage.stop();
    });

    it('should emit an object stream in order and exit normal at its end', async () => {
      const stage = await fromReadable(Readable.from(['a', { b: 1 }, 3]));
      expect(await drain(stage)).to.deep.equal(['a', { b: 1 }, 3]);
      expect(await stage.done).to.equal('normal');
    });

    it('should emit the Buffers of a byte stream', async () => {
      const stage = await fromReadable<Buffer>(Readable.from([Buffer.from('hello '), Buffer.from('world')], { objectMode: false }));
      expect(Buffer.concat(await drain(stage)).toString()).to.equal('hello world');
    });

    it('should exit with the stream\'s error', async () => {
      const stream = new Readable({
        objectMode: true,
        read() {
          this.destroy(new Error('disk on fire'));
        },
      });
      const stage = await fromReadable(stream);
      const error = await drain(stage).catch((e: unknown) => e);
      expect((error as Error).message).to.equal('disk on fire');
      expect(((await stage.done) as Error).message).to.equal('disk on fire');
    });

    it('should exit with a premature-close error when the stream is destroyed before its end', async () => {
      const { stream } = counter();
      const stage = await fromReadable(stream);
      const { consumer, ask } = await manual(stage);
      ask(1);
      await consumer.until(1);
      stream.destroy();
      expect(((await stage.done) as NodeJS.ErrnoException).code).to.equal('ERR_STREAM_PREMATURE_CLOSE');
    });

    it('should destroy the stream when the stage stops first, unless destroyOnStop is false', async () => {
      const a = counter();
      const stageA = await fromReadable(a.stream);
      await stageA.stop();
      expect(a.stream.destroyed).to.equal(true);
      const b = counter();
      const stageB = await fromReadable(b.stream, { destroyOnStop: false });
      await stageB.stop();
      expect(b.stream.destroyed).to.equal(false);
      b.stream.destroy();
    });

    it('should reject what is not a Readable, and unknown options', () => {
      expect(() => fromReadable([1, 2] as never)).to.throw(TypeError, /expected readable to be a Readable stream/);
      expect(() => fromReadable(Readable.from([]), { destroy: true } as never)).to.throw(TypeError, /unknown option destroy/);
    });
  });

  describe('fromLines', () => {
    it('should emit each line without its ending (\\n or \\r\\n), the last one too', async () => {
      const path = join(dir, 'lines.txt');
      writeFileSync(path, 'roses are red\r\nviolets are blue\n\nsugar is sweet');
      const stage = await fromLines(path);
      expect(await drain(stage)).to.deep.equal(['roses are red', 'violets are blue', '', 'sugar is sweet']);
      expect(await stage.done).to.equal('normal');
    });

    it('should not split a multi-byte character across chunks', async () => {
      const path = join(dir, 'utf8.txt');
      writeFileSync(path, 'café\nnaïve\n');
      const stage = await fromLines(path, { highWaterMark: 1 });
      expect(await drain(stage)).to.deep.equal(['café', 'naïve']);
    });

    it('should emit lines only as they are asked for', async () => {
      const path = join(dir, 'many.txt');
      writeFileSync(path, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'));
      const stage = await fromLines(path, { highWaterMark: 64 });
      const { consumer, ask } = await manual(stage);
      ask(2);
      await consumer.until(2);
      await settle();
      expect(consumer.got).to.deep.equal(['line 0', 'line 1']);
      await stage.stop();
    });

    it('should reject the call itself with ENOENT when the file is missing', async () => {
      const path = join(dir, 'missing.txt');
      const error = await fromLines(path).then(() => 'started', (e: unknown) => e);
      expect([(error as NodeJS.ErrnoException).code, (error as NodeJS.ErrnoException).path]).to.deep.equal(['ENOENT', path]);
    });

    it('should reject the call with EISDIR when the path is a directory', async () => {
      const error = await fromLines(dir).then(() => 'started', (e: unknown) => e);
      expect((error as NodeJS.ErrnoException).code).to.equal('EISDIR');
    });

    it('should exit with the read error when the file vanishes between the call and the first demand', async () => {
      const path = join(dir, 'vanishing.txt');
      writeFileSync(path, 'x\n');
      const stage = await fromLines(path);
      rmSync(path);
      const error = await drain(stage).catch((e: unknown) => e);
      expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
    });

    it('should check its arguments', () => {
      expect(() => fromLines('')).to.throw(TypeError, /path/);
      expect(() => fromLines('x', { encoding: 'klingon' as never })).to.throw(RangeError, /encoding/);
      expect(() => fromLines('x', { highWaterMark: 0 })).to.throw(RangeError, /highWaterMark/);
    });
  });

  describe('toReadable', () => {
    it('should be an object-mode Readable of the flow\'s events that ends with the flow', async () => {
      const readable = toReadable(Flow.from([1, 2, 3]).pipe(map((n: number) => ({ n }))));
      expect(readable.readableObjectMode).to.equal(true);
      expect(await readable.toArray()).to.deep.equal([{ n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it('should not run the flow before the stream is read', async () => {
      const source = counting();
      const readable = toReadable(Flow.from(source.iterable));
      await settle();
      expect(source.pulled()).to.equal(0);
      const [first] = (await once(readable, 'data')) as [number];
      expect(first).to.equal(0);
      readable.destroy();
      await source.closed;
    });

    it('should honour highWaterMark: no more demand while the buffer is full', async () => {
      const naturals = new Naturals();
      const stage = await GenStage.start(naturals);
      const readable = toReadable(stage, { highWaterMark: 4 });
      readable.read(0);
      await settle();
      expect(naturals.next).to.be.within(1, 8);
      expect(readable.readableLength).to.be.at.most(8);
      const before = naturals.next;
      await settle();
      expect(naturals.next).to.equal(before);
      readable.destroy();
      await once(readable, 'close');
      await stage.stop();
    });

    it('should stop the flow when destroyed, and close after that', async () => {
      const source = counting();
      const readable = toReadable(Flow.from(source.iterable));
      for await (const n of readable) if (n === 3) break;
      await source.closed;
      expect(readable.destroyed).to.equal(true);
    });

    it('should be destroyed with the flow\'s error', async () => {
      const readable = toReadable(Flow.from([1]).pipe(map(() => {
        throw new Error('bad row');
      })));
      const error = await readable.toArray().catch((e: unknown) => e);
      expect((error as Error).message).to.equal('bad row');
    });

    it('should cancel its subscription to a stage when destroyed', async () => {
      const naturals = new Naturals();
      const stage = await GenStage.start(naturals);
      const readable = toReadable(stage);
      await once(readable, 'readable');
      readable.destroy();
      await once(readable, 'close');
      // The cancel is a message the producer handles in its own turn, after 'close' may have fired.
      await naturals.cancelled.promise;
      expect(naturals.cancels).to.deep.equal([{ cancel: 'normal' }]);
      await stage.stop();
    });

    it('should refuse a null event (null ends a Readable)', async () => {
      const error = await toReadable(Flow.from([1, null])).toArray().catch((e: unknown) => e);
      expect((error as Error).message).to.match(/null event/);
    });
  });

  describe('writableProducer (formerly toWritable)', () => {
    it('should turn writes into events, in order, and exit normal after end()', async () => {
      const { writable, stage } = await writableProducer<string>();
      const collect = new Collect<string>();
      const consumer = await GenStage.start(collect, { subscribeTo: [stage as Stage<unknown>] });
      writable.write('a');
      writable.write('b');
      writable.end('c');
      await once(writable, 'finish');
      expect(await stage.done).to.equal('normal');
      await consumer.done;
      expect(collect.got).to.deep.equal(['a', 'b', 'c']);
    });

    it('should return false from write() when there is no demand, and drain when demand comes', async () => {
      const { writable, stage } = await writableProducer<number>();
      expect(writable.write(1)).to.equal(false);
      const { consumer, ask } = await manual(stage);
      const drained = once(writable, 'drain');
      ask(3);
      await drained;
      await consumer.until(1);
      expect(writable.write(2)).to.equal(true);
      expect(writable.write(3)).to.equal(false);
      await consumer.until(3);
      expect(consumer.got).to.deep.equal([1, 2, 3]);
      await stage.stop();
    });

    it('should carry a pipeline through a slow consumer without loss', async () => {
      const { writable, stage } = await writableProducer<number>();
      const got: number[] = [];
      class Slow extends Consumer<number> {
        async handleEvents(events: number[]): Promise<void> {
          got.push(...events);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      const consumer = await GenStage.start(new Slow(), { subscribeTo: [{ to: stage as Stage<unknown>, maxDemand: 5 }] });
      await pipeline(Readable.from(Array.from({ length: 200 }, (_, i) => i)), writable);
      await consumer.done;
      expect(got).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    });

    it('should stop the stage with the error the stream is destroyed with', async () => {
      const { writable, stage } = await writableProducer();
      writable.on('error', () => {});
      writable.destroy(new Error('writer gave up'));
      expect(((await stage.done) as Error).message).to.equal('writer gave up');
    });

    it('should destroy the stream when the stage stops', async () => {
      const { writable, stage } = await writableProducer();
      await stage.stop();
      expect(writable.destroyed).to.equal(true);
      expect(writable).to.be.instanceOf(Writable);
    });

    it('should keep toWritable as a deprecated alias of writableProducer', () => {
      expect(toWritable).to.equal(writableProducer);
    });

    it('should check its options', () => {
      expect(() => writableProducer({ objectMode: 'yes' as never })).to.throw(TypeError, /objectMode/);
    });
  });

  describe('pipeToWritable', () => {
    /** An object-mode Writable that completes each write only when `release()` lets it. */
    function gatedWritable(highWaterMark: number): { writable: Writable; written: unknown[]; open(): void } {
      const written: unknown[] = [];
      let gateOpen = false;
      const held: (() => void)[] = [];
      const writable = new Writable({
        objectMode: true,
        highWaterMark,
        write(chunk, _encoding, callback) {
          const done = (): void => {
            written.push(chunk);
            callback();
          };
          if (gateOpen) setImmediate(done);
          else held.push(done);
        },
      });
      return { writable, written, open: () => {
        gateOpen = true;
        for (const h of held.splice(0)) h();
      } };
    }

    it("should write every event of a flow into the Writable, in order, and resolve at 'finish'", async () => {
      const { writable, written, open } = gatedWritable(4);
      open();
      let finished = false;
      writable.on('finish', () => (finished = true));
      await pipeToWritable(Flow.from(Array.from({ length: 100 }, (_, i) => i)).pipe(map((n: number) => n * 2)), writable);
      expect(finished).to.equal(true);
      expect(written).to.deep.equal(Array.from({ length: 100 }, (_, i) => i * 2));
    });

    it("should read no more of the source than the slow Writable's buffer plus maxDemand", async () => {
      let pulled = 0;
      function* numbers(): Generator<number> {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield i;
        }
      }
      const source = await GenStage.fromIterable(numbers());
      const { writable, written, open } = gatedWritable(4);
      let resolved = false;
      const piped = pipeToWritable(source, writable, { maxDemand: 10 }).then(() => (resolved = true));
      // Wait (by turns, not time) until the stream's buffer is full, then let everything settle.
      for (let turns = 0; writable.writableLength < 4 && turns < 100_000; turns++) await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 20; i++) await settle();
      expect(written).to.deep.equal([]);
      expect(writable.writableLength).to.equal(4);
      expect(pulled).to.be.at.most(4 + 10 + 1);
      expect(resolved).to.equal(false);
      open();
      await piped;
      expect(written).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
      expect(writable.writableFinished).to.equal(true);
    });

    it("should reject with the flow's error and destroy the Writable with it", async () => {
      const { writable, open } = gatedWritable(4);
      open();
      writable.on('error', () => {});
      const boom = new Error('source failed');
      const error = await pipeToWritable(Flow.from([1, 2, 3]).pipe(map((n: number) => {
        if (n === 3) throw boom;
        return n;
      })), writable).catch((e: unknown) => e);
      expect(error).to.equal(boom);
      expect(writable.destroyed).to.equal(true);
    });

    it("should reject with the Writable's error and cancel its subscription to the stage", async () => {
      const source = await GenStage.fromIterable(Array.from({ length: 1000 }, (_, i) => i), { onCancel: 'stop' });
      const writable = new Writable({
        objectMode: true,
        write(chunk, _encoding, callback) {
          callback(chunk === 5 ? new Error('disk full') : null);
        },
      });
      const error = await pipeToWritable(source, writable).catch((e: unknown) => e);
      expect((error as Error).message).to.equal('disk full');
      expect(await source.done).to.equal('normal');
    });

    it('should check its arguments', () => {
      expect(() => pipeToWritable([1] as never, new Writable())).to.throw(TypeError, /pipeToWritable: expected a Flow or a producer Stage/);
      expect(() => pipeToWritable(Flow.from([1]), {} as never)).to.throw(TypeError, 'pipeToWritable: expected writable to be a Writable stream, got: {}');
      expect(() => pipeToWritable(Flow.from([1]), new Writable(), { end: 'yes' } as never)).to.throw(TypeError, 'expected end to be a boolean, got: "yes"');
      expect(() => pipeToWritable(Flow.from([1]), new Writable(), { maxDemnd: 5 } as never)).to.throw(TypeError, /unknown option maxDemnd|maxDemnd/);
    });
  });
});

export { deferred };
