/**
 * The one source of time for stages, windows, rate limits and call timeouts.
 *
 * Everything in genstage that waits asks a `Clock`, never `setTimeout` directly, so a
 * test (or a user's test) can swap in `VirtualClock` from `genstage/testing` and move
 * time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds on this clock's time line (wall time for the system clock). */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; cancelling one that already fired is a no-op. */
  clearTimeout(handle: TimerHandle): void;
}

/** An opaque timer handle; only the clock that made it can clear it. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** The real clock: `Date.now()` and the event loop's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
};

export function isClock(value: unknown): value is Clock {
  return (
    typeof value === 'object' && value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).setTimeout === 'function' &&
    typeof (value as Clock).clearTimeout === 'function'
  );
}
