/**
 * A Map for long-lived tables whose entries come and go all the time (requests in flight, leases,
 * receipts waiting): the same API as Map for what the message path uses, with the values kept in an
 * array of slots and only slot numbers in the Map.
 *
 * Why: once a Map has lived through a full garbage collection its hash table is in the old
 * generation, and every time V8 rebuilds that table (as deletions and insertions cycle through it)
 * the table it leaves behind still refers to values, and through them to everything they refer to.
 * The young-generation collector takes those dead tables for live, so every value that passed
 * through the map since the last full collection survives, is copied and promoted: in a plain
 * script, a window of 100 object values cycling through a Map costs 1.3–1.6 µs per set/delete
 * with 14–35 MB surviving each scavenge after one full collection, against 0.18–0.33 µs and 0.4 MB
 * before it; through a SlotMap 0.19 µs before and 0.36–0.38 µs after, 0.4 MB surviving either
 * way. On the SMPP client, the session's requests in flight alone took an ESME harness from 24 to
 * 33 µs per message once a full collection had run (docs/PERFORMANCE.md). Freed slots are cleared,
 * so a value is kept no longer than its entry.
 */
export class SlotMap<K, V> {
  private readonly index = new Map<K, number>();
  private readonly slots: (V | undefined)[] = [];
  private readonly free: number[] = [];

  get size(): number {
    return this.index.size;
  }

  get(key: K): V | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.slots[i];
  }

  has(key: K): boolean {
    return this.index.has(key);
  }

  set(key: K, value: V): this {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.free.length > 0 ? this.free.pop()! : this.slots.length;
      this.index.set(key, i);
    }
    this.slots[i] = value;
    return this;
  }

  delete(key: K): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    this.index.delete(key);
    this.slots[i] = undefined;
    this.free.push(i);
    return true;
  }

  clear(): void {
    this.index.clear();
    this.slots.length = 0;
    this.free.length = 0;
  }

  /** Entries in insertion order (as a Map's); deleting during the walk is allowed, as with a Map. */
  *entries(): IterableIterator<[K, V]> {
    for (const [k, i] of this.index) yield [k, this.slots[i] as V];
  }

  *keys(): IterableIterator<K> {
    yield* this.index.keys();
  }

  *values(): IterableIterator<V> {
    for (const i of this.index.values()) yield this.slots[i] as V;
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
