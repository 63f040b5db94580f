/**
 * A TCP echo server: a `tcpAcceptor` emits each accepted connection, and a
 * `ConsumerSupervisor` starts one child per connection, at most 4 at a time. The
 * other connections wait, paused and unread, until a slot frees: the acceptor only
 * hands out a connection when the supervisor asks for one.
 *
 * The demo then opens 12 clients at once, each sending one line, prints the
 * replies with the order they were served in, and stops (the port is freed).
 *
 * Run: npx tsx examples/tcp-echo.ts
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerSupervisor, type Stage } from '../src/index.js';
import { tcpAcceptor, sourceStats } from '../src/interop/node/index.js';

const { stage: acceptor, address } = await tcpAcceptor({ port: 0 });
console.log(`listening on ${address.address}:${address.port}`);

let served = 0;
const supervisor = await ConsumerSupervisor.start<Socket>({
  subscribeTo: [{ to: acceptor as Stage<unknown>, maxDemand: 4 }],
  // One child per connection: read one line, answer it after a slow 20 ms, close.
  child: async (socket: Socket, signal: AbortSignal) => {
    const order = ++served;
    socket.setEncoding('utf8').resume();
    let line = '';
    while (!line.includes('\n')) line += ((await once(socket, 'data', { signal })) as [string])[0];
    await sleep(20, undefined, { signal });
    await new Promise<void>((resolve) => socket.end(`#${order} ${line.trim().toUpperCase()}\n`, resolve));
  },
});

async function client(i: number): Promise<string> {
  const socket = connect({ port: address.port, host: '127.0.0.1' });
  socket.setEncoding('utf8');
  socket.write(`hello from client ${i}\n`);
  let reply = '';
  for await (const chunk of socket) reply += chunk as string;
  return reply.trim();
}

const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => client(i)));
for (const reply of replies) console.log(reply);
console.log('acceptor', await sourceStats(acceptor));

await supervisor.stage.stop();
await acceptor.stop();
console.log('stopped; port', address.port, 'released');
