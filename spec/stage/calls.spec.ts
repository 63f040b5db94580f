// StageCalls (a stage's calls and sendAfter timers) as state transitions, on a VirtualClock.
import { expect } from 'chai';
import { StageCalls } from '../../src/stage/calls.js';
import * as M from '../../src/stage/messages.js';
import type { PendingCall } from '../../src/stage/calls.js';
import { CallTimeoutError, StageExitError } from '../../src/index.js';
import { VirtualClock } from '../../src/testing/index.js';
import { FakeCore } from './role-support.js';

/** The pending call the last `call` posted to the fake stage's mailbox. */
function lastCall(core: FakeCore, posted: M.Message[]): PendingCall {
  const m = posted[posted.length - 1] as M.CallMsg;
  expect(core.posted.at(-1)?.[0]).to.equal('call');
  return m.b;
}

function rig(impl: Record<string, unknown>) {
  const clock = new VirtualClock();
  const core = new FakeCore('server', impl);
  const posted: M.Message[] = [];
  const post = core.post.bind(core);
  core.post = (m) => (posted.push(m), post(m));
  return { clock, core, calls: new StageCalls(core, clock), posted };
}

describe('StageCalls as state transitions (fake stage, virtual clock)', () => {
  it('should resolve a call with the { reply } of handleCall, and dispatch its events first', async () => {
    const { core, calls, posted } = rig({ handleCall: (request: number) => ({ reply: request * 2, events: [request] }) });
    const answer = calls.call(21, Infinity);
    calls.onCall(21, lastCall(core, posted));
    expect(await answer).to.equal(42);
    expect(core.emitted).to.deep.equal([['handleCall', [21]]]);
  });

  it('should resolve a { noreply } call when the stage replies later, once', async () => {
    const { core, calls, posted } = rig({ handleCall: () => ({ noreply: true }) });
    const answer = calls.call('q', Infinity);
    const pending = lastCall(core, posted);
    calls.onCall('q', pending);
    calls.reply(pending, 'late');
    calls.reply(pending, 'twice');
    expect(await answer).to.equal('late');
  });

  it('should ask the stage to exit on a { stop } result', () => {
    const { core, calls, posted } = rig({ handleCall: () => ({ stop: 'done', reply: 'ok' }) });
    void calls.call('q', Infinity);
    calls.onCall('q', lastCall(core, posted));
    expect(core.exits).to.deep.equal(['done']);
  });

  it('should reject a call to a stage without handleCall with a TypeError (ERR_GENSTAGE_INVALID_TYPE)', async () => {
    const { core, calls, posted } = rig({});
    const answer = calls.call('q', Infinity);
    calls.onCall('q', lastCall(core, posted));
    const error = await answer.then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError).with.property('message', 'server does not define handleCall');
    expect(error).to.have.property('code', 'ERR_GENSTAGE_INVALID_TYPE');
  });

  it('should throw ERR_GENSTAGE_INVALID_RETURN when handleCall returns something else, leaving the call for the crash to reject', () => {
    const { core, calls, posted } = rig({ handleCall: () => 42 });
    void calls.call('q', Infinity).catch(() => {});
    expect(() => calls.onCall('q', lastCall(core, posted)))
      .to.throw(TypeError, 'server: handleCall must return { reply }, { noreply: true } or { stop }, got: 42')
      .with.property('code', 'ERR_GENSTAGE_INVALID_RETURN');
    expect(calls.rejectAll(new Error('crash'))).to.equal(true);
  });

  it('should reject with CallTimeoutError after timeoutMs on the clock, and ignore the late reply', async () => {
    const { clock, core, calls, posted } = rig({ handleCall: () => ({ noreply: true }) });
    const answer = calls.call('q', 50).then(() => undefined, (e: unknown) => e);
    const pending = lastCall(core, posted);
    calls.onCall('q', pending);
    await clock.advance(50);
    expect(await answer).to.be.instanceOf(CallTimeoutError);
    calls.reply(pending, 'late');
    expect(clock.pendingTimers).to.equal(0);
  });

  it('should reject every waiting call with StageExitError carrying the exit reason, and say whether there was one', async () => {
    const { core, calls, posted } = rig({ handleCall: () => ({ noreply: true }) });
    expect(calls.rejectAll('shutdown')).to.equal(false);
    const answer = calls.call('q', Infinity).then(() => undefined, (e: unknown) => e);
    calls.onCall('q', lastCall(core, posted));
    expect(calls.rejectAll('shutdown')).to.equal(true);
    const error = (await answer) as StageExitError;
    expect(error).to.be.instanceOf(StageExitError);
    expect(error.reason).to.equal('shutdown');
    expect(error.message).to.equal('server exited before replying: shutdown');
  });

  it('should post a sendAfter message as an info after ms, not once cancelled, and release every timer on clearTimers', async () => {
    const { clock, core, calls } = rig({});
    calls.sendAfter('tick', 10);
    const cancel = calls.sendAfter('cancelled', 10);
    calls.sendAfter('never', 100);
    cancel();
    await clock.advance(10);
    expect(core.posted).to.deep.equal([['info', 'tick']]);
    calls.clearTimers();
    expect(clock.pendingTimers).to.equal(0);
    await clock.advance(100);
    expect(core.posted).to.deep.equal([['info', 'tick']]);
  });
});
