/**
 * A first-in first-out queue over an array with a moving head: `shift()` on a long array is O(n),
 * and the SMPP session's backlog and an upstream link's queue can hold thousands of PDUs. The array
 * is reset when emptied and compacted when the consumed head is over half of it.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes and returns the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /**
   * Removes the items `pick` chooses and returns them, oldest first; the others keep their order.
   * O(n): for rare removals from the middle (a cancelled submit), not for the hot path.
   */
  extract(pick: (item: T) => boolean): T[] {
    const out: T[] = [];
    const keep: T[] = [];
    for (let i = this.head; i < this.items.length; i++) (pick(this.items[i]) ? out : keep).push(this.items[i]);
    if (out.length > 0) {
      this.items = keep;
      this.head = 0;
    }
    return out;
  }

  /** Empties the queue and returns what it held, oldest first. */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}
