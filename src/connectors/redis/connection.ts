import { createClient, type RedisClientOptions } from 'redis';
import { getLogger } from '../../runtime/logger.js';
import { expectObject, show } from '../../runtime/validate.js';

/**
 * How to reach Redis: node-redis client options (`url`, `socket`, `username`,
 * `password`, `database`...). Without a `url`, the socket defaults to `127.0.0.1:6379`;
 * `socket: { host, port, path, tls }` is used as given, never overridden by a default URL.
 * Every connector opens its own connections from these and closes them when its
 * stage stops; `RESP` is forced to 2 (the connectors parse the replies themselves).
 */
export type RedisConnectionOptions = Omit<RedisClientOptions, 'RESP' | 'modules' | 'functions' | 'scripts'>;

/** One node-redis client, as the connectors use it (raw commands, RESP2). */
export type RedisClient = ReturnType<typeof createClient>;

/** A raw RESP2 reply: strings, integers, arrays of those, or null. */
export type RawReply = string | number | null | RawReply[];

/** Reconnect after 50 ms, 100 ms... up to 1 s, forever: a restarted server is picked up again. */
function reconnectDelay(retries: number): number {
  return Math.min(50 * (retries + 1), 1000);
}

/**
 * The node-redis options a connector's client is created with: the user's own, with
 * reconnection added and RESP forced to 2. Without a `url`, the socket defaults to
 * host `127.0.0.1` (not `localhost`, which may resolve to `::1`) and port 6379; any
 * `socket.host`, `socket.port`, `socket.path` or `socket.tls` given wins. No default
 * `url` is ever added: node-redis lets a `url` win over `socket`, so one would
 * override `socket: { host, port }` or `socket: { tls: true }`.
 */
export function clientOptions(options: RedisConnectionOptions | undefined): Record<string, unknown> {
  const base = options === undefined ? {} : expectObject('redis', options);
  const given = (base.socket as Record<string, unknown> | undefined) ?? {};
  const defaults = base.url !== undefined || given.path !== undefined ? {} : { host: '127.0.0.1', port: 6379 };
  return { ...base, socket: { ...defaults, reconnectStrategy: reconnectDelay, ...given }, RESP: 2 };
}

/**
 * Opens a node-redis client for `owner` and waits for it to be ready. The client
 * reconnects by itself; while it is away, commands wait in its offline queue and
 * commands that were on the wire reject (callers retry). Socket errors are logged
 * once per outage instead of reaching `uncaughtException`.
 */
export async function openConnection(owner: string, options: RedisConnectionOptions | undefined): Promise<RedisClient> {
  const client = createClient(clientOptions(options) as unknown as RedisClientOptions) as RedisClient;
  let outage = false;
  client.on('error', (error: unknown) => {
    if (outage) return;
    outage = true;
    getLogger().warn(`${owner}: Redis connection lost, reconnecting (${show(error)})`);
  });
  client.on('ready', () => {
    outage = false;
  });
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}

/** Closes `client` at once (blocked commands reject); safe to call twice. */
export function closeConnection(client: RedisClient | undefined): void {
  if (client === undefined || !client.isOpen) return;
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

/** Sends one raw command. */
export function command(client: RedisClient, args: readonly string[]): Promise<RawReply> {
  return client.sendCommand<RawReply>(args);
}

/**
 * True for errors that mean "the connection went away, try again" rather than "this
 * command is wrong": node-redis's socket and offline errors, `LOADING` while a
 * restarted server replays its append-only file, and node's network codes.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.constructor.name;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  if (/SocketClosed|ClientOffline|ClientClosed|ConnectionTimeout|SocketTimeout|Reconnect/.test(name)) return true;
  if (/^(LOADING|BUSY |MASTERDOWN|TRYAGAIN)/.test(error.message)) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTCONN|EHOSTUNREACH)$/.test(code);
}

/** Turns a flat `[field, value, field, value...]` reply into an object. */
export function fieldsOf(raw: RawReply): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!Array.isArray(raw)) return fields;
  for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1]);
  return fields;
}

/** Flattens an object of fields into XADD arguments; values are strings (others are `String()`-ed). */
export function flattenFields(fields: Readonly<Record<string, unknown>>, into: string[]): void {
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    into.push(key, typeof value === 'string' ? value : String(value));
  }
}

/** A promise that resolves after `ms` (cancelled through `signal`). */
export function delay(ms: number, signal: { stopped: boolean; wake?: (() => void) | undefined }): Promise<void> {
  return new Promise((resolve) => {
    if (signal.stopped) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.wake = undefined;
      resolve();
    }
    signal.wake = done;
  });
}
