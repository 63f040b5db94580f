import { typeError } from '../../runtime/errors.js';
import { expectInteger, expectObject, show } from '../../runtime/validate.js';

/** A required, non-empty string option (a stream, group or consumer name). */
export function expectName(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${name} to be a non-empty string, got: ${show(value)}`);
  }
  return value;
}

/** An optional integer option >= `min`; `fallback` when absent. */
export function optionalInteger(name: string, value: unknown, min: number, fallback: number): number {
  return value === undefined ? fallback : expectInteger(name, value, min);
}

/** Checks that `options` is an object with only `known` keys. */
export function expectOptions(where: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  const o = expectObject(`${where} options`, options);
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      throw typeError('ERR_GENSTAGE_UNKNOWN_OPTION', `unknown option ${key} in ${where} options (known: ${known.join(', ')}), got: ${show(o[key])}`);
    }
  }
  return o;
}

/** The `redis` connection options: checked to be an object at the call, before any connection is made. */
export function optionalRedisOptions<T>(value: unknown): T | undefined {
  return value === undefined ? undefined : (expectObject('redis', value) as T);
}
