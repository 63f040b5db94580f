import { expect } from 'chai';
import { hostMacrotask, macrotask, microtask } from '../../src/runtime/scheduler.js';

/** Runs `schedule` for a, b, c, cancels b, and resolves with what ran once `after` (a later macrotask of the same kind) has run. */
function runThree(schedule: (fn: () => void) => () => void): Promise<string[]> {
  const ran: string[] = [];
  return new Promise((resolve) => {
    schedule(() => ran.push('a'));
    const cancelB = schedule(() => ran.push('b'));
    schedule(() => ran.push('c'));
    cancelB();
    schedule(() => resolve(ran));
  });
}

describe('runtime: the scheduler macrotask', () => {
  it('should use setImmediate where the host has it: in order, a cancelled task never runs', async () => {
    const used: string[] = [];
    const host = {
      setImmediate: ((fn: () => void) => (used.push('setImmediate'), setImmediate(fn))) as typeof setImmediate,
      clearImmediate,
      setTimeout: (() => {
        throw new Error('setTimeout must not be used');
      }) as unknown as typeof setTimeout,
    };
    expect(await runThree(hostMacrotask(host))).to.deep.equal(['a', 'c']);
    expect(used).to.deep.equal(['setImmediate', 'setImmediate', 'setImmediate', 'setImmediate']);
  });

  it('should use a MessageChannel without setImmediate (a browser): in order, a cancelled task never runs', async () => {
    let channels = 0;
    class CountingChannel extends MessageChannel {
      constructor() {
        super();
        channels++;
      }
    }
    const schedule = hostMacrotask({ MessageChannel: CountingChannel, setTimeout, clearTimeout });
    expect(await runThree(schedule)).to.deep.equal(['a', 'c']);
    expect(await runThree(schedule)).to.deep.equal(['a', 'c']);
    expect(channels).to.equal(1);
  });

  it('should fall back to setTimeout(fn, 0) with neither: in order, a cancelled task never runs', async () => {
    const delays: number[] = [];
    const host = {
      setTimeout: ((fn: () => void, ms: number) => (delays.push(ms), setTimeout(fn, ms))) as typeof setTimeout,
      clearTimeout,
    };
    expect(await runThree(hostMacrotask(host))).to.deep.equal(['a', 'c']);
    expect(delays).to.deep.equal([0, 0, 0, 0]);
  });

  it('should run a macrotask after the microtasks queued before it, and after a setImmediate queued before it (Node)', async () => {
    const ran: string[] = [];
    await new Promise<void>((resolve) => {
      setImmediate(() => ran.push('setImmediate'));
      macrotask(() => {
        ran.push('macrotask');
        resolve();
      });
      microtask(() => ran.push('microtask'));
    });
    expect(ran).to.deep.equal(['microtask', 'setImmediate', 'macrotask']);
  });
});
