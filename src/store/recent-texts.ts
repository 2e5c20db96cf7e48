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
 * message's entry, counted at its schedule, lives until the window after it. Bounded: past
 * {@link MAX_RECENT_TEXTS} entries the one nearest its end is dropped first (counted in `dropped`),
 * so beyond that many accepted messages within one window (3,333 a second for 30 s, sustained) an
 * identical copy of a dropped one can pass; what stays is never wrong, only fewer.
 */

/** One remembered text. */
export interface RecentEntry {
  readonly key: string;
  readonly id: string;
  readonly text: string;
  /** When it counts: its schedule, else its arrival (src/domain/schedule.ts `judgedAt`). */
  readonly at: number;
  /** Forgotten once the decisions' clock reaches this: `at` + the window. */
  readonly until: number;
  /** Removed (a rollback, a replacement) but still in the heap: skipped when it surfaces. */
  dead: boolean;
}

/** The default bound: ~100 B of entry plus its text each (a 70-character text: ~20 MB in all). */
export const MAX_RECENT_TEXTS = 100_000;

const keyOf = (cp: string, msisdn: string): string => `${cp}\u0000${msisdn}`;

export class RecentTexts {
  private readonly byKey = new Map<string, RecentEntry[]>();
  /** Min-heap on `until`: the next to expire (or to drop for the bound) on top. */
  private readonly heap: RecentEntry[] = [];
  /** How long an entry is kept after its time (ms). 0: nothing is remembered (the rule is off). */
  keepMs = 30_000;
  /** Entries dropped for the bound before their end (each a copy this store could no longer refuse). */
  dropped = 0;

  constructor(readonly maxEntries = MAX_RECENT_TEXTS) {}

  /** Entries held (dead ones not yet out of the heap included): what the bound counts. */
  get size(): number {
    return this.heap.length;
  }

  /**
   * The remembered texts of `cp` to `msisdn` not ended by `now` (the decision's arrival; some may
   * still lie outside the window of a scheduled send: the stage compares), `exceptId`'s excepted.
   */
  of(cp: string, msisdn: string, now: number, exceptId?: string): readonly RecentEntry[] | undefined {
    if (this.heap.length === 0) return undefined;
    this.expire(now);
    const a = this.byKey.get(keyOf(cp, msisdn));
    if (!a) return undefined;
    return exceptId !== undefined && a.some((e) => e.id === exceptId) ? a.filter((e) => e.id !== exceptId) : a;
  }

  /**
   * Remembers `text`, sent by `cp` to `msisdn` as message `id`, counting at `at`; `now` (the
   * decision's arrival) forgets what ended. Returns the entry (for {@link remove}), or undefined when
   * nothing is kept (`keepMs` 0).
   */
  add(cp: string, msisdn: string, id: string, text: string, at: number, now: number): RecentEntry | undefined {
    if (this.keepMs <= 0) return undefined;
    this.expire(now);
    const key = keyOf(cp, msisdn);
    const e: RecentEntry = { key, id, text, at, until: at + this.keepMs, dead: false };
    const a = this.byKey.get(key);
    if (a) a.push(e);
    else this.byKey.set(key, [e]);
    this.push(e);
    while (this.heap.length > this.maxEntries) {
      const d = this.pop()!;
      if (!d.dead) {
        this.unlink(d);
        this.dropped++;
      }
    }
    return e;
  }

  /** Forgets `e` (its transaction rolled back, or its message was replaced). */
  remove(e: RecentEntry): void {
    if (e.dead) return;
    e.dead = true;
    this.unlink(e);
  }

  /** Forgets message `id` of `cp` to `msisdn` (a replacement's old text). */
  removeId(cp: string, msisdn: string, id: string): void {
    const a = this.byKey.get(keyOf(cp, msisdn));
    const e = a?.find((x) => x.id === id);
    if (e) this.remove(e);
  }

  /** Forgets everything (a store's close, or a test). */
  clear(): void {
    this.byKey.clear();
    this.heap.length = 0;
  }

  private expire(now: number): void {
    const h = this.heap;
    while (h.length > 0 && (h[0].dead || h[0].until <= now)) {
      const e = this.pop()!;
      if (!e.dead) {
        e.dead = true;
        this.unlink(e);
      }
    }
  }

  private unlink(e: RecentEntry): void {
    const a = this.byKey.get(e.key);
    if (!a) return;
    const i = a.indexOf(e);
    if (i >= 0) a.splice(i, 1);
    if (a.length === 0) this.byKey.delete(e.key);
  }

  private push(e: RecentEntry): void {
    const h = this.heap;
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

  private pop(): RecentEntry | undefined {
    const h = this.heap;
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
