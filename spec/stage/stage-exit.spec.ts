// StageExit (stage-exit.ts), the base of StageProcess: how a stage process stops,
// driven through the process behind a live stage.
import { expect } from 'chai';
import { GenStage, Producer, setLogger } from '../../src/index.js';
import { processOfStage } from '../../src/stage/handle.js';
import { settle } from '../../src/testing/index.js';
import { abortStage, exitStage, onStageStop } from '../../src/core/internal.js';

class Idle extends Producer<number> {
  readonly log: string[] = [];
  handleDemand(): number[] {
    return [];
  }
  override handleInfo(message: unknown): void {
    this.log.push(`info ${String(message)}`);
  }
  override terminate(reason: unknown): void {
    this.log.push(`terminate ${String(reason)}`);
  }
}

async function withLog<R>(body: (errors: string[]) => Promise<R>): Promise<R> {
  const errors: string[] = [];
  const previous = setLogger({ warn: (m: string) => void errors.push(`warn: ${m}`), error: (m: string) => void errors.push(`error: ${m}`) });
  try {
    return await body(errors);
  } finally {
    setLogger(previous);
  }
}

describe('StageExit: how a stage process stops', () => {
  it('should run terminate, then the onStageStop disposers in the order registered, once', async () => {
    const impl = new Idle();
    const stage = await GenStage.start(impl);
    onStageStop(stage, () => impl.log.push('dispose 1'));
    onStageStop(stage, () => impl.log.push('dispose 2'));
    await stage.stop('shutdown');
    await settle();
    expect(impl.log).to.deep.equal(['terminate shutdown', 'dispose 1', 'dispose 2']);
  });

  it('should exit on exitStage ahead of the mail not yet started', async () => {
    const impl = new Idle();
    const stage = await GenStage.start(impl);
    const process = processOfStage(stage);
    stage.send('first');
    exitStage(stage, 'shutdown');
    expect(await process.whenExited()).to.equal('shutdown');
    expect(impl.log).to.deep.equal(['terminate shutdown']);
  });

  it('should abort a stage blocked in a callback without waiting for it, and not dispatch what the callback returns later', async () => {
    await withLog(async (log) => {
      let release!: () => void;
      class Blocked extends Producer<number> {
        handleDemand(): number[] {
          return [];
        }
        override handleCast(): Promise<number[]> {
          return new Promise((resolve) => (release = () => resolve([1, 2])));
        }
      }
      const stage = await GenStage.start(new Blocked(), { name: 'blocked' });
      const process = processOfStage(stage);
      stage.cast('go');
      await settle();
      abortStage(stage, 'shutdown');
      expect(await process.whenExited()).to.equal('shutdown');
      release();
      await settle();
      // Said, not lost: the late batch is counted in a warning.
      expect(log).to.deep.equal(['warn: blocked: 2 events from callback dropped: the stage exited while the callback was running']);
    });
  });

  it('should resolve whenExited with the reason, also for a stage that had already exited', async () => {
    const stage = await GenStage.start(new Idle());
    const process = processOfStage(stage);
    const before = process.whenExited();
    await stage.stop('shutdown');
    expect([await before, await process.whenExited()]).to.deep.equal(['shutdown', 'shutdown']);
  });
});
