/**
 * Holds the parts of concatenated messages until the set is whole, so the pipeline judges the whole
 * text (rules read all of it). Pure: time is passed in. Partial sets expire after `ttlMs`.
 *
 * Bounded by count and by bytes (the parts' octets), in total and per owner (the SMPP server's owner
 * is the content provider): an owner past its own bounds loses its own oldest sets, never another
 * owner's; past the total bounds, the owner holding the most (sets, then bytes) gives up its oldest set. A set that
 * alone cannot fit its owner's byte bound is dropped and the part refused (`invalid`, `tooLarge`).
 */

export interface PartRef<T> {
  seq: number;
  octets: Buffer;
  /** Whatever the caller needs to answer this part later (e.g. the PDU). */
  tag: T;
}

export interface OpenSet<T> {
  key: string;
  owner: string;
  total: number;
  dataCoding: number;
  firstAt: number;
  /** Octets held for this set. */
  bytes: number;
  parts: Map<number, PartRef<T>>;
}

export type AddResult<T> =
  | { kind: 'pending' }
  | { kind: 'duplicate'; part: PartRef<T> }
  /** Whole: octets in order, and every part (the last one added is `parts[parts.length-1]`… in seq order). */
  | { kind: 'complete'; octets: Buffer; dataCoding: number; parts: PartRef<T>[] }
  /** `tooLarge`: the set would not fit the byte bounds; it was dropped (its parts through `onEvict`). */
  | { kind: 'invalid'; reason: string; tooLarge?: true };

export interface ReassemblyLimits {
  /** Octets held over all open sets. */
  maxBytes: number;
  /** Open sets of one owner. */
  maxSetsPerOwner: number;
  /** Octets held for one owner. */
  maxBytesPerOwner: number;
  /** The owner of a set key (default: one owner for every set). */
  ownerOf: (key: string) => string;
}

const DEFAULT_LIMITS: ReassemblyLimits = {
  maxBytes: 64 << 20,
  maxSetsPerOwner: Infinity,
  maxBytesPerOwner: Infinity,
  ownerOf: () => '',
};

interface Owner<T> {
  /** Insertion order = age order. */
  sets: Map<string, OpenSet<T>>;
  bytes: number;
}

export class Reassembler<T> {
  private readonly sets = new Map<string, OpenSet<T>>();
  private readonly owners = new Map<string, Owner<T>>();
  private bytes = 0;
  readonly limits: ReassemblyLimits;

  constructor(
    readonly ttlMs = 60_000,
    readonly maxSets = 10_000,
    limits: Partial<ReassemblyLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get openSets(): number {
    return this.sets.size;
  }
  /** Octets held in open sets. */
  get heldBytes(): number {
    return this.bytes;
  }
  /** Open sets and octets held for one owner. */
  held(owner: string): { sets: number; bytes: number } {
    const o = this.owners.get(owner);
    return { sets: o?.sets.size ?? 0, bytes: o?.bytes ?? 0 };
  }

  /**
   * Adds one part. `key` identifies the set (sender, recipient, reference, total). Returns the
   * whole message when this part completes the set. Sets evicted to make room (and a set dropped
   * as too large) are returned through `onEvict`, so their senders can be told.
   */
  add(key: string, total: number, seq: number, octets: Buffer, dataCoding: number, tag: T, now: number, onEvict?: (s: OpenSet<T>) => void): AddResult<T> {
    if (seq < 1 || seq > total) return { kind: 'invalid', reason: `segment ${seq} of ${total}` };
    let set = this.sets.get(key);
    const dup = set?.parts.get(seq);
    if (dup) return { kind: 'duplicate', part: dup };
    if (set && set.parts.size + 1 === set.total) {
      // completes the set: nothing more is held
      this.remove(set);
      set.parts.set(seq, { seq, octets: Buffer.from(octets), tag });
      const parts = [...set.parts.values()].sort((a, b) => a.seq - b.seq);
      return { kind: 'complete', octets: Buffer.concat(parts.map((p) => p.octets)), dataCoding: set.dataCoding, parts };
    }
    if (total === 1) return { kind: 'complete', octets: Buffer.from(octets), dataCoding, parts: [{ seq, octets: Buffer.from(octets), tag }] };
    const ownerId = set?.owner ?? this.limits.ownerOf(key);
    const size = octets.length;
    if (!set) {
      // room for one more set: the owner's own oldest first, then the biggest holder's
      while ((this.owners.get(ownerId)?.sets.size ?? 0) >= this.limits.maxSetsPerOwner) if (!this.evictOldest(ownerId, undefined, onEvict)) break;
      while (this.sets.size >= this.maxSets) if (!this.evictOldest(this.biggest((o) => o.sets.size * 2 ** 32 + o.bytes), undefined, onEvict)) break;
    }
    // room for the octets, never by evicting the set this part belongs to
    if (!this.makeRoom(ownerId, size, set, onEvict)) {
      if (set) {
        this.remove(set);
        onEvict?.(set);
      }
      return { kind: 'invalid', reason: `set ${key} would hold more than its byte bound`, tooLarge: true };
    }
    if (!set) {
      set = { key, owner: ownerId, total, dataCoding, firstAt: now, bytes: 0, parts: new Map() };
      this.sets.set(key, set);
      let o = this.owners.get(ownerId);
      if (!o) this.owners.set(ownerId, (o = { sets: new Map(), bytes: 0 }));
      o.sets.set(key, set);
    }
    // copy: the octets are a view into a socket read buffer we must not pin
    set.parts.set(seq, { seq, octets: Buffer.from(octets), tag });
    set.bytes += size;
    this.owners.get(ownerId)!.bytes += size;
    this.bytes += size;
    return { kind: 'pending' };
  }

  /**
   * Takes back one part of an open set (the caller could not keep it, and refuses it: its sender
   * sends it again); a set left empty is closed. False when the set is not open (completed or gone).
   */
  withdraw(key: string, seq: number): boolean {
    const set = this.sets.get(key);
    const part = set?.parts.get(seq);
    if (!set || !part) return false;
    set.parts.delete(seq);
    set.bytes -= part.octets.length;
    this.owners.get(set.owner)!.bytes -= part.octets.length;
    this.bytes -= part.octets.length;
    if (set.parts.size === 0) this.remove(set);
    return true;
  }

  /** Closes an open set without reporting it (its parts were taken elsewhere); false when it was not open. */
  discard(key: string): boolean {
    const set = this.sets.get(key);
    if (!set) return false;
    this.remove(set);
    return true;
  }

  /** Removes and returns the sets older than the TTL. */
  expire(now: number): OpenSet<T>[] {
    const out: OpenSet<T>[] = [];
    for (const s of this.sets.values()) {
      if (now - s.firstAt < this.ttlMs) break; // insertion order = age order
      out.push(s);
    }
    for (const s of out) this.remove(s);
    return out;
  }

  /** Evicts until `size` more octets fit the owner's and the total bounds; false if they cannot. */
  private makeRoom(ownerId: string, size: number, keep: OpenSet<T> | undefined, onEvict?: (s: OpenSet<T>) => void): boolean {
    const { maxBytes, maxBytesPerOwner } = this.limits;
    while ((this.owners.get(ownerId)?.bytes ?? 0) + size > maxBytesPerOwner) {
      if (!this.evictOldest(ownerId, keep, onEvict)) return false;
    }
    while (this.bytes + size > maxBytes) {
      const victim = this.biggest((o, id) => (id === ownerId && keep ? o.bytes - keep.bytes : o.bytes));
      if (!this.evictOldest(victim, keep, onEvict)) return false;
    }
    return true;
  }

  /** The owner with the largest `measure` (ties: the first). */
  private biggest(measure: (o: Owner<T>, id: string) => number): string {
    let best = '';
    let most = -1;
    for (const [id, o] of this.owners) {
      const m = measure(o, id);
      if (m > most) [best, most] = [id, m];
    }
    return best;
  }

  private evictOldest(ownerId: string, keep: OpenSet<T> | undefined, onEvict?: (s: OpenSet<T>) => void): boolean {
    const o = this.owners.get(ownerId);
    if (!o) return false;
    for (const s of o.sets.values()) {
      if (s === keep) continue;
      this.remove(s);
      onEvict?.(s);
      return true;
    }
    return false;
  }

  private remove(s: OpenSet<T>): void {
    if (this.sets.get(s.key) !== s) return;
    this.sets.delete(s.key);
    this.bytes -= s.bytes;
    const o = this.owners.get(s.owner)!;
    o.sets.delete(s.key);
    o.bytes -= s.bytes;
    if (o.sets.size === 0) this.owners.delete(s.owner);
  }
}
