import { typeError } from '../runtime/errors.js';
import { show } from '../runtime/validate.js';

/**
 * The `[key, value]` of an event that operators over pairs (`mapValues`,
 * `reduceByKey`, `groupByKey`) expect; anything else is a `TypeError` naming the
 * operator and showing the event (not a bare "is not iterable").
 * @internal
 */
export function pairOf(operator: string, event: unknown): readonly [unknown, unknown] {
  if (!Array.isArray(event) || event.length !== 2) {
    throw typeError('ERR_GENSTAGE_INVALID_RETURN', `${operator}: expected each event to be a [key, value] pair, got: ${show(event)}`);
  }
  return event as unknown as readonly [unknown, unknown];
}
