import { expect } from 'chai';
import { Consumer, GenStage, Producer, ProducerConsumer, channels } from '../../src/index.js';
import { Sampler } from '../../src/dashboard/sampler.js';

/** Blocks the stage for `ms` of real time: what a heavy callback does. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* working */ }
}

class Numbers extends Producer<number> {
  private n = 0;
  handleDemand(demand: number): number[] {
    return Array.from({ length: demand }, () => this.n++);
  }
}

class Relay extends ProducerConsumer<number, number> {
  constructor(private readonly cost: number) {
    super();
  }
  handleEvents(events: number[]): number[] {
    spin(this.cost);
    return events;
  }
}

/** Resolves `reached` after `target` batches. */
class Sink extends Consumer<number> {
  batches = 0;
  private resolve!: () => void;
  readonly reached = new Promise<void>((r) => (this.resolve = r));
  constructor(private readonly cost: number, private readonly target: number) {
    super();
  }
  handleEvents(): void {
    spin(this.cost);
    if (++this.batches === this.target) this.resolve();
  }
}

async function run(sampler: Sampler, relayCost: number, sinkCost: number): Promise<ReturnType<Sampler['sample']>> {
  const a = await GenStage.start(new Numbers(), { name: 'numbers' });
  const b = await GenStage.start(new Relay(relayCost), { name: 'relay', subscribeTo: [{ to: a, maxDemand: 20 }] });
  const sink = new Sink(sinkCost, 40);
  const c = await GenStage.start(sink, { name: 'sink', subscribeTo: [{ to: b, maxDemand: 20 }] });
  sampler.sample();
  await sink.reached;
  const snapshot = sampler.sample();
  await Promise.all([c.stop(), b.stop(), a.stop()]);
  return snapshot;
}

describe('dashboard sampler', () => {
  let sampler: Sampler;
  beforeEach(() => (sampler = new Sampler()));
  afterEach(() => sampler.close());

  it('should name the busy producer-consumer the bottleneck when its consumer waits on it', async () => {
    const snap = await run(sampler, 3, 0);
    expect(snap.bottleneck?.name).to.equal('relay');
    expect(snap.bottleneck!.busy).to.be.above(0.5);
    const byName = new Map(snap.stages.map((s) => [s.name, s]));
    expect(byName.get('relay')!.busy).to.be.above(byName.get('sink')!.busy);
  });

  it('should name a slow sink the bottleneck, not the stages it holds back', async () => {
    const snap = await run(sampler, 0, 3);
    expect(snap.bottleneck?.name).to.equal('sink');
  });

  it('should count events in and out, demand and edges by name', async () => {
    const snap = await run(sampler, 0, 0);
    const byId = new Map(snap.stages.map((s) => [s.id, s]));
    expect(snap.edges.map((e) => `${byId.get(e.from)!.name} -> ${byId.get(e.to)!.name} max ${e.maxDemand} min ${e.minDemand}`).sort())
      .to.deep.equal(['numbers -> relay max 20 min 10', 'relay -> sink max 20 min 10']);
    const sink = snap.stages.find((s) => s.name === 'sink')!;
    const relay = snap.stages.find((s) => s.name === 'relay')!;
    expect(sink.inTotal).to.be.at.least(40 * 10);
    expect(relay.outTotal).to.equal(sink.inTotal);
    expect(relay.kind).to.equal('producer_consumer');
    expect(relay.dispatcher).to.equal('DemandDispatcher');
  });

  it('should name no bottleneck when every stage is mostly idle', () => {
    sampler.sample();
    const snap = sampler.sample();
    expect(snap.bottleneck).to.equal(null);
  });

  it('should forget every stage of a pipeline that has ended, even one whose last events were handled after it exited', async () => {
    const source = await GenStage.fromIterable(Array.from({ length: 50 }, (_, i) => i), { name: 'finite' });
    const sink = await GenStage.start(new Sink(0, Infinity), { name: 'finite-sink', subscribeTo: [{ to: source, maxDemand: 10 }] });
    await sink.done;
    const snap = sampler.sample();
    expect(snap.stages.map((s) => s.name)).to.deep.equal([]);
    expect(snap.edges).to.deep.equal([]);
  });

  it('should leave every channel without subscribers once closed (no cost without a dashboard)', () => {
    expect(channels.events.hasSubscribers).to.equal(true);
    sampler.close();
    for (const [key, channel] of Object.entries(channels)) expect(channel.hasSubscribers, key).to.equal(false);
  });
});
