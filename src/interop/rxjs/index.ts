/**
 * `genstage/rxjs`: RxJS interop. Flows and stages are interop observables
 * (`from(flow)`, `from(stage)`), and these helpers convert in both directions with
 * the demand rules spelt out: `toObservable` (a flow or stage as an Observable),
 * `fromObservable` (an observable as a bounded producer that counts its drops) and
 * `throughFlow` (a flow pipeline as an RxJS operator). `rxjs` is an optional peer
 * dependency needed only by this subpath.
 */
export { toObservable, type ToObservableOptions } from './to-observable.js';
export { fromObservable, type FromObservableOptions } from './from-observable.js';
export { throughFlow, type ThroughFlowOptions } from './through-flow.js';
export { sourceStats, BufferOverflowError, type SourceStats, type Overflow, type OverflowOptions } from '../../io/push-queue.js';
export type { Source, SourceStageOptions } from '../source.js';
