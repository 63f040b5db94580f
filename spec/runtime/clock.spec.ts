import { expect } from 'chai';
import { Consumer, GenStage, systemClock } from '../../src/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';

describe('runtime: clocks', () => {
  it('should give the system clock wall time and real timers that can be cleared', async () => {
    const before = Date.now();
    expect(systemClock.now()).to.be.at.least(before);
    let fired = 0;
    const cleared = systemClock.setTimeout(() => fired++, 0);
    systemClock.clearTimeout(cleared);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 0));
    expect(fired).to.equal(0);
  });

  describe('VirtualClock', () => {
    it('should start at 0, or at the time given, and stand still until told', async () => {
      expect(new VirtualClock().now()).to.equal(0);
      const clock = new VirtualClock(1_000);
      await settle();
      expect(clock.now()).to.equal(1_000);
    });

    it('should count pending timers and forget a cleared one', () => {
      const clock = new VirtualClock();
      const a = clock.setTimeout(() => {}, 10);
      clock.setTimeout(() => {}, 20);
      expect(clock.pendingTimers).to.equal(2);
      clock.clearTimeout(a);
      expect(clock.pendingTimers).to.equal(1);
      clock.clearTimeout(a); // twice: a no-op
      clock.clearTimeout({});
      expect(clock.pendingTimers).to.equal(1);
    });

    it('should fire due timers in time order, with now() at each timer\'s time, and leave later ones', async () => {
      const clock = new VirtualClock();
      const fired: [string, number][] = [];
      for (const [name, ms] of [['c', 30], ['a', 10], ['b', 20]] as const) clock.setTimeout(() => fired.push([name, clock.now()]), ms);
      await clock.advance(25);
      expect(fired).to.deep.equal([['a', 10], ['b', 20]]);
      expect(clock.now()).to.equal(25);
      expect(clock.pendingTimers).to.equal(1);
      await clock.advance(5);
      expect(fired).to.deep.equal([['a', 10], ['b', 20], ['c', 30]]);
      expect(clock.pendingTimers).to.equal(0);
    });

    it('should fire timers due at the same time in the order they were set', async () => {
      const clock = new VirtualClock();
      const fired: string[] = [];
      for (const name of ['x', 'y', 'z']) clock.setTimeout(() => fired.push(name), 5);
      await clock.advance(5);
      expect(fired).to.deep.equal(['x', 'y', 'z']);
    });

    it('should fire a timer set by a timer within the same advance, at its own time', async () => {
      const clock = new VirtualClock();
      const fired: number[] = [];
      clock.setTimeout(() => {
        fired.push(clock.now());
        clock.setTimeout(() => fired.push(clock.now()), 5);
      }, 10);
      await clock.advance(20);
      expect(fired).to.deep.equal([10, 15]);
      expect(clock.now()).to.equal(20);
    });

    it('should fire timers that are due now on advance(0), and a negative delay at once like setTimeout', async () => {
      const clock = new VirtualClock(100);
      const fired: string[] = [];
      clock.setTimeout(() => fired.push('zero'), 0);
      clock.setTimeout(() => fired.push('negative'), -50);
      clock.setTimeout(() => fired.push('later'), 1);
      await clock.advance(0);
      expect(fired).to.deep.equal(['zero', 'negative']);
      expect(clock.now()).to.equal(100);
    });

    it('should fire every timer with runAll, ending at the time of the last one', async () => {
      const clock = new VirtualClock();
      const fired: number[] = [];
      clock.setTimeout(() => fired.push(clock.now()), 300);
      clock.setTimeout(() => {
        fired.push(clock.now());
        clock.setTimeout(() => fired.push(clock.now()), 1_000);
      }, 100);
      await clock.runAll();
      expect(fired).to.deep.equal([100, 300, 1_100]);
      expect(clock.now()).to.equal(1_100);
      expect(clock.pendingTimers).to.equal(0);
    });

    it('should make runAll throw a RangeError against a timer that re-arms itself forever', async () => {
      const clock = new VirtualClock();
      let count = 0;
      const rearm = (): void => {
        count++;
        clock.setTimeout(rearm, 10);
      };
      clock.setTimeout(rearm, 10);
      let error: unknown;
      try {
        await clock.runAll(5);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.match(/runAll fired 5 timers/);
      expect(count).to.equal(5);
    });

    it('should let stages handle what each timer caused before the next timer fires', async () => {
      const clock = new VirtualClock();
      const log: string[] = [];
      class Ticker extends Consumer<number> {
        override init(): void {
          this.sendAfter('first', 10);
          this.sendAfter('second', 20);
        }
        handleEvents(): void {}
        override handleInfo(message: string): void {
          log.push(`${message} at ${clock.now()}`);
          if (message === 'first') this.self.send('follow-up');
        }
      }
      await GenStage.start(new Ticker(), { clock });
      await clock.advance(20);
      // The message the first timer caused was handled while the clock still read 10.
      expect(log).to.deep.equal(['first at 10', 'follow-up at 10', 'second at 20']);
    });

    it('should drive a stage\'s sendAfter and leave no timer once the stage stops', async () => {
      const clock = new VirtualClock();
      const log: number[] = [];
      class Periodic extends Consumer<number> {
        override init(): void {
          this.sendAfter('tick', 1_000);
        }
        handleEvents(): void {}
        override handleInfo(): void {
          log.push(clock.now());
          this.sendAfter('tick', 1_000);
        }
      }
      const stage = await GenStage.start(new Periodic(), { clock });
      await clock.advance(3_500);
      expect(log).to.deep.equal([1_000, 2_000, 3_000]);
      expect(clock.pendingTimers).to.equal(1);
      await stage.stop();
      expect(clock.pendingTimers).to.equal(0);
    });

    it('should let a cancel function returned by sendAfter clear its timer', async () => {
      const clock = new VirtualClock();
      const log: string[] = [];
      class Cancelling extends Consumer<number> {
        override init(): void {
          const cancel = this.sendAfter('never', 50);
          this.sendAfter('kept', 60);
          cancel();
        }
        handleEvents(): void {}
        override handleInfo(message: string): void {
          log.push(message);
        }
      }
      await GenStage.start(new Cancelling(), { clock });
      expect(clock.pendingTimers).to.equal(1);
      await clock.runAll();
      expect(log).to.deep.equal(['kept']);
    });
  });
});
