import { expect } from 'chai';
import { Readable } from 'node:stream';
import { Flow, map } from '../../src/flow/index.js';
import { GenStage } from '../../src/io/gen-stage.js';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('Flow over a one-shot source', () => {
  it('should throw at a second run of a flow over a generator, saying the source was already consumed', async () => {
    const flow = Flow.from((function* () {
      yield* [1, 2, 3];
    })()).pipe(map((n: number) => n * 2));
    expect(await flow.toArray()).to.deep.equal([2, 4, 6]);
    const error = await rejection(flow.toArray());
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.contain('Flow.from: the source (an iterator, generator or stream) was already consumed by an earlier run of this flow');
  });

  it('should throw at a second run over an async generator, a Node stream and a ReadableStream', async () => {
    const sources = [
      (async function* () {
        yield 1;
      })(),
      Readable.from([1], { objectMode: true }),
      new ReadableStream<number>({ start: (c) => { c.enqueue(1); c.close(); } }),
    ];
    for (const source of sources) {
      const flow = Flow.from(source as AsyncIterable<number>);
      expect(await flow.toArray()).to.deep.equal([1]);
      expect(await rejection(flow.run())).to.be.instanceOf(TypeError);
    }
  });

  it('should run a flow over an array or another re-readable iterable as often as asked', async () => {
    const flow = Flow.from(new Set([1, 2]));
    expect(await flow.toArray()).to.deep.equal([1, 2]);
    expect(await flow.toArray()).to.deep.equal([1, 2]);
  });

  it('should throw at a run over a stage that has already ended, naming it', async () => {
    const stage = await GenStage.fromIterable([1, 2], { name: 'numbers' });
    const flow = Flow.from(stage);
    expect(await flow.toArray()).to.deep.equal([1, 2]);
    const error = await rejection(flow.toArray());
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.equal('Flow.from: the source stage numbers has already exited (normal): its events were consumed by an earlier run or another consumer; start a new stage to run the flow again');
  });

  it('should fail a run over a stage that crashed with the stage\'s own reason', async () => {
    const stage = await GenStage.fromIterable([1]);
    void stage.done;
    await stage.stop(new Error('gone wrong'));
    const error = await rejection(Flow.from(stage).toArray());
    expect(error.message).to.equal('gone wrong');
  });
});
