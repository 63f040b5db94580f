import { expect } from 'chai';
import { GenStage, Producer, type Stage } from '../../src/index.js';
import { DynamicSupervisor } from '../../src/supervisor/index.js';
import { settle } from '../../src/testing/index.js';

/** A producer that emits nothing and records its `terminate` calls. */
class Idle extends Producer<number> {
  readonly terminated: unknown[] = [];
  handleDemand(): number[] {
    return [];
  }
  override terminate(reason: unknown): void {
    this.terminated.push(reason);
  }
}

/** How a DynamicSupervisor ends a stage child, by the child's `shutdown` policy and when it is stopped mid-start. */
describe('DynamicSupervisor: ending a stage child', () => {
  it("should kill a stage child with shutdown: 'brutal_kill' at once: done is 'killed' and its terminate does not run", async () => {
    const sup = await DynamicSupervisor.start();
    const idle = new Idle();
    const { child } = await sup.startChild({ type: 'stage', start: () => GenStage.start(idle), shutdown: 'brutal_kill' });
    expect(await sup.terminateChild(child)).to.equal(true);
    expect(await child.done).to.equal('killed');
    expect(idle.terminated).to.deep.equal([]);
    expect((await sup.countChildren()).active).to.equal(0);
    await sup.stop();
  });

  it("should wait, when stopped, for a stage child still starting, then stop it with 'shutdown' (its terminate runs)", async () => {
    const sup = await DynamicSupervisor.start();
    const idle = new Idle();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let stage: Stage<number> | undefined;
    const starting = sup.startChild({
      type: 'stage',
      start: async () => {
        await gate;
        return (stage = await GenStage.start(idle));
      },
    });
    await settle();
    let stopped = false;
    const stopping = sup.stop().then(() => (stopped = true));
    for (let i = 0; i < 5; i++) await settle();
    expect(stopped).to.equal(false); // it blocks while a process child starts
    open();
    await stopping;
    await starting;
    expect(await stage!.done).to.equal('shutdown');
    expect(idle.terminated).to.deep.equal(['shutdown']);
    expect(await sup.done).to.equal('normal');
  });
});
