import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import {
  Flow, Window, WorkerError, countByKey, filter, flatMap, inWorkers, map, onTrigger, partition, reduce, window, workerStage,
} from '../../src/index.js';
import { liveWorkerThreads } from '../../src/runtime/worker-thread.js';
import { range, sorted } from './helpers.js';
import { activeResources as resources, newResources as extra } from '../support/resources.js';

const WORK = new URL('../fixtures/workers/work.mjs', import.meta.url);
const STAGES = new URL('../fixtures/workers/stages.ts', import.meta.url);

async function turn(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the flow to fail');
}

const words = ['roses are red', 'violets are blue', 'sugar is sweet', 'and so are you', 'are you', 'red red red'];
const countWordsHere = (lines: string[]): Promise<[string, number][]> =>
  Flow.from(lines)
    .pipe(
      flatMap((line: string) => line.split(' ')),
      reduce(() => new Map<string, number>(), (word: string, acc) => acc.set(word, (acc.get(word) ?? 0) + 1)),
    )
    .toArray() as Promise<[string, number][]>;

describe('inWorkers', function () {
  // Each flow starts worker threads; a loaded machine makes that slow.
  this.timeout(60_000);

  let before: Map<string, number>;
  let threads: number;
  beforeEach(async () => {
    await turn();
    before = resources();
    threads = liveWorkerThreads();
  });
  afterEach(async () => {
    await turn();
    expect(liveWorkerThreads(), 'worker threads left running').to.equal(threads);
    expect(extra(before), 'resources left active').to.deep.equal([]);
  });

  describe('results', () => {
    it('should map each event with a plain exported function, in order, as map does on the main thread', async () => {
      const input = range(2500);
      const here = await Flow.from(input).pipe(map((n: number) => n * 2)).toArray();
      const there = await Flow.from(input).pipe(inWorkers<number, number>(WORK, 'double')).toArray();
      expect(there).to.deep.equal(here);
    });

    it('should hand a worker a batch of strings unchanged (crossing as one joined string), and a mixed batch as it is', async () => {
      const texts = ['roses are red', '', 'line one\nline two', 'naïve café', '😀 astral', '\ud800 lone surrogate', ' '];
      const strings = await Flow.from(texts).pipe(inWorkers<string, [string, number]>(WORK, 'thread'), map(([text]: [string, number]) => text)).toArray();
      expect(strings).to.deep.equal(texts);
      const mixed = await Flow.from<unknown>(['a', 1, null, 'b']).pipe(inWorkers<unknown, [unknown, number]>(WORK, 'thread'), map(([event]: [unknown, number]) => event)).toArray();
      expect(mixed).to.deep.equal(['a', 1, null, 'b']);
    });

    it('should give the same events with two worker stages as with two stages on the main thread', async () => {
      const input = range(3000);
      const here = await Flow.from(input, { stages: 2 }).pipe(map((n: number) => n * 2)).toArray();
      const there = await Flow.from(input, { stages: 2 }).pipe(inWorkers<number, number>(WORK, 'double')).toArray();
      expect(sorted(there)).to.deep.equal(sorted(here));
    });

    it('should run each stage of the layer in its own thread, none of them the main one', async () => {
      const out = (await Flow.from(range(4000), { stages: 2, maxDemand: 100 }).pipe(inWorkers(WORK, 'thread')).toArray()) as [number, number][];
      const ids = new Set(out.map(([, id]) => id));
      expect(ids.size).to.equal(2);
      expect(ids.has(threadId)).to.equal(false);
      expect(sorted(out.map(([n]) => n))).to.deep.equal(range(4000));
    });

    it('should await an async export and keep the order of the stage', async () => {
      expect(await Flow.from(range(30)).pipe(inWorkers<number, number>(WORK, 'doubleLater')).toArray()).to.deep.equal(range(30).map((n) => n * 2));
    });

    it('should run a workerStage reducer in the worker: the word count equals the one-thread count', async () => {
      const here = await countWordsHere(words);
      const there = await Flow.from(words).pipe(inWorkers(STAGES, 'countWords')).toArray();
      expect(sorted(there)).to.deep.equal(sorted(here));
    });

    it('should merge the partial counts of two worker stages into the one-thread count', async () => {
      const lines = Array.from({ length: 400 }, (_, i) => words[i % words.length] as string);
      const here = await countWordsHere(lines);
      const there = await Flow.from(lines, { stages: 2, maxDemand: 50 })
        .pipe(
          inWorkers<string, [string, number]>(STAGES, 'countWords'),
          partition({ key: ([word]: [string, number]) => word }),
          reduce(() => new Map<string, number>(), ([word, n]: [string, number], acc) => acc.set(word, (acc.get(word) ?? 0) + n)),
        )
        .toArray();
      expect(sorted(there)).to.deep.equal(sorted(here));
    });

    it('should fire a worker stage\'s count windows and onTrigger as the same operators do on the main thread', async () => {
      const here = await Flow.from(range(10))
        .pipe(window<number>(Window.count(3)), reduce(() => 0, (n: number, acc: number) => acc + n), onTrigger((acc: number, _p, w) => [[[w.id, acc]], 0]))
        .toArray();
      const there = await Flow.from(range(10)).pipe(inWorkers(STAGES, 'sumsOfThree')).toArray();
      expect(there).to.deep.equal(here);
      expect(there).to.deep.equal([[0, 6], [1, 15], [2, 24], [3, 10]]);
    });

    it('should send what a worker\'s window timer fires to the parent as it fires, before the input ends', async () => {
      let firstEmitted!: () => void;
      const emitted = new Promise<void>((resolve) => (firstEmitted = resolve));
      async function* source(): AsyncGenerator<number> {
        yield* [1, 2, 3];
        await emitted; // only a timer in the worker can emit now: the input has not ended
        yield* [4, 5];
      }
      const out: [number, number][] = [];
      for await (const pair of Flow.from(source()).pipe(inWorkers<number, [number, number]>(STAGES, 'periodicSums'))) {
        out.push(pair);
        firstEmitted();
      }
      // Reaching here at all shows the timer's emission: the source waited for it.
      expect(out.reduce((sum, [, s]) => sum + s, 0)).to.equal(15);
    });

    it('should run mappers piped before inWorkers on the main thread, and mappers after it on what comes back', async () => {
      const out = await Flow.from(range(10))
        .pipe(filter((n: number) => n > 3), inWorkers<number, number>(WORK, 'double'), map((n: number) => n + 1))
        .toArray();
      expect(out).to.deep.equal([9, 11, 13, 15, 17, 19, 21]);
    });

    it('should run a stateless workerStage (filter, then map) like the same pipe on the main thread', async () => {
      const here = await Flow.from(range(100)).pipe(filter((n: number) => n % 2 === 0), map((n: number) => n * n)).toArray();
      expect(await Flow.from(range(100)).pipe(inWorkers(STAGES, 'evenSquares')).toArray()).to.deep.equal(here);
    });

    it('should run a workerStage reducer followed by a mapper after a partition', async () => {
      const input = ['b', 'a', 'b', 'c', 'b', 'a'];
      const out = await Flow.from(input).pipe(partition({ stages: 2 }), inWorkers(STAGES, 'keyed')).toArray();
      expect(sorted(out)).to.deep.equal(['a=2', 'b=3', 'c=1']);
    });

    it('should copy binary events by default and move them with transfer: true', async () => {
      const copied = new Uint8Array(4096);
      expect(await Flow.from([copied]).pipe(inWorkers(WORK, 'byteLength')).toArray()).to.deep.equal([4096]);
      expect(copied.byteLength).to.equal(4096);
      const moved = new Uint8Array(4096);
      expect(await Flow.from([moved]).pipe(inWorkers(WORK, 'byteLength', { transfer: true })).toArray()).to.deep.equal([4096]);
      expect(moved.byteLength).to.equal(0); // detached: it now belongs to the worker
      const back = (await Flow.from([1000]).pipe(inWorkers(WORK, 'bytes', { transfer: true })).toArray()) as Uint8Array[];
      expect(back[0]).to.be.instanceOf(Uint8Array);
      expect([...(back[0] as Uint8Array).subarray(0, 3)]).to.deep.equal([0, 1, 2]);
      expect(back[0]!.byteLength).to.equal(1000);
    });
  });

  describe('demand', () => {
    it('should pull an endless source only as far as the stages downstream ask, with a slow consumer', async () => {
      let pulled = 0;
      function* endless(): Generator<number> {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const seen: number[] = [];
      for await (const n of Flow.from(endless(), { maxDemand: 20 }).pipe(inWorkers<number, number>(WORK, 'doubleLater')).iterate({ maxDemand: 10 })) {
        seen.push(n as number);
        if (seen.length === 10) {
          // Let everything that was asked for arrive: the source is endless, so only demand stops it.
          await new Promise((resolve) => setTimeout(resolve, 100));
          break;
        }
      }
      expect(seen).to.deep.equal(range(0, 9).map((n) => n * 2));
      // The sink's 10, the worker stage's 20 from the source, and what the stage holds for the sink.
      expect(pulled).to.be.at.most(60);
    });
  });

  describe('faults', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'genstage-workers-'));
      process.env.GENSTAGE_EXIT_MARKER = join(dir, 'exited');
      process.env.GENSTAGE_EXIT_AT = '1234';
    });
    afterEach(() => {
      delete process.env.GENSTAGE_EXIT_MARKER;
      delete process.env.GENSTAGE_EXIT_AT;
      rmSync(dir, { recursive: true, force: true });
    });

    it('should fail the flow with a WorkerError when a worker exits mid-batch', async () => {
      const error = await failure(Flow.from(range(3000)).pipe(inWorkers(WORK, 'exitOnce')).toArray());
      expect(error).to.be.instanceOf(WorkerError);
      expect((error as WorkerError).exitCode).to.equal(7);
      expect(error.message).to.equal('worker thread of work.mjs#exitOnce exited with code 7');
      expect(existsSync(process.env.GENSTAGE_EXIT_MARKER!)).to.equal(true);
    });

    it('should restart a worker killed mid-batch (restart: transient) and lose no event', async () => {
      const input = range(3000);
      const out = await Flow.from(input, { stages: 2 }).pipe(inWorkers<number, number>(WORK, 'exitOnce', { restart: 'transient' })).toArray();
      const marker = process.env.GENSTAGE_EXIT_MARKER!;
      expect(existsSync(marker), 'the worker did exit').to.equal(true);
      expect(Number(readFileSync(marker, 'utf8'))).to.not.equal(threadId);
      expect(sorted(out)).to.deep.equal(input.map((n) => n * 2));
    });

    it('should fail with the worker\'s own error, name, message and worker-side stack, when its code throws', async () => {
      const error = await failure(Flow.from(range(20)).pipe(inWorkers(WORK, 'failOn13')).toArray());
      expect(error.name).to.equal('RangeError');
      expect(error.message).to.equal('13 is unlucky');
      expect(error.stack).to.include('work.mjs');
    });

    it('should stop restarting once maxRestarts is spent, and fail with the last error', async () => {
      const error = await failure(Flow.from(range(20)).pipe(inWorkers(WORK, 'failOn13', { restart: 'transient', maxRestarts: 2 })).toArray());
      expect(error.message).to.equal('13 is unlucky');
    });

    it('should refuse restart: transient for a worker stage with a reducer, at start', async () => {
      const error = await failure(Flow.from(words).pipe(inWorkers(STAGES, 'countWords', { restart: 'transient' })).toArray());
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/restart: 'transient' needs a worker stage without a reducer/);
    });
  });

  describe('bad modules and events', () => {
    it('should reject at start, naming the file, when the module cannot be loaded', async () => {
      const missing = new URL('../fixtures/workers/missing.mjs', import.meta.url);
      const error = await failure(Flow.from([1]).pipe(inWorkers(missing, 'double')).toArray());
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/^inWorkers: worker module file:.*\/missing\.mjs could not be loaded: Cannot find module/);
    });

    it('should reject at start, listing the exports, when the export is missing', async () => {
      const error = await failure(Flow.from([1]).pipe(inWorkers(WORK, 'tripple')).toArray());
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/has no export "tripple" \(its exports: .*double.*\)$/);
    });

    it('should reject at start when the export is neither a function nor a workerStage', async () => {
      const error = await failure(Flow.from([1]).pipe(inWorkers(WORK, 'notAFunction')).toArray());
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/export "notAFunction" is neither a function nor a workerStage\(\.\.\.\) \(got: object\)$/);
    });

    it('should reject the module and export arguments at the call', () => {
      expect(() => inWorkers('./work.mjs', 'double')).to.throw(TypeError, /expected module to be a URL .* or an absolute path, got: ".\/work.mjs"/);
      expect(() => inWorkers(WORK, '')).to.throw(TypeError, /expected exportName to be the name of an export/);
      expect(() => inWorkers(fileURLToPath(WORK), 'double', { restart: 'permanent' as never })).to.throw(RangeError, /expected restart to be one of 'temporary', 'transient', got: "permanent"/);
      expect(() => inWorkers(WORK, 'double', { transfer: 1 as never })).to.throw(TypeError, /expected transfer to be a boolean, got: 1/);
      expect(() => inWorkers(WORK, 'double', { stages: 2 } as never)).to.throw(TypeError, /unknown option stages in inWorkers options/);
    });

    it('should refuse a reducer in the same stage, before or after, and operators that add stages inside workerStage', () => {
      const sum = reduce(() => 0, (n: number, acc: number) => acc + n);
      expect(() => Flow.from([1]).pipe(sum, inWorkers(WORK, 'double'))).to.throw(TypeError, /inWorkers: this stage already has a reducer/);
      expect(() => Flow.from([1]).pipe(inWorkers(WORK, 'double'), sum)).to.throw(TypeError, /reduce: this stage runs in workers \(work.mjs#double\)/);
      expect(() => Flow.from([1]).pipe(inWorkers(WORK, 'double'), window(Window.count(2)))).to.throw(TypeError, /set the window inside its workerStage/);
      expect(() => workerStage(map((n: number) => n), partition({ stages: 2 }))).to.throw(TypeError, /workerStage: its operators must run in one stage/);
      expect(() => workerStage(countByKey((w: string) => w), countByKey((w: string) => w))).to.throw(TypeError, /already has a reducer/);
    });

    it('should fail with a TypeError naming the event and the field that cannot be cloned', async () => {
      const events = [{ n: 1 }, { n: 2, callback: () => 2 }];
      const error = await failure(Flow.from(events).pipe(inWorkers(WORK, 'double')).toArray());
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/^inWorkers\(work\.mjs#double\): event 1 of 2 \(at \.callback\) is a function, which cannot be structured-cloned \(DataCloneError: .* could not be cloned\.\)$/);
    });

    it('should fail with a TypeError naming the result that cannot be cloned back', async () => {
      const error = await failure(Flow.from([1, 2]).pipe(inWorkers(WORK, 'returnsFunction')).toArray());
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/^inWorkers\(work\.mjs#returnsFunction\): result 0 of 2 \(at \.callback\) is a function, which cannot be structured-cloned/);
    });
  });

  describe('start-up', () => {
    // Each thread of GATE says 'loading' and waits for 'go' before it is ready. Started
    // one after the other, the second thread would start only once the first is ready:
    // the spec lets them go after 10 s anyway, and fails.
    const GATE = new URL('../fixtures/workers/gate.mjs', import.meta.url);

    it('should start the threads of a layer\'s stages together, not one after the other', async () => {
      const channel = new BroadcastChannel('genstage-spec:worker-start');
      let loading = 0;
      let released = false;
      let bothLoading!: () => void;
      const both = new Promise<void>((resolve) => (bothLoading = resolve));
      channel.onmessage = (event: MessageEvent) => {
        if (event.data !== 'loading') return;
        loading++;
        if (released) channel.postMessage('go');
        else if (loading === 2) bothLoading();
      };
      const out = Flow.from(range(6), { stages: 2 }).pipe(inWorkers<number, number>(GATE, 'double')).toArray();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([both, new Promise<void>((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
      const loadingAtOnce = loading;
      released = true;
      channel.postMessage('go');
      try {
        expect(sorted(await out)).to.deep.equal([2, 4, 6, 8, 10, 12]);
      } finally {
        channel.close();
      }
      expect(loadingAtOnce, 'threads loading at the same time').to.equal(2);
    });

    it('should reject the flow with the error of a stage that failed to start, and end the threads of the others', async () => {
      const error = await failure(Flow.from(range(6), { stages: 3 }).pipe(inWorkers(WORK, 'tripple')).toArray());
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.match(/^inWorkers: worker module file:.*work\.mjs has no export "tripple" \(its exports: /);
    });
  });

  describe('lifetime', () => {
    it('should end the workers when the loop over the flow breaks early', async () => {
      let n = 0;
      for await (const _ of Flow.from(range(100_000), { stages: 2 }).pipe(inWorkers(WORK, 'double'))) if (++n === 5) break;
      expect(n).to.equal(5);
    });

    it('should stop a flow left before it had started, and end its workers', async () => {
      const iterator = Flow.from(range(10)).pipe(inWorkers(WORK, 'spin'))[Symbol.asyncIterator]();
      const first = iterator.next(); // starts the flow
      await iterator.return!(); // at once: the flow is still starting its stages
      expect(await first).to.deep.equal({ value: undefined, done: true });
    });

    it('should end a worker stuck in a synchronous loop when its flow is stopped', async () => {
      const iterator = Flow.from(range(10)).pipe(inWorkers(WORK, 'spin'))[Symbol.asyncIterator]();
      const first = iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await iterator.return!();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settled = await Promise.race([
        first.then(() => 'settled', () => 'settled'),
        new Promise((resolve) => (timer = setTimeout(() => resolve('pending'), 10_000))),
      ]);
      clearTimeout(timer);
      expect(settled).to.equal('settled');
    });
  });
});
