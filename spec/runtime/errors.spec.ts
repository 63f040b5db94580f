import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CallTimeoutError, DynamicSupervisor, ErrorCodes, Flow, GenStage, Producer, Reasons, StageExitError, StartChildError,
  TaskTimeoutError, WorkerError, isNormalReason, map, reduceByKey,
} from '../../src/index.js';
import { BufferOverflowError } from '../../src/interop/rxjs/index.js';
import { codedError, rangeError, typeError } from '../../src/runtime/errors.js';

function srcFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? srcFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

class Numbers extends Producer<number> {
  handleDemand(): number[] {
    return [];
  }
}

describe('runtime: error codes', () => {
  describe('the factories', () => {
    it('should make a TypeError that is still a TypeError, with the code as an own property and the message unchanged', () => {
      const error = typeError(ErrorCodes.INVALID_TYPE, 'expected count to be an integer >= 0, got: "3"');
      expect(error).to.be.instanceOf(TypeError);
      expect(Object.getPrototypeOf(error)).to.equal(TypeError.prototype);
      expect([error.name, error.message, error.code]).to.deep.equal([
        'TypeError', 'expected count to be an integer >= 0, got: "3"', 'ERR_GENSTAGE_INVALID_TYPE',
      ]);
    });

    it('should make a RangeError with its code, and keep the cause it is given', () => {
      const cause = new Error('inner');
      const error = rangeError(ErrorCodes.OUT_OF_RANGE, 'expected maxDemand to be an integer >= 1, got: 0', { cause });
      expect(error).to.be.instanceOf(RangeError);
      expect([error.name, error.code, error.cause]).to.deep.equal(['RangeError', 'ERR_GENSTAGE_OUT_OF_RANGE', cause]);
    });

    it('should start the stack at the caller, not inside the factory', () => {
      const error = codedError(Error, ErrorCodes.CLOSED, 'closed');
      const firstFrame = error.stack?.split('\n')[1] ?? '';
      expect(firstFrame).to.contain('errors.spec.ts');
      expect(typeError(ErrorCodes.INVALID_TYPE, 'x').stack?.split('\n')[1] ?? '').to.contain('errors.spec.ts');
    });
  });

  describe('the codes', () => {
    it('should be distinct, each ERR_GENSTAGE_ followed by its key', () => {
      const entries = Object.entries(ErrorCodes);
      expect(entries.filter(([key, code]) => code !== `ERR_GENSTAGE_${key}`)).to.deep.equal([]);
      expect(new Set(Object.values(ErrorCodes)).size).to.equal(entries.length);
    });

    it('should each be listed in docs/errors.md', () => {
      const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
      expect(Object.values(ErrorCodes).filter((code) => !doc.includes(`| \`${code}\` |`))).to.deep.equal([]);
    });

    it('should leave no TypeError or RangeError in src/ built without a code (new TypeError / new RangeError)', () => {
      const root = new URL('../../src', import.meta.url).pathname;
      const offenders = srcFiles(root)
        .filter((file) => !file.endsWith(join('runtime', 'errors.ts')))
        .flatMap((file) => readFileSync(file, 'utf8').split('\n').map((line, i) => [file.slice(root.length + 1), i + 1, line] as const))
        .filter(([, , line]) => /new (TypeError|RangeError)\(/.test(line))
        .map(([file, n]) => `${file}:${n}`);
      expect(offenders).to.deep.equal([]);
    });
  });

  describe('the runtime error classes', () => {
    it('should each carry their own code', () => {
      const errors: [Error & { code: string }, string][] = [
        [new StageExitError('noproc'), 'ERR_GENSTAGE_STAGE_EXIT'],
        [new CallTimeoutError(5), 'ERR_GENSTAGE_CALL_TIMEOUT'],
        [new StartChildError('max_children'), 'ERR_GENSTAGE_START_CHILD'],
        [new TaskTimeoutError(5), 'ERR_GENSTAGE_TASK_TIMEOUT'],
        [new WorkerError('worker thread of m#f exited with code 1', 1), 'ERR_GENSTAGE_WORKER'],
        [new BufferOverflowError(4), 'ERR_GENSTAGE_BUFFER_OVERFLOW'],
      ];
      expect(errors.map(([error]) => [error.name, error.code])).to.deep.equal(errors.map(([error, code]) => [error.name, code]));
    });

    it('should reject a call to a stage that has exited with StageExitError code ERR_GENSTAGE_STAGE_EXIT', async () => {
      const stage = await GenStage.start(new Numbers());
      await stage.stop();
      const error = (await stage.call('x').catch((e: unknown) => e)) as StageExitError;
      expect([error.constructor, error.code, error.reason]).to.deep.equal([StageExitError, 'ERR_GENSTAGE_STAGE_EXIT', 'normal']);
    });

    it("should refuse a child past maxChildren with StartChildError code ERR_GENSTAGE_START_CHILD and reason Reasons.MAX_CHILDREN", async () => {
      const sup = await DynamicSupervisor.start({ maxChildren: 1 });
      await sup.startChild((signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())));
      const error = (await sup.startChild(async () => {}).catch((e: unknown) => e)) as StartChildError;
      expect([error.code, error.reason]).to.deep.equal(['ERR_GENSTAGE_START_CHILD', Reasons.MAX_CHILDREN]);
      await sup.stop();
    });

    it('should fail a flow whose events are not pairs with a TypeError code ERR_GENSTAGE_INVALID_RETURN', async () => {
      const error = (await Flow.from([3])
        .pipe(map((n: number) => n as unknown as [string, number]), reduceByKey((a: number, b: number) => a + b))
        .toArray()
        .catch((e: unknown) => e)) as TypeError & { code?: string };
      expect([error.constructor, error.code, error.message]).to.deep.equal([
        TypeError, 'ERR_GENSTAGE_INVALID_RETURN', 'reduceByKey: expected each event to be a [key, value] pair, got: 3',
      ]);
    });
  });
});

describe('runtime: Reasons', () => {
  it('should be the strings users compare exit reasons with', () => {
    expect(Reasons).to.deep.equal({
      NORMAL: 'normal', SHUTDOWN: 'shutdown', NOPROC: 'noproc', KILLED: 'killed', MAX_CHILDREN: 'max_children',
      UNKNOWN_SUBSCRIPTION: 'unknown_subscription', DUPLICATED_SUBSCRIPTION: 'duplicated_subscription', ALREADY_SUBSCRIBED: 'already_subscribed',
    });
  });

  it('should count NORMAL and SHUTDOWN as normal reasons and the kernel reasons as abnormal', () => {
    expect(Object.values(Reasons).map((r) => [r, isNormalReason(r)])).to.deep.equal([
      ['normal', true], ['shutdown', true], ['noproc', false], ['killed', false], ['max_children', false],
      ['unknown_subscription', false], ['duplicated_subscription', false], ['already_subscribed', false],
    ]);
  });

  it('should end a stage stopped without a reason with Reasons.NORMAL', async () => {
    const stage = await GenStage.start(new Numbers());
    await stage.stop();
    expect(await stage.done).to.equal(Reasons.NORMAL);
  });
});
