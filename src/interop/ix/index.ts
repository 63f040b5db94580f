/**
 * `genstage/ix`: IxJS interop. A `Flow` is an `AsyncIterable`, so IxJS's
 * `from(flow)` works, and `Flow.from(asyncIterableX)` reads an IxJS sequence;
 * `throughFlow` puts a flow pipeline inside an IxJS `pipe`, and `toAsyncIterable`
 * gives a flow or a stage IxJS's operators. `ix` is an optional peer dependency
 * needed only by this subpath.
 */
export { throughFlow } from './through-flow.js';
export { toAsyncIterable } from './to-async-iterable.js';
export type { Source } from '../source.js';
