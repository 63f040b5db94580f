import { startStage, type OutputOf } from '../stage/gen-stage.js';
import type { StageCallbacks } from '../stage/stage.js';
import type { Stage } from '../stage/handle.js';
import type { StartOptions, SubscribeTo } from '../stage/types.js';
import { checkFromIterable, checkStream, type CheckedStream, type FromIterableOptions, type StreamOptions } from './iteration-options.js';

// `fromIterable` and `stream` are io (a producer over an iterable, a consumer that
// feeds a `for await` loop), and static methods are kept by every bundler with the
// class: so this class, and not the kernel, holds them, and each loads its module on
// first use (a dynamic `import()`, which an application bundler puts in a chunk of its
// own). `import { GenStage }` then costs the kernel, plus these checks. Arguments are
// checked here, synchronously, so a bad one still throws at the call.

let iterables: typeof import('./from-iterable.js') | undefined;
let streams: typeof import('./stream.js') | undefined;

/** The stream iterator, or one that forwards to it once stream.ts has loaded (the first stream of a process). */
function openStream<T>(checked: CheckedStream): AsyncIterator<T> {
  if (streams !== undefined) return streams.openStream<T>(checked);
  let iterator: AsyncIterator<T> | undefined;
  const opened = import('./stream.js').then((module) => {
    streams = module;
    return (iterator = module.openStream<T>(checked));
  });
  return {
    next: () => (iterator !== undefined ? iterator.next() : opened.then((it) => it.next())),
    return: () => opened.then((it) => it.return?.() ?? { value: undefined, done: true }),
  };
}

/**
 * Starting stages, and the two bridges between stages and iteration.
 *
 * `fromIterable` and `stream` (and a stage's observable) load their modules on first
 * use, with a dynamic `import()`: an application bundler puts them in a chunk of their
 * own, so `import { GenStage }` alone carries the kernel only. Their arguments are
 * checked at the call all the same; the first call of each resolves (or starts
 * iterating) once its module has loaded.
 *
 * ## Example
 * ```ts
 * const numbers = await GenStage.fromIterable([1, 2, 3]);
 * for await (const n of GenStage.stream([numbers])) console.log(n); // 1, 2, 3
 * ```
 */
export class GenStage {
  private constructor() {}

  /**
   * Starts `stage` and resolves with its handle once `init` has run (rejects if
   * `init` throws). Options are checked here, synchronously: a bad one throws a
   * `TypeError`/`RangeError` naming it. `subscribeTo` subscriptions are made after
   * `init`, in order.
   *
   * @param stage an instance of a `Producer`, `ProducerConsumer` or `Consumer` subclass, not yet started.
   * @param options producer options (`dispatcher`, `bufferSize`, `bufferKeep`, `demand`), `subscribeTo`, `clock`, `runtime`, `name`.
   * @returns the running stage.
   */
  static start<S extends StageCallbacks<never, unknown> | StageCallbacks<unknown, unknown>>(
    stage: S,
    options: StartOptions<OutputOf<S>> = {},
  ): Promise<Stage<OutputOf<S>>> {
    return startStage(stage, options);
  }

  /**
   * A producer that emits the items of `source` (an array, iterable or async
   * iterable) as demand comes, exactly as many as asked, and stops `'normal'` once
   * the source is exhausted and its buffer is empty. A sync source fills each demand
   * at once; from an async one, the items in hand go out as soon as a `next()` has to
   * wait (is still pending when the event loop turns), so a slow source delivers each
   * item as it comes.
   */
  static fromIterable<T>(source: Iterable<T> | AsyncIterable<T>, options: FromIterableOptions<T> = {}): Promise<Stage<T>> {
    const checked = checkFromIterable(source, options);
    if (iterables !== undefined) return iterables.startIterable(source, checked);
    return import('./from-iterable.js').then((module) => (iterables = module).startIterable(source, checked));
  }

  /**
   * Subscribes to `subscriptions` when iteration begins and yields their events,
   * asking for more as the loop consumes them (a slow loop slows the producers).
   * Breaking out of the loop cancels the subscriptions. The loop ends when every
   * producer has ended normally, and throws the reason when one exits abnormally
   * (on a `'permanent'` or `'transient'` subscription).
   */
  static stream<T>(subscriptions: readonly (Stage<T> | (SubscribeTo & { to: Stage<T> }))[], options: StreamOptions = {}): AsyncIterable<T> {
    const checked = checkStream(subscriptions, options);
    return {
      [Symbol.asyncIterator]: () => openStream<T>(checked),
    };
  }
}
