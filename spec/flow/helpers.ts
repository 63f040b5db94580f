/** 1..n (or a..b) as an array. */
export function range(a: number, b?: number): number[] {
  const [from, to] = b === undefined ? [1, a] : [a, b];
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A sorted copy (numbers numerically, anything else by JSON). */
export function sorted<T>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
  );
}
