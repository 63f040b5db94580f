/**
 * Event-time windows: page views with their own timestamps, arriving a little out
 * of order, counted per page in fixed 1-minute windows. A window closes once every
 * source has moved past it; events up to 30 s late still count (the window fires
 * 'watermark', then 'done' after the lateness), later ones go to the late hook.
 *
 * Run: npx tsx examples/event-time-window.ts
 */
import { Flow, Window, countByKey, onTrigger } from '../src/index.js';

interface View {
  page: string;
  at: number; // ms since the start of the day
}

const minute = 60_000;
const views: View[] = [
  { page: '/home', at: 5_000 },
  { page: '/docs', at: 20_000 },
  { page: '/home', at: 61_000 },
  { page: '/home', at: 50_000 }, // out of order, same batch: still in window 0
  { page: '/docs', at: 125_000 },
  { page: '/home', at: 130_000 },
];

const window = Window.fixed(1, 'minute', (v: View) => v.at)
  .allowedLateness(30, 'second')
  .onLateEvent((v, { windowId }) => console.log(`late: ${v.page} at ${v.at} for window ${windowId / minute}`));

const rows = await Flow.from(views, { window })
  .pipe(
    countByKey((v: View) => v.page),
    onTrigger((counts: Map<string, number>, _partition, w) => [
      w.trigger === 'done' ? [`minute ${(w.id as number) / minute}: ${[...counts].map(([p, n]) => `${p}=${n}`).join(', ') || '(none)'}`] : [],
      counts,
    ]),
  )
  .toArray();

for (const row of rows) console.log(row);
