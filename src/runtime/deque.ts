/**
 * A FIFO queue on a growable array with a moving head: O(1) push and shift, and no
 * per-element node allocation (the mailbox and the producer buffer sit on it).
 */
export class Deque<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  pushAll(items: readonly T[]): void {
    for (let i = 0; i < items.length; i++) this.items.push(items[i]);
  }

  /** Puts `item` in front of the oldest one. */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    const head = this.head;
    if (head >= this.items.length) return undefined;
    const item = this.items[head];
    this.items[head] = undefined;
    this.moveHead(head + 1);
    return item;
  }

  /** Removes and returns the `count` oldest items (fewer if it holds fewer), oldest first: one copy, not one shift each. */
  shiftMany(count: number): T[] {
    const head = this.head;
    const end = Math.min(head + count, this.items.length);
    const out = this.items.slice(head, end) as T[];
    if (end < this.items.length) this.items.fill(undefined, head, end);
    this.moveHead(end);
    return out;
  }

  /** Moves the head to `end` (the places before it already cleared); empties or compacts the array when it can. */
  private moveHead(end: number): void {
    if (end === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (end >= 1024 && end * 2 >= this.items.length) {
      this.items = this.items.slice(end);
      this.head = 0;
    } else {
      this.head = end;
    }
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}
