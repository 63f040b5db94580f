import { Process } from '../core/internal.js';
import type { Clock } from '../runtime/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { StageExitError } from '../runtime/reason.js';
import { isPromiseLike } from '../runtime/validate.js';
import { ChildSet, type ExitOutcome, type Limits } from './children.js';

/** @internal A message to a supervisor: work to run in its turn, or what to do if it has exited. */
export interface SupervisorMessage {
  run(): unknown;
  dead(reason: unknown): void;
}

const ignore = (): void => {};

/**
 * @internal The actor behind `DynamicSupervisor` (and `TaskSupervisor`): a mailbox of
 * closures and a `ChildSet`. Exiting stops the children, newest first.
 */
export class SupervisorProcess extends Process<SupervisorMessage> {
  readonly children: ChildSet;
  /** Inside a message, or waiting for the promise one returned. */
  private working = false;

  constructor(
    readonly name: string,
    readonly clock: Clock,
    limits: Limits,
    runtime?: Runtime,
  ) {
    super(runtime);
    this.children = new ChildSet(
      { name, clock: () => clock, logger: () => this.logger, deliver: (exits) => this.post({ run: () => this.children.handleExits(exits.notes, this.onOutcome), dead: ignore }) },
      limits,
    );
  }

  /** Restart intensity exceeded: the supervisor shuts down. */
  private readonly onOutcome = (outcome: ExitOutcome): boolean => {
    if (outcome.kind !== 'shutdown') return true;
    this.requestExit('shutdown');
    return false;
  };

  /** Runs `work` in the supervisor's turn and resolves with its result; its errors reject, they do not crash the supervisor. */
  request<R>(work: () => R | Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.post({
        run: () => {
          let result: R | Promise<R>;
          try {
            result = work();
          } catch (error) {
            reject(error);
            return undefined;
          }
          if (isPromiseLike(result)) return Promise.resolve(result).then(resolve, reject);
          resolve(result);
          return undefined;
        },
        dead: (reason) => reject(new StageExitError(reason, `${this.name} is not running`)),
      });
    });
  }

  /** Stops the supervisor with `reason` after the message it is handling; resolves once it has exited. */
  stop(reason: unknown): Promise<void> {
    this.markObserved();
    const exited = new Promise<void>((resolve) => this.monitor(() => resolve()));
    this.post({ run: () => this.requestExit(reason), dead: ignore });
    return exited;
  }

  /**
   * Runs `message` at once when the supervisor is idle (nothing in its mailbox, no
   * message running or awaited), as if it had been the next message; else posts it.
   * Starting a task this way saves a trip through the scheduler.
   */
  runOrPost(message: SupervisorMessage): void {
    if (this.working || this.mailbox.length > 0 || !this.alive) this.post(message);
    else this.dispatchNow(message);
  }

  protected receive(message: SupervisorMessage): unknown {
    this.working = true;
    let result: unknown;
    try {
      result = message.run();
    } catch (error) {
      this.working = false;
      throw error;
    }
    if (!isPromiseLike(result)) {
      this.working = false;
      return result;
    }
    return Promise.resolve(result).finally(() => {
      this.working = false;
    });
  }

  protected cleanup(): unknown {
    return this.children.shutdownAll();
  }

  protected afterExit(): void {}

  protected deadLetter(message: SupervisorMessage): void {
    message.dead(this.reason);
  }

  describe(): string {
    return this.name;
  }
}
