/**
 * A FIFO queue on a growable array with a moving head: O(1) push and shift, and no
 * per-element node allocation (the mailbox and the producer buffer sit on it).
 *
 * The oldest item waits in a field of its own (`first`) while the array behind it is
 * empty: a queue that holds one item at a time (a mailbox at `maxDemand: 1`) never
 * touches the array. An emptied array is not truncated (`length = 0` is a runtime call,
 * and the store would be regrown by the next push): a small one is handed to one spare
 * slot shared by every deque, which the next deque to need an array takes, so a
 * mailbox that fills with two messages and empties at every turn allocates nothing,
 * and an idle deque holds no array of its own.
 */
export class Deque<T> {
  /** The oldest item, or `NONE`; everything in `items` is behind it. */
  private first: T | typeof NONE = NONE;
  /** Items from `head` to `tail`; the places outside that range hold `undefined`. */
  private items: (T | undefined)[] = NO_ITEMS;
  private head = 0;
  private tail = 0;

  get length(): number {
    return (this.first === NONE ? 0 : 1) + this.tail - this.head;
  }

  push(item: T): void {
    if (this.first === NONE && this.head === this.tail) {
      this.first = item;
      return;
    }
    if (this.items === NO_ITEMS) this.items = takeSpare();
    this.items[this.tail++] = item; // within the array, or appended (tail never passes its length)
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
    return this.first !== NONE ? this.first : this.items[this.head];
  }

  shift(): T | undefined {
    const first = this.first;
    if (first !== NONE) {
      this.first = NONE;
      return first;
    }
    const head = this.head;
    if (head >= this.tail) return undefined;
    const item = this.items[head];
    this.items[head] = undefined;
    this.moveHead(head + 1);
    return item;
  }

  /** Removes and returns the `count` oldest items (fewer if it holds fewer), oldest first: one copy, not one shift each. */
  shiftMany(count: number): T[] {
    this.spillFirst();
    const head = this.head;
    const end = Math.min(head + count, this.tail);
    if (end <= head) return [];
    const out = this.items.slice(head, end) as T[];
    if (end < this.tail || this.items.length <= SPARE_MAX) this.items.fill(undefined, head, end);
    this.moveHead(end);
    return out;
  }

  /** Moves `first` to the front of the array (before an operation on the array as a whole). */
  private spillFirst(): void {
    const first = this.first;
    if (first === NONE) return;
    this.first = NONE;
    if (this.head > 0) this.items[--this.head] = first;
    else if (this.tail === 0) {
      if (this.items === NO_ITEMS) this.items = takeSpare();
      this.items[this.tail++] = first;
    } else {
      this.items.unshift(first);
      this.tail++;
    }
  }

  /** Moves the head to `end` (the places before it already cleared); releases or compacts the array when it can. */
  private moveHead(end: number): void {
    if (end === this.tail) {
      const items = this.items;
      this.items = NO_ITEMS;
      this.head = this.tail = 0;
      if (spare === null && items.length <= SPARE_MAX) spare = items;
    } else if (end >= 1024 && end * 2 >= this.tail) {
      this.items = this.items.slice(end, this.tail);
      this.tail -= end;
      this.head = 0;
    } else {
      this.head = end;
    }
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    this.spillFirst();
    const out = this.items.slice(this.head, this.tail) as T[];
    this.clear();
    return out;
  }

  clear(): void {
    this.first = NONE;
    this.items = NO_ITEMS;
    this.head = this.tail = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    if (this.first !== NONE) yield this.first;
    for (let i = this.head; i < this.tail; i++) yield this.items[i] as T;
  }
}

/** `first` when the deque holds nothing there (not `undefined`: an item may be `undefined`, and counts). */
const NONE: unique symbol = Symbol('none');
/** The array of every deque that holds none: never written (a deque takes one before it writes). */
const NO_ITEMS: never[] = [];
/** The largest emptied array kept as the spare (a burst's large array is left to the collector). */
const SPARE_MAX = 32;
/** One emptied small array (every place `undefined`), for the next deque that needs one. */
let spare: unknown[] | null = null;

function takeSpare<T>(): T[] {
  const items = spare;
  if (items === null) return [];
  spare = null;
  return items as T[];
}
