import { expect } from 'chai';
import { ConsumerSupervisor, GenStage, TaskSupervisor } from '../../src/index.js';
import { takesSignal } from '../../src/supervisor/children.js';
import { settle } from '../../src/testing/index.js';

// A task child is given an AbortSignal after its arguments, unless it cannot receive
// one (making a signal is the costliest part of a child's start on Node 20).
describe('task children and their AbortSignal', () => {
  it('should give a signal to every function that may read one, and to any whose parameters do not read plainly', () => {
    const oneArg: [string, (...args: never[]) => unknown][] = [
      ['(n, signal) =>', (n: number, signal: AbortSignal) => [n, signal]],
      ['(...args) =>', (...args: unknown[]) => args],
      ['(n, ...rest) =>', (n: number, ...rest: unknown[]) => [n, rest]],
      ['(n, signal = undefined) =>', (n: number, signal: unknown = undefined) => [n, signal]],
      ['({ a }, signal) =>', ({ a }: { a: number }, signal: AbortSignal) => [a, signal]],
      ['([a]) =>', ([a]: number[]) => a],
      ['function using arguments', function () {
        return arguments.length; // eslint-disable-line prefer-rest-params
      }],
      ['async function (n, signal)', async function (n: number, signal: AbortSignal) {
        return [n, signal];
      }],
      ['a bound function', ((n: number) => n).bind(null)],
      ['a native function', Math.max],
      ['a function whose length was redefined', Object.defineProperty((n: number, signal: AbortSignal) => [n, signal], 'length', { value: 1 })],
    ];
    for (const [name, fn] of oneArg) expect(takesSignal(fn, 1), name).to.equal(true);
    expect(takesSignal((signal: AbortSignal) => signal, 0), '(signal) with no arguments').to.equal(true);
  });

  it('should give none to a function that declares no parameter for it', () => {
    const oneArg: [string, (...args: never[]) => unknown][] = [
      ['() =>', () => 1],
      ['async () =>', async () => 1],
      ['n =>', (n: number) => n],
      ['function named(n)', function named(n: number) {
        return n;
      }],
      ['a method', { run(n: number) { return n; } }.run],
    ];
    for (const [name, fn] of oneArg) expect(takesSignal(fn, 1), name).to.equal(false);
    expect(takesSignal((a: number, b: number) => a + b, 2), '(a, b) with two arguments').to.equal(false);
  });

  it('should hand the signal after the arguments to children that take it, and nothing more to those that do not', async () => {
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
    expect(seen[0]![1]).to.not.equal(seen[1]![1]); // a signal of its own each

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
});
