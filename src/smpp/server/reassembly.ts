/**
 * Holds the parts of concatenated messages until the set is whole, so the pipeline judges the whole
 * text (rules read all of it). Pure: time is passed in. Partial sets expire after `ttlMs`.
 *
 * Bounded by count and by bytes (the parts' octets), in total and per owner (the SMPP server's owner
 * is the content provider). A part that would pass a bound is not kept (`full`) and nothing already
 * held is given up for it: the parts held were acknowledged to their senders, who believe them taken,
 * while the part refused can be sent again (the server answers it ESME_RMSGQFUL, a temporary status).
 * An owner past its own bounds is refused alone, so it cannot take another owner's room; past the
 * totals every new part is refused until sets complete or expire. A set that alone cannot fit its
 * owner's byte bound (or the total) could never complete: it is dropped (through `onEvict`) and the
 * part refused (`invalid`, `tooLarge`).
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
  | { kind: 'invalid'; reason: string; tooLarge?: true }
  /**
   * Not kept: it would pass its owner's bounds (`owner`) or the totals (`total`) while other sets are
   * held. Nothing was given up for it; the same part may be added again once there is room.
   */
  | { kind: 'full'; bound: 'owner' | 'total' };

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
   * whole message when this part completes the set (a completing part is never refused: it frees
   * room), `full` when it cannot be kept now. A set dropped as too large is returned through
   * `onEvict`, so its senders can be told.
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
    const { maxBytes, maxBytesPerOwner, maxSetsPerOwner } = this.limits;
    // a set that alone would pass a byte bound can never complete: dropped, its part refused as too large
    if ((set?.bytes ?? 0) + size > Math.min(maxBytesPerOwner, maxBytes)) {
      if (set) {
        this.remove(set);
        onEvict?.(set);
      }
      return { kind: 'invalid', reason: `set ${key} would hold more than its byte bound`, tooLarge: true };
    }
    const owner = this.owners.get(ownerId);
    // the owner's own bounds first: one owner past them is refused alone, whatever the others hold
    if ((!set && (owner?.sets.size ?? 0) >= maxSetsPerOwner) || (owner?.bytes ?? 0) + size > maxBytesPerOwner) return { kind: 'full', bound: 'owner' };
    if ((!set && this.sets.size >= this.maxSets) || this.bytes + size > maxBytes) return { kind: 'full', bound: 'total' };
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
    return this.take(key) !== undefined;
  }

  /** Closes an open set and hands it over (the caller reports its parts); undefined when it was not open. */
  take(key: string): OpenSet<T> | undefined {
    const set = this.sets.get(key);
    if (set) this.remove(set);
    return set;
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
