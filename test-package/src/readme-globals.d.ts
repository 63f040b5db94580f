// The free names the README's snippets use, declared with the types a user would have.
import type { Stage } from 'genstage';
import type { AckableEvent } from 'genstage/redis';

declare global {
  const lines: string[];
  const counter: Stage<number>;
  function print(n: number, signal: AbortSignal): Promise<void>;
  function poll(queue: string, signal: AbortSignal): Promise<void>;
  const files: string[];
  function resize(file: string, signal: AbortSignal): Promise<Uint8Array>;
  function save(thumb: Uint8Array): void;
  const texts: string[];
  function use(hash: unknown): void;
  const url: string;
  function bill(events: AckableEvent[]): Promise<void>;
}
export {};
