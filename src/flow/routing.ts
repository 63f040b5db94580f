import { rangeError, typeError } from '../runtime/errors.js';
import { defaultHash } from '../dispatchers/hash.js';
import { expectFunction, expectInteger, expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { DEFAULT_MAX_DEMAND, type Routing } from './plan.js';
import { checkWindow, type Window } from './window.js';
import { checkMinDemand } from '../stage/options.js';

/**
 * Options shared by everything that adds a layer of stages, and the routing of
 * events into a partitioned layer.
 * @internal
 */

export interface LayerOptions<T = unknown> {
  /**
   * How many stages run this layer. Default 1: Node runs JavaScript on one thread,
   * so more stages add message passing, not parallel work; use more to partition
   * state by key (each stage holds the keys routed to it) or to overlap async work.
   */
  stages?: number;
  /** Most events in flight from each producer into each stage. Default 1000. */
  maxDemand?: number;
  /** Ask again once this many are left. Default `Math.floor(maxDemand / 2)`: batches of 500. */
  minDemand?: number;
  /** The window of the reducer of this layer. Default `Window.global()`. */
  window?: Window<NoInfer<T>> | Window<unknown>;
}

export interface CheckedLayerOptions {
  stages: number;
  maxDemand: number;
  minDemand: number | undefined;
  window: Window<unknown> | undefined;
}

export function checkLayerOptions(where: string, options: unknown, extra: readonly string[] = []): CheckedLayerOptions & Record<string, unknown> {
  const o = expectObject(`${where} options`, options ?? {});
  expectKnownKeys(`${where} options`, o, ['stages', 'maxDemand', 'minDemand', 'window', ...extra]);
  const stages = o.stages === undefined ? 1 : expectInteger('stages', o.stages, 1);
  const maxDemand = o.maxDemand === undefined ? DEFAULT_MAX_DEMAND : expectInteger('maxDemand', o.maxDemand, 1);
  let minDemand: number | undefined;
  if (o.minDemand !== undefined) minDemand = checkMinDemand('minDemand', o.minDemand, maxDemand);
  const window = o.window === undefined ? undefined : checkWindow(o.window);
  return { ...o, stages, maxDemand, minDemand, window };
}

/**
 * Routing by key: `hash(event)` returns `[event, partition]` or `null` (drop);
 * otherwise `key(event)` is hashed with `defaultHash` (the event itself without a
 * key), so the same key always lands in the same partition.
 */
export function partitionRouting(stages: number, key: unknown, hash: unknown): Routing {
  if (key !== undefined && hash !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `partition: give key or hash, not both`);
  if (hash !== undefined) {
    expectFunction('hash', hash);
    const h = hash as (event: unknown) => readonly [unknown, number] | null;
    return {
      kind: 'partition',
      hash: (event) => {
        const r = h(event);
        if (r !== null && (!Array.isArray(r) || r.length !== 2 || !Number.isInteger(r[1]) || r[1] < 0 || r[1] >= stages)) {
          throw rangeError('ERR_GENSTAGE_INVALID_RETURN', `partition: expected hash to return [event, index] with 0 <= index < ${stages}, or null, got: ${show(r)}`);
        }
        return r;
      },
    };
  }
  if (key !== undefined) {
    expectFunction('key', key);
    const k = key as (event: unknown) => unknown;
    return { kind: 'key', index: (event) => defaultHash(k(event)) % stages };
  }
  return { kind: 'key', index: (event) => defaultHash(event) % stages };
}
