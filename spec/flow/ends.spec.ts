import { expect } from 'chai';
import { Flow, Window, map, reduce, onTrigger, window } from '../../src/flow/index.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';
import { GenStage } from '../../src/io/gen-stage.js';
import { Consumer } from '../../src/stage/consumer.js';
import { ProducerConsumer } from '../../src/stage/producer-consumer.js';
import { BroadcastDispatcher } from '../../src/dispatchers/broadcast.js';
import { setLogger } from '../../src/runtime/logger.js';
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
      const consumer = await GenStage.start(new Collect());
      const consumerDone = consumer.done;
      await consumer.subscribe(stage);
      const reason = await stage.done;
      expect((reason as Error).message).to.equal('start failed');
      expect(((await consumerDone) as Error).message).to.equal('start failed');
    });

    it('should not pull from its source before its first subscriber', async () => {
      let pulled = 0;
      function* numbers(): Generator<number> {
        for (let n = 1; n <= 5; n++) {
          pulled++;
          yield n;
        }
      }
      const stage = await Flow.from(numbers()).start();
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 5));
      expect(pulled).to.equal(0);
      expect(stage.alive).to.equal(true);
      const collect = new Collect();
      const consumer = await GenStage.start(collect, { subscribeTo: [stage] });
      await consumer.done;
      expect(collect.got).to.deep.equal([1, 2, 3, 4, 5]);
      expect(pulled).to.equal(5);
    });

    it('should log a failure before anyone subscribed, once, and give a later subscriber the original reason, not noproc', async () => {
      const errors: string[] = [];
      setLogger({ warn: () => {}, error: (m: string, e?: unknown) => errors.push(`${m} ${e instanceof Error ? e.message : ''}`) });
      const clock = new VirtualClock();
      try {
        const stage = await Flow.from(range(3), { clock })
          .pipe(
            window(Window.periodic(1, 'second')),
            reduce(() => 0, (n: number, acc: number) => acc + n),
            onTrigger(() => {
              throw new Error('trigger broke');
            }),
          )
          .start();
        clock.advance(1000); // the periodic trigger fires though nothing subscribed yet
        for (let i = 0; i < 100 && stage.alive; i++) await new Promise((r) => setImmediate(r));
        expect(stage.alive).to.equal(false);
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
        expect(errors.filter((m) => m.includes('nobody observed it') && m.includes('trigger broke'))).to.have.length(1);
        const late = await GenStage.start(new Collect(), { subscribeTo: [stage] });
        expect(((await late.done) as Error).message).to.equal('trigger broke');
      } finally {
        setLogger();
      }
    });

    it('should fail with the reason of a source stage that crashed before the flow subscribed, not end empty', async () => {
      const errors: string[] = [];
      setLogger({ warn: () => {}, error: (m: string) => errors.push(m) });
      try {
        const source = await GenStage.fromIterable([1, 2]);
        const stage = await Flow.from(source).start();
        void source.done;
        await source.stop(new Error('source broke'));
        const consumer = await GenStage.start(new Collect(), { subscribeTo: [stage] });
        expect(((await consumer.done) as Error).message).to.equal('source broke');
        expect(((await stage.done) as Error).message).to.equal('source broke');
      } finally {
        setLogger();
      }
    });
  });

  describe('intoStages', () => {
    it('should subscribe every consumer before the first event leaves, so broadcast consumers each get the whole flow', async () => {
      const x = new Collect();
      const y = new Collect();
      const z = new Collect();
      const stages = await Promise.all([x, y, z].map((c) => GenStage.start(c)));
      await Flow.from([1, 2, 3, 4, 5]).intoStages(stages, { dispatcher: new BroadcastDispatcher() });
      const reasons = await Promise.all(stages.map((s) => s.done));
      expect(reasons).to.deep.equal(['normal', 'normal', 'normal']);
      expect([x.got, y.got, z.got]).to.deep.equal([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]);
    });

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
