import { PcQueue } from './pc-queue.js';
import { StageProcess } from './stage-process.js';
import { StageCallbacks } from './stage.js';
import { defineRole, type StageRole } from './role.js';
import { anchorChain } from './anchors.js';
import { DormantProducer, PRODUCER_ROLE, producerSide } from './producer-role.js';
import { CONSUMER_ROLE, DormantConsumer, consumerSide } from './consumer-role.js';
import type { ConsumerSide } from './consumer-side.js';
import type { Subscription } from './subscription.js';
import type { Emit } from './types.js';

/** A stage that receives events from producers and emits events to consumers. */
export abstract class ProducerConsumer<In, Out> extends StageCallbacks<In, Out> {
  abstract handleEvents(events: In[], from: Subscription<In>): Emit<Out>;
}

function queue(process: StageProcess, consumer: ConsumerSide): PcQueue {
  return new PcQueue(process, consumer);
}

const role: StageRole = { kind: 'producer_consumer', consumer: consumerSide, producer: producerSide, queue };
defineRole(ProducerConsumer, role);

class DormantRelay extends ProducerConsumer<unknown, unknown> {
  handleEvents(): undefined {
    return undefined;
  }
}

// The anchor (anchors.ts): a dormant producer → producer-consumer → consumer, linked on
// both sides of each subscription.
anchorChain(StageProcess, [
  [new DormantProducer(), PRODUCER_ROLE],
  [new DormantRelay(), role],
  [new DormantConsumer(), CONSUMER_ROLE],
]);
