/**
 * `genstage/node`: Node streams and sockets as stages. `fromReadable`,
 * `fromLines` (producers that read only on demand), `toReadable` (a flow or stage
 * as an object-mode Readable), `pipeToWritable` (a flow or stage written into a
 * Writable), `writableProducer` (a Writable whose writes become events), and the
 * connectors `tcpAcceptor` (accepted connections as events) and `udpProducer`
 * (datagrams as events, with a bounded, counted buffer).
 */
export { fromReadable, type FromReadableOptions } from './from-readable.js';
export { fromLines, type FromLinesOptions } from './from-lines.js';
export { toReadable, type ToReadableOptions } from './to-readable.js';
export {
  writableProducer, toWritable, type WritableProducerOptions, type ToWritableOptions, type WritableProducer,
} from './writable-producer.js';
export { pipeToWritable, type PipeToWritableOptions } from './pipe-to-writable.js';
export { tcpAcceptor, type TcpAcceptorOptions, type BoundProducer } from '../../connectors/tcp.js';
export { udpProducer, type UdpProducerOptions, type UdpStats, type Datagram } from '../../connectors/udp.js';
export { sourceStats, BufferOverflowError, type SourceStats, type Overflow, type OverflowOptions } from '../../io/push-queue.js';
export type { Source } from '../source.js';
