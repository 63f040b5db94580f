// Run by .ci/package-check.sh in a project that installed the tarball: a flow with two
// worker stages, whose worker module (./count-words.worker.mjs) imports genstage/worker,
// runs with no option (no TypeScript loader) and counts what the main thread counts.
import { Flow, inWorkers } from 'genstage';

const lines = Array.from({ length: 2_000 }, (_, i) => `w${i % 7} w${i % 3} x`);
const pairs = await Flow.from(lines, { stages: 2 })
  .pipe(inWorkers(new URL('./count-words.worker.mjs', import.meta.url), 'countWords'))
  .toArray();
const counts = new Map();
for (const [word, n] of pairs) counts.set(word, (counts.get(word) ?? 0) + n);
const expected = new Map();
for (const line of lines) for (const word of line.split(' ')) expected.set(word, (expected.get(word) ?? 0) + 1);
const show = (m) => JSON.stringify([...m].sort());
if (show(counts) !== show(expected)) throw new Error(`worker-flow: counted ${show(counts)}, expected ${show(expected)}`);
console.log(`worker-flow ok: ${lines.length} lines counted in two worker threads (${counts.size} words)`);
