import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { Consumer, GenStage, type Stage } from '../../src/index.js';
import { udpProducer, sourceStats, BufferOverflowError, type Datagram, type UdpStats } from '../../src/interop/node/index.js';
import { activeResources, manual, resourcesBackTo } from '../interop/support.js';

const UDP = ['UDPWRAP', 'UDPSendWrap'];

function sender(): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

function send(socket: Socket, port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => socket.send(payload, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
}

/** Waits (bounded: `turns` event-loop turns) until `check` holds; throws with `what` otherwise. */
async function until(what: string, check: () => Promise<boolean> | boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await check()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** A slow consumer: each batch waits for the next event-loop turn. */
class Slow extends Consumer<Datagram> {
  count = 0;
  readonly seqs: number[] = [];
  async handleEvents(events: Datagram[]): Promise<void> {
    this.count += events.length;
    for (const e of events) this.seqs.push(Number(e.data.toString()));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('udpProducer', () => {
  it('should account for every datagram of a flood: consumed + dropped (ours and the kernel\'s) = sent', async function () {
    this.timeout(60_000);
    const before = activeResources();
    const SENT = 20_000;
    let reportedDrops = 0;
    const { stage, address } = await udpProducer({ bufferSize: 100, recvBufferSize: 1 << 22, onDrop: (n) => (reportedDrops += n) });
    const slow = new Slow();
    const consumer = await GenStage.start(slow, { subscribeTo: [{ to: stage as Stage<unknown>, maxDemand: 10 }] });
    const out = await sender();
    // Paced in batches of 20 per event-loop turn (send callbacks come back without
    // yielding to I/O, so the yield is explicit), so the receiving socket gets turns to
    // read (libuv reads a few dozen datagrams per turn). What the kernel still drops is
    // counted in /proc/net/udp and is part of the sum.
    for (let i = 0; i < SENT; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => send(out, address.port, String(i + j))));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Every datagram either reached the producer or was dropped by the kernel (counted in /proc/net/udp).
    let stats = (await sourceStats(stage)) as UdpStats;
    await until('every sent datagram is received or dropped by the kernel', async () => {
      stats = (await sourceStats(stage)) as UdpStats;
      return stats.received + (stats.kernelDropped ?? 0) === SENT;
    });
    await until('the buffer is drained', async () => {
      stats = (await sourceStats(stage)) as UdpStats;
      return stats.buffered === 0 && slow.count === stats.emitted;
    });
    if (process.env.UDP_DEBUG) console.log(stats, slow.count);
    expect(stats.kernelDropped, 'the kernel drop counter of /proc/net/udp').to.be.a('number');
    expect(slow.count + stats.dropped + (stats.kernelDropped as number)).to.equal(SENT);
    expect(stats.received).to.equal(slow.count + stats.dropped);
    expect(reportedDrops).to.equal(stats.dropped);
    expect(stats.dropped, 'the flood overflowed the buffer').to.be.greaterThan(0);
    expect(slow.count).to.be.greaterThan(0);
    expect(new Set(slow.seqs).size).to.equal(slow.count);
    out.close();
    await consumer.stop();
    await stage.stop();
    await resourcesBackTo(before, UDP);
  });

  it('should keep the newest datagrams with drop-oldest while there is no demand', async () => {
    const { stage, address } = await udpProducer({ bufferSize: 3, onDrop: () => {} });
    const { consumer, ask } = await manual(stage);
    const out = await sender();
    for (let i = 0; i < 10; i++) await send(out, address.port, `d${i}`);
    await until('10 datagrams are received', async () => (await sourceStats(stage)).received === 10);
    const stats = await sourceStats(stage);
    expect([stats.emitted, stats.dropped, stats.buffered]).to.deep.equal([0, 7, 3]);
    ask(3);
    await consumer.until(3);
    expect(consumer.got.map((d) => d.data.toString())).to.deep.equal(['d7', 'd8', 'd9']);
    expect(consumer.got[0]).to.include({ address: '127.0.0.1', port: out.address().port, family: 'IPv4' });
    out.close();
    await stage.stop();
  });

  it('should keep the oldest datagrams with drop-newest', async () => {
    const { stage, address } = await udpProducer({ bufferSize: 3, overflow: 'drop-newest', onDrop: () => {} });
    const { consumer, ask } = await manual(stage);
    const out = await sender();
    for (let i = 0; i < 10; i++) await send(out, address.port, `d${i}`);
    await until('10 datagrams are received', async () => (await sourceStats(stage)).received === 10);
    ask(3);
    await consumer.until(3);
    expect(consumer.got.map((d) => d.data.toString())).to.deep.equal(['d0', 'd1', 'd2']);
    out.close();
    await stage.stop();
  });

  it('should stop with a BufferOverflowError when overflow is error', async () => {
    const { stage, address } = await udpProducer({ bufferSize: 2, overflow: 'error' });
    const out = await sender();
    for (let i = 0; i < 3; i++) await send(out, address.port, 'x');
    expect(await stage.done).to.be.instanceOf(BufferOverflowError);
    out.close();
  });

  it('should release its port when stopped', async () => {
    const before = activeResources();
    const { stage, address } = await udpProducer();
    await stage.stop();
    const again = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(address.port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => again.close(resolve));
    await resourcesBackTo(before, UDP);
  });

  it('should reject when the port is taken, and check its options', async () => {
    const { stage, address } = await udpProducer();
    const error = await udpProducer({ port: address.port }).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).to.equal('EADDRINUSE');
    await stage.stop();
    expect(() => udpProducer({ type: 'udp5' as never })).to.throw(RangeError, /type/);
    expect(() => udpProducer({ recvBufferSize: 0 })).to.throw(RangeError, /recvBufferSize/);
    expect(() => udpProducer({ bufferSize: 1.5 })).to.throw(TypeError, /bufferSize/);
    expect(() => udpProducer({ reuse: true } as never)).to.throw(TypeError, /unknown option reuse/);
  });
});
