/**
 * The final texts a store's decisions accepted (or held) lately, per (content provider, number): the
 * facts of rule `content.duplicate` (identical content to one number at most once per window), kept in
 * memory so that the message path reads and writes no SQL row for them. One process owns a SQLite
 * file, so there this is exact (up to the hash below); on PostgreSQL each process keeps its own
 * (docs/SCALING.md, "Identical content": a copy decided by another process is not seen).
 *
 * Fed by the decision's transaction as it decides (a later item of the same batch sees an earlier
 * one) and taken back if the transaction fails ({@link RecentTexts.remove}). An entry lives until the
 * clock the decisions pass (their arrival) is past its time plus the window (`keepMs`, the profile's
 * `duplicateContentWindowSeconds`, set by the app: {@link MessageStore.keepTextsFor}); a scheduled
 * message's entry, counted at its schedule, lives until the window after it. Entries are let go a
 * table at a time (below), so up to two windows' arrivals are held. Bounded: past
 * {@link MAX_RECENT_TEXTS} entries the older table is let go at once, ended or not (then, if only
 * scheduled ones are left, the one ending first; counted in `shed`): up to 1,666 accepted messages a
 * second sustained (two 30 s windows) nothing live is lost; beyond that a copy of an entry let go can
 * pass within what was left of its window. What stays is never wrong, only fewer. A restart forgets
 * everything: one window's copies may pass once.
 *
 * Storage: an entry counted at its arrival is a slot of a ring of typed arrays (its text as a 53-bit
 * hash, src/domain/text-hash.ts, its message id as a 32-bit one, its provider as a small number),
 * and a table maps a number (its digits as a number, src/store/slot-table.ts) to its newest slot,
 * each slot naming the number's one before. Nothing per entry is an object the garbage collector has
 * to carry through the 30–60 s an entry lives: kept as objects (an entry, its text, its id), they
 * were copied and promoted by every collection, which cost most of the rule's ~5 % of the batch
 * throughput (docs/PERFORMANCE.md). The
 * ring holds the bound plus one, so a slot a table still names is never reused; a slot is checked by
 * the sequence number it holds all the same. Scheduled entries (few) end on their own and stay objects.
 *
 * Cost on the message path: per decision to a number, its key (its digits read) and one or two
 * table probes; per acceptance, the text's and the id's hashes, a probe and a slot's writes; nothing
 * is deleted one by one (a table is cleared whole). In a loop over this class alone (docs/PERFORMANCE.md,
 * thirty-first session): ~0.8–1.1 µs per decision and acceptance against ~1.6–1.8 µs with objects.
 */

import { shortHash, textHash } from '../domain/text-hash.js';
import type { RecentText } from '../pipeline/types.js';
import { SlotTable } from './slot-table.js';

/** An entry counted at a schedule ahead of its arrival: an object, as these are few. */
interface AheadEntry {
  readonly msisdn: string;
  readonly cp: number;
  readonly id: number;
  readonly hash: number;
  readonly at: number;
  /** Forgotten once the decisions' clock reaches this: `at` + the window. */
  readonly until: number;
  /** The number's scheduled entry remembered before this one. */
  older: AheadEntry | undefined;
  /** Forgotten (taken back, replaced, dropped): skipped wherever it still is. */
  dead: boolean;
}

/** What {@link RecentTexts.add} kept, for {@link RecentTexts.remove}: a ring slot's sequence number, or a scheduled entry. */
export type RecentHandle = number | AheadEntry;

/**
 * The default bound: 40 B of ring slot per entry (4 MB), and two number tables of 12 B a cell at under
 * half load (2 × 262,144 cells: 6.3 MB); no string or object per entry is kept.
 */
export const MAX_RECENT_TEXTS = 100_000;

/** No slot (a chain's end; a slot never written). */
const NONE = -1;
/** Sequence numbers stay small integers (V8's Smi: a Map value that needs no heap number). */
const SEQ_LIMIT = 2 ** 30;


/**
 * A number's key in the tables, never 0 (an empty cell): its digits as a number (a canonical number,
 * `+86` and 11 digits, is below 2⁵³: exact, and cheaper than a hash); anything else, minus its hash.
 */
function keyOf(msisdn: string): number {
  let n = 0;
  const len = msisdn.length;
  if (len > 1 && len <= 16) {
    for (let i = msisdn.charCodeAt(0) === 43 /* + */ ? 1 : 0; i < len; i++) {
      const d = msisdn.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -(textHash(msisdn) || 1);
      n = n * 10 + d;
    }
    if (n > 0) return n;
  }
  return -(textHash(msisdn) || 1);
}

/**
 * A message id's key: a 32-bit hash of its last 16 characters (RandomIds ends each id with 12 random
 * hex digits, src/app/ids.ts); a chance match only lets a copy through (see {@link shortHash}).
 */
function idHash(id: string): number {
  return shortHash(id, 16);
}

export class RecentTexts {
  /**
   * Entries counted at their arrival, in two tables by when they came: `cur` since `curStart`, `prev`
   * the window before. Once the clock is a window past `curStart`, everything in `prev` has ended and
   * the tables turn (`prev` dropped whole, `cur` becomes it): no entry is deleted one by one, and a
   * lookup is a Map read per table.
   */
  private cur: SlotTable;
  private prev: SlotTable;
  private curStart = -Infinity;
  private curCount = 0;
  private prevCount = 0;
  /** Entries counted at a schedule ahead of their arrival (few: scheduled messages), each ending on its own. */
  private readonly ahead = new Map<string, AheadEntry>();
  /** {@link ahead}'s entries as a min-heap on `until`. */
  private readonly aheadEnds: AheadEntry[] = [];
  /** Providers as small numbers (a slot holds the number): a provider is never forgotten, they are few. */
  private readonly cps = new Map<string, number>();

  // The ring, allocated at the first entry (a store whose rule is off holds none). Slot = seq % cap.
  private readonly cap: number;
  /** Where sequence numbers wrap: a multiple of `cap` below {@link SEQ_LIMIT}. */
  private readonly wrap: number;
  private nextSeq = 0;
  /** The sequence number a slot holds, {@link NONE} if never written. */
  private seqs = new Int32Array(0);
  /** The same number's entry before it in its table (a sequence number), or {@link NONE}. */
  private olders = new Int32Array(0);
  private cpOf = new Int32Array(0);
  private ats = new Float64Array(0);
  /** `at` + the window; -Infinity once taken back. */
  private untils = new Float64Array(0);
  private hashes = new Float64Array(0);
  private ids = new Uint32Array(0);

  /** How long an entry is kept after its time (ms). 0: nothing is remembered (the rule is off). */
  keepMs = 30_000;
  /**
   * How many times the bound let the older entries go before their end (each time, copies of them
   * could pass within what was left of their window).
   */
  shed = 0;

  constructor(readonly maxEntries = MAX_RECENT_TEXTS) {
    // the tables name at most maxEntries + 1 arrivals (shedOlder): one slot more is never reused while named
    this.cap = maxEntries + 2;
    this.wrap = this.cap * Math.floor(SEQ_LIMIT / this.cap);
    this.cur = new SlotTable(maxEntries + 1);
    this.prev = new SlotTable(maxEntries + 1);
  }

  /** The number last keyed, and its key: a decision's look-up and its acceptance key the same number. */
  private lastNumber = '';
  private lastKey = 0;

  /** Entries held (ended or taken back ones not yet let go included): what the bound counts. */
  get size(): number {
    return this.curCount + this.prevCount + this.aheadEnds.length;
  }

  /**
   * The remembered texts (as hashes) of `cp` to `msisdn` not ended by `now` (the decision's arrival;
   * some may still lie outside the window of a scheduled send: the stage compares), `exceptId`'s
   * excepted; undefined when none.
   */
  of(cp: string, msisdn: string, now: number, exceptId?: string): readonly RecentText[] | undefined {
    if (this.size === 0) return undefined;
    this.turn(now);
    const c = this.cps.get(cp);
    if (c === undefined) return undefined;
    const except = exceptId === undefined ? NaN : idHash(exceptId);
    const key = this.keyFor(msisdn);
    let out = this.pick(undefined, this.cur.get(key, NONE), c, now, except);
    if (this.prevCount > 0) out = this.pick(out, this.prev.get(key, NONE), c, now, except);
    if (this.aheadEnds.length > 0) {
      for (let e = this.ahead.get(msisdn); e; e = e.older) {
        if (e.cp === c && e.until > now && e.id !== except) (out ??= []).push({ hash: e.hash, at: e.at });
      }
    }
    return out;
  }

  /**
   * Remembers `text`, sent by `cp` to `msisdn` as message `id`, counting at `at`; `now` (the
   * decision's arrival) forgets what ended. Returns a handle (for {@link remove}), or undefined when
   * nothing is kept (`keepMs` 0).
   */
  add(cp: string, msisdn: string, id: string, text: string, at: number, now: number): RecentHandle | undefined {
    if (this.keepMs <= 0) return undefined;
    this.turn(now);
    let c = this.cps.get(cp);
    if (c === undefined) this.cps.set(cp, (c = this.cps.size));
    const hash = textHash(text);
    const idKey = idHash(id);
    let handle: RecentHandle;
    if (at > now) {
      const e: AheadEntry = { msisdn, cp: c, id: idKey, hash, at, until: at + this.keepMs, older: this.ahead.get(msisdn), dead: false };
      this.ahead.set(msisdn, e);
      this.pushAhead(e);
      handle = e;
    } else {
      if (this.seqs.length === 0) this.allocate();
      const seq = this.nextSeq;
      this.nextSeq = seq + 1 === this.wrap ? 0 : seq + 1;
      const s = seq % this.cap;
      this.seqs[s] = seq;
      const key = this.keyFor(msisdn);
      this.olders[s] = this.cur.get(key, NONE);
      this.cpOf[s] = c;
      this.ats[s] = at;
      this.untils[s] = at + this.keepMs;
      this.hashes[s] = hash;
      this.ids[s] = idKey;
      this.cur.set(key, seq);
      this.curCount++;
      handle = seq;
    }
    if (this.size > this.maxEntries) this.shedOlder(now);
    return handle;
  }

  /** Forgets what `handle` kept (its transaction rolled back, or its message was replaced). */
  remove(handle: RecentHandle): void {
    if (typeof handle !== 'number') {
      // (its place in the heap goes when that heap entry does)
      if (!handle.dead) this.dropAhead(handle);
      return;
    }
    const s = handle % this.cap;
    if (this.seqs[s] === handle) this.untils[s] = -Infinity;
  }

  /** Forgets message `id` of `cp` to `msisdn` (a replacement's old text). */
  removeId(cp: string, msisdn: string, id: string): void {
    const c = this.cps.get(cp);
    if (c === undefined) return;
    const idKey = idHash(id);
    const key = this.keyFor(msisdn);
    for (const t of [this.cur, this.prev]) {
      for (let seq = t.get(key, NONE); seq !== NONE; ) {
        const s: number = seq % this.cap;
        if (this.seqs[s] !== seq) break;
        if (this.cpOf[s] === c && this.ids[s] === idKey) {
          this.untils[s] = -Infinity;
          return;
        }
        seq = this.olders[s];
      }
    }
    for (let e = this.ahead.get(msisdn); e; e = e.older) {
      if (e.cp === c && e.id === idKey) {
        this.dropAhead(e);
        return;
      }
    }
  }

  /** Forgets everything (the rule turned off). */
  clear(): void {
    this.cur.clear();
    this.prev.clear();
    this.curCount = this.prevCount = 0;
    this.curStart = -Infinity;
    this.ahead.clear();
    this.aheadEnds.length = 0;
  }

  private keyFor(msisdn: string): number {
    if (msisdn !== this.lastNumber) {
      this.lastKey = keyOf(msisdn);
      this.lastNumber = msisdn;
    }
    return this.lastKey;
  }

  /** `out` with the live entries of provider `c` in the chain from `seq` (`except`'s id excepted). */
  private pick(out: RecentText[] | undefined, seq: number | undefined, c: number, now: number, except: number): RecentText[] | undefined {
    if (seq === undefined) return out;
    while (seq !== NONE) {
      const s: number = seq % this.cap;
      // a reused slot ends the chain: everything older was reused before it
      if (this.seqs[s] !== seq) break;
      if (this.cpOf[s] === c && this.untils[s] > now && this.ids[s] !== except) (out ??= []).push({ hash: this.hashes[s], at: this.ats[s] });
      seq = this.olders[s];
    }
    return out;
  }

  private allocate(): void {
    const n = this.cap;
    this.seqs = new Int32Array(n).fill(NONE);
    this.olders = new Int32Array(n);
    this.cpOf = new Int32Array(n);
    this.ats = new Float64Array(n);
    this.untils = new Float64Array(n);
    this.hashes = new Float64Array(n);
    this.ids = new Uint32Array(n);
  }

  /** Lets go of what ended by `now`: the tables turn once a window has passed since `cur` began. */
  private turn(now: number): void {
    if (now >= this.curStart + this.keepMs) {
      if (now >= this.curStart + 2 * this.keepMs) {
        // both windows over: everything counted at arrival has ended
        this.cur.clear();
        this.curCount = 0;
      }
      this.older();
      this.curStart = now;
    }
    const h = this.aheadEnds;
    while (h.length > 0 && h[0].until <= now) {
      const e = this.popAhead()!;
      if (!e.dead) this.dropAhead(e);
    }
  }

  /**
   * Over the bound: the older table goes whole; with none, the current one becomes it (to go at the
   * next call), so the held entries never pass `maxEntries` + 1. Then, if still over, the scheduled
   * entries ending first.
   */
  private shedOlder(now: number): void {
    if (this.prevCount > 0) {
      this.shed++;
      this.prev.clear();
      this.prevCount = 0;
    } else if (this.curCount > this.aheadEnds.length) {
      // one window's arrivals alone fill it: they become the older table, to go at the next shed
      this.older();
      this.curStart = now;
    }
    while (this.size > this.maxEntries && this.aheadEnds.length > 0) {
      const e = this.popAhead()!;
      if (!e.dead) {
        this.dropAhead(e);
        this.shed++;
      }
    }
  }

  /** The current table becomes the older one (the older one's entries let go); a new one begins. */
  private older(): void {
    const t = this.prev;
    t.clear();
    this.prev = this.cur;
    this.prevCount = this.curCount;
    this.cur = t;
    this.curCount = 0;
  }

  /** Takes a scheduled entry out of its number's chain (it left the heap, or was taken back). */
  private dropAhead(e: AheadEntry): void {
    e.dead = true;
    const head = this.ahead.get(e.msisdn);
    if (head === e) {
      if (e.older) this.ahead.set(e.msisdn, e.older);
      else this.ahead.delete(e.msisdn);
      return;
    }
    for (let n = head; n; n = n.older) {
      if (n.older === e) {
        n.older = e.older;
        return;
      }
    }
  }

  private pushAhead(e: AheadEntry): void {
    const h = this.aheadEnds;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].until <= e.until) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  private popAhead(): AheadEntry | undefined {
    const h = this.aheadEnds;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r].until < h[l].until ? r : l;
      if (h[c].until >= last.until) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
    return top;
  }
}
