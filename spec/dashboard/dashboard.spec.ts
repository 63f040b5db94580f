import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  Consumer, DynamicSupervisor, Flow, GenStage, Producer, ProducerConsumer, map, partition, type Stage,
} from '../../src/index.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { startWordCountDemo } from '../../examples/support/dashboard-demo.js';
import { baseline, lingeringResources } from '../support/resources.js';
import { expectRejected } from '../support/errors.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Counts up for ever, a batch per ask. */
class Numbers extends Producer<number> {
  private n = 0;
  handleDemand(demand: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < demand; i++) out.push(this.n++);
    return out;
  }
}

class Double extends ProducerConsumer<number, number> {
  handleEvents(events: number[]): number[] {
    return events.map((x) => x * 2);
  }
}

/** Takes a turn of the event loop per batch, so the pipeline runs for ever without starving the test. */
class Sink extends Consumer<number> {
  async handleEvents(): Promise<void> {
    await nextTurn();
  }
}

/** Crashes on its first batch. */
class Fragile extends Consumer<number> {
  handleEvents(): void {
    throw new Error('disk full: /var/spool');
  }
}

async function pipeline(names: [string, string, string], sink: Consumer<number> = new Sink()): Promise<Stage<unknown>[]> {
  const a = await GenStage.start(new Numbers(), { name: names[0] });
  const b = await GenStage.start(new Double(), { name: names[1], subscribeTo: [{ to: a, maxDemand: 100 }] });
  const c = await GenStage.start(sink, { name: names[2], subscribeTo: [{ to: b, maxDemand: 100 }] });
  return [a, b, c];
}

/** Names of the nodes drawn, sorted. */
function nodeNames(page: Page): Promise<string[]> {
  return page.$$eval('g.node', (nodes) => nodes.map((n) => n.getAttribute('data-name') ?? '').sort());
}

function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('dashboard (headless Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let page: Page;
  let dash: Dashboard | undefined;
  let stages: Stage<unknown>[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`chromium not found at ${CHROMIUM}; CI must run the browser specs`);
      this.skip();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterEach(async () => {
    await page.close();
    await Promise.all(stages.map((s) => s.stop().catch(() => {})));
    stages = [];
    await dash?.close();
    dash = undefined;
  });

  async function open(options: Parameters<typeof startDashboard>[0] = {}): Promise<Dashboard> {
    dash = await startDashboard({ interval: 200, ...options });
    await page.goto(dash.url);
    await page.waitForFunction(() => document.body.hasAttribute('data-tick'));
    return dash;
  }

  it('should show the demo pipeline as 3 named nodes and 2 edges, with rates above 0 that update', async () => {
    await open();
    stages = await pipeline(['numbers', 'double', 'sink']);
    await page.waitForFunction(() => document.querySelectorAll('g.node').length === 3 && document.querySelectorAll('g.edge').length === 2);
    expect(await nodeNames(page)).to.deep.equal(['double', 'numbers', 'sink']);
    const edges = await page.$$eval('g.edge', (list) => list.map((e) => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}`).sort());
    expect(edges).to.deep.equal(['double -> sink', 'numbers -> double']);
    expect(await page.textContent('g.node[data-name="numbers"] .meta')).to.equal('producer · Demand');
    expect(await page.textContent('#stages tr[data-name="numbers"] td:nth-child(3)')).to.equal('DemandDispatcher');
    expect(await page.textContent('g.edge[data-from="double"] title')).to.match(/^double → sink: maxDemand 100, minDemand 50, pending \d+$/);

    // The sink's rate in the table rises above 0, and later samples keep coming.
    const inRate = (): Promise<string> => page.textContent('#stages tr[data-name="sink"] td:nth-child(4)').then((t) => t ?? '');
    await page.waitForFunction(() => {
      const cell = document.querySelector('#stages tr[data-name="sink"] td:nth-child(4)');
      return cell !== null && cell.textContent !== '0' && cell.textContent !== '';
    });
    expect(await inRate()).to.match(/^\d+(\.\d+)?( [kMG])?$/);
    const tick = Number(await page.getAttribute('body', 'data-tick'));
    await page.waitForFunction((t) => Number(document.body.getAttribute('data-tick')) >= t + 2, tick);
    expect(await inRate()).to.not.equal('0');
  });

  it('should draw the partitions of a flow side by side in one group', async () => {
    await open();
    let stop = false;
    async function* numbers(): AsyncGenerator<number> {
      for (let i = 0; !stop; i++) {
        yield i;
        if (i % 100 === 0) await nextTurn();
      }
    }
    const done = Flow.from(numbers(), { stages: 1 })
      .pipe(map((x: number) => x + 1), partition({ stages: 3, key: (x: number) => x % 3 }), map((x: number) => x))
      .run();
    try {
      await page.waitForFunction(() => [...document.querySelectorAll('g.group')].some((g) => g.getAttribute('data-partitions') === '3'));
      const group = await page.$$eval('g.group[data-partitions="3"]', (gs) => gs.map((g) => g.textContent));
      expect(group).to.have.length(1);
      expect(group[0]).to.match(/^flow\d+ · partition1 · 3 partitions$/);
      const partitions = (await nodeNames(page)).filter((n) => /:partition1#/.test(n)).map((n) => n.replace(/^flow\d+:/, ''));
      expect(partitions).to.deep.equal(['partition1#0', 'partition1#1', 'partition1#2']);
      // Side by side: one column (same x), three rows.
      const xs = await page.$$eval('g.node', (nodes) => nodes.filter((n) => /:partition1#/.test(n.getAttribute('data-name') ?? ''))
        .map((n) => n.getAttribute('transform')!.replace(/^translate\(([\d.]+),.*$/, '$1')));
      expect(new Set(xs).size).to.equal(1);
    } finally {
      stop = true;
      await done;
    }
  });

  it('should show a supervisor with its children counted by state, and its restarts', async () => {
    await open();
    const sup = await DynamicSupervisor.start({ name: 'jobs' });
    try {
      let failed = false;
      const task = (n: number, signal: AbortSignal): Promise<void> => new Promise<void>((resolve, reject) => {
        if (n === 2 && !failed) {
          failed = true;
          reject(new Error('first run fails'));
          return;
        }
        signal.addEventListener('abort', () => resolve());
      });
      for (let n = 0; n < 3; n++) await sup.startChild({ start: task, restart: 'permanent' }, n);
      const child = await sup.startChild({ start: () => GenStage.start(new Sink(), { name: 'jobs-worker' }), type: 'stage' });
      expect(child.child).to.not.equal(undefined);
      await page.waitForFunction(() => document.querySelector('[data-supervisor="jobs"] .count-restarts b')?.textContent === '1'
        && document.querySelector('[data-supervisor="jobs"] .count-running b')?.textContent === '4');
      const counts = await page.$$eval('[data-supervisor="jobs"] .counts > span', (spans) => spans.map((x) => x.textContent));
      expect(counts).to.deep.equal(['4 running', '0 restarting', '0 exited', '1 restarts']);
      expect(await page.textContent('[data-supervisor="jobs"] .kids')).to.equal('jobs-worker');
    } finally {
      await sup.stop();
    }
  });

  it('should turn a crashed stage into an error state showing its reason', async () => {
    await open();
    const feed = await GenStage.start(new Numbers(), { name: 'feed' });
    const fragile = await GenStage.start(new Fragile(), { name: 'fragile' });
    stages = [feed, fragile];
    const crashed = fragile.done; // observed: the crash is not logged as unobserved
    await fragile.subscribe(feed, { maxDemand: 10 });
    expect(await crashed).to.be.instanceOf(Error);
    await page.waitForFunction(() => document.querySelector('g.node[data-name="fragile"]')?.getAttribute('data-state') === 'crashed');
    expect(await page.textContent('g.node[data-name="fragile"] .reason')).to.equal('Error: disk full: /var/spool');
    expect(await page.getAttribute('g.node[data-name="fragile"]', 'class')).to.equal('node consumer crashed');
    expect(await page.textContent('#crashes li .why')).to.equal('Error: disk full: /var/spool');
  });

  it('should render a stage named like markup as literal text', async () => {
    const name = '<img src=x onerror=alert(1)>';
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await open();
    stages = await pipeline([name, 'xss-relay', '<b>bold</b>']);
    // Wait for all three: the page may draw a snapshot taken while the later stages were still starting.
    await page.waitForFunction(
      (ns) => ns.every((n) => document.querySelector(`g.node[data-name="${CSS.escape(n)}"]`) !== null),
      [name, 'xss-relay', '<b>bold</b>'],
    );
    await page.waitForFunction(() => document.querySelectorAll('#stages td.name').length === 3);
    // The node named the bottleneck clips its name to 18 characters to make room for its badge; which node that is
    // depends on the machine's load, so each drawn name is checked against its own node's state.
    const drawn = await page.$$eval('g.node', (ns) => ns.map((n) => ({
      name: n.getAttribute('data-name') ?? '',
      hot: n.classList.contains('hot'),
      text: n.querySelector('.name')?.textContent,
    })));
    expect(drawn.map((d) => d.name).sort()).to.deep.equal(['<b>bold</b>', '<img src=x onerror=alert(1)>', 'xss-relay']);
    for (const d of drawn) {
      expect(d.text, d.name).to.equal(d.hot && d.name.length > 18 ? `${d.name.slice(0, 17)}…` : d.name);
    }
    expect(await page.$$eval('g.node > title', (ts) => ts.map((t) => t.textContent).sort())).to.deep.equal(['<b>bold</b>', '<img src=x onerror=alert(1)>', 'xss-relay']);
    expect(await page.$$eval('#stages td.name', (ts) => ts.map((t) => t.textContent).sort())).to.deep.equal(['<b>bold</b>', '<img src=x onerror=alert(1)>', 'xss-relay']);
    expect(await page.$$eval('img, b:not(.counts b)', (els) => els.length)).to.equal(0);
    expect(dialogs).to.equal(0);
  });

  it('should refuse a foreign Origin, a wrong Host header and a missing token with 403', async () => {
    const d = await open({ token: 's3cret' });
    const url = new URL(d.url);
    const host = url.host;
    const base = `http://${host}/state`;
    expect(await rawGet(`${base}?token=s3cret`, { host })).to.equal(200);
    expect(await rawGet(base, { host, 'x-genstage-token': 's3cret' })).to.equal(200);
    expect(await rawGet(`${base}?token=s3cret`, { host, origin: 'http://evil.example' })).to.equal(403);
    expect(await rawGet(`${base}?token=s3cret`, { host: `evil.example:${url.port}` })).to.equal(403);
    expect(await rawGet(base, { host })).to.equal(403);
    expect(await rawGet(`${base}?token=wrong`, { host })).to.equal(403);
    expect(await page.textContent('#status')).to.equal('live');
  });

  it('should reject bad options at the call, naming the option and the value', () => {
    expectRejected(() => startDashboard({ port: -1 }), RangeError, ['expected port to be an integer between 0 and 65535, got: -1']);
    expectRejected(() => startDashboard({ port: 80.5 }), TypeError, ['expected port to be an integer >= 0, got: 80.5']);
    expectRejected(() => startDashboard({ interval: 10 }), RangeError, ['expected interval to be an integer between 50 and 60000, got: 10']);
    expectRejected(() => startDashboard({ host: '0.0.0.0' }), TypeError, ['a dashboard on a host other than loopback needs a token; host: "0.0.0.0", got token: undefined']);
    expectRejected(() => startDashboard({ token: '' }), TypeError, ['expected token to be a non-empty string, got: ""']);
    expectRejected(() => startDashboard({ prot: 1 } as never), TypeError, ['unknown option prot in startDashboard options (known: port, host, token, interval), got: 1']);
  });

  it('should free the port and leave no handle behind after close(), with a page still connected', async () => {
    const before = await baseline();
    const d = await open();
    const port = Number(new URL(d.url).port);
    expect(await portIsFree(port)).to.equal(false);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live');
    await d.close();
    dash = undefined;
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'disconnected');
    expect(await portIsFree(port)).to.equal(true);
    expect(await lingeringResources(before, (r) => r.startsWith('ChildProcess') || r.startsWith('PipeWrap'))).to.deep.equal([]);
  });

  // Written to docs/dashboard.png with UPDATE_SCREENSHOT=1 (the committed picture), else to the temp
  // folder, so that an ordinary test run leaves the working tree as it was.
  it('should take the screenshot of the word-count demo (docs/dashboard.png)', async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await open({ interval: 500 });
    const demo = await startWordCountDemo();
    try {
      await page.waitForFunction(() => {
        const rows = document.querySelectorAll('#stages tbody tr');
        const restarts = document.querySelector('[data-supervisor="writers"] .count-restarts b');
        return rows.length >= 5 && Number(document.body.getAttribute('data-tick')) >= 12 && restarts !== null && restarts.textContent !== '0';
      }, undefined, { timeout: 30_000 });
      const path = process.env.UPDATE_SCREENSHOT ? 'docs/dashboard.png' : join(tmpdir(), 'genstage-dashboard.png');
      const png = await page.screenshot({ path, fullPage: true });
      expect(png.subarray(1, 4).toString()).to.equal('PNG');
      expect(png.length).to.be.above(20_000);
    } finally {
      await demo.stop();
    }
  });
});
