/**
 * Error codes. Every error genstage creates carries a stable `code` (Node's style,
 * `err.code === 'ERR_GENSTAGE_OUT_OF_RANGE'`), so programs and specs can branch on
 * the kind of failure without matching message text. Messages may be reworded; a
 * code, once published, keeps its meaning. docs/errors.md lists every code.
 *
 * Bad input stays a plain `TypeError` or `RangeError` (`instanceof` and `name` are
 * unchanged); the code is an extra own property. The runtime error classes
 * (`StageExitError`, `CallTimeoutError`, ...) each have one code of their own.
 */
export const ErrorCodes = {
  /** TypeError: an argument or option has the wrong type or shape. */
  INVALID_TYPE: 'ERR_GENSTAGE_INVALID_TYPE',
  /** RangeError: the type is right, the value is not allowed (a bound, a choice, a duplicate). */
  OUT_OF_RANGE: 'ERR_GENSTAGE_OUT_OF_RANGE',
  /** TypeError: an options object has a key the call does not know (a misspelt option). */
  UNKNOWN_OPTION: 'ERR_GENSTAGE_UNKNOWN_OPTION',
  /** TypeError or RangeError: stages or operators that do not fit together (a stage of the wrong kind, operators in the wrong order, a stage subscribing to itself). */
  INVALID_TOPOLOGY: 'ERR_GENSTAGE_INVALID_TOPOLOGY',
  /** TypeError: a well-formed call on something in the wrong state (a stage not started or already started, a locked stream, a one-shot source already read). */
  INVALID_STATE: 'ERR_GENSTAGE_INVALID_STATE',
  /** TypeError, as an exit reason or a rejection: a user callback returned (or a source produced) a value of the wrong shape. */
  INVALID_RETURN: 'ERR_GENSTAGE_INVALID_RETURN',
  /** TypeError: a worker module could not be loaded, or does not export what was named. */
  WORKER_MODULE: 'ERR_GENSTAGE_WORKER_MODULE',
  /** TypeError: a value sent to or from a worker thread cannot be cloned. */
  NOT_CLONEABLE: 'ERR_GENSTAGE_NOT_CLONEABLE',
  /** Error: a stream or pool was closed before the work given to it was done. */
  CLOSED: 'ERR_GENSTAGE_CLOSED',
  /** Error: the runtime lacks a built-in module a feature needs. */
  UNSUPPORTED_RUNTIME: 'ERR_GENSTAGE_UNSUPPORTED_RUNTIME',
  /** `StageExitError`. */
  STAGE_EXIT: 'ERR_GENSTAGE_STAGE_EXIT',
  /** `CallTimeoutError`. */
  CALL_TIMEOUT: 'ERR_GENSTAGE_CALL_TIMEOUT',
  /** `StartChildError`. */
  START_CHILD: 'ERR_GENSTAGE_START_CHILD',
  /** `TaskTimeoutError`. */
  TASK_TIMEOUT: 'ERR_GENSTAGE_TASK_TIMEOUT',
  /** `WorkerError`. */
  WORKER: 'ERR_GENSTAGE_WORKER',
  /** `BufferOverflowError`. */
  BUFFER_OVERFLOW: 'ERR_GENSTAGE_BUFFER_OVERFLOW',
} as const;

/** One of the values of `ErrorCodes`. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** An error genstage created: any `Error` with its `code`. */
export type CodedError<E extends Error = Error> = E & { readonly code: ErrorCode };

type ErrorConstructorLike<E extends Error> = new (message: string, options?: ErrorOptions) => E;

/**
 * `new Kind(message, options)` with `code` set. The factory's own frame is left out
 * of the stack, so the trace starts at the check that failed.
 */
export function codedError<E extends Error>(Kind: ErrorConstructorLike<E>, code: ErrorCode, message: string, options?: ErrorOptions): CodedError<E> {
  const error = options === undefined ? new Kind(message) : new Kind(message, options);
  (error as { code?: ErrorCode }).code = code;
  Error.captureStackTrace?.(error, codedError);
  return error as CodedError<E>;
}

/** A `TypeError` with `code`. */
export function typeError(code: ErrorCode, message: string, options?: ErrorOptions): CodedError<TypeError> {
  const error = codedError(TypeError, code, message, options);
  Error.captureStackTrace?.(error, typeError);
  return error;
}

/** A `RangeError` with `code`. */
export function rangeError(code: ErrorCode, message: string, options?: ErrorOptions): CodedError<RangeError> {
  const error = codedError(RangeError, code, message, options);
  Error.captureStackTrace?.(error, rangeError);
  return error;
}
