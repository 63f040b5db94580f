import { checkLogger, getLogger, type Logger } from './logger.js';
import { scheduler as defaultScheduler, Scheduler } from './scheduler.js';
import { expectKnownKeys, expectObject, show } from './validate.js';
import { typeError } from './errors.js';

/** Options of `new Runtime(options)`. */
export interface RuntimeOptions {
  /**
   * Where the stages of this runtime report what they cannot hand to a caller
   * (discarded events, crashes nobody observed...). Default: the program's logger,
   * the one `setLogger` installs, looked up at each report.
   */
  logger?: Logger;
  /** A name for messages about the runtime. Default: `Runtime#1`, `Runtime#2`... */
  name?: string;
}

let nextName = 1;
let schedulerOf: (runtime: Runtime) => Scheduler;

/**
 * Where stages run: a scheduler (the loop that hands each stage with mail its turn)
 * and a logger. Every stage, flow and supervisor runs on the default runtime,
 * `Runtime.default`, unless its `runtime` option names another; the stages a flow or
 * a supervisor starts run on the flow's or the supervisor's runtime.
 *
 * A runtime of its own isolates a pipeline: `settle(runtime)` (from
 * `genstage/testing`) waits for that runtime's stages only, and a logger given to it
 * receives the reports of its stages only. Stages of different runtimes may subscribe
 * to each other; each handles its messages on its own runtime's loop. Runtimes of one
 * thread share that thread: while one runs a slice the others wait, and each yields to
 * the event loop as the default one does.
 *
 * ## Example
 * ```ts
 * const warnings: string[] = [];
 * const runtime = new Runtime({ logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } });
 * const counts = Flow.from([1, 2, 3], { runtime }).pipe(map((x) => x * 2)).toArray();
 * await settle(runtime); // this flow's stages are idle; others may still run
 * ```
 */
export class Runtime {
  /** The runtime of every stage that is not given one: the program's logger (`setLogger`) and the thread's scheduler. */
  static readonly default: Runtime = new Runtime({ name: 'Runtime.default' }, defaultScheduler);

  /** The `name` option, or `Runtime#n`: for messages about the runtime. */
  readonly name: string;
  readonly #scheduler: Scheduler;
  readonly #logger: Logger | undefined;

  constructor(options?: RuntimeOptions);
  /** @internal The default runtime's constructor (its scheduler is the module's). */
  constructor(options: RuntimeOptions, scheduler: Scheduler);
  constructor(options: RuntimeOptions = {}, scheduler?: Scheduler) {
    const o = expectObject('Runtime options', options);
    expectKnownKeys('Runtime options', o, ['logger', 'name']);
    if (o.name !== undefined && typeof o.name !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected name to be a string, got: ${show(o.name)}`);
    this.#logger = checkLogger(o.logger);
    this.name = o.name ?? `Runtime#${nextName++}`;
    this.#scheduler = scheduler ?? new Scheduler();
  }

  static {
    schedulerOf = (runtime) => runtime.#scheduler;
  }

  /** The logger of this runtime's stages: its `logger` option, else the program's logger at the time of the call. */
  get logger(): Logger {
    return this.#logger ?? getLogger();
  }

  /** The runtime's name. */
  toString(): string {
    return this.name;
  }
}

/** @internal The scheduler of `runtime` (the kernel's and `settle`'s; not a public member). */
export function runtimeScheduler(runtime: Runtime): Scheduler {
  return schedulerOf(runtime);
}

/**
 * @internal Checks a `runtime` option: undefined (the caller's default) or a `Runtime`.
 * Shared by `GenStage.start`, `Flow.from` and the supervisors.
 */
export function checkRuntimeOption(runtime: unknown): Runtime | undefined {
  if (runtime !== undefined && !(runtime instanceof Runtime)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected runtime to be a Runtime (new Runtime()), got: ${show(runtime)}`);
  }
  return runtime;
}
