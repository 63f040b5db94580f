import { Deque } from '../runtime/deque.js';
import type { BufferKeep } from './types.js';

/** Where a buffer hands the infos it releases: the producer's dispatcher. */
export interface InfoTarget {
  info(message: unknown): void;
}

/** An info waiting behind buffered events (see `asyncInfo`). */
class InfoMark {
  constructor(readonly message: unknown) {}
}

/**
 * A producer's buffer: events produced while no consumer wanted them, in order, with
 * infos kept at their position so they fire once the events before them are gone.
 * Infos do not count towards `size`; an info pushed out by an overflow fires at once.
 */
export class EventBuffer<T> {
  private readonly entries = new Deque<T | InfoMark>();
  private events = 0;
  /** InfoMarks among `entries`: while there are none, events are taken in one copy. */
  private infos = 0;

  constructor(
    readonly size: number,
    readonly keep: BufferKeep,
  ) {}

  get eventCount(): number {
    return this.events;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Adds `events` at the end. Returns how many events were discarded to stay within
   * `size`; infos displaced by an overflow are handed to `target`.
   */
  store(events: readonly T[], target: InfoTarget): number {
    const room = this.size - this.events;
    if (events.length <= room) {
      this.entries.pushAll(events);
      this.events += events.length;
      return 0;
    }
    if (this.keep === 'first') {
      const kept = Math.max(room, 0);
      for (let i = 0; i < kept; i++) this.entries.push(events[i] as T);
      this.events += kept;
      return events.length - kept;
    }
    this.entries.pushAll(events);
    this.events += events.length;
    let discarded = 0;
    while (this.events > this.size) {
      const entry = this.entries.shift();
      if (entry instanceof InfoMark) {
        this.infos--;
        target.info(entry.message);
      }
      else {
        this.events--;
        discarded++;
      }
    }
    return discarded;
  }

  /** Puts events back at the front (a dispatcher could not deliver what it was given). */
  unshift(events: readonly T[]): void {
    const rest = this.entries.drain();
    this.entries.pushAll(events);
    this.entries.pushAll(rest);
    this.events += events.length;
  }

  pushInfo(message: unknown): void {
    this.entries.push(new InfoMark(message));
    this.infos++;
  }

  /** Takes up to `count` events from the front, stopping at the first info. */
  takeEvents(count: number): T[] {
    if (this.infos === 0) {
      const taken = this.entries.shiftMany(count) as T[];
      this.events -= taken.length;
      return taken;
    }
    const out: T[] = [];
    while (out.length < count) {
      const entry = this.entries.peek();
      if (entry === undefined && this.entries.length === 0) break;
      if (entry instanceof InfoMark) break;
      out.push(this.entries.shift() as T);
    }
    this.events -= out.length;
    return out;
  }

  /** Hands every info at the front to `target`. */
  takeInfos(target: InfoTarget): void {
    for (let entry = this.entries.peek(); entry instanceof InfoMark; entry = this.entries.peek()) {
      this.entries.shift();
      this.infos--;
      target.info(entry.message);
    }
  }

  clear(): void {
    this.entries.clear();
    this.events = 0;
    this.infos = 0;
  }
}
