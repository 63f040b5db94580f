import { StageCallbacks } from './stage.js';
import { defineRole } from './role.js';
import { CONSUMER_ROLE } from './consumer-role.js';
import type { Subscription } from './subscription.js';

/** A stage that only receives. */
export abstract class Consumer<In> extends StageCallbacks<In, never> {
  abstract handleEvents(events: In[], from: Subscription<In>): void | Promise<void>;
}
defineRole(Consumer, CONSUMER_ROLE);
