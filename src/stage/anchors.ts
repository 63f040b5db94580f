import { Deque } from '../runtime/deque.js';
import { systemClock } from '../runtime/clock.js';
import { DemandDispatcher } from './demand-dispatcher.js';
import { EventBuffer } from './buffer.js';
import * as M from './messages.js';
import type { StageConfig, StageProcess } from './stage-process.js';
import { Consumer, Producer, ProducerConsumer } from './stage.js';
import { Subscription } from './subscription.js';
import type { StageKind } from './types.js';

/**
 * Long-lived objects of every class on the stage hot path, kept for the life of the
 * module so that V8 keeps their hidden classes (maps) across full garbage collections
 * (issue 14, docs/performance.md, finding 1).
 *
 * V8 reaches a fully built object's map only through weak transitions from its
 * constructor's initial map: once every instance of a class is dead, a full GC drops the
 * map, and with it every optimized function and inline cache specialised on it. A
 * pipeline started after that builds new maps, and the whole hot path runs in the
 * interpreter again until it is re-optimized. One live instance of each class, whose
 * fields have held every kind of value a running pipeline stores in them, keeps the maps
 * (and their generalized field representations) alive, so code optimized for one
 * pipeline stays valid for the next.
 *
 * The anchors are a dormant producer → producer-consumer → consumer chain (processes,
 * role objects, handles, subscriptions, the demand dispatcher and its entries, a
 * buffer), messages of each kind and a deque that has held them. They are built with
 * plain constructors and field stores: nothing is posted, no process is ever in a run
 * queue (each is marked queued, so even a stray post could not schedule it), no channel
 * is published to, no timer or handle is created, and nothing registers them anywhere,
 * so `settle()`, the dashboards and the leak checks never see them (spec:
 * spec/stage/anchors.spec.ts).
 */

class DormantProducer extends Producer<unknown> {
  handleDemand(): undefined {
    return undefined;
  }
}

class DormantRelay extends ProducerConsumer<unknown, unknown> {
  handleEvents(): undefined {
    return undefined;
  }
}

class DormantConsumer extends Consumer<unknown> {
  handleEvents(): undefined {
    return undefined;
  }
}

type StageProcessClass = new (impl: DormantProducer | DormantRelay | DormantConsumer, config: StageConfig) => StageProcess;

function dormant(Process: StageProcessClass, impl: DormantProducer | DormantRelay | DormantConsumer, kind: StageKind): StageProcess {
  const config: StageConfig = {
    kind,
    name: `(anchor ${kind})`,
    clock: systemClock,
    dispatcher: kind === 'consumer' ? undefined : new DemandDispatcher(),
    bufferSize: kind === 'producer_consumer' ? Infinity : 10_000,
    bufferKeep: 'last',
    demand: 'forward',
  };
  const process = new Process(impl, config);
  process.queued = true; // never enters a run queue (Scheduler.enqueue skips a queued process)
  process.callback = 'handleEvents';
  return process;
}

/** Links `sub` on both sides as a running subscription does, without a message. */
function link(sub: Subscription): void {
  const producer = sub.producerProcess.producer!;
  const consumer = sub.consumerProcess.consumer!;
  sub.consumerLinked = true;
  consumer.producers = [sub];
  sub.producerLinked = true;
  producer.consumers = [sub];
  producer.dispatcher.subscribe(sub.options, sub);
  producer.dispatcher.ask(sub.maxDemand, sub);
  sub.manual = false;
  sub.pending = sub.maxDemand;
}

/**
 * Builds the anchors. Called once, by `StageProcess`'s static initializer (the class is
 * passed in: this module cannot import it as a value without a cycle), which keeps what
 * this returns in a static field: a class member, so no bundler drops it.
 */
export function buildAnchors(Process: StageProcessClass): readonly unknown[] {
  const source = dormant(Process, new DormantProducer(), 'producer');
  const relay = dormant(Process, new DormantRelay(), 'producer_consumer');
  const sink = dormant(Process, new DormantConsumer(), 'consumer');
  const upstream = new Subscription(source, relay, 1000, 500, 'permanent', {});
  const downstream = new Subscription(relay, sink, 1000, 500, 'permanent', {});
  link(upstream);
  link(downstream);
  relay.queue!.counter = 1000;

  // One message of each kind, so each field of the message class has held a
  // subscription, a small integer, a number, an array, a function, a boolean and undefined.
  const noop = (): void => {};
  const batch: unknown[] = [0, 1];
  const messages: M.Message[] = [
    M.subscribeTo(upstream, noop, noop),
    M.producerSubscribe(upstream),
    M.ask(upstream, 1000),
    M.ask(upstream, 0.5),
    M.events(downstream, batch),
    M.producerCancel(upstream, 'normal', false),
    M.consumerCancel(downstream, 'normal', true),
    M.info(batch),
    M.bufferedInfo(batch, noop),
    M.query(noop, noop),
  ];

  // A deque that has held messages and events, and emptied (as a mailbox does).
  const deque = new Deque<unknown>();
  for (const m of messages) deque.push(m);
  deque.pushAll(batch);
  deque.unshift(messages[0]);
  while (deque.shift() !== undefined);
  deque.peek();

  // A buffer that has held events and an info.
  const buffer = new EventBuffer<unknown>(10_000, 'last');
  buffer.store(batch, source.producer!.dispatcher);
  buffer.pushInfo(batch);
  buffer.takeEvents(1);

  return [source, relay, sink, upstream, downstream, messages, deque, buffer];
}
