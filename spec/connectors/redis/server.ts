/**
 * A real `redis-server` for the specs: started on a free loopback port in a
 * temporary directory, stopped (SIGTERM, wait for exit) afterwards.
 *
 * Without `redis-server` on the PATH the Redis specs print a loud warning and are
 * skipped; under `CI=true` they fail instead (`.ci/run` installs it with apt-get).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function redisServerAvailable(): boolean {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Sends one raw command over a fresh socket and resolves with the first reply line (null if unreachable). */
export function rawCommand(port: number, line: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const finish = (value: string | null): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => finish(null));
    socket.once('error', () => finish(null));
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      const end = data.indexOf('\r\n');
      if (end >= 0) finish(data.slice(0, end));
    });
  });
}

export interface RedisServerOptions {
  /** Append-only file, fsync on every write: survives a restart. */
  persistent?: boolean;
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly persistent: boolean,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = mkdtempSync(join(tmpdir(), 'genstage-redis-'));
    const server = new RedisServer(await freePort(), dir, options.persistent === true);
    await server.launch();
    return server;
  }

  /** Starts the server process (again, after `kill`) on the same port and directory. */
  async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, '--daemonize', 'no'];
    if (this.persistent) args.push('--appendonly', 'yes', '--appendfsync', 'always');
    else args.push('--appendonly', 'no');
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 200; i++) {
      if ((await rawCommand(this.port, 'PING')) === '+PONG') return;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer PING on port ${this.port}`);
  }

  /** Stops the server process (SIGTERM, or `signal`) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await this.exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * `describe` for specs that need a real server: skipped with a loud warning when
 * `redis-server` is missing, failed under `CI=true`.
 */
export function describeWithRedis(title: string, body: (this: Mocha.Suite) => void): void {
  if (redisServerAvailable()) {
    describe(title, body);
    return;
  }
  const message =
    '\n' + '!'.repeat(78) + `\n!! redis-server is not installed: the "${title}" specs do not run.\n` +
    '!! Install it (apt-get install redis-server); .ci/run does so in CI.\n' + '!'.repeat(78) + '\n';
  process.stderr.write(message);
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs redis-server on the PATH (CI=true)', () => {
        throw new Error('redis-server is not installed; .ci/run should have installed it with apt-get');
      });
    });
  } else {
    describe.skip(title, body);
  }
}
