import { StageCallbacks } from './stage.js';
import { defineRole } from './role.js';
import { PRODUCER_ROLE } from './producer-role.js';
import type { Emit } from './types.js';

/** A stage that only emits: it answers demand in `handleDemand`. */
export abstract class Producer<Out> extends StageCallbacks<never, Out> {
  /** Consumers want `demand` more events. Return up to that many (fewer is fine: track the rest yourself). */
  abstract handleDemand(demand: number): Emit<Out>;
}
defineRole(Producer, PRODUCER_ROLE);
