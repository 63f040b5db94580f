import { typeError } from './errors.js';
import { show } from './validate.js';

/**
 * Where genstage reports what it cannot hand to a caller: discarded events, excess
 * events, protocol errors, crashes nobody observed. Replace it for the whole program
 * with `setLogger`, or for the stages of one runtime with `new Runtime({ logger })`
 * (tests capture it; applications route it to their own logging).
 */
export interface Logger {
  warn(message: string): void;
  error(message: string, reason?: unknown): void;
}

const consoleLogger: Logger = {
  warn: (message) => console.warn(`[genstage] ${message}`),
  error: (message, reason) =>
    reason === undefined ? console.error(`[genstage] ${message}`) : console.error(`[genstage] ${message}`, reason),
};

let current: Logger = consoleLogger;

export function getLogger(): Logger {
  return current;
}

/** Installs `logger` and returns the previous one. `setLogger()` restores the console logger. */
export function setLogger(logger?: Logger): Logger {
  checkLogger(logger);
  const previous = current;
  current = logger ?? consoleLogger;
  return previous;
}

/** @internal Checks a `logger` argument or option: undefined, or an object with `warn()` and `error()`. */
export function checkLogger(logger: unknown): Logger | undefined {
  if (logger !== undefined && (typeof logger !== 'object' || logger === null || typeof (logger as Logger).warn !== 'function' || typeof (logger as Logger).error !== 'function')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected logger to have warn() and error() functions, got: ${show(logger)}`);
  }
  return logger as Logger | undefined;
}
