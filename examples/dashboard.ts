/**
 * A word count that runs until Ctrl-C, with the dashboard open: open the URL it
 * prints to watch the stages, their demand and rates, the partitions, the
 * supervisor's children and the bottleneck.
 *
 * Run: npm run demo:dashboard [-- --seconds N] [-- --port P]
 */
import { startDashboard } from '../src/dashboard/index.js';
import { startWordCountDemo } from './support/dashboard-demo.js';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

const seconds = arg('seconds');
const dash = await startDashboard({ port: arg('port') ?? 0 });
const demo = await startWordCountDemo();
console.log(`dashboard: ${dash.url}`);
console.log(seconds === undefined ? 'Ctrl-C to stop' : `stopping after ${seconds} s`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await demo.stop();
  await dash.close();
  console.log(`stopped after counting ${demo.words().toLocaleString('en')} words`);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
if (seconds !== undefined) setTimeout(() => void stop(), seconds * 1000);
