import { expect } from 'chai';
import { Consumer, ConsumerSupervisor, DynamicSupervisor, GenStage, TaskSupervisor, superviseStage } from '../../src/index.js';
import { settle } from '../../src/testing/index.js';

// A task child is always called with its arguments and then its own AbortSignal, as the
// TaskFunction type says, whatever its source looks like: the library does not read the
// function's source text to decide.
// `arguments`, spelled so that neither the transpiler nor anything reading a function's
// source text sees the word in the functions below (a direct eval of it reads them).
const ARGUMENTS = ['argu', 'ments'].join('');

describe('task children and their AbortSignal', () => {
  it('should give the signal after the arguments to every asyncStream task function, however it is written', async () => {
    const received: [string, unknown][] = [];
    const forms: [string, (n: number, signal: AbortSignal) => unknown][] = [
      ['() =>', () => 1],
      ['n =>', (n: number) => n],
      ['function (n) reading arguments[1]', function (n: number) {
        // eslint-disable-next-line prefer-rest-params
        received.push(['function (n) reading arguments[1]', arguments[1]]);
        return n;
      }],
      ['(n, signal = undefined) =>', (n: number, signal: unknown = undefined) => received.push(['(n, signal = undefined) =>', signal])],
      ['(n, ...rest) =>', (n: number, ...rest: unknown[]) => received.push(['(n, ...rest) =>', rest[0]])],
      ['a function that reads its arguments where no source scan sees it', function (n: number) {
        // eslint-disable-next-line no-eval
        const all = eval(ARGUMENTS) as IArguments;
        received.push(['a function that reads its arguments where no source scan sees it', all[1]]);
        return n;
      }],
      ['a bound function', function (this: unknown, n: number, signal: AbortSignal) {
        received.push(['a bound function', signal]);
        return n;
      }.bind(null)],
    ];
    const tasks = await TaskSupervisor.start();
    const results: unknown[] = [];
    for (const [, fn] of forms) {
      for await (const r of tasks.asyncStream([7], fn)) results.push(r);
    }
    await tasks.stop();
    expect(results).to.have.length(forms.length);
    // The five forms that can look each saw an AbortSignal.
    expect(received.map(([name]) => name)).to.deep.equal([
      'function (n) reading arguments[1]', '(n, signal = undefined) =>', '(n, ...rest) =>',
      'a function that reads its arguments where no source scan sees it', 'a bound function',
    ]);
    expect(received.map(([, signal]) => signal instanceof AbortSignal)).to.deep.equal([true, true, true, true, true]);
  });

  it('should hand a one-parameter ConsumerSupervisor child (n) => ... the signal as its second argument', async () => {
    const seen: unknown[][] = [];
    const source = await GenStage.fromIterable([1, 2]);
    const child = function (n: number) {
      seen.push([n, (eval(ARGUMENTS) as IArguments)[1]]); // eslint-disable-line no-eval
      return Promise.resolve();
    };
    const sup = await ConsumerSupervisor.start<number>({ child, subscribeTo: [source] });
    expect(await sup.done).to.equal('normal');
    expect(seen.map(([n]) => n)).to.deep.equal([1, 2]);
    expect(seen.every(([, signal]) => signal instanceof AbortSignal)).to.equal(true);
    expect(seen[0]![1]).to.not.equal(seen[1]![1]); // a signal of its own each
  });

  it('should hand the signal after the arguments, and nothing more', async () => {
    const seen: unknown[][] = [];
    const source = await GenStage.fromIterable([1, 2]);
    const sup = await ConsumerSupervisor.start<number>({
      child: (...args: unknown[]) => {
        seen.push(args);
        return Promise.resolve();
      },
      subscribeTo: [source],
    });
    expect(await sup.done).to.equal('normal');
    expect(seen.map((args) => args.length)).to.deep.equal([2, 2]);
    expect(seen.map((args) => args[0])).to.deep.equal([1, 2]);
    expect(seen.every((args) => args[1] instanceof AbortSignal)).to.equal(true);

    const tasks = await TaskSupervisor.start();
    const counts: number[] = [];
    for await (const n of tasks.asyncStream([1, 2], function (this: unknown) {
      counts.push(arguments.length); // eslint-disable-line prefer-rest-params
      return 0;
    })) void n;
    const plain: number[] = [];
    for await (const n of tasks.asyncStream([3], (n: number) => n * 2)) plain.push(n);
    await settle();
    expect(counts).to.deep.equal([2, 2]);
    expect(plain).to.deep.equal([6]);
    await tasks.stop();
  });

  it('should call a task with its arguments only when its spec opts out with signal: false', async () => {
    const counts: number[] = [];
    const count = function (...args: unknown[]): number {
      counts.push(args.length);
      return 1;
    };
    const source = await GenStage.fromIterable([1]);
    const sup = await ConsumerSupervisor.start<number>({ child: { start: count, signal: false }, subscribeTo: [source] });
    expect(await sup.done).to.equal('normal');

    const numbers = await GenStage.fromIterable([1, 2]);
    const middle = await GenStage.start(superviseStage(count, { signal: false }), { subscribeTo: [numbers] });
    class Sink extends Consumer<number> {
      handleEvents(): void {}
    }
    const end = await GenStage.start(new Sink(), { subscribeTo: [middle] });
    expect(await end.done).to.equal('normal');

    const tasks = await TaskSupervisor.start();
    for await (const r of tasks.asyncStream([1], count, { signal: false })) void r;
    for await (const r of tasks.asyncStream([1], count)) void r;
    await tasks.stop();
    expect(counts).to.deep.equal([1, 1, 1, 1, 2]);
  });

  it('should check the signal option at the call, naming it and the value', async () => {
    const sup = await DynamicSupervisor.start();
    expect(() => sup.startChild({ start: () => 1, signal: 'no' as never })).to.throw(TypeError, 'expected child spec.signal to be a boolean, got: "no"');
    expect(() => sup.startChild({ type: 'stage', start: () => GenStage.fromIterable([]), signal: false } as never))
      .to.throw(TypeError, "expected child spec.signal to be left out for a 'stage' child (it applies to task children), got: false");
    expect(() => superviseStage(() => 1, { signal: 1 as never })).to.throw(TypeError, 'expected signal to be a boolean, got: 1');
    const tasks = await TaskSupervisor.start();
    expect(() => tasks.asyncStream([1], () => 1, { signal: null as never })).to.throw(TypeError, 'expected signal to be a boolean, got: null');
    await tasks.stop();
    await sup.stop();
  });
});
