import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { Consumer, GenStage } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

describe('settle()', () => {
  it('should wait for a stage blocked on real I/O, not a fixed number of rounds', async () => {
    const seen: number[] = [];
    class Slow extends Consumer<number> {
      async handleEvents(events: number[]): Promise<void> {
        // Real I/O, several times over: far more event-loop turns than three rounds.
        for (let i = 0; i < 20; i++) await readFile(new URL(import.meta.url));
        seen.push(...events);
      }
    }
    const source = await GenStage.fromIterable([1, 2, 3, 4]);
    const consumer = await GenStage.start(new Slow());
    await consumer.subscribe(source, { maxDemand: 2, minDemand: 0 });
    await settle();
    expect(seen).to.deep.equal([1, 2, 3, 4]);
    await consumer.stop();
  });

  it('should return once a stage held open on purpose makes no progress for quietRounds turns', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    class Held extends Consumer<number> {
      handleEvents(): Promise<void> {
        return held;
      }
    }
    const source = await GenStage.fromIterable([1]);
    const consumer = await GenStage.start(new Held());
    await consumer.subscribe(source);
    await settle(3);
    expect(consumer.alive).to.equal(true);
    release();
    await consumer.stop();
  });
});
