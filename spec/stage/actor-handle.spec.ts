import { expect } from 'chai';
import { ActorHandle, ConsumerSupervisor, DynamicSupervisor, GenStage, Producer, Stage, TaskSupervisor } from '../../src/index.js';

class Idle extends Producer<number> {
  handleDemand(): number[] {
    return [];
  }
}

describe('ActorHandle', () => {
  it('should be the base of Stage and the three supervisors, each showing the name, liveness and exit reason of the actor behind it', async () => {
    const stage = await GenStage.start(new Idle(), { name: 'idle' });
    const dynamic = await DynamicSupervisor.start({ name: 'dyn' });
    const consumer = await ConsumerSupervisor.start<number>({ child: async () => {}, name: 'cons' });
    const tasks = await TaskSupervisor.start({ name: 'tasks' });
    const handles: ActorHandle[] = [stage, dynamic, consumer, tasks];
    expect(handles.map((h) => h instanceof ActorHandle)).to.deep.equal([true, true, true, true]);
    expect(stage).to.be.an.instanceOf(Stage);
    expect(handles.map((h) => [h.name, h.alive])).to.deep.equal([['idle', true], ['dyn', true], ['cons', true], ['tasks', true]]);
    // A ConsumerSupervisor is a handle on its stage's actor, a TaskSupervisor on its DynamicSupervisor's.
    expect([consumer.stage.name, tasks.supervisor.name]).to.deep.equal(['cons', 'tasks']);

    await stage.stop('shutdown');
    await dynamic.stop({ shutdown: 'dyn' });
    await consumer.stop('normal');
    await tasks.stop({ shutdown: 'tasks' });
    expect(handles.map((h) => h.alive)).to.deep.equal([false, false, false, false]);
    expect(await Promise.all(handles.map((h) => h.done))).to.deep.equal(['shutdown', { shutdown: 'dyn' }, 'normal', { shutdown: 'tasks' }]);
    expect([consumer.stage.alive, tasks.supervisor.alive]).to.deep.equal([false, false]);
  });
});
