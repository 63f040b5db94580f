/**
 * pmap, chunked map and farming on a TaskSupervisor.
 *
 * - pmap: one task per item, at most 4 at once, results in input order.
 * - chunked map: one task per chunk of 10 items, fewer and larger tasks.
 * - farming: results as they finish (`ordered: false`); a task past its timeout is
 *   stopped (its signal fires) and replaced by a fallback value.
 *
 * Run: npx tsx examples/pmap.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskSupervisor } from '../src/index.js';

async function square(n: number, signal: AbortSignal): Promise<number> {
  await sleep(5 + (n % 7) * 3, undefined, { signal });
  return n * n;
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const tasks = await TaskSupervisor.start();
const numbers = Array.from({ length: 40 }, (_, i) => i);

const squares: number[] = [];
for await (const s of tasks.asyncStream(numbers, square, { maxConcurrency: 4 })) squares.push(s);
console.log('pmap      ', squares.slice(0, 10).join(' '), '...');

const sums: number[] = [];
for await (const sum of tasks.asyncStream(chunks(numbers, 10), async (chunk, signal) => {
  let total = 0;
  for (const n of chunk) total += await square(n, signal);
  return total;
}, { maxConcurrency: 2 })) sums.push(sum);
console.log('chunked   ', sums.join(' '));

const farmed: (number | string)[] = [];
for await (const r of tasks.asyncStream(numbers.slice(0, 12), (n, signal) => (n === 5 ? sleep(10_000, -1, { signal }) : square(n, signal)), {
  maxConcurrency: 6,
  ordered: false,
  timeout: 200,
  onTimeout: (n) => `timeout(${n})`,
})) farmed.push(r);
console.log('farming   ', farmed.join(' '));

await tasks.stop();
