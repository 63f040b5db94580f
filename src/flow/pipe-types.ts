import type { Flow } from './flow.js';

/** What a reducer emits by default: the items of its accumulator (`[key, value]` pairs for a Map). */
export type AccumulatorEvents<A> = A extends ReadonlyMap<infer K, infer V> ? [K, V] : A extends Iterable<infer E> ? E : never;

/**
 * Type-only: the key of a reduced flow's accumulator type. No flow has this property
 * at run time; it lets `onTrigger` and `departition` see the reducer's accumulator.
 */
export declare const accumulatorType: unique symbol;

/**
 * A flow whose last stage ends with a reducer (`reduce`, `groupBy`, `countByKey`...):
 * it emits `T` (by default the accumulator's items) at each trigger, and `onTrigger`
 * or `departition` after it receive the accumulator `A` itself.
 */
export interface ReducedFlow<A, T = AccumulatorEvents<A>> extends Flow<T> {
  /** Type-only (never set): the reducer's accumulator. */
  readonly [accumulatorType]: A;
}

/** The element type of a flow type. */
export type FlowElement<F> = F extends Flow<infer T> ? T : never;

/** An operator as `pipe` sees it: a function from one flow to the next. */
export type PipeStep = (flow: never) => Flow<unknown>;

/** The flow that `steps` lead to from `In`, or `never` when a step does not take the flow before it. */
export type PipeResult<In, Steps extends readonly unknown[]> = Steps extends readonly [infer First, ...infer Rest]
  ? First extends (flow: In) => infer Out
    ? PipeResult<Out, Rest>
    : never
  : In;

/** The flows that go into each of `steps`, starting from `In`. */
export type PipeInputs<In, Steps extends readonly unknown[]> = Steps extends readonly [infer First, ...infer Rest]
  ? [In, ...PipeInputs<First extends (flow: never) => infer Out ? Out : never, Rest>]
  : [];

/**
 * `Steps` where each step must take the flow the previous one gave: each is
 * intersected with the signature it needs, so a call fails on the first step that
 * does not fit.
 */
export type PipeChain<In, Steps extends readonly unknown[]> = {
  [I in keyof Steps]: Steps[I] & ((flow: PipeInputs<In, Steps>[I & keyof PipeInputs<In, Steps>]) => Flow<unknown>);
};
