import { ConsumerSide } from './consumer-side.js';
import { StageProcess } from './stage-process.js';
import { StageCallbacks } from './stage.js';
import type { StageRole } from './role.js';
import { anchorRole } from './anchors.js';

// The consumer role in a module of its own, apart from the public `Consumer` class (see
// producer-role.ts): `GenStage.stream`'s consumer and a stage's observable sink take it from here.

/** @internal A new process's consumer side. */
export function consumerSide(process: StageProcess): ConsumerSide {
  return new ConsumerSide(process);
}

/** @internal The role of `Consumer` and of the library's own consumers. */
export const CONSUMER_ROLE: StageRole = { kind: 'consumer', consumer: consumerSide, producer: undefined, queue: undefined };

/** @internal A consumer that never runs, for the anchors (here and producer-consumer.ts). */
export class DormantConsumer extends StageCallbacks<unknown, never> {
  handleEvents(): undefined {
    return undefined;
  }
}

// The anchor (anchors.ts): a dormant consumer linked to a producer.
anchorRole(StageProcess, new DormantConsumer(), CONSUMER_ROLE);
