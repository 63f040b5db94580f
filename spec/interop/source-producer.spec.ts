import { expect } from 'chai';
import { Readable } from 'node:stream';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { Consumer, Flow, GenStage } from '../../src/index.js';
import { fromLines, fromReadable } from '../../src/interop/node/index.js';
import { fromObservable, sourceStats, BufferOverflowError } from '../../src/interop/rxjs/index.js';
import { baseline, newResources } from '../support/resources.js';
import { settle } from '../../src/testing/index.js';
import { manual } from './support.js';

/** The producers the helpers create over outside sources (`SourceProducer`). */
describe('source producers (fromLines, fromReadable, fromObservable, udpProducer, ...)', () => {
  describe('early exit', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'genstage-early-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('should stop a fromLines producer and close its file when a for await over its flow breaks', async () => {
      const path = join(dir, 'lines.txt');
      writeFileSync(path, Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n'));
      const before = await baseline();
      const stage = await fromLines(path);
      const got: string[] = [];
      for await (const line of Flow.from(stage)) {
        got.push(line);
        if (got.length === 3) break;
      }
      expect(got).to.deep.equal(['line 0', 'line 1', 'line 2']);
      expect(await stage.done).to.equal('normal');
      // The file's close goes through libuv's thread pool: wait for it to be gone (bounded), not for a fixed time.
      for (let i = 0; i < 500 && newResources(before).length > 0; i++) await new Promise((r) => setTimeout(r, 2));
      expect(newResources(before)).to.deep.equal([]);
    });

    it('should stop a fromReadable producer and destroy its stream when its only consumer cancels', async () => {
      const readable = Readable.from((function* () {
        for (let i = 0; ; i++) yield i;
      })(), { objectMode: true });
      const stage = await fromReadable<number>(readable);
      const got: number[] = [];
      for await (const n of GenStage.stream([stage])) {
        got.push(n);
        if (got.length === 2) break;
      }
      expect(got).to.deep.equal([0, 1]);
      expect(await stage.done).to.equal('normal');
      expect(readable.destroyed).to.equal(true);
    });

    it('should keep running across a resubscription (cancel and subscribe at once)', async () => {
      const subject = new Subject<number>();
      const stage = await fromObservable(subject);
      class Sink extends Consumer<number> {
        readonly got: number[] = [];
        handleEvents(events: number[]): void {
          this.got.push(...events);
        }
      }
      const sink = new Sink();
      const consumer = await GenStage.start(sink);
      const sub = await consumer.subscribe(stage);
      await consumer.resubscribe(sub, 'normal', { maxDemand: 5 });
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(stage.alive).to.equal(true);
      subject.next(1);
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(sink.got).to.deep.equal([1]);
      await consumer.stop();
      expect(await stage.done).to.equal('normal');
    });
  });

  describe('sourceStats', () => {
    it('should keep the final counts readable after an overflow: error exit', async () => {
      const subject = new Subject<number>();
      const stage = await fromObservable(subject, { bufferSize: 2, overflow: 'error' });
      const { ask } = await manual(stage);
      ask(1);
      await settle();
      for (let i = 0; i < 4; i++) subject.next(i);
      expect(await stage.done).to.be.instanceOf(BufferOverflowError);
      expect(await sourceStats(stage)).to.deep.equal({ received: 4, emitted: 1, dropped: 1, buffered: 2 });
    });
  });
});
