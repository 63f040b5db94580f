import { typeError } from '../runtime/errors.js';
import { expectKnownKeys, expectObject, show } from '../runtime/validate.js';
import { Stage } from '../stage/handle.js';
import type { SubscribeOptions } from '../stage/types.js';
import type { Dispatcher } from '../stage/dispatcher.js';
import { isDispatcher } from '../stage/options.js';
import { startExit } from './ends.js';
import type { Plan, ThroughEntry } from './plan.js';

// A flow and running stages: the entries of `intoStages`/`throughStages`, the options
// of `start`/`intoStages`, and how `intoStages` subscribes its consumers.

/** A stage to subscribe, with its subscription options. */
export type StageEntry = Stage<unknown> | (SubscribeOptions & { to: Stage<unknown> });

/** The checked options of `start` and `intoStages`. */
export interface StartChecked {
  dispatcher: Dispatcher<unknown> | undefined;
  name: string | undefined;
}

/** Checks `start`/`intoStages` options: `dispatcher` (a Dispatcher) and `name` (a string). */
export function checkStartOptions(options: unknown): StartChecked {
  const o = expectObject('start options', options);
  expectKnownKeys('start options', o, ['dispatcher', 'name']);
  if (o.dispatcher !== undefined && !isDispatcher(o.dispatcher)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected dispatcher to be a Dispatcher instance, got: ${show(o.dispatcher)}`);
  if (o.name !== undefined && typeof o.name !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected name to be a string, got: ${show(o.name)}`);
  return { dispatcher: o.dispatcher, name: o.name };
}

/**
 * Checks a non-empty array of stages or `{ to, ...options }` entries; `refused` is a
 * stage kind that cannot take part (`intoStages` takes no producer).
 */
export function checkEntries(where: string, entries: readonly StageEntry[], refused?: 'producer'): ThroughEntry[] {
  if (!Array.isArray(entries) || entries.length === 0) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: expected a non-empty array of stages or { to, ...options }, got: ${show(entries)}`);
  const checked = entries.map((entry) => {
    if (entry instanceof Stage) return { stage: entry, options: {} };
    const o = expectObject(`${where} entry`, entry);
    if (!(o.to instanceof Stage)) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: expected each entry's to option to be a Stage, got: ${show(o.to)}`);
    const { to, ...rest } = o;
    return { stage: to as Stage<unknown>, options: rest };
  });
  for (const entry of checked) {
    if (entry.stage.kind === refused) throw typeError('ERR_GENSTAGE_INVALID_TOPOLOGY', `${where}: ${entry.stage.name} is a producer; expected consumers or producer-consumers`);
  }
  return checked;
}

/**
 * `intoStages`: starts the flow's exit stage, subscribes every consumer to it, and only
 * then connects the flow, so that no event leaves before the last one is there. A
 * subscribe that fails stops the flow and rejects with its error.
 */
export async function startInto<T>(plan: Plan, entries: readonly ThroughEntry[], o: StartChecked): Promise<Stage<T>> {
  const { run, exit, connect } = await startExit(plan, o.dispatcher, o.name, false);
  try {
    for (const entry of entries) await entry.stage.subscribe(exit, entry.options);
  } catch (error) {
    run.abort('shutdown');
    throw error;
  }
  await connect();
  return exit;
}
