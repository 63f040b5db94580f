import { typeError } from '../runtime/errors.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { Sampler } from './sampler.js';
import type { Snapshot } from './snapshot.js';
import { APP_CSS, APP_JS, PAGE_HTML } from './page.js';

export type { Snapshot, StageView, EdgeView, SupervisorView } from './snapshot.js';

export interface DashboardOptions {
  /** TCP port; 0 (the default) takes a free one. */
  port?: number;
  /** Interface to listen on. Default `'127.0.0.1'`; any other than loopback needs a `token`. */
  host?: string;
  /** When set, every request must carry it: `?token=...` or the header `x-genstage-token`. */
  token?: string;
  /** Milliseconds between two samples sent to the page. Default 1000 (50 to 60 000). */
  interval?: number;
}

export interface Dashboard {
  /** The page's address (with `?token=` when a token is set). */
  readonly url: string;
  /** Stops sampling, ends every open page's connection, unsubscribes and frees the port. */
  close(): Promise<void>;
}

const KNOWN = ['port', 'host', 'token', 'interval'];
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Serves a live view of every stage in this process: the topology (stages, their
 * subscriptions with demand, flows grouped by layer, supervisors and their children),
 * events in and out per second with a history, buffered and discarded events, time
 * spent in callbacks, crashes with their reason, and the bottleneck.
 *
 * It reads only the public `diagnostics_channel` messages (see docs/observability.md)
 * plus `estimateBufferedCount()` once a tick per producer. Channel messages only add
 * to counters; the rates and the picture are built once a tick (`interval`) and sent
 * to every open page as server-sent events. Until a dashboard starts, nothing listens
 * and the stages publish nothing. Stages that started before it appear once they
 * handle events, ask or start.
 *
 * The server is read-only and has no dependency; the page ships inside the package
 * (no CDN). Requests with a `Host` header other than the listening host (loopback
 * names for a loopback host), with a foreign `Origin`, or without the `token` when
 * one is set are refused with 403.
 *
 * ## Example
 * ```ts
 * import { startDashboard } from 'genstage/dashboard';
 * const dash = await startDashboard({ port: 0 });
 * console.log(`dashboard at ${dash.url}`);
 * // ... run pipelines ...
 * await dash.close();
 * ```
 *
 * @param options `port` (0: a free one), `host` (default 127.0.0.1), `token`, `interval` (ms).
 * @returns the page's `url` and `close()`, once the server listens. Bad options throw a
 * `TypeError`/`RangeError` at the call.
 */
export function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const o = expectObject('startDashboard options', options) as DashboardOptions;
  expectKnownKeys('startDashboard options', o as Record<string, unknown>, KNOWN);
  const port = o.port === undefined ? 0 : expectInteger('port', o.port, 0, 65535);
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected host to be a non-empty string, got: ${show(o.host)}`);
  const token = o.token;
  if (token !== undefined && (typeof token !== 'string' || token === '')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected token to be a non-empty string, got: ${show(token)}`);
  }
  if (token === undefined && !LOOPBACK.has(host)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `a dashboard on a host other than loopback needs a token; host: ${show(host)}, got token: undefined`);
  }
  const interval = o.interval === undefined ? 1000 : expectInteger('interval', o.interval, 50, 60_000);
  // Bad options throw here, at the call; only listening is asynchronous.
  return serve(port, host, token, interval);
}

async function serve(port: number, host: string, token: string | undefined, interval: number): Promise<Dashboard> {
  const sampler = new Sampler();
  const clients = new Set<ServerResponse>();
  let last: Snapshot = sampler.sample();

  const server = createServer((req, res) => {
    const refusal = refuse(req, host, boundPort, token);
    if (refusal !== undefined) {
      res.writeHead(refusal[0], { 'content-type': 'text/plain; charset=utf-8' }).end(refusal[1]);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    switch (path) {
      case '/':
        return send(res, 'text/html; charset=utf-8', PAGE_HTML);
      case '/app.js':
        return send(res, 'text/javascript; charset=utf-8', APP_JS);
      case '/app.css':
        return send(res, 'text/css; charset=utf-8', APP_CSS);
      case '/state':
        return send(res, 'application/json', JSON.stringify(last));
      case '/events': {
        res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
        res.write(`retry: ${interval}\n\ndata: ${JSON.stringify(last)}\n\n`);
        clients.add(res);
        res.on('close', () => clients.delete(res));
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    sampler.close();
    throw error;
  });
  const boundPort = (server.address() as AddressInfo).port;

  const timer = setInterval(() => {
    last = sampler.sample();
    const frame = `data: ${JSON.stringify(last)}\n\n`;
    for (const res of clients) res.write(frame);
  }, interval);
  timer.unref();

  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${boundPort}/${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        sampler.close();
        for (const res of clients) res.end();
        clients.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // The page runs only its own script: no inline script, nothing from elsewhere.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { ...HEADERS, 'content-type': type }).end(body);
}

/** Why a request is refused ([status, text]), or undefined to serve it. */
function refuse(req: IncomingMessage, host: string, port: number, token: string | undefined): [number, string] | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return [405, 'read-only'];
  const hostHeader = req.headers.host ?? '';
  if (!hostAllowed(hostHeader, host, port)) return [403, 'wrong Host header'];
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${hostHeader}`) return [403, 'cross-origin request refused'];
  const site = req.headers['sec-fetch-site'];
  // A link followed from another site may open the page; its scripts may not read the data.
  const navigation = req.headers['sec-fetch-mode'] === 'navigate';
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !navigation) return [403, 'cross-site request refused'];
  // The page, its script and its style hold no data: only /state and /events need the token.
  const data = req.url !== undefined && (req.url.startsWith('/state') || req.url.startsWith('/events'));
  if (token !== undefined && data) {
    const given = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? req.headers['x-genstage-token'];
    if (typeof given !== 'string' || !sameText(given, token)) return [403, 'token required'];
  }
  return undefined;
}

function hostAllowed(header: string, host: string, port: number): boolean {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(header);
  if (m === null || Number(m[2]) !== port) return false;
  const name = m[1]!.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK.has(host)) return LOOPBACK.has(name);
  // Listening on every interface: which names reach it is not known here; the token guards it.
  if (host === '0.0.0.0' || host === '::') return true;
  return name === host.toLowerCase();
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
