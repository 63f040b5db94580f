import { expect } from 'chai';
import { Flow, map, partition } from '../../src/flow/index.js';
import { FlowRun } from '../../src/flow/materialize.js';
import { GenStage } from '../../src/io/gen-stage.js';
import { Consumer } from '../../src/stage/consumer.js';
import { Producer } from '../../src/stage/producer.js';
import { ProducerConsumer } from '../../src/stage/producer-consumer.js';
import { setLogger } from '../../src/runtime/logger.js';
import { systemClock } from '../../src/runtime/clock.js';
import { whenExited } from '../../src/core/internal.js';

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

class Numbers extends Producer<number> {
  private next = 1;
  handleDemand(demand: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < demand && this.next <= 3; i++) out.push(this.next++);
    return out;
  }
}

class Idle extends Consumer<number> {
  constructor(private readonly log: string[], private readonly label: string) {
    super();
  }
  handleEvents(): void {}
  override terminate(reason: unknown): void {
    this.log.push(`${this.label} terminate ${String(reason)}`);
  }
}

/** Blocks in handleEvents until `release` opens, then emits its batch times ten. */
class Blocked extends ProducerConsumer<number, number> {
  constructor(private readonly entered: () => void, private readonly release: Promise<void>) {
    super();
  }
  async handleEvents(events: number[]): Promise<number[]> {
    this.entered();
    await this.release;
    return events.map((n) => n * 10);
  }
}

class Collect extends Consumer<number> {
  readonly got: number[] = [];
  handleEvents(events: number[]): void {
    this.got.push(...events);
  }
}

describe('Flow: stopping a flow (issue 13)', () => {
  afterEach(() => setLogger());

  it('stops each stage in its own turn, not inside the call that stops the flow', async () => {
    const log: string[] = [];
    const run = new FlowRun(systemClock);
    const a = await GenStage.start(new Idle(log, 'a'));
    const b = await GenStage.start(new Idle(log, 'b'));
    run.own(a);
    run.own(b);
    run.abort('shutdown');
    log.push('abort returned');
    expect([a.alive, b.alive]).to.deep.equal([true, true]);
    expect(await whenExited(a)).to.equal('shutdown');
    expect(await whenExited(b)).to.equal('shutdown');
    expect(log).to.deep.equal(['abort returned', 'a terminate shutdown', 'b terminate shutdown']);
  });

  it('a stage blocked in an async handleEvents when its flow is killed emits nothing afterwards', async () => {
    const warnings: string[] = [];
    setLogger({ warn: (m: string) => warnings.push(m), error: () => {} });
    const entered = gate();
    const release = gate();
    const run = new FlowRun(systemClock);
    const source = await GenStage.start(new Numbers());
    const blocked = await GenStage.start(new Blocked(entered.open, release.promise), { name: 'blocked' });
    const collect = new Collect();
    // The consumer is not the flow's: it stays up and would see anything emitted late.
    const outside = await GenStage.start(collect);
    run.own(source);
    run.own(blocked);
    await outside.subscribe(blocked, { cancel: 'temporary' });
    await blocked.subscribe(source, { maxDemand: 3, minDemand: 0, cancel: 'temporary' });
    await entered.promise;
    run.abort('shutdown');
    // The stage exits while its callback is still blocked, without waiting for it.
    expect(await whenExited(blocked)).to.equal('shutdown');
    release.open();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(collect.got).to.deep.equal([]);
    expect(outside.alive).to.equal(true);
    expect(warnings).to.deep.equal(['blocked: 3 events from handleEvents dropped: the stage exited while the callback was running']);
    await outside.stop();
  });

  it('a flow whose stage crashes while another is blocked in an async map rejects with the crash and emits nothing late', async () => {
    const warnings: string[] = [];
    setLogger({ warn: (m: string) => warnings.push(m), error: () => {} });
    const entered = gate();
    const release = gate();
    const boom = new Error('boom');
    const out: number[] = [];
    const running = Flow.from([1, 2])
      .pipe(
        partition({ stages: 2, hash: (n: number) => [n, n - 1] }),
        map(async (n: number) => {
          if (n === 2) {
            await entered.promise;
            throw boom;
          }
          entered.open();
          await release.promise;
          return n * 10;
        }),
      )
      .iterate();
    const consumed = (async () => {
      for await (const n of running) out.push(n);
    })();
    let error: unknown;
    await consumed.catch((e: unknown) => (error = e));
    expect(error).to.equal(boom);
    release.open();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(out).to.deep.equal([]);
    expect(warnings.length).to.equal(1);
    expect(warnings[0]).to.match(/^flow\d+:partition\d#0: 1 events from handleEvents dropped: the stage exited while the callback was running$/);
  });
});
