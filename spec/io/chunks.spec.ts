import { expect } from 'chai';
import { ChunkHandoff } from '../../src/io/chunks.js';

describe('ChunkHandoff (the one chunked iterator of GenStage.stream and for await over a flow)', () => {
  it('should resolve push only once the loop has taken the whole batch', async () => {
    const handoff = new ChunkHandoff<number>();
    let taken = false;
    const pushed = handoff.push([1, 2]).then(() => (taken = true));
    expect(await handoff.next()).to.deep.equal({ value: 1, done: false });
    await Promise.resolve();
    expect(taken).to.equal(false);
    expect(await handoff.next()).to.deep.equal({ value: 2, done: false });
    const waiting = handoff.next(); // releases the batch, then waits for the next one
    await pushed;
    expect(taken).to.equal(true);
    handoff.end();
    expect(await waiting).to.deep.equal({ value: undefined, done: true });
  });

  it('should throw the source error once, then be done', async () => {
    const handoff = new ChunkHandoff<number>();
    const error = new Error('source failed');
    handoff.end({ reason: error });
    const caught = await handoff.next().then(() => undefined, (e: unknown) => e);
    expect(caught).to.equal(error);
    expect(await handoff.next()).to.deep.equal({ value: undefined, done: true });
  });

  it('should release a pending batch and answer done after the loop left', async () => {
    const handoff = new ChunkHandoff<number>();
    const pushed = handoff.push([1, 2, 3]);
    expect(await handoff.next()).to.deep.equal({ value: 1, done: false });
    handoff.close();
    await pushed;
    expect(handoff.finished).to.equal(true);
    expect(await handoff.next()).to.deep.equal({ value: undefined, done: true });
    handoff.end({ reason: new Error('late') });
    expect(await handoff.next()).to.deep.equal({ value: undefined, done: true });
  });
});
