import type { Stage } from '../stage/handle.js';
import type { StartOptions } from '../stage/types.js';
import { GenStage } from './gen-stage.js';
import { asObservable, type ObservableLike } from './observable.js';
import { startIterable } from './from-iterable.js';
import { checkFromIterable } from './iteration-options.js';
import { checkOverflowOptions, type Overflow, type OverflowOptions } from './push-queue.js';
import { ObservableProducer, ReadableStreamProducer, type ReadableStreamLike } from './push-sources.js';

/**
 * The one source opener: how a pull source (an array, an iterable, an async
 * iterable, a `ReadableStream`) or a push source (an observable) becomes a producer
 * stage. `Flow.from` classifies what the user gave with `classifySource` when the
 * flow is built and starts a stage per run with `startSource`; `fromObservable`,
 * `fromReadableStream` and `throughFlow` start theirs the same way.
 * @internal
 */

/** What a source is, once classified. The object is the plan's handle on it (one-shot marks go on it). */
export type SourceShape =
  | { readonly kind: 'iterable'; readonly iterable: Iterable<unknown> | AsyncIterable<unknown> }
  | { readonly kind: 'observable'; readonly observable: ObservableLike<unknown> }
  | { readonly kind: 'stream'; readonly stream: ReadableStreamLike<unknown> };

/**
 * The bounds of a push source (an observable) read by a flow (`Flow.from`) or
 * `throughFlow` when the user gives none: 1000 values held beyond what the flow
 * asked for, then the flow fails with a `BufferOverflowError` (a flow computes a
 * result, and one computed over a silently thinned input is worse than a failure
 * that names the option to change). `fromObservable` keeps its own default
 * (`'drop-oldest'`).
 */
export const FLOW_PUSH_DEFAULTS: { readonly bufferSize: number; readonly overflow: Overflow } = Object.freeze({ bufferSize: 1000, overflow: 'error' });

/** The option names `checkPushOptions` reads. */
export const PUSH_OPTION_KEYS = ['bufferSize', 'overflow', 'onDrop'] as const;

/** Checks `bufferSize`, `overflow`, `onDrop` of `o` (a TypeError/RangeError naming the bad one); fills the flow defaults. */
export function checkPushOptions(o: Record<string, unknown>, defaults: { bufferSize: number; overflow: Overflow } = FLOW_PUSH_DEFAULTS): PushBounds {
  return checkOverflowOptions(o, defaults);
}

/** Checked bounds of a push source. */
export interface PushBounds {
  bufferSize: number;
  overflow: Overflow;
  onDrop: OverflowOptions['onDrop'];
}

/**
 * What `value` is as a source, or undefined if it is none of an iterable, an async
 * iterable, an observable or a `ReadableStream` (strings are not sources). A `Stage`
 * or `Flow` is an observable too: check for those first.
 */
export function classifySource(value: unknown): SourceShape | undefined {
  if (value === null || value === undefined || typeof value === 'string') return undefined;
  const record = value as Record<string | symbol, unknown>;
  if (typeof record[Symbol.iterator] === 'function' || typeof record[Symbol.asyncIterator] === 'function') {
    return { kind: 'iterable', iterable: value as Iterable<unknown> };
  }
  const observable = asObservable(value);
  if (observable !== undefined) return { kind: 'observable', observable };
  if (typeof record.getReader === 'function') return { kind: 'stream', stream: value as ReadableStreamLike<unknown> };
  return undefined;
}

/** Options of `startSource`: the stage's own (`dispatcher`, `clock`, `name`), the bounds of a push source, a stream's `preventCancel`. */
export interface StartSourceOptions<T> {
  dispatcher?: StartOptions<T>['dispatcher'] | undefined;
  clock?: StartOptions<T>['clock'] | undefined;
  runtime?: StartOptions<T>['runtime'] | undefined;
  name?: string | undefined;
  /** Push sources: checked bounds (default `FLOW_PUSH_DEFAULTS`, no `onDrop`). */
  bounds?: PushBounds | undefined;
  /** Streams: on an early stop only release the lock, do not cancel the stream. */
  preventCancel?: boolean | undefined;
}

/**
 * Starts a producer stage over `shape`: an iterable is read as demand comes
 * (`fromIterable`); an observable is subscribed at the first demand and what it
 * pushes waits in a queue bounded by `bounds`; a stream is read one chunk per unmet
 * unit of demand. Each call reads the source afresh (a one-shot source is the
 * caller's to guard).
 */
export function startSource<T>(shape: SourceShape, options: StartSourceOptions<T> = {}): Promise<Stage<T>> {
  const start: StartOptions<T> = {};
  if (options.dispatcher !== undefined) start.dispatcher = options.dispatcher;
  if (options.clock !== undefined) start.clock = options.clock;
  if (options.runtime !== undefined) start.runtime = options.runtime;
  if (options.name !== undefined) start.name = options.name;
  switch (shape.kind) {
    case 'iterable': {
      const iterable = shape.iterable as Iterable<T> | AsyncIterable<T>;
      return startIterable(iterable, checkFromIterable(iterable, start));
    }
    case 'observable': {
      const bounds = options.bounds ?? { ...FLOW_PUSH_DEFAULTS, onDrop: undefined };
      return GenStage.start(new ObservableProducer<T>(shape.observable as ObservableLike<T>, bounds), start);
    }
    case 'stream':
      return GenStage.start(new ReadableStreamProducer<T>(shape.stream as ReadableStreamLike<T>, options.preventCancel ?? false), start);
  }
}
