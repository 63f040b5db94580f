import { DemandDispatcher } from './demand-dispatcher.js';
import { EventBuffer } from './buffer.js';
import { ProducerSide } from './producer-side.js';
import { StageProcess, type StageConfig } from './stage-process.js';
import { StageCallbacks } from './stage.js';
import type { StageRole } from './role.js';
import { anchorRole, hold } from './anchors.js';

// The producer role in a module of its own, apart from the public `Producer` class: the
// library's own producers (`GenStage.fromIterable`'s, loaded on first use) take the role
// from here, so a bundle that splits them off does not load `Producer` with the entry.

/** @internal A new process's producer side; its dispatcher is a new `DemandDispatcher` unless the config names one. */
export function producerSide(process: StageProcess, config: StageConfig): ProducerSide {
  return new ProducerSide(process, config.dispatcher ?? new DemandDispatcher(), config.bufferSize, config.bufferKeep, config.demand);
}

/** @internal The role of `Producer` and of the library's own producers. */
export const PRODUCER_ROLE: StageRole = { kind: 'producer', consumer: undefined, producer: producerSide, queue: undefined };

/** @internal A producer that never runs, for the anchors (here and producer-consumer.ts). */
export class DormantProducer extends StageCallbacks<never, unknown> {
  handleDemand(): undefined {
    return undefined;
  }
}

// The anchors (anchors.ts): a dormant producer linked to a consumer, and a buffer that
// has held events and an info.
const [anchored] = anchorRole(StageProcess, new DormantProducer(), PRODUCER_ROLE);
const buffer = new EventBuffer<unknown>(10_000, 'last');
const batch: unknown[] = [0, 1];
buffer.store(batch, anchored.producer!.dispatcher);
buffer.pushInfo(batch);
buffer.takeEvents(1);
hold(buffer);
