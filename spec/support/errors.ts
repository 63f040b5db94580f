import { expect } from 'chai';
import { ErrorCodes, type ErrorCode } from '../../src/runtime/errors.js';

export type ErrorClass = typeof TypeError | typeof RangeError;

/** The codes bad input may carry, by class (docs/errors.md, "Error codes"). */
export const BAD_INPUT_CODES: Readonly<Record<'TypeError' | 'RangeError', readonly ErrorCode[]>> = {
  TypeError: [ErrorCodes.INVALID_TYPE, ErrorCodes.UNKNOWN_OPTION, ErrorCodes.INVALID_TOPOLOGY, ErrorCodes.INVALID_STATE],
  RangeError: [ErrorCodes.OUT_OF_RANGE, ErrorCodes.INVALID_TOPOLOGY],
};

/**
 * Calls `fn`; it must throw synchronously an `error` whose message contains every
 * part, with a bad-input `code` of its class (an unknown option with
 * `ERR_GENSTAGE_UNKNOWN_OPTION`), so an error thrown without a code fails.
 */
export function expectRejected(fn: () => unknown, error: ErrorClass, parts: readonly string[]): void {
  let thrown: unknown;
  let returned: unknown;
  try {
    returned = fn();
  } catch (e) {
    thrown = e;
  }
  if (returned instanceof Promise) returned.catch(() => {}); // a late rejection is still a failure below
  expect(thrown, `expected a synchronous ${error.name}, got ${returned instanceof Promise ? 'a promise' : 'a return'}`).to.be.instanceOf(Error);
  expect(thrown, (thrown as Error).message).to.be.instanceOf(error);
  for (const part of parts) expect((thrown as Error).message).to.contain(part);
  expectBadInputCode(thrown as Error);
}

/** `error` carries a bad-input code of its class; an unknown option carries `ERR_GENSTAGE_UNKNOWN_OPTION`. */
export function expectBadInputCode(error: Error): void {
  const code = (error as { code?: unknown }).code;
  const allowed = BAD_INPUT_CODES[error instanceof RangeError ? 'RangeError' : 'TypeError'];
  expect(allowed, `${error.name} without a bad-input code (code: ${String(code)}): ${error.message}`).to.include(code);
  if (/unknown option/.test(error.message)) expect(code, error.message).to.equal(ErrorCodes.UNKNOWN_OPTION);
}
