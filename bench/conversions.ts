/**
 * Conversions: 1,000,000 numbers from an array, doubled, summed at the far end of
 * a flow converted to a WHATWG `ReadableStream`, a Node `Readable` and an RxJS
 * `Observable`, each against the native pipeline of that stream kind doing the same
 * work (`ReadableStream.from` + `TransformStream`, `Readable.from` + `Transform`,
 * RxJS `from` + `map`), in the same process, best of several rounds, interleaved.
 *
 * Run alone: npx tsx bench/conversions.ts
 */
import { Readable, Transform } from 'node:stream';
import { from as rxFrom, map as rxMap } from 'rxjs';
import { Flow, map } from '../src/index.js';
import { toObservable } from '../src/interop/rxjs/index.js';
import { toReadable } from '../src/interop/node/index.js';
import { toReadableStream } from '../src/interop/web/index.js';

export interface ConversionRow {
  /** `flow → ReadableStream`, `native ReadableStream`... */
  name: string;
  /** Events per second (best round). */
  eventsPerSecond: number;
  /** For a genstage row: its rate over the native pipeline's of the same kind. */
  ratio?: number;
}

const COUNT = 1_000_000;

type Run = (input: number[]) => Promise<number>;

async function sumStream(stream: ReadableStream<number>): Promise<number> {
  const reader = stream.getReader();
  let sum = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return sum;
    sum += r.value;
  }
}

function sumReadable(readable: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let sum = 0;
    readable.on('data', (n: number) => (sum += n));
    readable.on('end', () => resolve(sum));
    readable.on('error', reject);
  });
}

function sumObservable(observable: { subscribe(o: { next(n: number): void; error(e: unknown): void; complete(): void }): unknown }): Promise<number> {
  return new Promise((resolve, reject) => {
    let sum = 0;
    observable.subscribe({ next: (n) => (sum += n), error: reject, complete: () => resolve(sum) });
  });
}

const double = (n: number): number => n * 2;
const flowOf = (input: number[]): Flow<number> => Flow.from(input).pipe(map(double));

/** Pairs of [genstage conversion, native pipeline of the same kind]. */
const pairs: [string, Run, string, Run][] = [
  [
    'flow → ReadableStream', (input) => sumStream(toReadableStream(flowOf(input))),
    'native ReadableStream', (input) =>
      sumStream((ReadableStream as unknown as { from(i: Iterable<number>): ReadableStream<number> }).from(input)
        .pipeThrough(new TransformStream<number, number>({ transform: (n, c) => c.enqueue(double(n)) }))),
  ],
  [
    'flow → Readable', (input) => sumReadable(toReadable(flowOf(input), { highWaterMark: 1000 })),
    'native Readable', (input) =>
      sumReadable(Readable.from(input, { highWaterMark: 1000 }).pipe(new Transform({
        objectMode: true,
        highWaterMark: 1000,
        transform(n: number, _e, callback) {
          callback(null, double(n));
        },
      }))),
  ],
  [
    'flow → Observable', (input) => sumObservable(toObservable(flowOf(input))),
    'native RxJS', (input) => sumObservable(rxFrom(input).pipe(rxMap(double))),
  ],
];

/**
 * Runs every pipeline `rounds` times (interleaved) over `count` numbers and returns the
 * best rate of each. The spec passes a small `count`: its work is bounded, so its time
 * does not depend on how loaded the machine is.
 */
export async function conversions(rounds = 5, count = COUNT): Promise<ConversionRow[]> {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`expected count to be an integer >= 1, got: ${count}`);
  const input = Array.from({ length: count }, (_, i) => i);
  const expected = count * (count - 1); // sum of 2n for n < count
  const best = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (const [ours, runOurs, native, runNative] of pairs) {
      for (const [name, run] of [[ours, runOurs], [native, runNative]] as const) {
        const t0 = performance.now();
        const sum = await run(input);
        const ms = performance.now() - t0;
        if (sum !== expected) throw new Error(`${name} summed ${sum}, expected ${expected}`);
        best.set(name, Math.max(best.get(name) ?? 0, count / (Math.max(ms, 0.001) / 1000)));
      }
    }
  }
  const rows: ConversionRow[] = [];
  for (const [ours, , native] of pairs) {
    const a = best.get(ours) as number;
    const b = best.get(native) as number;
    rows.push({ name: ours, eventsPerSecond: a, ratio: a / b }, { name: native, eventsPerSecond: b });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await conversions();
  console.log('conversions: 1,000,000 numbers, doubled, summed at the end (best of 5)');
  for (const row of rows) {
    const ratio = row.ratio === undefined ? '' : `  ${row.ratio.toFixed(2)}x native`;
    console.log(`${row.name.padEnd(24)} ${(row.eventsPerSecond / 1e6).toFixed(2).padStart(7)} M events/s${ratio}`);
  }
}
