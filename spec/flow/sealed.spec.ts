import { expect } from 'chai';
import { Flow, map } from '../../src/flow/index.js';
import { GenStage } from '../../src/io/gen-stage.js';
import { Consumer } from '../../src/stage/consumer.js';
import { checkStartOptions } from '../../src/stage/options.js';
import { checkSupervisorOptions } from '../../src/supervisor/child-spec.js';
import { toObservable } from '../../src/interop/rxjs/to-observable.js';

class Drop extends Consumer<number> {
  handleEvents(): void {}
}

describe('Flow: no internal member is public (issue 13)', () => {
  it('a flow has no plan property, own or inherited, and no enumerable state', () => {
    const flow = Flow.from([1, 2, 3]).pipe(map((n: number) => n + 1));
    expect('plan' in flow).to.equal(false);
    expect((flow as unknown as Record<string, unknown>).plan).to.equal(undefined);
    expect(Reflect.ownKeys(flow)).to.deep.equal([]);
    expect(JSON.stringify(flow)).to.equal('{}');
  });

  it('a flow still runs after the plan went private', async () => {
    expect(await Flow.from([1, 2, 3]).pipe(map((n: number) => n * 2)).toArray()).to.deep.equal([2, 4, 6]);
  });
});

describe('one validator per shared option (issue 13 item 6)', () => {
  const messageOf = (fn: () => unknown): { name: string; code: unknown; message: string } => {
    try {
      fn();
    } catch (error) {
      const e = error as Error & { code?: unknown };
      return { name: e.name, code: e.code, message: e.message };
    }
    throw new Error('expected a throw');
  };

  it('minDemand >= maxDemand: the flow, the kernel and the conversions throw the same RangeError', async () => {
    const flow = messageOf(() => Flow.from([1], { maxDemand: 5, minDemand: 5 }));
    expect(flow).to.deep.equal({ name: 'RangeError', code: 'ERR_GENSTAGE_OUT_OF_RANGE', message: 'expected minDemand to be an integer >= 0 and < maxDemand (5), got: 5' });
    const producer = await GenStage.fromIterable([1]);
    const consumer = await GenStage.start(new Drop());
    let kernel: unknown;
    try {
      await consumer.subscribe(producer, { maxDemand: 5, minDemand: 5 });
    } catch (error) {
      kernel = { name: (error as Error).name, code: (error as { code?: unknown }).code, message: (error as Error).message };
    }
    expect(kernel).to.deep.equal(flow);
    const conversion = messageOf(() => toObservable(producer, { maxDemand: 5, minDemand: 5 }));
    expect(conversion).to.deep.equal({ ...flow, message: 'expected toObservable minDemand to be an integer >= 0 and < maxDemand (5), got: 5' });
    await consumer.stop();
    await producer.stop();
  });

  it('clock: Flow.from, GenStage.start and the supervisors throw the same TypeError', async () => {
    const bad = 42;
    const expected = { name: 'TypeError', code: 'ERR_GENSTAGE_INVALID_TYPE', message: 'expected clock to have now(), setTimeout() and clearTimeout(), got: 42' };
    expect(messageOf(() => Flow.from([1], { clock: bad as never }))).to.deep.equal(expected);
    expect(messageOf(() => checkStartOptions({ clock: bad }))).to.deep.equal(expected);
    expect(messageOf(() => checkSupervisorOptions({ clock: bad }))).to.deep.equal(expected);
  });
});
