/**
 * Messages this process has just committed as `accepted`, handed by the decision transaction
 * (SqliteMessages) to the next claim (SqliteOutbox.claim), so that the claim need not read back rows
 * it was just told about: reading a due row (11 columns, the text among them, as JavaScript strings)
 * cost 2.1–2.3 µs per message in process; the gateway's event loop on the HTTP batch path spent
 * 0.6–1.1 µs less per message with this (docs/PERFORMANCE.md).
 *
 * Only a hint: every message here is also in `message_status`, and the claim takes messages from
 * here only after one count over the queue says that nothing else is due before them (SqliteOutbox);
 * otherwise it drops them all and reads the queue as before. A message is never here before its
 * transaction committed (staged, then `commit` once the outermost transaction returned), and the
 * queue is bounded: past MAX it is emptied and its messages are read from the table like any other.
 */
import type { OutboundMessage } from '../../ports/store.js';
import { PRIORITIES, type Priority } from '../../domain/priority.js';

/** A committed `accepted` row: its place in claim order (priority, due_at, rowid) and the message a claim returns. */
export interface Handed {
  priority: Priority;
  due: number;
  rowid: number;
  m: OutboundMessage;
}

/** At most this many wait here, all lanes together (a stopped delivery must not make the process hold every message). */
const MAX = 20_000;

/** (due, rowid) order: a lane's order (the claim's within one priority). */
export const before = (a: { due: number; rowid: number }, b: { due: number; rowid: number }): boolean => a.due < b.due || (a.due === b.due && a.rowid < b.rowid);

export class HandedMessages {
  private staged: Handed[] = [];
  /**
   * Committed, one queue per lane (index = priority), each in (due, rowid) order. Per lane, not one
   * queue sorted by (priority, due, rowid): rows of one lane arrive in order, so each stays sorted
   * by appending, where one queue would be sorted again whenever a code followed a commercial send.
   */
  lanes: Handed[][] = PRIORITIES.map(() => []);
  private count = 0;

  /** How many wait, all lanes together. */
  get size(): number {
    return this.count;
  }

  /** A row inserted by the transaction running now. */
  stage(h: Handed): void {
    this.staged.push(h);
  }

  /** The transaction that staged them committed. */
  commit(): void {
    const s = this.staged;
    if (s.length === 0) return;
    this.staged = [];
    if (this.count + s.length > MAX) {
      this.clear();
      return;
    }
    this.count += s.length;
    let unsorted: Set<number> | null = null;
    for (const h of s) {
      const lane = this.lanes[h.priority];
      // Rows of one transaction come in rowid order and nearly always in due order too; sorted only when not.
      if (lane.length > 0 && before(h, lane[lane.length - 1])) (unsorted ??= new Set()).add(h.priority);
      lane.push(h);
    }
    if (unsorted) for (const p of unsorted) this.lanes[p].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  /** It did not, or its outcome is not known yet (a transaction nested in another): read from the table. */
  drop(): void {
    this.staged = [];
  }

  /** The first `n` in claim order, taken out (the caller checked there are that many). */
  take(n: number): Handed[] {
    const out: Handed[] = [];
    for (let p = 0; p < this.lanes.length && out.length < n; p++) {
      const lane = this.lanes[p];
      if (lane.length === 0) continue;
      const k = Math.min(n - out.length, lane.length);
      for (let i = 0; i < k; i++) out.push(lane[i]);
      this.lanes[p] = k === lane.length ? [] : lane.slice(k);
    }
    this.count -= out.length;
    return out;
  }

  /** The `n`th (1-based) in claim order, without taking it; n ≤ size. */
  nth(n: number): Handed {
    for (const lane of this.lanes) {
      if (n <= lane.length) return lane[n - 1];
      n -= lane.length;
    }
    throw new RangeError('fewer handed messages than asked');
  }

  /** Forget every committed one (the claim reads the table instead). */
  clear(): void {
    this.lanes = PRIORITIES.map(() => []);
    this.count = 0;
  }
}
