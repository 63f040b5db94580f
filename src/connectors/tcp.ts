import { typeError } from '../runtime/errors.js';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { GenStage } from '../io/gen-stage.js';
import type { Stage } from '../stage/handle.js';
import type { Clock } from '../runtime/clock.js';
import { expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { SourceProducer, checkOverflowOptions, type Overflow, type OverflowOptions } from '../io/push-queue.js';

/** Options of `tcpAcceptor`. */
export interface TcpAcceptorOptions extends OverflowOptions {
  /** Default 0: a port the OS picks (read it from `address`). */
  port?: number;
  /** Default `'127.0.0.1'`; `'::'` or `'0.0.0.0'` to accept from other hosts. */
  host?: string;
  /** The OS listen backlog (default 511). */
  backlog?: number;
  /** Accepted connections held, paused, while consumers want none (default 1024). */
  bufferSize?: number;
  /** When that many are held: `'drop-newest'` (default) resets the new connection, `'drop-oldest'` the oldest held, `'error'` stops. */
  overflow?: Overflow;
  /** Passed to each socket (default false). */
  allowHalfOpen?: boolean;
  name?: string;
  clock?: Clock;
}

/** What `tcpAcceptor` and `udpProducer` resolve with: the producer and the address it is bound to. */
export interface BoundProducer<T> {
  readonly stage: Stage<T>;
  readonly address: AddressInfo;
}

class TcpAcceptor extends SourceProducer<Socket> {
  private server: Server | undefined;
  address: AddressInfo | undefined;

  constructor(
    private readonly listen: { port: number; host: string; backlog: number; allowHalfOpen: boolean },
    o: ReturnType<typeof checkOverflowOptions>,
  ) {
    super(o.bufferSize, o.overflow, o.onDrop);
  }

  override init(): Promise<void> {
    const { port, host, backlog, allowHalfOpen } = this.listen;
    // Paused on connect: nothing is read from a connection until a consumer has it.
    const server = createServer({ pauseOnConnect: true, allowHalfOpen });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, backlog }, () => {
        server.off('error', reject);
        server.on('error', (error) => this.fail(error));
        server.on('connection', (socket) => this.push(socket));
        this.address = server.address() as AddressInfo;
        resolve();
      });
    });
  }

  protected override discard(socket: Socket): void {
    socket.resetAndDestroy();
  }

  protected close(): void {
    // Closing the listening socket frees the port at once; connections already
    // handed to consumers are theirs and stay open.
    if (this.server?.listening) this.server.close();
    this.server?.removeAllListeners('connection');
  }
}

let names = 1;

/**
 * A producer stage that listens on a TCP port and emits each accepted connection
 * (a `net.Socket`) as an event.
 *
 * A connection goes out only when a consumer asks for one; the socket is emitted
 * paused (nothing has been read from it): `pipe` it, iterate it, or call
 * `resume()` before listening for `'data'`. Node cannot stop accepting without
 * closing the listening socket (libuv has no "listen stop"), so without demand the
 * acceptor keeps accepting but holds the connections, paused, in its buffer, as
 * the OS backlog would, up to `bufferSize` (1024); beyond that `overflow` decides:
 * `'drop-newest'` (default) resets the new connection, `'drop-oldest'` resets the
 * oldest held one, `'error'` stops the acceptor. Resets are counted and reported
 * like any drop (`onDrop`, the logger, `sourceStats`).
 *
 * Stopping the stage closes the listening socket (the port is free at once) and
 * resets the connections still held; connections already emitted belong to their
 * consumers and are left open.
 *
 * ## Example
 * ```ts
 * import { ConsumerSupervisor } from 'genstage';
 * import { tcpAcceptor } from 'genstage/node';
 *
 * const { stage, address } = await tcpAcceptor({ port: 7000 });
 * await ConsumerSupervisor.start({
 *   child: async (socket: Socket) => { socket.pipe(socket); await once(socket, 'close'); },
 *   subscribeTo: [{ to: stage, maxDemand: 100 }],   // at most 100 connections handled at once
 * });
 * ```
 *
 * @param options `port` (0), `host` ('127.0.0.1'), `backlog` (511), `bufferSize` (1024), `overflow`, `onDrop`, `allowHalfOpen`, `name`, `clock`.
 * @returns the started producer and the address it listens on; rejects if it cannot listen (`EADDRINUSE`).
 */
export function tcpAcceptor(options: TcpAcceptorOptions = {}): Promise<BoundProducer<Socket>> {
  const o = expectObject('tcpAcceptor options', options);
  expectKnownKeys('tcpAcceptor options', o, ['port', 'host', 'backlog', 'bufferSize', 'overflow', 'onDrop', 'allowHalfOpen', 'name', 'clock']);
  const port = o.port === undefined ? 0 : expectInteger('port', o.port, 0, 65535);
  if (o.host !== undefined && typeof o.host !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected host to be a string, got: ${show(o.host)}`);
  const backlog = o.backlog === undefined ? 511 : expectInteger('backlog', o.backlog, 0);
  if (o.allowHalfOpen !== undefined && typeof o.allowHalfOpen !== 'boolean') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected allowHalfOpen to be a boolean, got: ${show(o.allowHalfOpen)}`);
  const checked = checkOverflowOptions(o, { bufferSize: 1024, overflow: 'drop-newest' });
  const acceptor = new TcpAcceptor({ port, host: options.host ?? '127.0.0.1', backlog, allowHalfOpen: options.allowHalfOpen ?? false }, checked);
  const start: { name: string; clock?: Clock } = { name: options.name ?? `tcpAcceptor#${names++}` };
  if (options.clock !== undefined) start.clock = options.clock;
  return GenStage.start(acceptor, start).then((stage) => ({ stage, address: acceptor.address as AddressInfo }));
}
