/**
 * Holds the parts of concatenated messages until the set is whole, so the pipeline judges the whole
 * text (rules read all of it). Pure: time is passed in. Bounded: at most `maxSets` open sets; the
 * oldest is expired to make room. Partial sets expire after `ttlMs`.
 */

export interface PartRef<T> {
  seq: number;
  octets: Buffer;
  /** Whatever the caller needs to answer this part later (e.g. the PDU). */
  tag: T;
}

export interface OpenSet<T> {
  key: string;
  total: number;
  dataCoding: number;
  firstAt: number;
  parts: Map<number, PartRef<T>>;
}

export type AddResult<T> =
  | { kind: 'pending' }
  | { kind: 'duplicate'; part: PartRef<T> }
  /** Whole: octets in order, and every part (the last one added is `parts[parts.length-1]`… in seq order). */
  | { kind: 'complete'; octets: Buffer; dataCoding: number; parts: PartRef<T>[] }
  | { kind: 'invalid'; reason: string };

export class Reassembler<T> {
  private readonly sets = new Map<string, OpenSet<T>>();
  constructor(
    readonly ttlMs = 60_000,
    readonly maxSets = 10_000,
  ) {}

  get openSets(): number {
    return this.sets.size;
  }

  /**
   * Adds one part. `key` identifies the set (sender, recipient, reference, total). Returns the
   * whole message when this part completes the set. Parts evicted to make room are returned through
   * `onEvict`, so their senders can be told.
   */
  add(key: string, total: number, seq: number, octets: Buffer, dataCoding: number, tag: T, now: number, onEvict?: (s: OpenSet<T>) => void): AddResult<T> {
    if (seq < 1 || seq > total) return { kind: 'invalid', reason: `segment ${seq} of ${total}` };
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= this.maxSets) {
        const oldest = this.sets.values().next().value as OpenSet<T>;
        this.sets.delete(oldest.key);
        onEvict?.(oldest);
      }
      set = { key, total, dataCoding, firstAt: now, parts: new Map() };
      this.sets.set(key, set);
    }
    const dup = set.parts.get(seq);
    if (dup) return { kind: 'duplicate', part: dup };
    // copy: the octets are a view into a socket read buffer we must not pin
    set.parts.set(seq, { seq, octets: Buffer.from(octets), tag });
    if (set.parts.size < set.total) return { kind: 'pending' };
    this.sets.delete(key);
    const parts = [...set.parts.values()].sort((a, b) => a.seq - b.seq);
    return { kind: 'complete', octets: Buffer.concat(parts.map((p) => p.octets)), dataCoding: set.dataCoding, parts };
  }

  /** Removes and returns the sets older than the TTL. */
  expire(now: number): OpenSet<T>[] {
    const out: OpenSet<T>[] = [];
    for (const s of this.sets.values()) {
      if (now - s.firstAt < this.ttlMs) break; // insertion order = age order
      out.push(s);
    }
    for (const s of out) this.sets.delete(s.key);
    return out;
  }
}
