/**
 * Word count over a file: lines are read as the flow asks for them, split into
 * words, partitioned by word into two stages that count, and the counts merged into
 * the top 10. A progress bar on stderr follows the bytes read.
 *
 * Run: npx tsx examples/word-count.ts [lines]   (generates the file first; default 200,000 lines)
 */
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flow, countByKey, flatMap, partition, takeSort, tap } from '../src/index.js';
import { generateLines } from '../bench/word-count.js';

const lines = Number(process.argv[2] ?? 200_000);
const file = join(tmpdir(), `genstage-words-${lines}.txt`);
writeFileSync(file, generateLines(lines, 7).join('\n') + '\n');
const size = statSync(file).size;

let read = 0;
let lastDrawn = -1;
function progress(bytes: number): void {
  read += bytes;
  const pct = Math.floor((read / size) * 100);
  if (pct === lastDrawn) return;
  lastDrawn = pct;
  const width = 30;
  const filled = Math.round((pct / 100) * width);
  process.stderr.write(`\rreading [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}%`);
}

const started = performance.now();
const [top] = await Flow.from(createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
  .pipe(
    tap((line: string) => progress(Buffer.byteLength(line) + 1)),
    flatMap((line: string) => line.split(' ')),
    partition({ stages: 2, key: (word: string) => word }),
    countByKey((word: string) => word),
    takeSort(10, (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  )
  .toArray();
process.stderr.write('\n');

console.log(`${lines.toLocaleString('en')} lines in ${Math.round(performance.now() - started)} ms; top 10 words:`);
for (const [word, count] of top ?? []) console.log(`${word.padEnd(12)} ${count}`);
