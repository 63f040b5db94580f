/**
 * The page of the headless browser spec (browser.spec.ts bundles it with esbuild for
 * `--platform=browser`, from the built package when it is fresh, else from src). It
 * runs genstage in the page, then sets `window.__genstage` to the results or to
 * `{ error }`. The three imports below are the package's entries `genstage`,
 * `genstage/web` and `genstage/rxjs`.
 */
import { Consumer, Flow, GenStage, channels, filter, map, partition } from '../../src/index.js';
import { fromReadableStream, toReadableStream } from '../../src/interop/web/index.js';
import { fromObservable, throughFlow, toObservable } from '../../src/interop/rxjs/index.js';
import { lastValueFrom, range, toArray } from 'rxjs';

export interface PageResults {
  nodeGlobals: string[];
  fetched: { lines: number; sum: number; chunks: number };
  toReadableStream: number[];
  readableStreamToObservable: string[];
  observableToFlow: number[];
  throughFlowInRxjs: number[];
  backPressure: { consumed: number[]; pulls: number; maxAhead: number };
  eventsMessages: number;
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const reader = stream.getReader();
  const out: T[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

function streamOf<T>(items: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });
}

/** A Flow over a `fetch` Response body: bytes decoded in order, split into lines, summed. */
async function fetched(): Promise<PageResults['fetched']> {
  const response = await fetch('/numbers.txt');
  const decoder = new TextDecoder();
  const chunks = await Flow.from<Uint8Array>(response.body as ReadableStream<Uint8Array>)
    .pipe(map((bytes: Uint8Array) => decoder.decode(bytes, { stream: true })))
    .toArray();
  const lines = chunks.join('').split('\n').filter((line) => line !== '');
  return { lines: lines.length, sum: lines.reduce((s, line) => s + Number(line), 0), chunks: chunks.length };
}

/**
 * A slow consumer (maxDemand 10, 5 ms per batch) over an endless pull-counting stream:
 * how far the stream was read ahead of what the consumer handled.
 */
async function backPressure(): Promise<PageResults['backPressure']> {
  let pulls = 0;
  let next = 0;
  const source = new ReadableStream<number>(
    {
      pull(controller) {
        pulls++;
        controller.enqueue(next++);
      },
    },
    { highWaterMark: 0 },
  );
  const consumed: number[] = [];
  let maxAhead = 0;
  class Slow extends Consumer<number> {
    async handleEvents(events: number[]): Promise<void> {
      consumed.push(...events);
      maxAhead = Math.max(maxAhead, pulls - consumed.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (consumed.length >= 50) this.stop('normal');
    }
  }
  const producer = await fromReadableStream(source);
  const consumer = await GenStage.start(new Slow(), { subscribeTo: [{ to: producer, maxDemand: 10, minDemand: 5 }] });
  await consumer.done;
  await producer.stop();
  return { consumed, pulls, maxAhead };
}

async function main(): Promise<PageResults> {
  let eventsMessages = 0;
  const countEvents = (): void => {
    eventsMessages++;
  };
  channels.events.subscribe(countEvents);
  const nodeGlobals = ['process', 'Buffer', 'setImmediate', 'require', 'global'].filter(
    (name) => typeof (globalThis as Record<string, unknown>)[name] !== 'undefined',
  );
  const results: PageResults = {
    nodeGlobals,
    fetched: await fetched(),
    toReadableStream: await readAll(toReadableStream(Flow.from([1, 2, 3, 4, 5]).pipe(map((n: number) => n * 2)))),
    readableStreamToObservable: await lastValueFrom(
      toObservable(await fromReadableStream(streamOf(['a', 'b', 'c']))).pipe(toArray()),
    ),
    observableToFlow: (
      await Flow.from(await fromObservable(range(1, 20)))
        .pipe(filter((n: number) => n % 2 === 0), partition({ stages: 2, key: (n: number) => n % 4 }), map((n: number) => n * 10))
        .toArray()
    ).sort((a, b) => a - b),
    throughFlowInRxjs: await lastValueFrom(
      range(1, 5).pipe(
        throughFlow((flow: Flow<number>) => flow.pipe(map((n: number) => n * n))),
        toArray(),
      ),
    ),
    backPressure: await backPressure(),
    eventsMessages: 0,
  };
  channels.events.unsubscribe(countEvents);
  results.eventsMessages = eventsMessages;
  return results;
}

const w = window as unknown as { __genstage?: PageResults | { error: string } };
main().then(
  (results) => {
    w.__genstage = results;
  },
  (error: unknown) => {
    w.__genstage = { error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error) };
  },
);
