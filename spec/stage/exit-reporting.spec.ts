import { expect } from 'chai';
import { Consumer, GenStage, StageExitError, setLogger } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { Source, captureLogs, settle } from './support.js';

class Brittle extends Source {
  override handleCast(): number[] {
    throw new Error('producer crashed');
  }
}

/** A consumer with no handleCancel: a temporary subscription's { down } reaches nothing. */
class Quiet extends Consumer<number> {
  handleEvents(): void {}
}

describe('stage: how an exit is reported', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  describe('a crash behind temporary subscriptions (issue 11, item 5)', () => {
    it('should log a producer crash whose only consumers are temporary and define no handleCancel', async () => {
      const producer = await GenStage.start(new Brittle('hand'), { name: 'brittle' });
      const consumer = await GenStage.start(new Quiet(), { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
      await settle();
      producer.cast('boom');
      await settle();
      expect(producer.alive).to.equal(false);
      expect(consumer.alive).to.equal(true);
      expect(logs.errors).to.deep.equal(['brittle exited and nobody observed it']);
      await consumer.stop();
    });

    it('should not log it when one of the consumers is permanent (it stops with the reason and reports it)', async () => {
      const producer = await GenStage.start(new Brittle('hand'), { name: 'brittle' });
      const temporary = await GenStage.start(new Quiet(), { subscribeTo: [{ to: producer, cancel: 'temporary' }] });
      const permanent = await GenStage.start(new Quiet(), { name: 'permanent', subscribeTo: [producer] });
      await settle();
      producer.cast('boom');
      await settle();
      expect(permanent.alive).to.equal(false);
      expect(logs.errors).to.deep.equal(['permanent exited and nobody observed it']);
      await temporary.stop();
    });
  });

  describe('log hygiene (issue 11, item 19)', () => {
    it('should name an unobserved Error once: in the reason logged beside the message, not in the message too', async () => {
      const producer = await GenStage.start(new Brittle('hand'), { name: 'lonely' });
      const seen: unknown[][] = [];
      const previous = setLogger({ warn: () => {}, error: (...args: unknown[]) => seen.push(args) });
      try {
        producer.cast('boom');
        await settle();
      } finally {
        setLogger(previous);
      }
      expect(seen.length).to.equal(1);
      const [message, reason] = seen[0] as [string, Error];
      expect(message).to.equal('lonely exited and nobody observed it');
      expect(reason).to.be.instanceOf(Error);
      expect(reason.message).to.equal('producer crashed');
    });

    it('should not report as unobserved a crash that a pending call() received as its rejection', async () => {
      class Failing extends Source {
        override handleCall(): never {
          throw new Error('call failed');
        }
      }
      const producer = await GenStage.start(new Failing('hand'), { name: 'failing' });
      const error = await producer.call('x').then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(StageExitError);
      expect(((error as StageExitError).reason as Error).message).to.equal('call failed');
      await settle();
      expect(logs.errors).to.deep.equal([]);
    });

    it('should warn once per consumer stage whose handleEvents returns events, and count the rest at exit', async () => {
      class Returning extends Consumer<number> {
        handleEvents(events: number[]): void {
          return events as never; // what the issue saw: a consumer that returns its batch
        }
      }
      const source = await GenStage.fromIterable(Array.from({ length: 50 }, (_, i) => i));
      const consumer = await GenStage.start(new Returning(), { name: 'returning', subscribeTo: [{ to: source, maxDemand: 2, minDemand: 1 }] });
      expect(await consumer.done).to.equal('normal');
      expect(logs.warnings).to.deep.equal([
        'returning: a consumer cannot dispatch events; 1 events from handleEvents dropped (further drops by this stage are counted and reported when it stops)',
        'returning: a consumer cannot dispatch events; 49 more events from its callbacks dropped since the first warning',
      ]);
    });
  });

  describe('queries on a stopped stage (issue 11, item 17)', () => {
    it('should reject demand() and estimateBufferedCount() with the exit reason, as call() does', async () => {
      const producer = await GenStage.start(new Source('hand'), { name: 'gone' });
      await producer.stop({ shutdown: 'maintenance' });
      const failures = await Promise.all([
        producer.demand().then(() => 'resolved', (e: unknown) => e),
        producer.estimateBufferedCount().then(() => 'resolved', (e: unknown) => e),
        producer.call('x').then(() => 'resolved', (e: unknown) => e),
      ]);
      for (const error of failures) {
        expect(error).to.be.instanceOf(StageExitError);
        expect((error as StageExitError).reason).to.deep.equal({ shutdown: 'maintenance' });
        expect((error as StageExitError).message).to.equal('gone is not running ({"shutdown":"maintenance"})');
      }
    });

    it('should reject a query still in the mailbox when the stage exits', async () => {
      const producer = await GenStage.start(new Source('hand'), { name: 'leaving' });
      const stopped = producer.stop('shutdown');
      const count = producer.estimateBufferedCount().then(() => 'resolved', (e: unknown) => (e as StageExitError).reason);
      await stopped;
      expect(await count).to.equal('shutdown');
    });
  });

  describe('stop() of a stage whose callback never settles (issue 11, item 6)', () => {
    class Hung extends Consumer<number> {
      released = 0;
      terminated = false;
      override init(): void {
        this.sendAfter('never', 60_000); // a timer the kill must release
      }
      handleEvents(): Promise<void> {
        return new Promise(() => {}); // never settles
      }
      override terminate(): void {
        this.terminated = true;
      }
    }

    it('should kill the stage after the stop timeout (default 5000 ms), resolve stop, and log the callback that did not return', async () => {
      const clock = new VirtualClock();
      const source = await GenStage.fromIterable([1, 2, 3]);
      const hung = new Hung();
      const stage = await GenStage.start(hung, { name: 'hung', clock, subscribeTo: [{ to: source, cancel: 'temporary' }] });
      await settle();
      let stopped = false;
      const stopping = stage.stop().then(() => (stopped = true));
      await clock.advance(4999);
      expect(stopped).to.equal(false);
      expect(stage.alive).to.equal(true);
      await clock.advance(1);
      await stopping;
      expect(await stage.done).to.equal('killed');
      expect(hung.terminated).to.equal(false); // terminate would run beside the abandoned callback
      expect(clock.pendingTimers).to.equal(0);
      expect(logs.errors).to.deep.equal(['hung did not stop within 5000 ms: handleEvents has not returned; killed']);
    });

    it('should kill a stage whose terminate never settles after the timeout given to stop', async () => {
      class HungTerminate extends Source {
        override terminate(): Promise<void> {
          return new Promise(() => {});
        }
      }
      const clock = new VirtualClock();
      const stage = await GenStage.start(new HungTerminate('hand'), { name: 'slow-exit', clock });
      const stopping = stage.stop('normal', 100);
      await clock.advance(100);
      await stopping;
      expect(await stage.done).to.equal('killed');
      expect(logs.errors).to.deep.equal(['slow-exit did not stop within 100 ms: terminate has not returned; killed']);
    });

    it('should wait forever with a timeout of Infinity, and reject a bad timeout at the call', async () => {
      const clock = new VirtualClock();
      const stage = await GenStage.start(new Source('hand'), { clock });
      expect(() => stage.stop('normal', -1)).to.throw(RangeError, 'expected timeoutMs to be an integer >= 0 or Infinity, got: -1');
      expect(() => stage.stop('normal', '5' as never)).to.throw(TypeError, 'expected timeoutMs to be an integer >= 0 or Infinity, got: "5"');
      await stage.stop('normal', Infinity);
      expect(await stage.done).to.equal('normal');
      expect(clock.pendingTimers).to.equal(0);
    });
  });
});
