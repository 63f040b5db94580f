/** Shared pieces of the Redis specs: one server per file, a raw client, unique keys, a recording consumer. */
import { createClient } from 'redis';
import { Consumer, GenStage, setLogger, type Stage, type Subscription } from '../../../src/index.js';
import type { RedisStreamEvent } from '../../../src/connectors/redis/index.js';
import { RedisServer, type RedisServerOptions } from './server.js';

function makeClient(url: string) {
  return createClient({ url, RESP: 2, socket: { reconnectStrategy: 50 } });
}
export type Client = ReturnType<typeof makeClient>;

export interface Harness {
  server: RedisServer;
  client: Client;
  redis: { url: string };
  warnings: string[];
}

let counter = 0;
/** A key no other test of this run uses. */
export function key(name: string): string {
  return `${name}:${process.pid}:${++counter}`;
}

/** Starts a server (and a raw client) before the file's tests and stops both after. */
export function useRedis(options: RedisServerOptions = {}): Harness {
  const h = { warnings: [] as string[] } as Harness;
  before(async function () {
    this.timeout(20_000);
    h.server = await RedisServer.start(options);
    h.redis = { url: h.server.url };
    h.client = await connectClient(h.server.url);
  });
  beforeEach(() => {
    h.warnings.length = 0;
    setLogger({ warn: (m) => h.warnings.push(m), error: (m) => h.warnings.push(`error: ${m}`) });
  });
  afterEach(() => {
    setLogger();
  });
  after(async () => {
    h.client?.destroy();
    await h.server?.stop();
  });
  return h;
}

export async function connectClient(url: string): Promise<Client> {
  const client = makeClient(url);
  client.on('error', () => {});
  await client.connect();
  return client;
}

export async function cmd(client: Client, ...args: string[]): Promise<unknown> {
  return client.sendCommand(args);
}

/** Adds `count` entries `{ n: i }` to `stream` in one pipeline; resolves with their ids. */
export async function addEntries(client: Client, stream: string, count: number, from = 0): Promise<string[]> {
  const multi = client.multi();
  for (let i = from; i < from + count; i++) multi.addCommand(['XADD', stream, '*', 'n', String(i)]);
  return (await multi.execAsPipeline()) as unknown as string[];
}

/** `XPENDING stream group` summary count. */
export async function pendingCount(client: Client, stream: string, group: string): Promise<number> {
  const reply = (await client.sendCommand(['XPENDING', stream, group])) as unknown[];
  return Number(reply[0]);
}

/** Calls of `name` since the server started (`INFO commandstats`). */
export async function commandCalls(client: Client, name: string): Promise<number> {
  const info = String(await client.sendCommand(['INFO', 'commandstats']));
  const match = new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}

/** A consumer that keeps every event (manual demand when `manual` is set: the test asks). */
export class Recorder extends Consumer<RedisStreamEvent> {
  readonly events: RedisStreamEvent[] = [];
  from: Subscription<RedisStreamEvent> | undefined;
  constructor(private readonly manual = false, private readonly autoAck = false) {
    super();
  }
  override handleSubscribe(_kind: 'producer' | 'consumer', _o: unknown, from: Subscription<RedisStreamEvent>): 'manual' | 'automatic' {
    this.from = from;
    return this.manual ? 'manual' : 'automatic';
  }
  handleEvents(events: RedisStreamEvent[]): void {
    this.events.push(...events);
    if (this.autoAck) for (const e of events) e.ack();
  }
  askFor(count: number): void {
    this.ask(this.from!, count);
  }
}

export async function startRecorder(producer: Stage<RedisStreamEvent>, opts: { manual?: boolean; ack?: boolean; maxDemand?: number } = {}): Promise<{ recorder: Recorder; stage: Stage<never> }> {
  const recorder = new Recorder(opts.manual === true, opts.ack === true);
  const stage = (await GenStage.start(recorder, { subscribeTo: [{ to: producer, maxDemand: opts.maxDemand ?? 1000 }] })) as Stage<never>;
  return { recorder, stage };
}

/** Polls until `check` holds (a guard against hanging, not a timing assertion). */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
