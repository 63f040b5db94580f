import { Deque } from '../runtime/deque.js';
import { systemClock } from '../runtime/clock.js';
import * as M from './messages.js';
import type { StageConfig, StageProcess } from './stage-process.js';
import type { StageRole } from './role.js';
import { StageCallbacks } from './stage.js';
import { Subscription } from './subscription.js';

/**
 * Long-lived objects of every class on the stage hot path, kept for the life of the
 * program so that V8 keeps their hidden classes (maps) across full garbage collections
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
 * Three parts, so that a program anchors the kinds of stage it loads and no other (the
 * roles come with their base classes, role.ts):
 * - the kernel's own (`StageProcess`'s static initializer): two role-less dormant
 *   processes, a subscription between them, messages of each kind and a deque that has
 *   held them;
 * - one dormant stage per role, built where the role is defined (producer-role.ts,
 *   consumer-role.ts): its role objects, linked by a subscription to a role-less process
 *   (a producer's dispatcher with an entry and demand, a consumer's producers), and a
 *   producer's buffer;
 * - once all three kinds are loaded (producer-consumer.ts), a dormant producer →
 *   producer-consumer → consumer chain linked on both sides, as the anchors were before
 *   the roles were split: with the per-role anchors alone, W1 ran 3-4% slower (10 pairs
 *   of processes each; docs/performance.md, "The role split").
 *
 * They are built with plain constructors and field stores: nothing is posted, no process
 * is ever in a run queue (each is marked queued, so even a stray post could not schedule
 * it), no channel is published to, no timer or handle is created, and nothing registers
 * them anywhere, so `settle()`, the dashboards and the leak checks never see them (spec:
 * spec/stage/anchors.spec.ts).
 */

type StageProcessClass = new (impl: StageCallbacks<unknown, unknown>, config: StageConfig) => StageProcess;

/** Every anchor built so far, held by this module for the life of the program. */
const held: unknown[] = [];

/** @internal The anchors built so far (specs). */
export function anchors(): readonly unknown[] {
  return held;
}

/**
 * Keeps `objects` for the life of the program. Everything the anchor builders make goes
 * through here: a module-level constant that nothing reads is dropped by the build
 * (rollup keeps the call that made it, not the value).
 */
export function hold(...objects: unknown[]): void {
  held.push(...objects);
}

class Shell extends StageCallbacks<unknown, unknown> {}

/** The role of the processes at the far end of an anchor's subscriptions: none. */
const SHELL: StageRole = { kind: 'consumer', consumer: undefined, producer: undefined, queue: undefined };

function dormant(Process: StageProcessClass, impl: StageCallbacks<unknown, unknown>, role: StageRole): StageProcess {
  const process = new Process(impl, {
    role,
    name: role === SHELL ? '(anchor shell)' : `(anchor ${role.kind})`,
    clock: systemClock,
    dispatcher: undefined,
    bufferSize: role.kind === 'producer_consumer' ? Infinity : 10_000,
    bufferKeep: 'last',
    demand: 'forward',
  });
  process.queued = true; // never enters a run queue (Scheduler.enqueue skips a queued process)
  process.callback = 'handleEvents';
  return process;
}

/** A subscription linked on the sides its ends have, as a running one is, without a message. */
function link(sub: Subscription): Subscription {
  const producer = sub.producerProcess.producer;
  const consumer = sub.consumerProcess.consumer;
  if (consumer !== undefined) {
    sub.consumerLinked = true;
    consumer.producers = [sub];
  }
  if (producer !== undefined) {
    sub.producerLinked = true;
    producer.consumers = [sub];
    producer.dispatcher.subscribe(sub.options, sub);
    producer.dispatcher.ask(sub.maxDemand, sub);
  }
  sub.manual = false;
  sub.pending = sub.maxDemand;
  return sub;
}

/**
 * Builds the kernel's anchors. Called once, by `StageProcess`'s static initializer (the
 * class is passed in: this module cannot import it as a value without a cycle), which
 * keeps what this returns in a static field: a class member, so no bundler drops it.
 */
export function buildAnchors(Process: StageProcessClass): readonly unknown[] {
  const from = dormant(Process, new Shell(), SHELL);
  const to = dormant(Process, new Shell(), SHELL);
  const sub = new Subscription(from, to, 1000, 500, 'permanent', {});

  // One message of each kind, so each field of the message class has held a
  // subscription, a small integer, a number, an array, a function, a boolean and undefined.
  const noop = (): void => {};
  const batch: unknown[] = [0, 1];
  const messages: M.Message[] = [
    M.subscribeTo(sub, noop, noop),
    M.producerSubscribe(sub),
    M.ask(sub, 1000),
    M.ask(sub, 0.5),
    M.events(sub, batch),
    M.producerCancel(sub, 'normal', false),
    M.consumerCancel(sub, 'normal', true),
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

  const built = [from, to, sub, messages, deque];
  hold(...built);
  return built;
}

/**
 * Builds the anchor of one kind of stage: a dormant process of `role` running `impl`,
 * subscribed to a role-less process if it consumes and subscribed to by one if it
 * produces. Called once by each role's module (producer-role.ts, consumer-role.ts);
 * returns the anchor (held here too).
 */
export function anchorRole(Process: StageProcessClass, impl: StageCallbacks<unknown, unknown>, role: StageRole): readonly [StageProcess, ...unknown[]] {
  const process = dormant(Process, impl, role);
  const built: [StageProcess, ...unknown[]] = [process];
  if (process.consumer !== undefined) built.push(link(new Subscription(dormant(Process, new Shell(), SHELL), process, 1000, 500, 'permanent', {})));
  if (process.producer !== undefined) built.push(link(new Subscription(process, dormant(Process, new Shell(), SHELL), 1000, 500, 'permanent', {})));
  if (process.queue !== undefined) process.queue.counter = 1000;
  hold(...built);
  return built;
}

/**
 * Builds the anchor of a whole pipeline once all three kinds are loaded (producer-consumer.ts,
 * which loads the other two): a dormant producer → producer-consumer → consumer, each
 * subscription linked on both sides, as the stages of a running pipeline are.
 */
export function anchorChain(Process: StageProcessClass, stages: readonly (readonly [StageCallbacks<unknown, unknown>, StageRole])[]): readonly unknown[] {
  const processes = stages.map(([impl, role]) => dormant(Process, impl, role));
  const built: unknown[] = [...processes];
  for (let i = 1; i < processes.length; i++) built.push(link(new Subscription(processes[i - 1]!, processes[i]!, 1000, 500, 'permanent', {})));
  for (const process of processes) if (process.queue !== undefined) process.queue.counter = 1000;
  hold(...built);
  return built;
}
