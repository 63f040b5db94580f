/**
 * Type-level assertions for the specs in this folder, checked by `tsc --noEmit`
 * (`npm run typecheck`); nothing here runs. `expectType<Expected>()(value)` fails to
 * compile unless the value's type is exactly `Expected` (not a subtype, not `any`).
 */

/** `true` when `A` and `B` are the same type (`any` equals only `any`). */
export type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** Compiles only with `true`: `assert<Equal<A, B>>()`. */
export function assert<T extends true>(): T | undefined {
  return undefined;
}

/** `expectType<Flow<string>>()(flow)` compiles only when `flow` is exactly a `Flow<string>`. */
export function expectType<Expected>(): <Actual>(value: Actual & (Equal<Actual, Expected> extends true ? unknown : never)) => void {
  return () => {};
}
