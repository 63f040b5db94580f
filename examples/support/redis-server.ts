/**
 * For the Redis examples: runs `main` against `REDIS_URL` when it is set, or else
 * against a throwaway `redis-server` (from the PATH) on a free loopback port, with
 * no persistence, stopped and removed afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

export async function withRedis(main: (url: string) => Promise<void>): Promise<void> {
  if (process.env.REDIS_URL) return main(process.env.REDIS_URL);
  const server = await throwawayServer();
  try {
    await main(server.url);
  } finally {
    await server.stop();
  }
}

async function throwawayServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'genstage-example-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = createClient({ url, socket: { reconnectStrategy: 20 } });
  probe.on('error', () => {});
  await probe.connect();
  probe.destroy();
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
