import { expect } from 'chai';
import { createHook } from 'node:async_hooks';
import { Process } from '../../src/runtime/process.js';
import { setLogger } from '../../src/runtime/logger.js';
import { settle } from '../../src/testing/index.js';

type Handler = (message: string, self: Probe) => unknown;

/**
 * The smallest process: records what it receives, what is dead-lettered, and the
 * order of the exit steps. `on` decides what a message does.
 */
class Probe extends Process<string> {
  readonly received: string[] = [];
  readonly dead: string[] = [];
  readonly steps: string[] = [];
  cleanupResult: (() => unknown) | undefined;
  constructor(
    readonly name = 'probe',
    private readonly on: Handler = () => undefined,
  ) {
    super();
  }
  protected receive(message: string): unknown {
    this.received.push(message);
    return this.on(message, this);
  }
  protected cleanup(reason: unknown): unknown {
    this.steps.push(`cleanup ${String(reason)}`);
    return this.cleanupResult?.();
  }
  protected afterExit(reason: unknown): void {
    this.steps.push(`afterExit ${String(reason)}`);
  }
  protected deadLetter(message: string): void {
    this.dead.push(message);
    this.steps.push(`dead ${message}`);
  }
  describe(): string {
    return this.name;
  }
}

function captureLogs() {
  const warnings: string[] = [];
  const errors: [string, unknown][] = [];
  const previous = setLogger({ warn: (m) => warnings.push(m), error: (m, r) => errors.push([m, r]) });
  return { warnings, errors, restore: () => setLogger(previous) };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runtime: process mailbox', () => {
  it('should deliver 1,000 messages in the order they were posted', async () => {
    const p = new Probe();
    const sent = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    for (const m of sent) p.post(m);
    await settle();
    expect(p.received).to.deep.equal(sent);
  });

  it('should not run a handler inside post: delivery happens later, from the scheduler', async () => {
    const p = new Probe();
    p.post('a');
    expect(p.received).to.deep.equal([]);
    await settle();
    expect(p.received).to.deep.equal(['a']);
  });

  it('should queue a message a handler posts to itself behind the ones already waiting', async () => {
    const p = new Probe('self', (m, self) => {
      if (m === 'a') self.post('a2');
    });
    p.post('a');
    p.post('b');
    await settle();
    expect(p.received).to.deep.equal(['a', 'b', 'a2']);
  });

  it('should never run another process\'s handler inside a handler (no re-entrancy)', async () => {
    const log: string[] = [];
    const q = new Probe('q', (m) => void log.push(`q handles ${m}`));
    const p = new Probe('p', (m) => {
      log.push(`p starts ${m}`);
      q.post(`from ${m}`);
      log.push(`p ends ${m}`);
    });
    p.post('x');
    p.post('y');
    await settle();
    expect(log).to.deep.equal(['p starts x', 'p ends x', 'p starts y', 'p ends y', 'q handles from x', 'q handles from y']);
  });

  it('should keep each sender\'s order when two senders interleave', async () => {
    const q = new Probe('q');
    const senders = ['s1', 's2'].map((name) => new Probe(name, (m) => q.post(`${name}:${m}`)));
    for (let i = 0; i < 5; i++) for (const s of senders) s.post(String(i));
    await settle();
    expect(q.received.filter((m) => m.startsWith('s1:'))).to.deep.equal(['s1:0', 's1:1', 's1:2', 's1:3', 's1:4']);
    expect(q.received.filter((m) => m.startsWith('s2:'))).to.deep.equal(['s2:0', 's2:1', 's2:2', 's2:3', 's2:4']);
  });

  it('should handle nothing else while a handler\'s promise is pending, then go on in order', async () => {
    let release!: () => void;
    const p = new Probe('blocked', (m) => (m === 'slow' ? new Promise<void>((resolve) => (release = resolve)) : undefined));
    p.post('slow');
    p.post('next');
    await settle();
    expect(p.received).to.deep.equal(['slow']);
    p.post('later');
    await settle();
    expect(p.received).to.deep.equal(['slow']);
    release();
    await settle();
    expect(p.received).to.deep.equal(['slow', 'next', 'later']);
  });

  it('should hand up to 64 messages per slice to a process before the next one runs (many per turn, round robin)', async () => {
    const order: string[] = [];
    const a = new Probe('a', () => void order.push('a'));
    const b = new Probe('b', () => void order.push('b'));
    for (let i = 0; i < 200; i++) a.post('x');
    for (let i = 0; i < 200; i++) b.post('x');
    await settle();
    const runs: [string, number][] = [];
    for (const who of order) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[0] === who) last[1]++;
      else runs.push([who, 1]);
    }
    expect(runs).to.deep.equal([['a', 64], ['b', 64], ['a', 64], ['b', 64], ['a', 64], ['b', 64], ['a', 8], ['b', 8]]);
  });
});

describe('runtime: process exit, done and monitors', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('should end with the error a handler throws, resolving done with that very error (never rejecting)', async () => {
    const error = new Error('boom');
    const p = new Probe('thrower', (m) => {
      if (m === 'bad') throw error;
    });
    const done = p.done;
    p.post('ok');
    p.post('bad');
    p.post('after');
    expect(await done).to.equal(error);
    expect(p.alive).to.equal(false);
    expect(p.reason).to.equal(error);
    expect(p.received).to.deep.equal(['ok', 'bad']);
    expect(p.dead).to.deep.equal(['after']);
  });

  it('should end with the reason a handler\'s promise rejects with', async () => {
    const error = new Error('async boom');
    const p = new Probe('rejecter', () => Promise.reject(error));
    const done = p.done;
    p.post('x');
    p.post('y');
    expect(await done).to.equal(error);
    expect(p.received).to.deep.equal(['x']);
    expect(p.dead).to.deep.equal(['y']);
  });

  it('should act on requestExit only once the handler returns, and dead-letter the rest of the mailbox in order', async () => {
    const p = new Probe('quitter', (m, self) => {
      if (m === 'quit') {
        self.requestExit('normal');
        self.steps.push('handler still running');
      }
    });
    for (const m of ['a', 'quit', 'b', 'c']) p.post(m);
    expect(await p.done).to.equal('normal');
    expect(p.received).to.deep.equal(['a', 'quit']);
    expect(p.dead).to.deep.equal(['b', 'c']);
    expect(p.steps).to.deep.equal(['handler still running', 'cleanup normal', 'dead b', 'dead c', 'afterExit normal']);
  });

  it('should dead-letter what is posted after the exit', async () => {
    const p = new Probe();
    p.exit('shutdown');
    p.post('late');
    await settle();
    expect(p.received).to.deep.equal([]);
    expect(p.dead).to.deep.equal(['late']);
  });

  it('should keep the first reason when exit is called twice', async () => {
    const p = new Probe();
    p.exit('first');
    p.exit('second');
    expect(await p.done).to.equal('first');
    expect(p.steps).to.deep.equal(['cleanup first', 'afterExit first']);
  });

  it('should resolve done with the reason exactly as given: normal, shutdown, { shutdown } (same object), an Error', async () => {
    const detail = { shutdown: { by: 'operator' } };
    const error = new TypeError('x');
    const reasons: unknown[] = ['normal', 'shutdown', detail, error, 42];
    const got: unknown[] = [];
    for (const reason of reasons) {
      const p = new Probe();
      const done = p.done;
      p.exit(reason);
      got.push(await done);
    }
    expect(got).to.deep.equal(reasons);
    expect(got[2]).to.equal(detail);
    expect(got[3]).to.equal(error);
  });

  it('should call every monitor with the reason, in the order they were added', async () => {
    const p = new Probe();
    const calls: string[] = [];
    p.monitor((r) => calls.push(`first ${String(r)}`));
    p.monitor((r) => calls.push(`second ${String(r)}`));
    p.exit('shutdown');
    await settle();
    expect(calls).to.deep.equal(['first shutdown', 'second shutdown']);
  });

  it('should not call a monitor that was removed', async () => {
    const p = new Probe();
    const calls: unknown[] = [];
    const stop = p.monitor((r) => calls.push(r));
    p.monitor((r) => calls.push(`kept ${String(r)}`));
    stop();
    p.exit('normal');
    await settle();
    expect(calls).to.deep.equal(['kept normal']);
  });

  it('should call a monitor added after the exit on a later turn, with the reason', async () => {
    const p = new Probe();
    p.exit('gone');
    await settle();
    const calls: unknown[] = [];
    p.monitor((r) => calls.push(r));
    expect(calls).to.deep.equal([]);
    await tick();
    expect(calls).to.deep.equal(['gone']);
  });

  it('should run cleanup, then dead letters, then afterExit, then done and monitors', async () => {
    const order: string[] = [];
    const p = new Probe('ordered', (m, self) => {
      if (m === 'quit') self.requestExit('normal');
    });
    p.monitor(() => order.push('monitor'));
    void p.done.then(() => order.push('done'));
    p.post('quit');
    p.post('pending');
    await settle();
    expect(p.steps).to.deep.equal(['cleanup normal', 'dead pending', 'afterExit normal']);
    expect(order).to.deep.equal(['monitor', 'done']);
  });

  it('should wait for a cleanup promise before resolving done and calling monitors', async () => {
    let finish!: () => void;
    const p = new Probe();
    p.cleanupResult = () => new Promise<void>((resolve) => (finish = resolve));
    const calls: string[] = [];
    p.monitor(() => calls.push('monitor'));
    void p.done.then(() => calls.push('done'));
    p.exit('normal');
    await settle();
    expect(p.alive).to.equal(false);
    expect(calls).to.deep.equal([]);
    expect(p.steps).to.deep.equal(['cleanup normal']);
    finish();
    await settle();
    expect(calls).to.deep.equal(['monitor', 'done']);
  });

  it('should log a throwing cleanup and still exit with the original reason', async () => {
    const p = new Probe('messy');
    p.cleanupResult = () => {
      throw new Error('cleanup broke');
    };
    const done = p.done;
    p.exit('shutdown');
    expect(await done).to.equal('shutdown');
    expect(logs.errors.map((e) => e[0])).to.deep.equal(['messy failed while stopping']);
  });
});

describe('runtime: crashes nobody observes', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => (logs = captureLogs()));
  afterEach(() => logs.restore());

  it('should report an unobserved crash to the logger, with the reason', async () => {
    const error = new Error('lost');
    const p = new Probe('orphan', () => {
      throw error;
    });
    p.post('x');
    await settle();
    expect(logs.errors).to.deep.equal([['orphan exited and nobody observed it', error]]);
  });

  it('should report an unobserved abnormal reason that is not an Error', async () => {
    const p = new Probe('odd');
    p.exit({ code: 7 });
    await settle();
    expect(logs.errors.map((e) => e[0])).to.deep.equal(['odd exited with {"code":7} and nobody observed it']);
  });

  it('should not report a crash once markObserved() was called before it', async () => {
    const p = new Probe('watched', () => {
      throw new Error('seen');
    });
    p.markObserved();
    p.post('x');
    await settle();
    expect(logs.errors).to.deep.equal([]);
  });

  it('should still report a crash when done was only read (reading the getter observes nothing)', async () => {
    const error = new Error('unseen');
    const p = new Probe('read-only', () => {
      throw error;
    });
    void p.done;
    p.post('x');
    await settle();
    expect(logs.errors).to.deep.equal([['read-only exited and nobody observed it', error]]);
    expect(await p.done).to.equal(error);
  });

  it('should not report a crash a monitor receives', async () => {
    const p = new Probe('monitored', () => {
      throw new Error('seen');
    });
    const seen: unknown[] = [];
    p.monitor((r) => seen.push(r));
    p.post('x');
    await settle();
    expect(seen).to.have.length(1);
    expect(logs.errors).to.deep.equal([]);
  });

  it('should report a crash whose only monitor was removed', async () => {
    const p = new Probe('abandoned', () => {
      throw new Error('unseen');
    });
    const stop = p.monitor(() => {});
    stop();
    p.post('x');
    await settle();
    expect(logs.errors.map((e) => e[0])).to.deep.equal(['abandoned exited and nobody observed it']);
  });

  for (const reason of ['normal', 'shutdown', { shutdown: 'later' }]) {
    it(`should not report the normal reason ${JSON.stringify(reason)}`, async () => {
      const p = new Probe('quiet');
      p.exit(reason);
      await settle();
      expect(logs.errors).to.deep.equal([]);
    });
  }
});

describe('runtime: a process\'s done promise (issue 14: made on first read)', () => {
  it('should make no promise for a process whose done is never read, from its start to its exit', async () => {
    const made: string[] = [];
    const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && made.push(type)) });
    let p: Probe;
    hook.enable();
    try {
      p = new Probe('unread');
      p.post('a');
      p.post('b');
      p.exit('normal');
    } finally {
      hook.disable();
    }
    expect(p.received).to.deep.equal([]);
    expect(p.steps).to.deep.equal(['cleanup normal', 'dead a', 'dead b', 'afterExit normal']);
    expect(made).to.deep.equal([]);
  });

  it('should resolve done read before the exit, and done read after it, with the exit reason, one promise for every read', async () => {
    const early = new Probe('early');
    const before = early.done;
    expect(early.done).to.equal(before);
    const reason = new Error('boom');
    early.markObserved();
    early.exit(reason);
    expect(await before).to.equal(reason);
    const late = new Probe('late');
    late.exit('shutdown');
    const after = late.done;
    expect(late.done).to.equal(after);
    expect(await after).to.equal('shutdown');
  });

  it('should resolve done with the reason a kill gives while cleanup is pending', async () => {
    let finishCleanup = (): void => {};
    const p = new Probe('slow cleanup');
    p.cleanupResult = () => new Promise<void>((resolve) => (finishCleanup = resolve));
    p.markObserved();
    p.exit('normal');
    const done = p.done;
    p.kill('killed');
    expect(await done).to.equal('killed');
    finishCleanup();
  });
});
