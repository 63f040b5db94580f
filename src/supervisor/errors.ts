import { describeReason } from '../runtime/reason.js';

/**
 * A child could not be started: `reason` is `'max_children'`, or what its `start`
 * threw or rejected with (also the `cause`).
 */
export class StartChildError extends Error {
  override readonly name = 'StartChildError';
  /** `ERR_GENSTAGE_START_CHILD` (see `ErrorCodes`). */
  readonly code = 'ERR_GENSTAGE_START_CHILD';
  constructor(readonly reason: unknown) {
    super(`could not start child: ${describeReason(reason)}`, reason instanceof Error ? { cause: reason } : undefined);
  }
}

/** A task did not finish within its timeout (`Task.await`, `asyncStream`'s `timeout`). */
export class TaskTimeoutError extends Error {
  override readonly name = 'TaskTimeoutError';
  /** `ERR_GENSTAGE_TASK_TIMEOUT` (see `ErrorCodes`). */
  readonly code = 'ERR_GENSTAGE_TASK_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`task did not finish within ${timeoutMs} ms`);
  }
}
