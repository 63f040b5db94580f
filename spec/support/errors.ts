import { expect } from 'chai';

export type ErrorClass = typeof TypeError | typeof RangeError;

/** Calls `fn`; it must throw synchronously an `error` whose message contains every part. */
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
}
