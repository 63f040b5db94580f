/**
 * `genstage/web`: WHATWG streams. `toReadableStream` (a flow or stage as a lazy
 * `ReadableStream` whose cancel reaches the source) and `fromReadableStream` (a
 * producer that reads only on demand and releases its lock when done).
 */
export { toReadableStream, type ToReadableStreamOptions } from './to-readable-stream.js';
export { fromReadableStream, type FromReadableStreamOptions } from './from-readable-stream.js';
export type { Source, SourceStageOptions } from '../source.js';
