import { isPromiseLike } from '../runtime/validate.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Dispatcher } from './dispatcher.js';
import type { StageCallbacks } from './stage.js';
import type { Stage } from './handle.js';
import { roleOf } from './role.js';
import { publishStart } from './lifecycle.js';
import * as M from './messages.js';
import { StageProcess } from './stage-process.js';

// The start path of stages the library builds itself (a flow's sources, layers and
// sink; `GenStage.fromIterable`'s producer), in a module of its own: only the layers
// that build stages import it (through core/internal), so `import { GenStage }` alone
// does not carry it.

/** What `startBuilt` takes: options the library made itself (nothing here comes from a user). */
export interface BuiltStageOptions {
  name: string;
  clock: Clock;
  runtime: Runtime;
  /** A producer's dispatcher: a new instance no other stage has (default: a `DemandDispatcher`). */
  dispatcher?: Dispatcher<unknown> | undefined;
}

/**
 * Starts a stage the library built, with options it made (a flow's sources, layers and
 * sink): the checks `startStage` makes at a user's call are left out, and the handle is
 * returned at once. `init` runs as the stage's first message; an `init` that throws or
 * rejects exits the stage with that error (the caller monitors the stage to learn it).
 * Buffer size, buffer keep and demand mode are the defaults of the stage's kind.
 */
export function startBuilt(stage: StageCallbacks<unknown, unknown>, options: BuiltStageOptions): Stage<unknown> {
  const role = roleOf(stage);
  const process = new StageProcess(stage, {
    role,
    name: options.name,
    clock: options.clock,
    runtime: options.runtime,
    dispatcher: options.dispatcher,
    bufferSize: role.kind === 'producer_consumer' ? Infinity : 10_000,
    bufferKeep: 'last',
    demand: 'forward',
  });
  initInTurn(process);
  return process.handle;
}

/**
 * Posts `init` as `stage`'s first piece of work, with nobody waiting on it (a stage the
 * library built and starts with others, see `startBuilt`): an `init` that throws or
 * rejects exits the stage with that error, which whoever monitors the stage receives.
 * No promise and no closure per start (issue 14, short flows).
 */
function initInTurn(stage: StageProcess): void {
  stage.post(M.query(runInit, ignore));
}

function runInit(stage: StageProcess): unknown {
  stage.callback = 'init';
  const result = stage.impl.init?.();
  if (!isPromiseLike(result)) {
    publishStart(stage);
    return undefined;
  }
  return Promise.resolve(result).then(() => publishStart(stage));
}

function ignore(): void {}
