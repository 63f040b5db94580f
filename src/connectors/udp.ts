import { typeError } from '../runtime/errors.js';
import { createSocket, type Socket, type SocketType } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { GenStage } from '../io/gen-stage.js';
import type { Clock } from '../runtime/clock.js';
import { expectInteger, expectKnownKeys, expectObject, expectOneOf, show } from '../runtime/validate.js';
import { SourceProducer, checkOverflowOptions, type Overflow, type OverflowOptions, type SourceStats } from '../io/push-queue.js';
import type { BoundProducer } from './tcp.js';

/** One received datagram. */
export interface Datagram {
  readonly data: Buffer;
  /** The sender. */
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
}

/** Options of `udpProducer`. */
export interface UdpProducerOptions extends OverflowOptions {
  /** Default 0: a port the OS picks (read it from `address`). */
  port?: number;
  /** Default `'127.0.0.1'` (`'::1'` for udp6). */
  host?: string;
  /** Default `'udp4'`. */
  type?: SocketType;
  /** The socket's receive buffer in bytes (`SO_RCVBUF`); default: the OS's. */
  recvBufferSize?: number;
  /** Datagrams held while consumers want none (default 1000). */
  bufferSize?: number;
  /** When the buffer is full: `'drop-oldest'` (default), `'drop-newest'`, or `'error'` (stop). */
  overflow?: Overflow;
  name?: string;
  clock?: Clock;
}

/** `sourceStats` of a UDP producer: also what the kernel dropped before Node saw it, where the OS tells (Linux). */
export interface UdpStats extends SourceStats {
  /** Datagrams the kernel dropped on this socket (its receive buffer was full); undefined where unknown. */
  kernelDropped?: number;
}

/**
 * The kernel's drop count of the UDP socket bound to `port`, from `/proc/net/udp`
 * (`udp6`); undefined where the file does not exist.
 */
function kernelDrops(type: SocketType, port: number): number | undefined {
  let table: string;
  try {
    table = readFileSync(type === 'udp6' ? '/proc/net/udp6' : '/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(hexPort)) return Number(fields[fields.length - 1]);
  }
  return undefined;
}

class UdpProducer extends SourceProducer<Datagram> {
  private socket: Socket | undefined;
  address: AddressInfo | undefined;

  constructor(
    private readonly bind: { port: number; host: string; type: SocketType; recvBufferSize: number | undefined },
    o: ReturnType<typeof checkOverflowOptions>,
  ) {
    super(o.bufferSize, o.overflow, o.onDrop);
  }

  override init(): Promise<void> {
    const { port, host, type, recvBufferSize } = this.bind;
    const socket = createSocket(recvBufferSize === undefined ? { type } : { type, recvBufferSize });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.fail(error));
        socket.on('message', (data, info) => this.push({ data, address: info.address, port: info.port, family: info.family }));
        this.address = socket.address();
        resolve();
      });
    });
  }

  protected override snapshot(): UdpStats {
    const stats: UdpStats = super.snapshot();
    const dropped = this.address === undefined ? undefined : kernelDrops(this.bind.type, this.address.port);
    if (dropped !== undefined) stats.kernelDropped = dropped;
    return stats;
  }

  protected close(): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined) return;
    socket.removeAllListeners('message');
    socket.close();
  }
}

let names = 1;

/**
 * A producer stage that binds a UDP socket and emits each datagram it receives
 * (`{ data, address, port, family }`).
 *
 * UDP cannot push back on its senders, so datagrams that arrive while consumers
 * want none wait in a buffer of `bufferSize` (1000); when it is full, `overflow`
 * drops the oldest (default) or the newest datagram, or (`'error'`) stops the
 * stage with a `BufferOverflowError`. Every drop is counted and reported (`onDrop`,
 * else the logger), and `sourceStats(stage)` gives `received = emitted + dropped +
 * buffered`, plus `kernelDropped`, the datagrams the OS dropped on this socket
 * before Node read them, where the OS tells (Linux).
 *
 * Stopping the stage closes the socket and frees the port.
 *
 * ## Example
 * ```ts
 * import { udpProducer, sourceStats } from 'genstage/node';
 *
 * const { stage, address } = await udpProducer({ port: 5140, bufferSize: 10_000 });
 * for await (const { data } of GenStage.stream([stage])) console.log(data.toString());
 * ```
 *
 * @param options `port` (0), `host` ('127.0.0.1'), `type` ('udp4'), `recvBufferSize`, `bufferSize` (1000), `overflow`, `onDrop`, `name`, `clock`.
 * @returns the started producer and its address; rejects if it cannot bind.
 */
export function udpProducer(options: UdpProducerOptions = {}): Promise<BoundProducer<Datagram>> {
  const o = expectObject('udpProducer options', options);
  expectKnownKeys('udpProducer options', o, ['port', 'host', 'type', 'recvBufferSize', 'bufferSize', 'overflow', 'onDrop', 'name', 'clock']);
  const port = o.port === undefined ? 0 : expectInteger('port', o.port, 0, 65535);
  const type = o.type === undefined ? 'udp4' : expectOneOf('type', o.type, ['udp4', 'udp6'] as const);
  if (o.host !== undefined && typeof o.host !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected host to be a string, got: ${show(o.host)}`);
  const recvBufferSize = o.recvBufferSize === undefined ? undefined : expectInteger('recvBufferSize', o.recvBufferSize, 1);
  const checked = checkOverflowOptions(o, { bufferSize: 1000, overflow: 'drop-oldest' });
  const producer = new UdpProducer({ port, host: options.host ?? (type === 'udp6' ? '::1' : '127.0.0.1'), type, recvBufferSize }, checked);
  const start: { name: string; clock?: Clock } = { name: options.name ?? `udpProducer#${names++}` };
  if (options.clock !== undefined) start.clock = options.clock;
  return GenStage.start(producer, start).then((stage) => ({ stage, address: producer.address as AddressInfo }));
}
