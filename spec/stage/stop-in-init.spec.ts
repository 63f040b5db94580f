import { expect } from 'chai';
import { Consumer, GenStage } from '../../src/index.js';
import { Source, captureLogs } from './support.js';

/** A consumer that stops itself in `init`, before its `subscribeTo` subscriptions are sent. */
class QuitsInInit extends Consumer<number> {
  constructor(private readonly reason: unknown) {
    super();
  }
  override init(): void {
    this.stop(this.reason);
  }
  handleEvents(): void {}
}

/** Runs `fn` and resolves with every rejection nobody handled while it ran and for two turns of the event loop after. */
async function unhandledDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await fn();
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe('stage: a consumer that stops in init while started with subscribeTo', () => {
  it('should exit with its reason, subscribe to nothing, and leave no unhandled rejection', async () => {
    const source = new Source();
    const producer = await GenStage.start(source);
    let reason: unknown;
    const unhandled = await unhandledDuring(async () => {
      const consumer = await GenStage.start(new QuitsInInit('normal'), { subscribeTo: [producer] });
      reason = await consumer.done;
    });
    expect(reason).to.equal('normal');
    expect(unhandled).to.deep.equal([]);
    expect(source.subscribes).to.deep.equal([]);
    await producer.stop();
  });

  it('should report an abnormal reason through done, not as an unhandled rejection', async () => {
    const producer = await GenStage.start(new Source());
    const logs = captureLogs();
    let reason: unknown;
    let unhandled: unknown[];
    try {
      unhandled = await unhandledDuring(async () => {
        const consumer = await GenStage.start(new QuitsInInit({ bad: 'config' }), { subscribeTo: [producer] });
        reason = await consumer.done;
      });
    } finally {
      logs.restore();
    }
    expect(reason).to.deep.equal({ bad: 'config' });
    expect(unhandled).to.deep.equal([]);
    // The exit itself is reported once, as any crash nobody watched at the time.
    expect(logs.errors.length).to.equal(1);
    expect(logs.errors[0]).to.match(/QuitsInInit#\d+ exited with \{"bad":"config"\}/);
    await producer.stop();
  });
});
