import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { entriesPlugin, packageEntries } from './entries.js';
import type { PageResults } from './page.js';

/**
 * genstage in a real headless Chromium (Debian's `chromium` package, driven by
 * playwright-core; no browser download). The page (page.ts) is bundled for the
 * browser from the built package when it is fresh (else from src), served from a
 * loopback server with a data file to `fetch`, and reports what it computed.
 *
 * Skipped with a loud warning when Chromium is missing, failed under `CI=true`
 * (`.ci/run` installs it with apt-get), like the redis specs.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const LINES = 200_000; // 1.3 MB, usually read in several chunks

function describeWithChromium(title: string, body: (this: Mocha.Suite) => void): void {
  if (CHROMIUM !== undefined && existsSync(CHROMIUM)) {
    describe(title, body);
    return;
  }
  process.stderr.write(
    '\n' + '!'.repeat(78) + `\n!! chromium is not installed: the "${title}" specs do not run.\n` +
      '!! Install it (apt-get install chromium) or set CHROMIUM_PATH; .ci/run does so in CI.\n' + '!'.repeat(78) + '\n',
  );
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs chromium (CI=true)', () => {
        throw new Error('chromium is not installed; .ci/run should have installed it with apt-get');
      });
    });
  } else {
    describe.skip(title, body);
  }
}

/** Serves the page, its bundle, and /numbers.txt (1..LINES, one per line, written in 10 parts). */
function serve(script: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
    } else if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (req.url === '/numbers.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const step = LINES / 10;
      let from = 1;
      const writeChunk = (): void => {
        if (from > LINES) {
          res.end();
          return;
        }
        res.write(Array.from({ length: step }, (_, i) => `${from + i}\n`).join(''));
        from += step;
        setImmediate(writeChunk);
      };
      writeChunk();
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describeWithChromium('browser: genstage in headless Chromium', function () {
  this.timeout(90_000);
  const { from, files } = packageEntries();
  let server: Server | undefined;
  let browser: Browser | undefined;
  let results: PageResults | undefined;
  const pageErrors: string[] = [];

  before(async () => {
    const bundled = await build({
      entryPoints: [new URL('./page.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      plugins: [entriesPlugin(files)],
    });
    server = await serve(bundled.outputFiles[0]!.text);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'], headless: true });
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as { __genstage?: unknown }).__genstage !== undefined, undefined, { timeout: 60_000 });
    const reported = await page.evaluate(() => (window as unknown as { __genstage: PageResults | { error: string } }).__genstage);
    if ('error' in reported) throw new Error(`the page failed: ${reported.error}`);
    results = reported;
    if (process.env.GENSTAGE_BROWSER_DEBUG) console.log(JSON.stringify({ ...reported, backPressure: { ...reported.backPressure, consumed: reported.backPressure.consumed.length } }));
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  });

  it(`should run the page with no page error and no Node global (genstage from ${from})`, () => {
    expect(pageErrors).to.deep.equal([]);
    expect(results!.nodeGlobals).to.deep.equal([]);
  });

  it('should run a Flow over a fetch Response body: every line, in order, summed', () => {
    expect(results!.fetched.lines).to.equal(LINES);
    expect(results!.fetched.sum).to.equal((LINES * (LINES + 1)) / 2);
  });

  it('should read a Flow as a ReadableStream (toReadableStream)', () => {
    expect(results!.toReadableStream).to.deep.equal([2, 4, 6, 8, 10]);
  });

  it('should turn a ReadableStream into a stage and that into an RxJS Observable (fromReadableStream, toObservable)', () => {
    expect(results!.readableStreamToObservable).to.deep.equal(['a', 'b', 'c']);
  });

  it('should run a partitioned Flow over an RxJS Observable (fromObservable) and a Flow inside an RxJS pipe (throughFlow)', () => {
    expect(results!.observableToFlow).to.deep.equal([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(results!.throughFlowInRxjs).to.deep.equal([1, 4, 9, 16, 25]);
  });

  it('should read a pull-counting ReadableStream at most maxDemand (10) + 1 ahead of a slow consumer', () => {
    const { consumed, pulls, maxAhead } = results!.backPressure;
    expect(consumed).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    expect(maxAhead).to.be.at.most(11);
    expect(pulls).to.be.at.most(61);
  });

  it('should publish on the exported channels where node:diagnostics_channel is absent', () => {
    expect(results!.eventsMessages).to.be.at.least(10);
  });
});
