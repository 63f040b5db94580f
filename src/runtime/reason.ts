/**
 * Exit reasons. A stage ends with `'normal'`, `'shutdown'`, `{ shutdown: detail }` or
 * any other value (an `Error` when a callback threw). The first three are the normal
 * ones: transient subscriptions and transient children do not react to them.
 */
export type ExitReason = 'normal' | 'shutdown' | { shutdown: unknown } | unknown;

export function isNormalReason(reason: unknown): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (typeof reason === 'object' && reason !== null && !(reason instanceof Error) && 'shutdown' in reason)
  );
}

/** Thrown (or used as a rejection) when something needed a stage that has exited. */
export class StageExitError extends Error {
  override readonly name = 'StageExitError';
  /** `ERR_GENSTAGE_STAGE_EXIT` (see `ErrorCodes`). */
  readonly code = 'ERR_GENSTAGE_STAGE_EXIT';
  constructor(readonly reason: unknown, message?: string) {
    super(message ?? `stage exited: ${describeReason(reason)}`, reason instanceof Error ? { cause: reason } : undefined);
  }
}

/** Raised by `call` when no reply came in time. */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
  /** `ERR_GENSTAGE_CALL_TIMEOUT` (see `ErrorCodes`). */
  readonly code = 'ERR_GENSTAGE_CALL_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`call timed out after ${timeoutMs} ms`);
  }
}

export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  if (typeof reason === 'string') return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}
