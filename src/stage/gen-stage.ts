import { typeError } from '../runtime/errors.js';
import { StageProcess } from './stage-process.js';
import { processOfCallbacks, unbindCallbacks } from './bindings.js';
import type { StageCallbacks } from './stage.js';
import type { Stage } from './handle.js';
import { checkStartOptions, claimDispatcher, resolveSubscription } from './options.js';
import type { StageKind, StartOptions, SubscribeTo } from './types.js';
import { show } from '../runtime/validate.js';
import { roleOf } from './role.js';
import { startAndSubscribe } from './lifecycle.js';

/** The type of events a stage implementation emits. */
export type OutputOf<S> = S extends StageCallbacks<unknown, infer O> ? O : S extends StageCallbacks<never, infer O> ? O : unknown;

const OPTIONAL_CALLBACKS = [
  'init', 'handleSubscribe', 'handleCancel', 'handleCall', 'handleCast', 'handleInfo', 'terminate', 'formatDiscarded',
] as const;

function checkCallbacks(stage: StageCallbacks<unknown, unknown>, kind: StageKind): void {
  const record = stage as unknown as Record<string, unknown>;
  const required = kind === 'producer' ? 'handleDemand' : 'handleEvents';
  // The required callback first, then the optional ones that are defined.
  for (const name of [required, ...OPTIONAL_CALLBACKS]) {
    const value = record[name];
    if (typeof value !== 'function' && (name === required || value !== undefined)) {
      throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${stage.constructor.name}.${name} to be a function, got: ${show(value)}`);
    }
  }
}

/**
 * The kernel's `start`: what `GenStage.start` does (its doc comment, in
 * io/gen-stage.ts, is the contract). The public `GenStage` class lives above io,
 * because its `stream` and `fromIterable` are io; the kernel and the layers that
 * start stages call this.
 */
export function startStage<S extends StageCallbacks<never, unknown> | StageCallbacks<unknown, unknown>>(
  stage: S,
  options: StartOptions<OutputOf<S>> = {},
): Promise<Stage<OutputOf<S>>> {
  const role = roleOf(stage);
  const kind = role.kind;
  const callbacks = stage as unknown as StageCallbacks<unknown, unknown>;
  checkCallbacks(callbacks, kind);
  const running = processOfCallbacks(callbacks);
  if (running !== undefined) {
    throw typeError('ERR_GENSTAGE_INVALID_STATE', `this ${stage.constructor.name} instance was already started (as ${running.name}); create a new one`);
  }
  const o = checkStartOptions(options);
  if (kind !== 'producer') {
    if (o.demand !== 'forward' && options.demand !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `demand applies to producers; ${stage.constructor.name} is a ${kind}`);
  }
  if (kind === 'consumer') {
    for (const key of ['dispatcher', 'bufferSize', 'bufferKeep', 'demand'] as const) {
      if (options[key] !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${key} applies to producers; ${stage.constructor.name} is a consumer`);
    }
  }
  if (kind === 'producer' && o.subscribeTo.length > 0) {
    throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${stage.constructor.name} is a producer and cannot subscribeTo other stages`);
  }
  const process = new StageProcess(callbacks, {
    role,
    name: o.name ?? `${stage.constructor.name}#${nextName++}`,
    clock: o.clock,
    runtime: o.runtime,
    dispatcher: o.dispatcher,
    bufferSize: o.bufferSize ?? (kind === 'producer_consumer' ? Infinity : 10_000),
    bufferKeep: o.bufferKeep,
    demand: o.demand,
  });
  let subscriptions;
  try {
    subscriptions = o.subscribeTo.map((entry: SubscribeTo) => resolveSubscription(process, entry, 'subscribeTo'));
  } catch (error) {
    unbindCallbacks(callbacks);
    throw error;
  }
  // Only a dispatcher the caller passed can be passed again; the default one is ours alone
  // (no WeakMap entry per producer: issue 14, short flows).
  if (o.dispatcher !== undefined) claimDispatcher(o.dispatcher, process.name);
  return startAndSubscribe(process, subscriptions);
}

let nextName = 1;
