import { expect } from 'chai';
import { Flow, map, reduce, onTrigger } from '../../src/flow/index.js';
import { GenStage } from '../../src/stage/gen-stage.js';
import { Consumer, ProducerConsumer } from '../../src/stage/stage.js';
import { range, sorted } from './helpers.js';

class Collect extends Consumer<number> {
  readonly got: number[] = [];
  handleEvents(events: number[]): void {
    this.got.push(...events);
  }
}

class Negate extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map((n) => -n);
  }
}

describe('Flow ends', () => {
  describe('start', () => {
    it('should return a producer stage that emits the flow and exits normal at the end', async () => {
      const stage = await Flow.from(range(5)).pipe(map((n: number) => n * 2)).start();
      const out: number[] = [];
      for await (const n of GenStage.stream([stage])) out.push(n);
      expect(out).to.deep.equal([2, 4, 6, 8, 10]);
      expect(await stage.done).to.equal('normal');
    });

    it('should hold the flow back until someone subscribes (nothing lost)', async () => {
      const stage = await Flow.from(range(3)).start();
      await new Promise((r) => setTimeout(r, 5));
      const collect = new Collect();
      const consumer = await GenStage.start(collect, { subscribeTo: [stage] });
      await consumer.done;
      expect(collect.got).to.deep.equal([1, 2, 3]);
    });

    it('should take a name and check its options', async () => {
      const stage = await Flow.from([1]).start({ name: 'numbers' });
      expect(stage.name).to.equal('numbers');
      for await (const _ of GenStage.stream([stage])) {
        // drain
      }
      // Checked at the call: a throw, not a rejection.
      expect(() => Flow.from([1]).start({ dispatcher: {} as never })).to.throw(TypeError, /expected dispatcher to be a Dispatcher instance/);
    });

    it('should exit with the flow\'s error', async () => {
      const stage = await Flow.from([1]).pipe(map(() => {
        throw new Error('start failed');
      })).start();
      const reason = await stage.done;
      expect((reason as Error).message).to.equal('start failed');
    });
  });

  describe('intoStages', () => {
    it('should subscribe the given consumers to the flow', async () => {
      const collect = new Collect();
      const consumer = await GenStage.start(collect);
      await Flow.from(range(4)).pipe(map((n: number) => n + 100)).intoStages([{ to: consumer, maxDemand: 2 }]);
      await consumer.done;
      expect(collect.got).to.deep.equal([101, 102, 103, 104]);
    });
  });

  describe('throughStages', () => {
    it('should send the flow through running producer-consumers and go on with their output', async () => {
      const negate = await GenStage.start(new Negate());
      const out = await Flow.from(range(4)).throughStages<number>([negate]).pipe(
        reduce(() => 0, (n: number, acc: number) => acc + n),
        onTrigger((acc: number) => [[acc], acc]),
      ).toArray();
      expect(out).to.deep.equal([-10]);
    });

    it('should spread over several stages', async () => {
      const a = await GenStage.start(new Negate());
      const b = await GenStage.start(new Negate());
      const out = await Flow.from(range(1000)).throughStages<number>([a, b]).toArray();
      expect(sorted(out)).to.deep.equal(range(1000).map((n) => -n).reverse());
    });
  });
});
