import { typeError } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { Flow, planOf } from '../flow/flow.js';
import { runToSink } from '../flow/ends.js';
import type { FlowRun } from '../flow/materialize.js';
import { Stage } from '../stage/handle.js';
import { openSink, type SinkDemand, type SinkHandle } from '../stage/sink.js';
import { checkMinDemand } from '../stage/options.js';
import { expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';

/** The options of a `from...` producer that say what its stage is called and where it runs. */
export interface SourceStageOptions {
  /** A name for logs and errors. Default: the function's name and a number (`fromObservable#1`). */
  name?: string;
  /** Where the producer's timers get their time. Default: the system clock. */
  clock?: Clock;
  /** The runtime the producer runs on (its scheduler and logger). Default: `Runtime.default`. */
  runtime?: Runtime;
}

/** What the `to...` conversions read: a flow (run once per conversion) or a running producer stage. */
export type Source<T> = Flow<T> | Stage<T>;

/** Throws a TypeError unless `source` is a Flow or a producer (or producer-consumer) Stage. */
export function checkSource(where: string, source: unknown): void {
  if (source instanceof Flow) return;
  if (source instanceof Stage && source.kind !== 'consumer') return;
  throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: expected a Flow or a producer Stage as the source, got: ${show(source)}`);
}

/**
 * The checks every `to...` conversion starts with: `source` (as `checkSource`), then
 * `options` is an object with no key outside `keys`. Returns the options as a record.
 */
export function checkConversion(where: string, source: unknown, options: unknown, keys: readonly string[]): Record<string, unknown> {
  checkSource(where, source);
  const o = expectObject(`${where} options`, options);
  expectKnownKeys(`${where} options`, o, keys);
  return o;
}

/** Checks `maxDemand`/`minDemand` options shared by the conversions. */
export function checkDemand(where: string, maxDemand: unknown, minDemand: unknown): SinkDemand {
  const demand: SinkDemand = {};
  if (maxDemand !== undefined) demand.maxDemand = expectInteger(`${where} maxDemand`, maxDemand, 1);
  if (minDemand !== undefined) demand.minDemand = checkMinDemand(`${where} minDemand`, minDemand, demand.maxDemand ?? 1000);
  return demand;
}

/**
 * Runs `source` into `onEvents`, batch by batch. A promise returned by `onEvents`
 * holds back further demand until it settles (that is how every conversion
 * applies back-pressure). A flow is materialised here, each call a fresh run; a
 * stage gets a new subscription. `cancel` stops the run (every stage of a flow) or
 * cancels the subscription (a stage), and resolves once that is done.
 * @internal
 */
export function openSource<T>(source: Source<T>, onEvents: (events: T[]) => void | Promise<void>, demand: SinkDemand = {}): SinkHandle {
  if (source instanceof Stage) return openSink(source, onEvents, demand);
  let run: FlowRun | undefined;
  let cancelled = false;
  let release: (() => void) | undefined;
  const done = runToSink(
    planOf(source),
    (events) => {
      if (cancelled) return undefined;
      const result = onEvents(events as T[]);
      if (result === undefined) return undefined;
      // `cancel` lets a pending batch go, so the sink can take the stop.
      return new Promise<void>((resolve, reject) => {
        release = resolve;
        result.then(resolve, reject);
      });
    },
    (r) => {
      run = r;
      if (cancelled) r.abort('shutdown');
    },
    demand,
  );
  return {
    done,
    async cancel(): Promise<void> {
      if (cancelled) return;
      cancelled = true;
      release?.();
      if (run === undefined) {
        await done.catch(() => {});
        return;
      }
      run.abort('shutdown');
      await run.whenExited();
    },
  };
}

/** A source read on pull: see `pulledSource`. */
export interface PulledSource {
  /** The first call opens the source; later ones let a batch that waited for room go on. */
  pull(): void;
  /** Lets a waiting batch go and cancels the source (nothing to do before the first pull). */
  cancel(): Promise<void> | undefined;
}

/**
 * The pull side of the stream conversions (`toReadable`, `toReadableStream`): the
 * source is opened at the first `pull`, and each batch goes to `deliver`; when
 * `deliver` answers `true` (the reader's buffer is full) no more demand is sent
 * until the next `pull`. `ended` gets the sink's `done` once, at the first pull.
 */
export function pulledSource<T>(
  source: Source<T>,
  demand: SinkDemand,
  deliver: (events: T[]) => boolean,
  ended: (done: Promise<void>) => void,
): PulledSource {
  let sink: SinkHandle | undefined;
  let resume: (() => void) | undefined;
  const go = (): void => {
    const next = resume;
    resume = undefined;
    next?.();
  };
  return {
    pull() {
      if (sink !== undefined) {
        go();
        return;
      }
      sink = openSource(source, (events) => (deliver(events) ? new Promise<void>((resolve) => (resume = resolve)) : undefined), demand);
      ended(sink.done);
    },
    cancel() {
      go();
      return sink?.cancel();
    },
  };
}
