import { typeError } from './errors.js';
import { show } from './validate.js';

/**
 * Where genstage reports what it cannot hand to a caller: discarded events, excess
 * events, protocol errors, crashes nobody observed. Replace it with `setLogger` (tests
 * capture it; applications route it to their own logging).
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
  if (logger !== undefined && (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.error !== 'function')) {
    throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected logger to have warn() and error() functions, got: ${show(logger)}`);
  }
  const previous = current;
  current = logger ?? consoleLogger;
  return previous;
}
