import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import * as index from '../../src/index.js';
import * as rxjs from '../../src/interop/rxjs/index.js';
import * as ix from '../../src/interop/ix/index.js';
import * as node from '../../src/interop/node/index.js';
import * as web from '../../src/interop/web/index.js';
import * as redis from '../../src/connectors/redis/index.js';
import * as testing from '../../src/testing/index.js';
import * as dashboard from '../../src/dashboard/index.js';
import * as worker from '../../src/worker.js';
import {
  BroadcastDispatcher, Consumer, ConsumerSupervisor, DemandDispatcher, DynamicSupervisor, Flow, GenStage,
  PartitionDispatcher, Producer, TaskSupervisor, Window, batch, countByKey, departition, emitAndReduce,
  filter, flatMap, groupBy, map, mapBatch, mapValues, onTrigger, partition, rateLimit, reduce, reduceByKey, reject,
  Runtime, setLogger, shuffle, superviseStage, take, takeSort, takeUntil, takeWhile, first, tap, uniqBy, window, type Stage, type Subscription,
} from '../../src/index.js';
import { VirtualClock, settle } from '../../src/testing/index.js';
import { expectRejected, type ErrorClass } from '../support/errors.js';

/**
 * The catalogue of bad input, across the package root and every subpath entry
 * (`package.json` exports → `rollup.config.js` entries): each public function,
 * constructor and static method, given wrong types and out-of-range values, must
 * throw at the call (not in a later rejection, not clamped) a TypeError or a
 * RangeError whose message names the option and shows the value received.
 *
 * Every export must have at least one row here (or be listed, with the reason, in
 * NOT_CALLABLE); a spec below enumerates the modules and fails on a new export
 * without one. docs/errors.md lists the same calls; a spec checks it names each.
 */

const ENTRIES = { index, rxjs, ix, node, web, redis, testing, dashboard, worker } as const;

/**
 * `genstage/worker` re-exports functions of the root (one file in dist/, the same source
 * modules): an export that is the root's own value is covered by the root's rows.
 */
const SAME_AS_INDEX = new Set(
  Object.entries(worker)
    .filter(([name, value]) => (index as Record<string, unknown>)[name] === value)
    .flatMap(([name, value]) => [`worker:${name}`, ...Object.getOwnPropertyNames(value).map((key) => `worker:${name}.${key}`)]),
);
type EntryName = keyof typeof ENTRIES;

interface Row {
  /** `entry:name` for an export, `entry:Class.method` for a static, `entry:Class#method` for a method. */
  id: string;
  title: string;
  call: () => unknown;
  error: ErrorClass;
  /** Each must appear in the message: the option's name and the value as shown. */
  parts: readonly string[];
}

/** Exports that take no arguments worth checking, or are not called at all: with the reason. */
const NOT_CALLABLE: Record<string, string> = {
  'index:channels': 'a constant (the diagnostics channel objects)',
  'index:systemClock': 'a constant (the default Clock)',
  'index:Reasons': 'a constant (the exit reason values)',
  'index:ErrorCodes': 'a constant (the error codes)',
  'index:GenStage': 'not constructible (private constructor); its static methods have rows',
  'index:Flow': 'not constructible (private constructor); its static methods have rows',
  'index:Window': 'not constructible (private constructor); its static methods have rows',
  'index:ActorHandle': 'abstract base of Stage and the supervisors (@internal constructor); only getters',
  'index:Stage': 'constructed by GenStage.start only (@internal constructor); its methods have rows',
  'index:Subscription': 'constructed by subscribe only (@internal constructor)',
  'index:Task': 'constructed by TaskSupervisor#async only (@internal constructor); its methods have rows',
  'index:DynamicSupervisor': 'not constructible (private constructor); DynamicSupervisor.start has rows',
  'index:ConsumerSupervisor': 'not constructible (private constructor); ConsumerSupervisor.start has rows',
  'index:TaskSupervisor': 'not constructible (private constructor); TaskSupervisor.start has rows',
  'index:Producer': 'abstract base class, no constructor arguments; GenStage.start checks the subclass',
  'index:ProducerConsumer': 'abstract base class, no constructor arguments; GenStage.start checks the subclass',
  'index:Consumer': 'abstract base class, no constructor arguments; GenStage.start checks the subclass',
  'index:StageCallbacks': 'abstract base class, no constructor arguments',
  'index:StageExitError': 'an error class genstage throws; any reason is accepted',
  'index:CallTimeoutError': 'an error class genstage throws',
  'index:StartChildError': 'an error class genstage throws; any reason is accepted',
  'index:TaskTimeoutError': 'an error class genstage throws',
  'index:WorkerError': 'an error class genstage throws',
  'rxjs:BufferOverflowError': 'an error class genstage throws',
  'node:BufferOverflowError': 'an error class genstage throws',
  'index:getLogger': 'takes no arguments',
  'index:groupByKey': 'takes no arguments',
  'index:uniq': 'takes no arguments',
  'index:Window.global': 'takes no arguments',
  'index:isNormalReason': 'accepts any value (answers whether it is a normal exit reason)',
  'redis:RedisCheckpoint': 'not constructible (private constructor); RedisCheckpoint.open has rows',
};

class Numbers extends Producer<number> {
  handleDemand(demand: number): number[] {
    return Array.from({ length: demand }, (_, i) => i);
  }
}
class Sink extends Consumer<number> {
  handleEvents(): void {}
}

describe('reliability: bad-input catalogue (every export of every entry)', () => {
  let producer: Stage<number>;
  let consumer: Stage<never>;
  let sub: Subscription<number>;
  let flow: Flow<number>;
  let dynamic: DynamicSupervisor;
  let tasks: TaskSupervisor;
  let consumerSup: ConsumerSupervisor<number>;

  before(async () => {
    producer = await GenStage.start(new Numbers(), { demand: 'accumulate', name: 'numbers' });
    consumer = await GenStage.start(new Sink(), { name: 'sink' });
    sub = await consumer.subscribe(producer, { cancel: 'temporary' });
    flow = Flow.from([1, 2, 3]);
    dynamic = await DynamicSupervisor.start({ name: 'dyn' });
    tasks = await TaskSupervisor.start({ name: 'tasks' });
    consumerSup = await ConsumerSupervisor.start<number>({ child: async () => {}, name: 'csup' });
  });

  after(async () => {
    await Promise.all([consumerSup.stop(), tasks.stop(), dynamic.stop()]);
    for (const s of [consumer, producer]) if (s.alive) await s.stop();
  });

  afterEach(() => setLogger());

  const fn = (event: number): number => event;
  const rows: Row[] = [
    // ------------------------------------------------------------- index: stages
    { id: 'index:GenStage.start', title: 'a plain object as the stage', call: () => GenStage.start({} as never), error: TypeError, parts: ['stage', 'got: {}'] },
    { id: 'index:GenStage.start', title: 'subscribeTo with selector towards a DemandDispatcher producer', call: () => GenStage.start(new Sink(), { subscribeTo: [{ to: producer, selector: () => true }] }), error: TypeError, parts: ['unknown option selector', 'known: to, maxDemand, minDemand, cancel', 'got: function selector'] },
    { id: 'index:GenStage.start', title: 'bufferSize -1', call: () => GenStage.start(new Numbers(), { bufferSize: -1 }), error: RangeError, parts: ['bufferSize', 'got: -1'] },
    { id: 'index:GenStage.fromIterable', title: 'a number as the source', call: () => GenStage.fromIterable(42 as never), error: TypeError, parts: ['source', 'got: 42'] },
    { id: 'index:GenStage.fromIterable', title: "onCancel 'pause'", call: () => GenStage.fromIterable([1], { onCancel: 'pause' as never }), error: RangeError, parts: ['onCancel', '"pause"'] },
    { id: 'index:GenStage.stream', title: 'an empty list', call: () => GenStage.stream([]), error: TypeError, parts: ['subscriptions', 'got: []'] },
    { id: 'index:GenStage.stream', title: 'maxDemand 0', call: () => GenStage.stream([{ to: producer, maxDemand: 0 }]), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'index:Stage#subscribe', title: 'a string as the producer', call: () => consumer.subscribe('numbers' as never), error: TypeError, parts: ['to', '"numbers"'] },
    { id: 'index:Stage#subscribe', title: 'minDemand -1', call: () => consumer.subscribe(producer, { minDemand: -1 }), error: RangeError, parts: ['minDemand', 'got: -1'] },
    { id: 'index:Stage#resubscribe', title: 'maxDemand 0', call: () => consumer.resubscribe(sub, 'normal', { maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'index:Stage#cancel', title: 'a number as the subscription', call: () => consumer.cancel(7 as never), error: TypeError, parts: ['subscription', 'got: 7'] },
    { id: 'index:Stage#call', title: 'timeoutMs -1', call: () => producer.call('x', -1), error: RangeError, parts: ['timeoutMs', 'got: -1'] },
    { id: 'index:Stage#subscribe', title: 'a misspelt option maxDemnd', call: () => consumer.subscribe(producer, { maxDemnd: 5 }), error: TypeError, parts: ['unknown option maxDemnd', 'known: to, maxDemand, minDemand, cancel', 'got: 5'] },
    { id: 'index:Stage#stop', title: 'timeoutMs -1', call: () => producer.stop('normal', -1), error: RangeError, parts: ['timeoutMs', 'got: -1'] },
    { id: 'index:Stage#demand', title: "mode 'push'", call: () => producer.demand('push' as never), error: RangeError, parts: ['demand', '"push"'] },

    // ------------------------------------------------------------- index: dispatchers
    { id: 'index:new DemandDispatcher', title: 'options 3', call: () => new DemandDispatcher(3 as never), error: TypeError, parts: ['DemandDispatcher options', 'got: 3'] },
    { id: 'index:new DemandDispatcher', title: 'maxDemand 0', call: () => new DemandDispatcher({ maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'index:new DemandDispatcher', title: "maxDemand '5'", call: () => new DemandDispatcher({ maxDemand: '5' as never }), error: TypeError, parts: ['maxDemand', '"5"'] },
    { id: 'index:new BroadcastDispatcher', title: 'options 5', call: () => new BroadcastDispatcher(5 as never), error: TypeError, parts: ['BroadcastDispatcher options', 'got: 5'] },
    { id: 'index:new BroadcastDispatcher', title: 'a selector (a subscription option)', call: () => new BroadcastDispatcher({ selector: fn } as never), error: TypeError, parts: ['selector', 'function fn'] },
    { id: 'index:new PartitionDispatcher', title: 'partitions 0', call: () => new PartitionDispatcher({ partitions: 0 }), error: RangeError, parts: ['partitions', 'got: 0'] },
    { id: 'index:new PartitionDispatcher', title: "partitions 'four'", call: () => new PartitionDispatcher({ partitions: 'four' as never }), error: TypeError, parts: ['partitions', '"four"'] },
    { id: 'index:new PartitionDispatcher', title: 'hash 5', call: () => new PartitionDispatcher({ partitions: 2, hash: 5 as never }), error: TypeError, parts: ['hash', 'got: 5'] },

    { id: 'index:defaultHash', title: 'a function', call: () => index.defaultHash(fn), error: TypeError, parts: ['cannot hash a function', 'function fn'] },
    { id: 'index:defaultHash', title: 'a symbol', call: () => index.defaultHash(Symbol('key')), error: TypeError, parts: ['cannot hash a symbol', 'Symbol(key)'] },

    // ------------------------------------------------------------- index: logger
    { id: 'index:setLogger', title: 'a number', call: () => setLogger(42 as never), error: TypeError, parts: ['logger', 'got: 42'] },
    { id: 'index:setLogger', title: 'a logger whose warn is a string', call: () => setLogger({ warn: 'loud', error: () => {} } as never), error: TypeError, parts: ['logger', 'warn'] },
    { id: 'index:new Runtime', title: 'a logger without error()', call: () => new Runtime({ logger: { warn: () => {} } as never }), error: TypeError, parts: ['logger', 'error()'] },
    { id: 'index:new Runtime', title: 'an unknown option', call: () => new Runtime({ scheduler: 1 } as never), error: TypeError, parts: ['scheduler', 'got: 1'] },
    { id: 'index:new Runtime', title: 'name 7', call: () => new Runtime({ name: 7 } as never), error: TypeError, parts: ['name', 'got: 7'] },
    { id: 'index:GenStage.start', title: 'a runtime that is not a Runtime', call: () => GenStage.start(new Numbers(), { runtime: 'default' as never }), error: TypeError, parts: ['runtime', 'got: "default"'] },

    // ------------------------------------------------------------- index: Flow
    { id: 'index:Flow.from', title: 'a number as the source', call: () => Flow.from(42 as never), error: TypeError, parts: ['source', 'got: 42'] },
    { id: 'index:Flow.from', title: 'null as the source', call: () => Flow.from(null as never), error: TypeError, parts: ['source', 'got: null'] },
    { id: 'index:Flow.from', title: 'stages 0', call: () => Flow.from([1], { stages: 0 }), error: RangeError, parts: ['stages', 'got: 0'] },
    { id: 'index:Flow.from', title: 'maxDemand 1.5', call: () => Flow.from([1], { maxDemand: 1.5 }), error: TypeError, parts: ['maxDemand', 'got: 1.5'] },
    { id: 'index:Flow.from', title: 'a runtime that is not a Runtime', call: () => Flow.from([1], { runtime: {} as never }), error: TypeError, parts: ['runtime', 'got: {}'] },
    { id: 'index:Flow.from', title: 'a clock without setTimeout', call: () => Flow.from([1], { clock: { now: () => 0 } as never }), error: TypeError, parts: ['clock', '{}'] },
    { id: 'index:Flow.from', title: 'an unknown option', call: () => Flow.from([1], { stage: 2 } as never), error: TypeError, parts: ['stage', 'got: 2'] },
    { id: 'index:Flow.from', title: 'a consumer stage as the source', call: () => Flow.from(consumer as never), error: TypeError, parts: ['Flow.from: sink is a consumer', 'producer or producer-consumer'] },
    { id: 'index:Flow.fromStages', title: 'an empty list', call: () => Flow.fromStages([]), error: TypeError, parts: ['stages', 'got: []'] },
    { id: 'index:Flow.fromStages', title: 'a number in the list', call: () => Flow.fromStages([42 as never]), error: TypeError, parts: ['stages', 'got: [42]'] },
    { id: 'index:Flow.fromStages', title: 'a consumer in the list', call: () => Flow.fromStages([consumer as never]), error: TypeError, parts: ['sink', 'consumer'] },
    { id: 'index:Flow.merge', title: 'an empty list', call: () => Flow.merge([]), error: TypeError, parts: ['flows', 'got: []'] },
    { id: 'index:Flow.merge', title: 'an array in the list', call: () => Flow.merge([[1, 2] as never]), error: TypeError, parts: ['flows', '[1, 2]'] },
    { id: 'index:Flow.merge', title: 'stages -1', call: () => Flow.merge([flow], { stages: -1 }), error: RangeError, parts: ['stages', 'got: -1'] },
    { id: 'index:Flow.merge', title: 'key 5', call: () => Flow.merge([flow], { key: 5 as never }), error: TypeError, parts: ['key', 'got: 5'] },
    { id: 'index:Flow.boundedJoin', title: "mode 'outer'", call: () => Flow.boundedJoin('outer' as never, flow, flow, fn, fn, (a, b) => [a, b]), error: RangeError, parts: ['mode', '"outer"'] },
    { id: 'index:Flow.boundedJoin', title: 'an array as the left flow', call: () => Flow.boundedJoin('inner', [1] as never, flow, fn, fn, (a, b) => [a, b]), error: TypeError, parts: ['left', '[1]'] },
    { id: 'index:Flow.boundedJoin', title: 'a string as leftKey', call: () => Flow.boundedJoin('inner', flow, flow, 'id' as never, fn, (a, b) => [a, b]), error: TypeError, parts: ['leftKey', '"id"'] },
    { id: 'index:Flow.boundedJoin', title: 'join 5', call: () => Flow.boundedJoin('inner', flow, flow, fn, fn, 5 as never), error: TypeError, parts: ['join', 'got: 5'] },
    { id: 'index:Flow.boundedJoin', title: 'stages 0', call: () => Flow.boundedJoin('inner', flow, flow, fn, fn, (a, b) => [a, b], { stages: 0 }), error: RangeError, parts: ['stages', 'got: 0'] },
    { id: 'index:Flow.windowJoin', title: "mode 'cross'", call: () => Flow.windowJoin('cross' as never, flow, flow, Window.count(2), fn, fn, (a, b) => [a, b]), error: RangeError, parts: ['mode', '"cross"'] },
    { id: 'index:Flow.windowJoin', title: 'a number as the window', call: () => Flow.windowJoin('inner', flow, flow, 10 as never, fn, fn, (a, b) => [a, b]), error: TypeError, parts: ['window', 'got: 10'] },
    { id: 'index:Flow.windowJoin', title: 'rightKey null', call: () => Flow.windowJoin('inner', flow, flow, Window.count(2), fn, null as never, (a, b) => [a, b]), error: TypeError, parts: ['rightKey', 'got: null'] },
    { id: 'index:Flow#pipe', title: 'a number as an operator', call: () => flow.pipe(5 as never), error: TypeError, parts: ['operators', 'got: 5'] },
    { id: 'index:Flow#iterate', title: 'maxDemand 0', call: () => flow.iterate({ maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'index:Flow#iterate', title: 'options 5', call: () => flow.iterate(5 as never), error: TypeError, parts: ['options', 'got: 5'] },
    { id: 'index:Flow#start', title: "a dispatcher given as a name", call: () => flow.start({ dispatcher: 'broadcast' as never }), error: TypeError, parts: ['dispatcher', '"broadcast"'] },
    { id: 'index:Flow#start', title: 'name 5', call: () => flow.start({ name: 5 as never }), error: TypeError, parts: ['name', 'got: 5'] },
    { id: 'index:Flow#intoStages', title: 'an empty list', call: () => flow.intoStages([]), error: TypeError, parts: ['intoStages', 'got: []'] },
    { id: 'index:Flow#intoStages', title: 'a producer as the consumer', call: () => flow.intoStages([producer]), error: TypeError, parts: ['numbers', 'producer'] },
    { id: 'index:Flow#intoStages', title: 'a number as to', call: () => flow.intoStages([{ to: 7 as never }]), error: TypeError, parts: ['intoStages', "entry's to option", 'got: 7'] },
    { id: 'index:Flow#throughStages', title: 'a string in the list', call: () => flow.throughStages(['sink' as never]), error: TypeError, parts: ['throughStages', '"sink"'] },
    { id: 'index:Flow#throughStages', title: 'stages 0', call: () => flow.throughStages([consumer as never], { stages: 0 }), error: RangeError, parts: ['stages', 'got: 0'] },

    // ------------------------------------------------------------- index: Window
    { id: 'index:Window.count', title: '0', call: () => Window.count(0), error: RangeError, parts: ['count', 'got: 0'] },
    { id: 'index:Window.count', title: "'3'", call: () => Window.count('3' as never), error: TypeError, parts: ['count', '"3"'] },
    { id: 'index:Window.periodic', title: 'n 0', call: () => Window.periodic(0, 'second'), error: RangeError, parts: ['Window.periodic n', 'got: 0'] },
    { id: 'index:Window.periodic', title: "unit 'fortnight'", call: () => Window.periodic(1, 'fortnight' as never), error: RangeError, parts: ['unit', '"fortnight"'] },
    { id: 'index:Window.fixed', title: 'n -1', call: () => Window.fixed(-1, 'second', fn), error: RangeError, parts: ['Window.fixed n', 'got: -1'] },
    { id: 'index:Window.fixed', title: "by 'timestamp'", call: () => Window.fixed(1, 'second', 'timestamp' as never), error: TypeError, parts: ['by', '"timestamp"'] },
    { id: 'index:Window#triggerEvery', title: '0', call: () => Window.global().triggerEvery(0), error: RangeError, parts: ['triggerEvery n', 'got: 0'] },
    { id: 'index:Window#triggerPeriodically', title: 'n 0', call: () => Window.global().triggerPeriodically(0, 'second'), error: RangeError, parts: ['triggerPeriodically n', 'got: 0'] },
    { id: 'index:Window#triggerPeriodically', title: "unit 'week'", call: () => Window.global().triggerPeriodically(1, 'week' as never), error: RangeError, parts: ['unit', '"week"'] },
    { id: 'index:Window#trigger', title: 'fn 5', call: () => Window.global().trigger(() => 0, 5 as never), error: TypeError, parts: ['trigger fn', 'got: 5'] },
    { id: 'index:Window#allowedLateness', title: 'n -5', call: () => Window.fixed(1, 'second', fn).allowedLateness(-5, 'second'), error: RangeError, parts: ['allowedLateness n', 'got: -5'] },
    { id: 'index:Window#onLateEvent', title: 'a string', call: () => Window.fixed(1, 'second', fn).onLateEvent('log' as never), error: TypeError, parts: ['onLateEvent hook', '"log"'] },

    // ------------------------------------------------------------- index: operators
    { id: 'index:map', title: 'a number', call: () => map(5 as never), error: TypeError, parts: ['expected map to be a function', 'got: 5'] },
    { id: 'index:filter', title: 'a string', call: () => filter('even' as never), error: TypeError, parts: ['expected filter to be a function', '"even"'] },
    { id: 'index:reject', title: 'undefined', call: () => reject(undefined as never), error: TypeError, parts: ['expected reject to be a function', 'got: undefined'] },
    { id: 'index:flatMap', title: 'an array', call: () => flatMap([1] as never), error: TypeError, parts: ['expected flatMap to be a function', '[1]'] },
    { id: 'index:mapBatch', title: 'null', call: () => mapBatch(null as never), error: TypeError, parts: ['expected mapBatch to be a function', 'got: null'] },
    { id: 'index:tap', title: 'an object', call: () => tap({} as never), error: TypeError, parts: ['expected tap to be a function', 'got: {}'] },
    { id: 'index:mapValues', title: 'a number', call: () => mapValues(1 as never), error: TypeError, parts: ['expected mapValues to be a function', 'got: 1'] },
    { id: 'index:uniqBy', title: 'a string', call: () => uniqBy('id' as never), error: TypeError, parts: ['expected uniqBy to be a function', '"id"'] },
    { id: 'index:partition', title: 'stages 0', call: () => partition({ stages: 0 }), error: RangeError, parts: ['stages', 'got: 0'] },
    { id: 'index:partition', title: 'key 5', call: () => partition({ key: 5 as never }), error: TypeError, parts: ['key', 'got: 5'] },
    { id: 'index:partition', title: 'key and hash', call: () => partition({ key: fn, hash: (e: number) => [e, 0] as const }), error: TypeError, parts: ['key', 'hash'] },
    { id: 'index:partition', title: 'options 3', call: () => partition(3 as never), error: TypeError, parts: ['options', 'got: 3'] },
    { id: 'index:partition', title: 'a window that is not one', call: () => partition({ window: 'tumbling' as never }), error: TypeError, parts: ['window', '"tumbling"'] },
    { id: 'index:shuffle', title: 'maxDemand 0', call: () => shuffle({ maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'index:shuffle', title: 'minDemand equal to maxDemand', call: () => shuffle({ maxDemand: 10, minDemand: 10 }), error: RangeError, parts: ['minDemand', 'got: 10'] },
    { id: 'index:window', title: 'a number', call: () => window(10 as never), error: TypeError, parts: ['window', 'got: 10'] },
    { id: 'index:window', title: 'a second window on one stage', call: () => Flow.from([1]).pipe(window(Window.count(2)), window(Window.count(3))), error: TypeError, parts: ['window', 'already has a window'] },
    { id: 'index:reduce', title: 'init 0', call: () => reduce(0 as never, (e: number, a: number) => a + e), error: TypeError, parts: ['init', 'got: 0'] },
    { id: 'index:reduce', title: 'step missing', call: () => reduce(() => 0, undefined as never), error: TypeError, parts: ['reduce step', 'got: undefined'] },
    { id: 'index:emitAndReduce', title: 'init a Map', call: () => emitAndReduce(new Map() as never, () => [[], 0] as never), error: TypeError, parts: ['init', 'Map'] },
    { id: 'index:emitAndReduce', title: 'step 1', call: () => emitAndReduce(() => 0, 1 as never), error: TypeError, parts: ['emitAndReduce step', 'got: 1'] },
    { id: 'index:onTrigger', title: 'a string', call: () => onTrigger('emit' as never), error: TypeError, parts: ['expected onTrigger to be a function', '"emit"'] },
    { id: 'index:groupBy', title: 'key a string', call: () => groupBy('id' as never), error: TypeError, parts: ['key', '"id"'] },
    { id: 'index:groupBy', title: 'value 5', call: () => groupBy(fn, 5 as never), error: TypeError, parts: ['value', 'got: 5'] },
    { id: 'index:reduceByKey', title: 'a number', call: () => reduceByKey(0 as never), error: TypeError, parts: ['expected reduceByKey to be a function', 'got: 0'] },
    { id: 'index:countByKey', title: 'key 5', call: () => countByKey(5 as never), error: TypeError, parts: ['key', 'got: 5'] },
    { id: 'index:departition', title: 'init 5', call: () => departition(5 as never, (a, s) => s, (s) => s), error: TypeError, parts: ['init', 'got: 5'] },
    { id: 'index:departition', title: 'merge missing', call: () => departition(() => 0, undefined as never, (s) => s), error: TypeError, parts: ['merge', 'got: undefined'] },
    { id: 'index:departition', title: 'done a string', call: () => departition(() => 0, (a, s) => s, 'done' as never), error: TypeError, parts: ['done', '"done"'] },
    { id: 'index:takeSort', title: 'n 0', call: () => takeSort(0), error: RangeError, parts: ['n', 'got: 0'] },
    { id: 'index:takeSort', title: "n '10'", call: () => takeSort('10' as never), error: TypeError, parts: ['n', '"10"'] },
    { id: 'index:takeSort', title: 'compare 5', call: () => takeSort(3, 5 as never), error: TypeError, parts: ['compare', 'got: 5'] },
    { id: 'index:take', title: 'count -1', call: () => take(-1), error: RangeError, parts: ['take count', 'got: -1'] },
    { id: 'index:take', title: "count '3'", call: () => take('3' as never), error: TypeError, parts: ['take count', '"3"'] },
    { id: 'index:takeWhile', title: 'predicate 3', call: () => takeWhile(3 as never), error: TypeError, parts: ['takeWhile predicate', 'got: 3'] },
    { id: 'index:takeWhile', title: 'misspelt inclusive', call: () => takeWhile(() => true, { inclusiv: true } as never), error: TypeError, parts: ["'inclusiv'", "'inclusive'"] },
    { id: 'index:takeWhile', title: "inclusive 'yes'", call: () => takeWhile(() => true, { inclusive: 'yes' as never }), error: TypeError, parts: ['inclusive', '"yes"'] },
    { id: 'index:first', title: 'predicate 1', call: () => first(1 as never), error: TypeError, parts: ['first predicate', 'got: 1'] },
    { id: 'index:takeUntil', title: 'an object', call: () => takeUntil({} as never), error: TypeError, parts: ['takeUntil signal', 'AbortSignal', 'got: {}'] },
    { id: 'index:batch', title: 'no options', call: () => batch(undefined as never), error: TypeError, parts: ['options', 'got: undefined'] },
    { id: 'index:batch', title: 'size 0', call: () => batch({ size: 0 }), error: RangeError, parts: ['size', 'got: 0'] },
    { id: 'index:batch', title: 'timeout -1', call: () => batch({ size: 10, timeout: -1 }), error: RangeError, parts: ['timeout', 'got: -1'] },
    { id: 'index:batch', title: "stages '2'", call: () => batch({ size: 10, stages: '2' as never }), error: TypeError, parts: ['stages', '"2"'] },
    { id: 'index:rateLimit', title: 'allowed 0', call: () => rateLimit({ allowed: 0, interval: 1000 }), error: RangeError, parts: ['allowed', 'got: 0'] },
    { id: 'index:rateLimit', title: 'interval -1', call: () => rateLimit({ allowed: 5, interval: -1 }), error: RangeError, parts: ['interval', 'got: -1'] },
    { id: 'index:rateLimit', title: 'interval missing', call: () => rateLimit({ allowed: 5 } as never), error: TypeError, parts: ['interval', 'got: undefined'] },

    // ------------------------------------------------------------- index: worker threads
    { id: 'index:inWorkers', title: 'a relative path as the module', call: () => index.inWorkers('./work.mjs', 'run'), error: TypeError, parts: ['module', '"./work.mjs"'] },
    { id: 'index:inWorkers', title: 'exportName 5', call: () => index.inWorkers('/tmp/work.mjs', 5 as never), error: TypeError, parts: ['exportName', 'got: 5'] },
    { id: 'index:inWorkers', title: "restart 'permanent'", call: () => index.inWorkers('/tmp/work.mjs', 'run', { restart: 'permanent' as never }), error: RangeError, parts: ['restart', '"permanent"'] },
    { id: 'index:inWorkers', title: 'maxRestarts -1', call: () => index.inWorkers('/tmp/work.mjs', 'run', { maxRestarts: -1 }), error: RangeError, parts: ['maxRestarts', 'got: -1'] },
    { id: 'index:workerTask', title: 'a number as the module', call: () => index.workerTask(5 as never, 'run'), error: TypeError, parts: ['module', 'got: 5'] },
    { id: 'index:workerTask', title: "exportName ''", call: () => index.workerTask('/tmp/work.mjs', ''), error: TypeError, parts: ['exportName', 'got: ""'] },
    { id: 'index:workerTask', title: "transfer 'yes'", call: () => index.workerTask('/tmp/work.mjs', 'run', { transfer: 'yes' as never }), error: TypeError, parts: ['transfer', '"yes"'] },
    { id: 'index:workerStage', title: 'no operators', call: () => index.workerStage(...([] as unknown as [never])), error: TypeError, parts: ['workerStage', 'operator'] },
    { id: 'index:workerStage', title: 'a number as an operator', call: () => index.workerStage(5 as never), error: TypeError, parts: ['operators', 'got: 5'] },
    { id: 'index:workerStage', title: 'an operator that adds a stage', call: () => index.workerStage(partition() as never), error: TypeError, parts: ['workerStage', 'partition'] },

    // ------------------------------------------------------------- index: supervision
    { id: 'index:supervise', title: 'fn 42', call: () => index.supervise(42 as never), error: TypeError, parts: ['fn', 'got: 42'] },
    { id: 'index:supervise', title: 'maxConcurrency 0', call: () => index.supervise(fn, { maxConcurrency: 0 }), error: RangeError, parts: ['maxConcurrency', 'got: 0'] },
    { id: 'index:supervise', title: 'maxSeconds -1', call: () => index.supervise(fn, { maxSeconds: -1 }), error: RangeError, parts: ['maxSeconds', 'got: -1'] },
    { id: 'index:DynamicSupervisor.start', title: 'options 5', call: () => DynamicSupervisor.start(5 as never), error: TypeError, parts: ['options', 'got: 5'] },
    { id: 'index:DynamicSupervisor.start', title: 'maxRestarts -1', call: () => DynamicSupervisor.start({ maxRestarts: -1 }), error: RangeError, parts: ['maxRestarts', 'got: -1'] },
    { id: 'index:DynamicSupervisor.start', title: 'a runtime that is not a Runtime', call: () => DynamicSupervisor.start({ runtime: 1 as never }), error: TypeError, parts: ['runtime', 'got: 1'] },
    { id: 'index:DynamicSupervisor.start', title: 'maxSeconds 0', call: () => DynamicSupervisor.start({ maxSeconds: 0 }), error: RangeError, parts: ['maxSeconds', 'got: 0'] },
    { id: 'index:DynamicSupervisor.start', title: 'maxChildren 0', call: () => DynamicSupervisor.start({ maxChildren: 0 }), error: RangeError, parts: ['maxChildren', 'got: 0'] },
    { id: 'index:DynamicSupervisor.start', title: 'an unknown option', call: () => DynamicSupervisor.start({ strategy: 'one_for_one' } as never), error: TypeError, parts: ['strategy', '"one_for_one"'] },
    { id: 'index:DynamicSupervisor#startChild', title: 'a number as the spec', call: () => dynamic.startChild(5 as never), error: TypeError, parts: ['spec', 'got: 5'] },
    { id: 'index:DynamicSupervisor#startChild', title: "restart 'always'", call: () => dynamic.startChild({ start: async () => {}, restart: 'always' as never }), error: RangeError, parts: ['restart', '"always"'] },
    { id: 'index:DynamicSupervisor#startChild', title: 'shutdown -1', call: () => dynamic.startChild({ start: async () => {}, shutdown: -1 }), error: RangeError, parts: ['shutdown', 'got: -1'] },
    { id: 'index:DynamicSupervisor#terminateChild', title: 'child id 0', call: () => dynamic.terminateChild(0), error: RangeError, parts: ['child id', 'got: 0'] },
    { id: 'index:DynamicSupervisor#terminateChild', title: 'a string', call: () => dynamic.terminateChild('first' as never), error: TypeError, parts: ['child', '"first"'] },
    { id: 'index:ConsumerSupervisor.start', title: 'no child', call: () => ConsumerSupervisor.start({} as never), error: TypeError, parts: ['child', 'got: undefined'] },
    { id: 'index:ConsumerSupervisor.start', title: 'child 5', call: () => ConsumerSupervisor.start({ child: 5 as never }), error: TypeError, parts: ['child', 'got: 5'] },
    { id: 'index:ConsumerSupervisor.start', title: "child.restart 'permanent'", call: () => ConsumerSupervisor.start({ child: { start: async () => {}, restart: 'permanent' } }), error: RangeError, parts: ['child.restart', 'permanent'] },
    { id: 'index:ConsumerSupervisor.start', title: 'subscribeTo a Stage, not a list', call: () => ConsumerSupervisor.start({ child: async () => {}, subscribeTo: producer as never }), error: TypeError, parts: ['subscribeTo', 'Stage'] },
    { id: 'index:ConsumerSupervisor.start', title: 'maxRestarts 1.5', call: () => ConsumerSupervisor.start({ child: async () => {}, maxRestarts: 1.5 }), error: TypeError, parts: ['maxRestarts', 'got: 1.5'] },
    { id: 'index:ConsumerSupervisor#subscribe', title: 'maxDemand 0', call: () => consumerSup.subscribe(producer, { maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'index:ConsumerSupervisor#terminateChild', title: 'child id -1', call: () => consumerSup.terminateChild(-1), error: RangeError, parts: ['child id', 'got: -1'] },
    { id: 'index:TaskSupervisor.start', title: 'maxChildren 0', call: () => TaskSupervisor.start({ maxChildren: 0 }), error: RangeError, parts: ['maxChildren', 'got: 0'] },
    { id: 'index:TaskSupervisor.start', title: "shutdown 'soon'", call: () => TaskSupervisor.start({ shutdown: 'soon' as never }), error: RangeError, parts: ['shutdown', '"soon"'] },
    { id: 'index:TaskSupervisor.start', title: 'name 5', call: () => TaskSupervisor.start({ name: 5 as never }), error: TypeError, parts: ['name', 'got: 5'] },
    { id: 'index:TaskSupervisor#async', title: 'a promise, not a function', call: () => tasks.async(Promise.resolve(1) as never), error: TypeError, parts: ['fn', 'Promise'] },
    { id: 'index:TaskSupervisor#asyncStream', title: 'a number as the source', call: () => tasks.asyncStream(5 as never, fn), error: TypeError, parts: ['source', 'got: 5'] },
    { id: 'index:TaskSupervisor#asyncStream', title: 'maxConcurrency 0', call: () => tasks.asyncStream([1], fn, { maxConcurrency: 0 }), error: RangeError, parts: ['maxConcurrency', 'got: 0'] },
    { id: 'index:TaskSupervisor#asyncStream', title: "onTimeout 'retry'", call: () => tasks.asyncStream([1], fn, { onTimeout: 'retry' as never }), error: RangeError, parts: ['onTimeout', '"retry"'] },
    { id: 'index:TaskSupervisor#terminateChild', title: 'child 1.5', call: () => tasks.terminateChild(1.5), error: TypeError, parts: ['child id', 'got: 1.5'] },
    { id: 'index:Task#await', title: 'timeoutMs -1', call: () => tasks.async(async () => 1).await(-1), error: RangeError, parts: ['timeoutMs', 'got: -1'] },
    { id: 'index:superviseStage', title: 'fn a string', call: () => superviseStage('work' as never), error: TypeError, parts: ['fn', '"work"'] },
    { id: 'index:superviseStage', title: 'maxConcurrency 0', call: () => superviseStage(fn, { maxConcurrency: 0 }), error: RangeError, parts: ['maxConcurrency', 'got: 0'] },
    { id: 'index:superviseStage', title: "restart 'permanent'", call: () => superviseStage(fn, { restart: 'permanent' as never }), error: RangeError, parts: ['restart', '"permanent"'] },
    { id: 'index:superviseStage', title: 'onError 5', call: () => superviseStage(fn, { onError: 5 as never }), error: TypeError, parts: ['onError', 'got: 5'] },
    { id: 'index:superviseStage', title: "ordered 'yes'", call: () => superviseStage(fn, { ordered: 'yes' as never }), error: TypeError, parts: ['ordered', '"yes"'] },

    // ------------------------------------------------------------- genstage/rxjs
    { id: 'rxjs:toObservable', title: 'an array as the source', call: () => rxjs.toObservable([1] as never), error: TypeError, parts: ['source', '[1]'] },
    { id: 'rxjs:toObservable', title: 'maxDemand 0', call: () => rxjs.toObservable(flow, { maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'rxjs:fromObservable', title: 'a number as the observable', call: () => rxjs.fromObservable(5 as never), error: TypeError, parts: ['observable', 'got: 5'] },
    { id: 'rxjs:fromObservable', title: 'bufferSize 0', call: () => rxjs.fromObservable([1], { bufferSize: 0 }), error: RangeError, parts: ['bufferSize', 'got: 0'] },
    { id: 'rxjs:fromObservable', title: "overflow 'block'", call: () => rxjs.fromObservable([1], { overflow: 'block' as never }), error: RangeError, parts: ['overflow', '"block"'] },
    { id: 'rxjs:fromObservable', title: 'onDrop 5', call: () => rxjs.fromObservable([1], { onDrop: 5 as never }), error: TypeError, parts: ['onDrop', 'got: 5'] },
    { id: 'rxjs:throughFlow', title: 'build 5', call: () => rxjs.throughFlow(5 as never), error: TypeError, parts: ['build', 'got: 5'] },
    { id: 'rxjs:throughFlow', title: 'stages 0', call: () => rxjs.throughFlow((f) => f, { stages: 0 }), error: RangeError, parts: ['stages', 'got: 0'] },
    { id: 'rxjs:sourceStats', title: 'a number', call: () => rxjs.sourceStats(5 as never), error: TypeError, parts: ['stage', 'got: 5'] },

    // ------------------------------------------------------------- genstage/ix
    { id: 'ix:throughFlow', title: 'build null', call: () => ix.throughFlow(null as never), error: TypeError, parts: ['build', 'got: null'] },
    { id: 'ix:throughFlow', title: 'maxDemand -1', call: () => ix.throughFlow((f) => f, { maxDemand: -1 }), error: RangeError, parts: ['maxDemand', 'got: -1'] },
    { id: 'ix:toAsyncIterable', title: 'a string as the source', call: () => ix.toAsyncIterable('abc' as never), error: TypeError, parts: ['source', '"abc"'] },
    { id: 'ix:toAsyncIterable', title: 'a consumer stage', call: () => ix.toAsyncIterable(consumer as never), error: TypeError, parts: ['source', 'Stage'] },

    // ------------------------------------------------------------- genstage/node
    { id: 'node:fromReadable', title: 'an array', call: () => node.fromReadable([1] as never), error: TypeError, parts: ['readable', '[1]'] },
    { id: 'node:fromReadable', title: "destroyOnStop 'yes'", call: () => node.fromReadable(Readable.from([1]), { destroyOnStop: 'yes' as never }), error: TypeError, parts: ['destroyOnStop', '"yes"'] },
    { id: 'node:fromLines', title: 'a number as the path', call: () => node.fromLines(5 as never), error: TypeError, parts: ['path', 'got: 5'] },
    { id: 'node:fromLines', title: 'highWaterMark 0', call: () => node.fromLines('/dev/null', { highWaterMark: 0 }), error: RangeError, parts: ['highWaterMark', 'got: 0'] },
    { id: 'node:fromLines', title: "encoding 'klingon'", call: () => node.fromLines('/dev/null', { encoding: 'klingon' as never }), error: RangeError, parts: ['encoding', '"klingon"'] },
    { id: 'node:toReadable', title: 'a number as the source', call: () => node.toReadable(5 as never), error: TypeError, parts: ['source', 'got: 5'] },
    { id: 'node:writableProducer', title: "objectMode 'yes'", call: () => node.writableProducer({ objectMode: 'yes' as never }), error: TypeError, parts: ['objectMode', '"yes"'] },
    { id: 'node:writableProducer', title: 'options 5', call: () => node.writableProducer(5 as never), error: TypeError, parts: ['options', 'got: 5'] },
    { id: 'node:pipeToWritable', title: 'a number as the source', call: () => node.pipeToWritable(5 as never, new Writable()), error: TypeError, parts: ['source', 'got: 5'] },
    { id: 'node:pipeToWritable', title: 'an object as the writable', call: () => node.pipeToWritable(flow, {} as never), error: TypeError, parts: ['writable', 'got: {}'] },
    { id: 'node:pipeToWritable', title: "end 'yes'", call: () => node.pipeToWritable(flow, new Writable(), { end: 'yes' as never }), error: TypeError, parts: ['end', '"yes"'] },
    { id: 'node:pipeToWritable', title: 'maxDemand 0', call: () => node.pipeToWritable(flow, new Writable(), { maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'node:toReadable', title: 'highWaterMark -1', call: () => node.toReadable(flow, { highWaterMark: -1 }), error: RangeError, parts: ['highWaterMark', 'got: -1'] },
    { id: 'node:toWritable', title: "objectMode 'yes'", call: () => node.toWritable({ objectMode: 'yes' as never }), error: TypeError, parts: ['objectMode', '"yes"'] },
    { id: 'node:toWritable', title: 'options 5', call: () => node.toWritable(5 as never), error: TypeError, parts: ['options', 'got: 5'] },
    { id: 'node:tcpAcceptor', title: 'port -1', call: () => node.tcpAcceptor({ port: -1 }), error: RangeError, parts: ['port', 'got: -1'] },
    { id: 'node:tcpAcceptor', title: 'port 70000', call: () => node.tcpAcceptor({ port: 70000 }), error: RangeError, parts: ['port', 'got: 70000'] },
    { id: 'node:tcpAcceptor', title: 'host 127', call: () => node.tcpAcceptor({ host: 127 as never }), error: TypeError, parts: ['host', 'got: 127'] },
    { id: 'node:tcpAcceptor', title: 'backlog -1', call: () => node.tcpAcceptor({ backlog: -1 }), error: RangeError, parts: ['backlog', 'got: -1'] },
    { id: 'node:tcpAcceptor', title: "overflow 'wait'", call: () => node.tcpAcceptor({ overflow: 'wait' as never }), error: RangeError, parts: ['overflow', '"wait"'] },
    { id: 'node:udpProducer', title: "port '9000'", call: () => node.udpProducer({ port: '9000' as never }), error: TypeError, parts: ['port', '"9000"'] },
    { id: 'node:udpProducer', title: "type 'udp5'", call: () => node.udpProducer({ type: 'udp5' as never }), error: RangeError, parts: ['type', '"udp5"'] },
    { id: 'node:udpProducer', title: 'recvBufferSize 0', call: () => node.udpProducer({ recvBufferSize: 0 }), error: RangeError, parts: ['recvBufferSize', 'got: 0'] },
    { id: 'node:udpProducer', title: 'bufferSize -1', call: () => node.udpProducer({ bufferSize: -1 }), error: RangeError, parts: ['bufferSize', 'got: -1'] },
    { id: 'node:sourceStats', title: 'undefined', call: () => node.sourceStats(undefined as never), error: TypeError, parts: ['stage', 'got: undefined'] },

    // ------------------------------------------------------------- genstage/web
    { id: 'web:toReadableStream', title: 'a number as the source', call: () => web.toReadableStream(5 as never), error: TypeError, parts: ['source', 'got: 5'] },
    { id: 'web:toReadableStream', title: 'highWaterMark -1', call: () => web.toReadableStream(flow, { highWaterMark: -1 }), error: RangeError, parts: ['highWaterMark', 'got: -1'] },
    { id: 'web:toReadableStream', title: 'maxDemand 0', call: () => web.toReadableStream(flow, { maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'web:fromReadableStream', title: 'an array', call: () => web.fromReadableStream([1] as never), error: TypeError, parts: ['stream', '[1]'] },
    { id: 'web:fromReadableStream', title: "preventCancel 'no'", call: () => web.fromReadableStream(new ReadableStream(), { preventCancel: 'no' as never }), error: TypeError, parts: ['preventCancel', '"no"'] },

    // ------------------------------------------------------------- genstage/redis (checked before connecting)
    { id: 'redis:redisStreamProducer', title: 'no stream', call: () => redis.redisStreamProducer({ group: 'g' } as never), error: TypeError, parts: ['stream', 'got: undefined'] },
    { id: 'redis:redisStreamProducer', title: 'group 5', call: () => redis.redisStreamProducer({ stream: 's', group: 5 as never }), error: TypeError, parts: ['group', 'got: 5'] },
    { id: 'redis:redisStreamProducer', title: 'blockMs -1', call: () => redis.redisStreamProducer({ stream: 's', group: 'g', blockMs: -1 }), error: RangeError, parts: ['blockMs', 'got: -1'] },
    { id: 'redis:redisStreamProducer', title: 'maxDeliveries 0', call: () => redis.redisStreamProducer({ stream: 's', group: 'g', maxDeliveries: 0 }), error: RangeError, parts: ['maxDeliveries', 'got: 0'] },
    { id: 'redis:redisStreamProducer', title: 'redis options 5', call: () => redis.redisStreamProducer({ stream: 's', group: 'g', redis: 5 as never }), error: TypeError, parts: ['redis', 'got: 5'] },
    { id: 'redis:redisStreamProducer', title: 'start options with subscribeTo', call: () => redis.redisStreamProducer({ stream: 's', group: 'g' }, { subscribeTo: [producer] } as never), error: TypeError, parts: ['subscribeTo'] },
    { id: 'redis:new RedisStreamProducer', title: "ackBatchSize '10'", call: () => new redis.RedisStreamProducer({ stream: 's', group: 'g', ackBatchSize: '10' as never }), error: TypeError, parts: ['ackBatchSize', '"10"'] },
    { id: 'redis:redisStreamSink', title: "stream ''", call: () => redis.redisStreamSink({ stream: '' }), error: TypeError, parts: ['stream', 'got: ""'] },
    { id: 'redis:redisStreamSink', title: 'maxLen 0', call: () => redis.redisStreamSink({ stream: 's', maxLen: 0 }), error: RangeError, parts: ['maxLen', 'got: 0'] },
    { id: 'redis:redisStreamSink', title: 'subscribeTo a Stage, not a list', call: () => redis.redisStreamSink({ stream: 's' }, producer as never), error: TypeError, parts: ['subscribeTo', 'Stage'] },
    { id: 'redis:new RedisStreamSink', title: 'toFields 5', call: () => new redis.RedisStreamSink({ stream: 's', toFields: 5 as never }), error: TypeError, parts: ['toFields', 'got: 5'] },
    { id: 'redis:new RedisStreamSink', title: 'retryMs -1', call: () => new redis.RedisStreamSink({ stream: 's', retryMs: -1 }), error: RangeError, parts: ['retryMs', 'got: -1'] },
    { id: 'redis:RedisCheckpoint.open', title: 'no key', call: () => redis.RedisCheckpoint.open({} as never), error: TypeError, parts: ['key', 'got: undefined'] },
    { id: 'redis:RedisCheckpoint.open', title: 'options a string', call: () => redis.RedisCheckpoint.open('ckpt' as never), error: TypeError, parts: ['options', '"ckpt"'] },
    { id: 'redis:ack', title: 'select 5', call: () => redis.ack(5 as never), error: TypeError, parts: ['select', 'got: 5'] },
    { id: 'redis:ackAll', title: 'events 5', call: () => redis.ackAll(5 as never), error: TypeError, parts: ['events', 'got: 5'] },
    { id: 'redis:ackAll', title: 'select a string', call: () => redis.ackAll([], 'ack' as never), error: TypeError, parts: ['select', '"ack"'] },
    { id: 'redis:ackAll', title: 'an event without ack()', call: () => redis.ackAll([{ id: 1 }] as never), error: TypeError, parts: ['ack()', '{"id":1}'] },
    { id: 'redis:acknowledge', title: 'a number as the stage', call: () => redis.acknowledge(5 as never), error: TypeError, parts: ['last', 'got: 5'] },
    { id: 'redis:acknowledge', title: 'options 5', call: () => redis.acknowledge(producer, 5 as never), error: TypeError, parts: ['options', 'got: 5'] },
    { id: 'redis:acknowledge', title: 'maxDemand 0', call: () => redis.acknowledge(producer, { maxDemand: 0 }), error: RangeError, parts: ['maxDemand', 'got: 0'] },
    { id: 'redis:new AckConsumer', title: 'select 5', call: () => new redis.AckConsumer({ select: 5 as never }), error: TypeError, parts: ['select', 'got: 5'] },
    { id: 'redis:new AckConsumer', title: 'options 5', call: () => new redis.AckConsumer(5 as never), error: TypeError, parts: ['AckConsumer options', 'got: 5'] },
    { id: 'redis:new StreamConsumer', title: 'handler a string', call: () => new redis.StreamConsumer('log' as never), error: TypeError, parts: ['handler', '"log"'] },
    { id: 'redis:new StreamConsumer', title: "onError 'retry'", call: () => new redis.StreamConsumer(async () => {}, { onError: 'retry' as never }), error: RangeError, parts: ['onError', '"retry"'] },
    { id: 'redis:moveToDeadLetter', title: 'a number as the client', call: () => redis.moveToDeadLetter(5 as never, 's', 'g', 's:dead', []), error: TypeError, parts: ['client', 'got: 5'] },
    { id: 'redis:moveToDeadLetter', title: 'stream 5', call: () => redis.moveToDeadLetter({ multi: () => {} } as never, 5 as never, 'g', 's:dead', []), error: TypeError, parts: ['stream', 'got: 5'] },
    { id: 'redis:moveToDeadLetter', title: 'entries not a list', call: () => redis.moveToDeadLetter({ multi: () => {} } as never, 's', 'g', 's:dead', 'all' as never), error: TypeError, parts: ['entries', '"all"'] },
    { id: 'redis:reapIdleConsumers', title: 'no stream', call: () => redis.reapIdleConsumers({ group: 'g' } as never), error: TypeError, parts: ['stream', 'got: undefined'] },
    { id: 'redis:reapIdleConsumers', title: 'idleMs -1', call: () => redis.reapIdleConsumers({ stream: 's', group: 'g', idleMs: -1 }), error: RangeError, parts: ['idleMs', 'got: -1'] },

    // ------------------------------------------------------------- genstage/testing
    { id: 'testing:new VirtualClock', title: 'start -1', call: () => new VirtualClock(-1), error: RangeError, parts: ['start', 'got: -1'] },
    { id: 'testing:new VirtualClock', title: "start '0'", call: () => new VirtualClock('0' as never), error: TypeError, parts: ['start', 'got: "0"'] },
    { id: 'testing:VirtualClock#advance', title: 'ms -5', call: () => new VirtualClock().advance(-5), error: RangeError, parts: ['ms', 'got: -5'] },
    { id: 'testing:VirtualClock#runAll', title: 'limit 0', call: () => new VirtualClock().runAll(0), error: RangeError, parts: ['limit', 'got: 0'] },
    { id: 'testing:new VirtualClock', title: 'a runtime that is not a Runtime', call: () => new VirtualClock(0, { runtime: {} as never }), error: TypeError, parts: ['runtime', 'got: {}'] },
    { id: 'testing:settle', title: 'a runtime that is not a Runtime', call: () => settle({} as never), error: TypeError, parts: ['runtime', 'got: {}'] },
    { id: 'testing:settle', title: 'quietRounds 0', call: () => settle(0), error: RangeError, parts: ['quietRounds', 'got: 0'] },
    { id: 'testing:VirtualClock#setTimeout', title: "ms '10'", call: () => new VirtualClock().setTimeout(() => {}, '10' as never), error: TypeError, parts: ['ms', '"10"'] },
    { id: 'testing:VirtualClock#setTimeout', title: 'fn 5', call: () => new VirtualClock().setTimeout(5 as never, 10), error: TypeError, parts: ['fn', 'got: 5'] },
    { id: 'dashboard:startDashboard', title: 'port -1', call: () => dashboard.startDashboard({ port: -1 }), error: RangeError, parts: ['port', 'got: -1'] },
    { id: 'dashboard:startDashboard', title: 'port 80.5', call: () => dashboard.startDashboard({ port: 80.5 }), error: TypeError, parts: ['port', 'got: 80.5'] },
    { id: 'dashboard:startDashboard', title: 'interval 10', call: () => dashboard.startDashboard({ interval: 10 }), error: RangeError, parts: ['interval', 'got: 10'] },
    { id: 'dashboard:startDashboard', title: "token ''", call: () => dashboard.startDashboard({ token: '' }), error: TypeError, parts: ['token', 'got: ""'] },
    { id: 'dashboard:startDashboard', title: 'host 0.0.0.0 without a token', call: () => dashboard.startDashboard({ host: '0.0.0.0' }), error: TypeError, parts: ['host', '"0.0.0.0"', 'token'] },
    { id: 'dashboard:startDashboard', title: 'an unknown option', call: () => dashboard.startDashboard({ prot: 1 } as never), error: TypeError, parts: ['prot', 'got: 1'] },
  ];

  describe('rows', () => {
    for (const row of rows) {
      it(`${row.id}: should reject ${row.title} with a ${row.error.name}`, () => {
        expectRejected(row.call, row.error, row.parts);
      });
    }
  });

  describe('completeness', () => {
    /** Every export (and static method) of every entry, as row ids. */
    function callables(): string[] {
      const ids: string[] = [];
      for (const [entry, module] of Object.entries(ENTRIES) as [EntryName, Record<string, unknown>][]) {
        for (const [name, value] of Object.entries(module)) {
          const isClass = typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
          if (!isClass) {
            ids.push(`${entry}:${name}`);
            continue;
          }
          ids.push(`${entry}:${name}`);
          for (const key of Object.getOwnPropertyNames(value)) {
            if (['length', 'name', 'prototype'].includes(key)) continue;
            if (typeof (value as unknown as Record<string, unknown>)[key] === 'function') ids.push(`${entry}:${name}.${key}`);
          }
        }
      }
      return ids;
    }

    it('should have a row (or a NOT_CALLABLE reason) for every export and static method of every entry', () => {
      const covered = new Set(rows.map((r) => r.id.replace(/^(\w+):new /, '$1:')));
      const missing = callables().filter((id) => !covered.has(id) && !(id in NOT_CALLABLE) && !SAME_AS_INDEX.has(id));
      expect(missing, 'exports without a bad-input row: add rows, or a reason to NOT_CALLABLE').to.deep.equal([]);
    });

    it('should list only real exports in NOT_CALLABLE and the rows', () => {
      const all = new Set(callables());
      const stale = Object.keys(NOT_CALLABLE).filter((id) => !all.has(id));
      expect(stale, 'NOT_CALLABLE names something no longer exported').to.deep.equal([]);
      const unknown = rows.map((r) => r.id).filter((id) => !id.includes('#') && !all.has(id.replace(/^(\w+):new /, '$1:')));
      expect(unknown, 'rows naming something not exported').to.deep.equal([]);
    });

    it('should enumerate the entries package.json exports (the build reads its entries from there)', () => {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
      const sources = Object.fromEntries(
        Object.entries(pkg.exports)
          .filter(([subpath]) => subpath !== './package.json')
          .map(([subpath, target]) => [
            subpath === '.' ? 'index' : subpath.slice(2),
            (target as { default: string }).default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'),
          ]),
      );
      // The modules this catalogue imports above, entry by entry.
      expect(sources).to.deep.equal({
        index: 'src/index.ts',
        rxjs: 'src/interop/rxjs/index.ts',
        ix: 'src/interop/ix/index.ts',
        node: 'src/interop/node/index.ts',
        web: 'src/interop/web/index.ts',
        redis: 'src/connectors/redis/index.ts',
        testing: 'src/testing/index.ts',
        dashboard: 'src/dashboard/index.ts',
        worker: 'src/worker.ts',
      });
      expect(Object.keys(sources).sort()).to.deep.equal(Object.keys(ENTRIES).sort());
    });

    it('should name every row\'s call in docs/errors.md', () => {
      const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
      const ids = [...new Set(rows.map((r) => r.id))];
      const absent = ids.filter((id) => !doc.includes(`\`${id}\``));
      expect(absent, 'calls missing from docs/errors.md').to.deep.equal([]);
    });
  });
});
