/**
 * A FIFO queue on a growable array with a moving head: O(1) push and shift, and no
 * per-element node allocation (the mailbox and the producer buffer sit on it).
 */
export class Deque<T> {
  // `items[head..tail)` hold the queue; the array keeps its capacity when the queue
  // empties (head and tail go back to 0), so a mailbox that fills and empties every
  // turn does not allocate a new backing store each time (issue 14, short flows).
  private items: (T | undefined)[] = [];
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  push(item: T): void {
    this.items[this.tail++] = item;
  }

  pushAll(items: readonly T[]): void {
    for (let i = 0; i < items.length; i++) this.items[this.tail++] = items[i];
  }

  /** Puts `item` in front of the oldest one. */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else {
      this.items.splice(0, 0, item);
      this.tail++;
    }
  }

  peek(): T | undefined {
    return this.head < this.tail ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.tail) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      if (this.items.length > 1024) this.items = []; // do not hold a burst's capacity
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      this.items = this.items.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head, this.tail) as T[];
    this.clear();
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = this.tail = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.tail; i++) yield this.items[i] as T;
  }
}
