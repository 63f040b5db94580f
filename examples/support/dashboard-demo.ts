/**
 * The live pipeline behind `npm run demo:dashboard` and the dashboard's screenshot: a
 * word count that never ends. Lines arrive in paced batches, are split into words,
 * partitioned by word over two counting stages (each emits its top words every
 * second), and a DynamicSupervisor keeps three "writer" tasks alive, one of which
 * fails now and then and is restarted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamicSupervisor, Flow, Window, flatMap, onTrigger, partition, reduce } from '../../src/index.js';
import { generateLines } from '../../bench/word-count.js';

export interface WordCountDemo {
  /** Ends the source (the flow drains and stops) and the supervisor. */
  stop(): Promise<void>;
  /** Words counted so far (at each trigger, over every partition). */
  readonly words: () => number;
}

export async function startWordCountDemo(options: { linesPerTick?: number; tickMs?: number } = {}): Promise<WordCountDemo> {
  const linesPerTick = options.linesPerTick ?? 400;
  const tickMs = options.tickMs ?? 5;
  const corpus = generateLines(4000, 7);
  const controller = new AbortController();
  const { signal } = controller;

  async function* lines(): AsyncGenerator<string> {
    let at = 0;
    while (!signal.aborted) {
      for (let i = 0; i < linesPerTick; i++) yield corpus[(at + i) % corpus.length]!;
      at += linesPerTick;
      await sleep(tickMs);
    }
  }

  let words = 0;
  const counted = Flow.from(lines(), { stages: 1, maxDemand: 500 })
    .pipe(
      flatMap((line: string) => line.split(' ')),
      partition({ stages: 2, key: (word: string) => word, window: Window.periodic(1, 'second') }),
      reduce(() => new Map<string, number>(), (word: string, acc: Map<string, number>) => acc.set(word, (acc.get(word) ?? 0) + 1)),
      // Each partition emits its five most frequent words of the second.
      onTrigger((acc: Map<string, number>) => {
        for (const n of acc.values()) words += n;
        return [[...acc].sort((a, b) => b[1] - a[1]).slice(0, 5), new Map<string, number>()];
      }),
    )
    .run();

  const writers = await DynamicSupervisor.start({ name: 'writers', maxRestarts: 1000, maxSeconds: 1 });
  for (let n = 0; n < 3; n++) {
    await writers.startChild({
      restart: 'permanent',
      start: async (id: number, abort: AbortSignal) => {
        // A writer flushes for a while; writer 2 fails now and then (and is restarted).
        await sleep(id === 2 ? 2500 : 60_000, undefined, { signal: abort }).catch(() => {});
        if (id === 2 && !abort.aborted) throw new Error('flush failed: EPIPE');
      },
    }, n);
  }

  return {
    words: () => words,
    async stop() {
      controller.abort();
      await writers.stop();
      await counted;
    },
  };
}
