/**
 * The final texts a store's decisions accepted (or held) lately, per (content provider, number): the
 * facts of rule `content.duplicate` (identical content to one number at most once per window), kept in
 * memory so that the message path reads and writes no SQL row for them. One process owns a SQLite
 * file, so there this is exact; on PostgreSQL each process keeps its own (docs/SCALING.md, "Identical
 * content": a copy decided by another process is not seen).
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
 * Cost on the message path: one to three Map reads per decision to a number (the number's own
 * string is the key: none is built), and per acceptance one entry and one Map write; nothing is
 * deleted one by one (a table goes whole). Measured in a loop on this machine (loaded): 0.7–1.0 µs of
 * CPU per accepted message with the bound full, garbage collection of the kept entries included;
 * ~0.07 µs per decision with nothing kept.
 */

/** One remembered text. */
export interface RecentEntry {
  readonly cp: string;
  readonly msisdn: string;
  readonly id: string;
  readonly text: string;
  /** When it counts: its schedule, else its arrival (src/domain/schedule.ts `judgedAt`). */
  readonly at: number;
  /** Forgotten once the decisions' clock reaches this: `at` + the window. */
  readonly until: number;
  /** The number's entry remembered before this one in the same table (a chain per number: most have one). */
  older: RecentEntry | undefined;
  /** Forgotten (taken back, replaced, dropped): skipped wherever it still is. */
  dead: boolean;
}

/** The default bound: ~150 B of entry plus its text each (a 70-character text: ~30 MB in all). */
export const MAX_RECENT_TEXTS = 100_000;

/** Entries per number, newest first, in one table. */
type Table = Map<string, RecentEntry>;

function unlinkFrom(t: Table, e: RecentEntry): boolean {
  const head = t.get(e.msisdn);
  if (head === e) {
    if (e.older) t.set(e.msisdn, e.older);
    else t.delete(e.msisdn);
    return true;
  }
  for (let n = head; n; n = n.older) {
    if (n.older === e) {
      n.older = e.older;
      return true;
    }
  }
  return false;
}

/** `out` with the live entries of `cp` in the chain from `e` (`exceptId`'s excepted). */
function pick(out: RecentEntry[] | undefined, e: RecentEntry | undefined, cp: string, now: number, exceptId: string | undefined): RecentEntry[] | undefined {
  for (; e; e = e.older) {
    if (e.cp === cp && e.until > now && e.id !== exceptId) {
      if (out) out.push(e);
      else out = [e];
    }
  }
  return out;
}

export class RecentTexts {
  /**
   * Entries counted at their arrival, in two tables by when they came: `cur` since `curStart`, `prev`
   * the window before. Once the clock is a window past `curStart`, everything in `prev` has ended and
   * the tables turn (`prev` dropped whole, `cur` becomes it): no entry is deleted one by one, and a
   * lookup is a Map read per table. Keyed by number (the decision's own string: no key is built);
   * the chain holds every provider's entries for it.
   */
  private cur: Table = new Map();
  private prev: Table = new Map();
  private curStart = -Infinity;
  private curCount = 0;
  private prevCount = 0;
  /** Entries counted at a schedule ahead of their arrival (few: scheduled messages), each ending on its own. */
  private readonly ahead: Table = new Map();
  /** {@link ahead}'s entries as a min-heap on `until`. */
  private readonly aheadEnds: RecentEntry[] = [];
  /** How long an entry is kept after its time (ms). 0: nothing is remembered (the rule is off). */
  keepMs = 30_000;
  /**
   * How many times the bound let the older entries go before their end (each time, copies of them
   * could pass within what was left of their window).
   */
  shed = 0;

  constructor(readonly maxEntries = MAX_RECENT_TEXTS) {}

  /** Entries held (ended or taken back ones not yet let go included): what the bound counts. */
  get size(): number {
    return this.curCount + this.prevCount + this.aheadEnds.length;
  }

  /**
   * The remembered texts of `cp` to `msisdn` not ended by `now` (the decision's arrival; some may
   * still lie outside the window of a scheduled send: the stage compares), `exceptId`'s excepted;
   * undefined when none.
   */
  of(cp: string, msisdn: string, now: number, exceptId?: string): readonly RecentEntry[] | undefined {
    if (this.size === 0) return undefined;
    this.turn(now);
    let out = pick(undefined, this.cur.get(msisdn), cp, now, exceptId);
    if (this.prevCount > 0) out = pick(out, this.prev.get(msisdn), cp, now, exceptId);
    if (this.aheadEnds.length > 0) out = pick(out, this.ahead.get(msisdn), cp, now, exceptId);
    return out;
  }

  /**
   * Remembers `text`, sent by `cp` to `msisdn` as message `id`, counting at `at`; `now` (the
   * decision's arrival) forgets what ended. Returns the entry (for {@link remove}), or undefined when
   * nothing is kept (`keepMs` 0).
   */
  add(cp: string, msisdn: string, id: string, text: string, at: number, now: number): RecentEntry | undefined {
    if (this.keepMs <= 0) return undefined;
    this.turn(now);
    const scheduled = at > now;
    const t = scheduled ? this.ahead : this.cur;
    const e: RecentEntry = { cp, msisdn, id, text, at, until: at + this.keepMs, older: t.get(msisdn), dead: false };
    t.set(msisdn, e);
    if (scheduled) this.pushAhead(e);
    else this.curCount++;
    if (this.size > this.maxEntries) this.shedOlder(now);
    return e;
  }

  /** Forgets `e` (its transaction rolled back, or its message was replaced). */
  remove(e: RecentEntry): void {
    if (e.dead) return;
    e.dead = true;
    // (its place in the heap, or its table's count, goes when that table or heap entry does)
    if (!unlinkFrom(this.cur, e) && !unlinkFrom(this.prev, e)) unlinkFrom(this.ahead, e);
  }

  /** Forgets message `id` of `cp` to `msisdn` (a replacement's old text). */
  removeId(cp: string, msisdn: string, id: string): void {
    for (const t of [this.cur, this.prev, this.ahead]) {
      for (let e = t.get(msisdn); e; e = e.older) {
        if (e.cp === cp && e.id === id) {
          this.remove(e);
          return;
        }
      }
    }
  }

  /** Forgets everything (the rule turned off). */
  clear(): void {
    this.cur = new Map();
    this.prev = new Map();
    this.curCount = this.prevCount = 0;
    this.curStart = -Infinity;
    this.ahead.clear();
    this.aheadEnds.length = 0;
  }

  /** Lets go of what ended by `now`: the tables turn once a window has passed since `cur` began. */
  private turn(now: number): void {
    if (now >= this.curStart + this.keepMs) {
      if (now >= this.curStart + 2 * this.keepMs) {
        // both windows over: everything counted at arrival has ended
        if (this.curCount > 0) this.cur = new Map();
        this.curCount = 0;
      }
      this.prev = this.cur;
      this.prevCount = this.curCount;
      this.cur = new Map();
      this.curCount = 0;
      this.curStart = now;
    }
    const h = this.aheadEnds;
    while (h.length > 0 && h[0].until <= now) {
      const e = this.popAhead()!;
      if (!e.dead) {
        e.dead = true;
        unlinkFrom(this.ahead, e);
      }
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
      this.prev = new Map();
      this.prevCount = 0;
    } else if (this.curCount > this.aheadEnds.length) {
      // one window's arrivals alone fill it: they become the older table, to go at the next shed
      this.prev = this.cur;
      this.prevCount = this.curCount;
      this.cur = new Map();
      this.curCount = 0;
      this.curStart = now;
    }
    while (this.size > this.maxEntries && this.aheadEnds.length > 0) {
      const e = this.popAhead()!;
      if (!e.dead) {
        e.dead = true;
        unlinkFrom(this.ahead, e);
        this.shed++;
      }
    }
  }

  private pushAhead(e: RecentEntry): void {
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

  private popAhead(): RecentEntry | undefined {
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
