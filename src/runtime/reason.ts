// The kernel compares with the constants below rather than with `Reasons.X`: a member
// read keeps the whole `Reasons` object (every name and doc'd value) in an application
// bundle, a constant does not. `Reasons` is built from the same values.
/** @internal */ export const NORMAL = 'normal';
/** @internal */ export const SHUTDOWN = 'shutdown';
/** @internal */ export const NOPROC = 'noproc';
/** @internal */ export const KILLED = 'killed';
/** @internal */ export const UNKNOWN_SUBSCRIPTION = 'unknown_subscription';
/** @internal */ export const DUPLICATED_SUBSCRIPTION = 'duplicated_subscription';
/** @internal */ export const ALREADY_SUBSCRIBED = 'already_subscribed';

/**
 * Exit reasons. A stage ends with a normal reason (`'normal'`, `'shutdown'`,
 * `{ shutdown: detail }`), a reason the kernel gives (`'noproc'`, `'killed'`,
 * `'max_children'`), the `Error` a callback threw, or any other value a stage was
 * stopped with. Only the normal ones leave transient subscriptions and transient
 * children alone.
 *
 * The values are plain strings and objects, so comparing with `'normal'` keeps
 * working; `Reasons` names them for code that prefers constants.
 */
export const Reasons = {
  /** The stage finished its work: `stop()`, a producer that ran out, a consumer whose producers all ended. */
  NORMAL,
  /** Its supervisor or its owner stopped it (also `{ shutdown: detail }`, see `isNormalReason`). */
  SHUTDOWN,
  /** The process was not running: a subscription or call towards a stage that had already ended normally. */
  NOPROC,
  /** Stopped without running its cleanup: a supervisor's `'brutal_kill'`, or a shutdown that timed out. */
  KILLED,
  /** A supervisor refused a child because it already had `maxChildren` (the `reason` of a `StartChildError`). */
  MAX_CHILDREN: 'max_children',
  /** A subscription cancelled because the other side does not know it (an ask or events after a cancel crossed them). */
  UNKNOWN_SUBSCRIPTION,
  /** A subscription cancelled because the producer already holds one with the same identity. */
  DUPLICATED_SUBSCRIPTION,
  /** A `BroadcastDispatcher` refused a consumer that is already subscribed to it; never stops the consumer. */
  ALREADY_SUBSCRIBED,
} as const;

/** `'normal'`, `'shutdown'` or `{ shutdown: detail }`: the reasons that are not a failure. */
export type NormalReason = typeof Reasons.NORMAL | typeof Reasons.SHUTDOWN | { readonly shutdown: unknown };

/** The reasons the kernel itself gives when a stage, a link or a child ends. */
export type KernelReason =
  | typeof Reasons.NOPROC
  | typeof Reasons.KILLED
  | typeof Reasons.MAX_CHILDREN
  | typeof Reasons.UNKNOWN_SUBSCRIPTION
  | typeof Reasons.DUPLICATED_SUBSCRIPTION
  | typeof Reasons.ALREADY_SUBSCRIBED;

/**
 * Any other value a stage was stopped with (`stop(reason)`, `{ stop: reason }`, a
 * rejected promise): GenStage allows any term. Written `{} | null | undefined`, which
 * holds every value like `unknown` does, so the named members of `ExitReason` stay
 * visible in the union instead of collapsing into `unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` is "any value but null/undefined" here, on purpose
export type UserReason = {} | null | undefined;

/** Why a stage ended (see `Reasons`). */
export type ExitReason = NormalReason | KernelReason | Error | UserReason;

/** Whether `reason` is a normal exit reason: `'normal'`, `'shutdown'` or `{ shutdown: detail }` (not an `Error`). */
export function isNormalReason(reason: unknown): reason is NormalReason {
  return (
    reason === NORMAL ||
    reason === SHUTDOWN ||
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
