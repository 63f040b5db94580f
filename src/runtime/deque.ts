/**
 * A FIFO queue on a growable array with a moving head: O(1) push and shift, and no
 * per-element node allocation (the mailbox and the producer buffer sit on it).
 *
 * The oldest item waits in a field of its own (`first`) while the array behind it is
 * empty: a queue that holds one item at a time (a mailbox at `maxDemand: 1`, a
 * producer-consumer's upstream queue) never touches the array, so it neither allocates a
 * backing store per item nor keeps one while empty (an idle stage's mailbox holds none).
 */
export class Deque<T> {
  /** The oldest item, when the deque holds one; everything in `items` is behind it. */
  private first: T | undefined = undefined;
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return (this.first === undefined ? 0 : 1) + this.items.length - this.head;
  }

  push(item: T): void {
    if (this.first === undefined && this.head === this.items.length) this.first = item;
    else this.items.push(item);
  }

  pushAll(items: readonly T[]): void {
    for (let i = 0; i < items.length; i++) this.push(items[i] as T);
  }

  /** Puts `item` in front of the oldest one. */
  unshift(item: T): void {
    this.spillFirst();
    this.first = item;
  }

  peek(): T | undefined {
    return this.first !== undefined ? this.first : this.items[this.head];
  }

  shift(): T | undefined {
    const first = this.first;
    if (first !== undefined) {
      this.first = undefined;
      return first;
    }
    const head = this.head;
    if (head >= this.items.length) return undefined;
    const item = this.items[head];
    this.items[head] = undefined;
    this.moveHead(head + 1);
    return item;
  }

  /** Removes and returns the `count` oldest items (fewer if it holds fewer), oldest first: one copy, not one shift each. */
  shiftMany(count: number): T[] {
    this.spillFirst();
    const head = this.head;
    const end = Math.min(head + count, this.items.length);
    const out = this.items.slice(head, end) as T[];
    if (end < this.items.length) this.items.fill(undefined, head, end);
    this.moveHead(end);
    return out;
  }

  /** Moves `first` to the front of the array (before an operation on the array as a whole). */
  private spillFirst(): void {
    const first = this.first;
    if (first === undefined) return;
    this.first = undefined;
    if (this.head > 0) this.items[--this.head] = first;
    else this.items.unshift(first);
  }

  /** Moves the head to `end` (the places before it already cleared); empties or compacts the array when it can. */
  private moveHead(end: number): void {
    if (end === this.items.length) {
      // A new empty array, not `length = 0`: truncating goes through a runtime call
      // (the length setter's slow path) that cost more than the small array it saves.
      this.items = [];
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
    this.spillFirst();
    const out = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return out;
  }

  clear(): void {
    this.first = undefined;
    this.items = [];
    this.head = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    if (this.first !== undefined) yield this.first;
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}
