/**
 * Counting `process.getActiveResourcesInfo()` by type, for the specs that check a
 * stopped stage, flow, supervisor or connector leaves no timer, socket or port behind.
 * Mocha's own timers are in both counts, so specs compare against a baseline.
 */

/** Active handles and requests by type. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** The counts after one `setImmediate` turn (so resources closing right now are gone). */
export async function baseline(): Promise<Map<string, number>> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  return activeResources();
}

/** What is active now beyond `before`, as `"Type xN"` entries (empty when nothing leaked). */
export function newResources(before: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [type, n] of activeResources()) if (n > (before.get(type) ?? 0)) extra.push(`${type} x${n - (before.get(type) ?? 0)}`);
  return extra;
}

/**
 * `newResources(before)` once it stops changing: an `Immediate` queued this turn by
 * something else in the process (Playwright's client, a scheduler slice) is gone a turn
 * later, while a leaked server, socket or timer stays. Waits up to `turns` turns, not time.
 */
export async function lingeringResources(before: Map<string, number>, ignore: (type: string) => boolean = () => false, turns = 20): Promise<string[]> {
  let extra = newResources(before).filter((r) => !ignore(r));
  for (let i = 0; i < turns && extra.length > 0; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    extra = newResources(before).filter((r) => !ignore(r));
  }
  return extra;
}
