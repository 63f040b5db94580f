import { rangeError, typeError } from './errors.js';
/**
 * Argument checks shared by every public entry point. Each throws at the call that
 * made the mistake, naming the option and the value received; nothing is clamped.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const name = value.constructor?.name;
    if (name && name !== 'Object') return `${name} instance`;
    try {
      return JSON.stringify(value);
    } catch {
      return '[object]';
    }
  }
  return String(value);
}

export function expectInteger(name: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${name} to be an integer >= ${min}, got: ${show(value)}`);
  }
  if (value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `between ${min} and ${max}`;
    throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected ${name} to be an integer ${range}, got: ${show(value)}`);
  }
  return value;
}

/** An integer >= min, or `Infinity`. */
export function expectCount(name: string, value: unknown, min: number): number {
  if (value === Infinity) return value;
  if (typeof value !== 'number' || (!Number.isInteger(value) && Number.isFinite(value))) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${name} to be an integer >= ${min} or Infinity, got: ${show(value)}`);
  }
  if (Number.isNaN(value) || value < min) {
    throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected ${name} to be an integer >= ${min} or Infinity, got: ${show(value)}`);
  }
  return value;
}

export function expectPositiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${name} to be a number > 0, got: ${show(value)}`);
  }
  if (!(value > 0)) throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected ${name} to be a number > 0, got: ${show(value)}`);
  return value;
}

export function expectFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${name} to be a function, got: ${show(value)}`);
}

export function expectOneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    const list = choices.map((c) => `'${c}'`).join(', ');
    const message = `expected ${name} to be one of ${list}, got: ${show(value)}`;
    throw typeof value === 'string' ? rangeError('ERR_GENSTAGE_OUT_OF_RANGE', message) : typeError('ERR_GENSTAGE_INVALID_TYPE', message);
  }
  return value as T;
}

export function expectObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected ${name} to be an object, got: ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Rejects keys outside `known`, so a misspelt option is an error and not a no-op. */
export function expectKnownKeys(name: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw typeError('ERR_GENSTAGE_UNKNOWN_OPTION', `unknown option ${key} in ${name} (known: ${known.join(', ')}), got: ${show(value[key])}`);
    }
  }
}

export function isPromiseLike<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<T>).then === 'function'
  );
}
