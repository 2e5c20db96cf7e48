/**
 * A hash table from a non-zero 53-bit key (a number's {@link textHash}) to a small integer (a ring
 * slot's sequence number), in two typed arrays with open addressing: the per-number index of
 * src/store/recent-texts.ts. A Map keyed by the number's string held each string and grew, rehashed
 * and was collected again every window, on the message path; these arrays are allocated once and
 * cleared whole (a table is only ever dropped whole, never one key at a time, so no tombstones).
 *
 * The owner keeps the keys held below half the capacity (the recent texts' bound): a probe then
 * stays short and always ends at an empty cell.
 */
export class SlotTable {
  private keys = new Float64Array(0);
  private values = new Int32Array(0);
  private readonly mask: number;
  /** 32 minus the capacity's bits: a home cell is the top bits of a multiplied key. */
  private readonly shift: number;
  /** Distinct keys held. */
  size = 0;

  /** Room for `maxKeys` keys at under half load. */
  constructor(maxKeys: number) {
    let cap = 16;
    while (cap < 2 * (maxKeys + 1)) cap *= 2;
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  /** The value of `key`, or `none`. */
  get(key: number, none: number): number {
    if (this.size === 0) return none;
    const keys = this.keys;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) return this.values[i];
      if (k === 0) return none;
    }
  }

  /** Sets the value of `key` (non-zero). */
  set(key: number, value: number): void {
    if (this.keys.length === 0) {
      this.keys = new Float64Array(this.mask + 1);
      this.values = new Int32Array(this.mask + 1);
    }
    const keys = this.keys;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) {
        this.values[i] = value;
        return;
      }
      if (k === 0) {
        keys[i] = key;
        this.values[i] = value;
        this.size++;
        return;
      }
    }
  }

  /** Forgets every key. */
  clear(): void {
    if (this.size === 0) return;
    this.keys.fill(0);
    this.size = 0;
  }

  /**
   * The key's first cell: both 32-bit halves folded and multiplied by 2³²/φ, top bits taken
   * (Fibonacci hashing): a run of consecutive numbers spreads over the table instead of filling one
   * run of cells that every other key landing in it has to probe past.
   */
  private home(key: number): number {
    return Math.imul((key | 0) ^ ((key / 4294967296) | 0), 0x9e3779b1) >>> this.shift;
  }
}
