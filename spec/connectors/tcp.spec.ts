import { expect } from 'chai';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { ConsumerSupervisor, GenStage, type Stage } from '../../src/index.js';
import { tcpAcceptor, sourceStats, BufferOverflowError } from '../../src/interop/node/index.js';
import { settle } from '../../src/testing/index.js';
import { activeResources, manual, resourcesBackTo } from '../interop/support.js';

const NET = ['TCPServerWrap', 'TCPSocketWrap', 'TCPWRAP', 'TCPConnectWrap'];

/** Connects to `port`; resolves with the socket once connected. */
async function client(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  return socket;
}

/** Resolves with everything the socket sends until it ends, or the error that ended it. */
function received(socket: Socket): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ data, error: error.code ?? error.message }));
    socket.on('close', () => resolve({ data }));
  });
}

describe('tcpAcceptor', () => {
  it('should handle 1,000 loopback connections against a slow consumer: every one handled, none lost, none left open', async function () {
    this.timeout(60_000);
    const before = activeResources();
    const { stage, address } = await tcpAcceptor();
    let active = 0;
    let mostActive = 0;
    const handled = new Set<string>();
    const supervisor = await ConsumerSupervisor.start<Socket>({
      // Slow: at most 10 connections at a time, each one waits for the client's line.
      subscribeTo: [{ to: stage as Stage<unknown>, maxDemand: 10 }],
      child: async (socket: Socket) => {
        active++;
        mostActive = Math.max(mostActive, active);
        socket.setEncoding('utf8').resume();
        let line = '';
        while (!line.endsWith('\n')) line += ((await once(socket, 'data')) as [string])[0];
        handled.add(line.trim());
        await new Promise<void>((resolve) => socket.end(`echo ${line}`, resolve));
        socket.destroy();
        active--;
      },
    });
    const COUNT = 1000;
    const replies = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => {
        const socket = connect({ port: address.port, host: '127.0.0.1' });
        const reply = received(socket);
        socket.write(`hello ${i}\n`);
        return reply;
      }),
    );
    expect(replies.filter((r) => r.error !== undefined)).to.deep.equal([]);
    expect(replies.map((r) => r.data)).to.deep.equal(Array.from({ length: COUNT }, (_, i) => `echo hello ${i}\n`));
    expect(handled.size).to.equal(COUNT);
    expect(mostActive).to.be.at.most(10);
    const stats = await sourceStats(stage);
    expect(stats).to.deep.equal({ received: COUNT, emitted: COUNT, dropped: 0, buffered: 0 });
    await supervisor.stage.stop();
    await stage.stop();
    await resourcesBackTo(before, NET);
  });

  it('should emit no connection without demand and hold it paused, nothing read, until asked', async () => {
    const { stage, address } = await tcpAcceptor();
    const { consumer, ask } = await manual(stage);
    const socket = await client(address.port);
    socket.write('early bytes');
    for (let i = 0; i < 50 && (await sourceStats(stage)).received === 0; i++) await settle();
    expect(await sourceStats(stage)).to.deep.equal({ received: 1, emitted: 0, dropped: 0, buffered: 1 });
    expect(consumer.got).to.have.length(0);
    ask(1);
    await consumer.until(1);
    const server = consumer.got[0] as Socket;
    expect(server.bytesRead).to.equal(0);
    server.setEncoding('utf8');
    const [chunk] = (await once(server.resume(), 'data')) as [string];
    expect(chunk).to.equal('early bytes');
    server.destroy();
    socket.destroy();
    await stage.stop();
  });

  it('should emit connections in the order they were accepted', async () => {
    const { stage, address } = await tcpAcceptor();
    const sockets: Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await client(address.port);
      s.write(String(i));
      sockets.push(s);
    }
    for (let i = 0; i < 50 && (await sourceStats(stage)).received < 5; i++) await settle();
    const firsts: string[] = [];
    for await (const socket of GenStage.stream([stage])) {
      socket.setEncoding('utf8');
      const [data] = (await once(socket.resume(), 'data')) as [string];
      firsts.push(data);
      socket.destroy();
      if (firsts.length === 5) break;
    }
    expect(firsts).to.deep.equal(['0', '1', '2', '3', '4']);
    for (const s of sockets) s.destroy();
    await stage.stop();
  });

  it('should reset connections beyond bufferSize while there is no demand, and count them', async () => {
    const drops: number[] = [];
    const { stage, address } = await tcpAcceptor({ bufferSize: 2, onDrop: (n) => drops.push(n) });
    const sockets = await Promise.all(Array.from({ length: 5 }, () => client(address.port)));
    const outcomes = sockets.map((s) => received(s));
    for (let i = 0; i < 50 && (await sourceStats(stage)).received < 5; i++) await settle();
    expect(await sourceStats(stage)).to.deep.equal({ received: 5, emitted: 0, dropped: 3, buffered: 2 });
    const reset = await Promise.all(outcomes.slice(2));
    expect(reset.map((r) => r.error)).to.deep.equal(['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
    expect(drops.reduce((a, b) => a + b, 0)).to.equal(3);
    await stage.stop();
    // The two still held are reset at stop.
    expect((await Promise.all(outcomes.slice(0, 2))).map((r) => r.error)).to.deep.equal(['ECONNRESET', 'ECONNRESET']);
  });

  it('should stop with a BufferOverflowError when overflow is error', async () => {
    const { stage, address } = await tcpAcceptor({ bufferSize: 1, overflow: 'error' });
    const sockets = await Promise.all([client(address.port), client(address.port)]);
    const reason = await stage.done;
    expect(reason).to.be.instanceOf(BufferOverflowError);
    for (const s of sockets) s.destroy();
  });

  it('should release its port when stopped (another server can listen on it at once)', async () => {
    const before = activeResources();
    const { stage, address } = await tcpAcceptor();
    await stage.stop();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await resourcesBackTo(before, NET);
  });

  it('should reject when the port is taken', async () => {
    const { stage, address } = await tcpAcceptor();
    let error: unknown;
    await tcpAcceptor({ port: address.port }).catch((e: unknown) => (error = e));
    expect((error as NodeJS.ErrnoException).code).to.equal('EADDRINUSE');
    await stage.stop();
  });

  it('should check its options', () => {
    expect(() => tcpAcceptor({ port: 70000 })).to.throw(RangeError, /port/);
    expect(() => tcpAcceptor({ host: 1 as never })).to.throw(TypeError, /host/);
    expect(() => tcpAcceptor({ bufferSize: -1 })).to.throw(RangeError, /bufferSize/);
    expect(() => tcpAcceptor({ overflow: 'reset' as never })).to.throw(RangeError, /overflow/);
    expect(() => tcpAcceptor({ listen: true } as never)).to.throw(TypeError, /unknown option listen/);
  });
});
