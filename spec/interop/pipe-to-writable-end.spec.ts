import { expect } from 'chai';
import { Writable } from 'node:stream';
import { Flow, GenStage, map } from '../../src/index.js';
import { pipeToWritable } from '../../src/interop/node/index.js';

/** An object-mode Writable that records what it is given. */
function recording(): { writable: Writable; written: unknown[] } {
  const written: unknown[] = [];
  const writable = new Writable({
    objectMode: true,
    write(chunk, _encoding, callback) {
      written.push(chunk);
      callback();
    },
  });
  return { writable, written };
}

/** How `pipeToWritable` ends: with `end: false`, on a stream that is already closed, and when `write()` refuses an event. */
describe('pipeToWritable: how the Writable ends', () => {
  it('should resolve with end: false once every event was handed to write(), and leave the Writable open for more', async () => {
    const { writable, written } = recording();
    let finished = false;
    writable.on('finish', () => (finished = true));
    await pipeToWritable(Flow.from([1, 2, 3]).pipe(map((n: number) => n * 10)), writable, { end: false });
    expect(written).to.deep.equal([10, 20, 30]);
    expect(writable.writableEnded).to.equal(false);
    // The caller still owns the stream: a second source goes on after the first.
    await pipeToWritable(Flow.from([4]), writable);
    expect(written).to.deep.equal([10, 20, 30, 4]);
    expect(finished).to.equal(true);
  });

  for (const [state, close] of [
    ['ended', (w: Writable) => void w.end()],
    ['destroyed', (w: Writable) => void w.destroy()],
  ] as const) {
    it(`should reject with ERR_GENSTAGE_CLOSED for a Writable already ${state}, without running the flow`, async () => {
      const { writable } = recording();
      close(writable);
      let pulled = 0;
      function* numbers(): Generator<number> {
        for (let i = 0; i < 3; i++) {
          pulled++;
          yield i;
        }
      }
      const error = (await pipeToWritable(Flow.from(numbers()), writable).catch((e: unknown) => e)) as Error & { code?: string };
      expect(error).to.be.an.instanceOf(Error);
      expect(error.code).to.equal('ERR_GENSTAGE_CLOSED');
      expect(error.message).to.equal('pipeToWritable: the writable is already ended or destroyed');
      expect(pulled).to.equal(0);
    });
  }

  it("should reject with write()'s own error when the stream cannot take an event, destroy it, and cancel the source", async () => {
    // A byte-mode stream: write(5) throws ERR_INVALID_ARG_TYPE.
    const written: unknown[] = [];
    const writable = new Writable({
      write(chunk, _encoding, callback) {
        written.push(String(chunk));
        callback();
      },
    });
    const source = await GenStage.fromIterable<string | number>(['a', 'b', 5, 'c'], { onCancel: 'stop' });
    const error = (await pipeToWritable(source, writable).catch((e: unknown) => e)) as TypeError & { code?: string };
    expect(error).to.be.an.instanceOf(TypeError);
    expect(error.code).to.equal('ERR_INVALID_ARG_TYPE');
    expect(writable.destroyed).to.equal(true);
    expect(written).to.deep.equal(['a', 'b']);
    // The subscription was cancelled, so the producer (onCancel: 'stop') stopped.
    expect(await source.done).to.equal('normal');
  });
});
