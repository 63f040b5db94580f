/**
 * The source types `Flow.from` names in its signature. What a source is, and how a
 * run reads it, is the io layer's one source opener (`classifySource`/`startSource`
 * in src/io/source.ts): an observable and a `ReadableStream` are read by the same
 * producers as `fromObservable` and `fromReadableStream`.
 * @internal
 */
export type { ObservableLike } from '../io/observable.js';
export type { ReadableStreamLike } from '../io/push-sources.js';
