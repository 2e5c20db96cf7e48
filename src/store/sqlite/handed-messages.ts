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

/** A committed `accepted` row: its place in claim order (due_at, rowid) and the message a claim returns. */
export interface Handed {
  due: number;
  rowid: number;
  m: OutboundMessage;
}

/** At most this many wait here (a stopped delivery must not make the process hold every message). */
const MAX = 20_000;

/** (due, rowid) order, the claim's. */
export const before = (a: { due: number; rowid: number }, b: { due: number; rowid: number }): boolean => a.due < b.due || (a.due === b.due && a.rowid < b.rowid);

export class HandedMessages {
  private staged: Handed[] = [];
  /** Committed, in (due, rowid) order. */
  queue: Handed[] = [];

  /** A row inserted by the transaction running now. */
  stage(h: Handed): void {
    this.staged.push(h);
  }

  /** The transaction that staged them committed. */
  commit(): void {
    const s = this.staged;
    if (s.length === 0) return;
    this.staged = [];
    if (this.queue.length + s.length > MAX) {
      this.queue = [];
      return;
    }
    const wasEmpty = this.queue.length === 0;
    const last = this.queue[this.queue.length - 1];
    for (const h of s) this.queue.push(h);
    // Rows of one transaction come in rowid order and nearly always in due order too; sorted only when not.
    let sorted = wasEmpty || !before(s[0], last);
    for (let i = 1; sorted && i < s.length; i++) if (before(s[i], s[i - 1])) sorted = false;
    if (!sorted) this.queue.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  /** It did not, or its outcome is not known yet (a transaction nested in another): read from the table. */
  drop(): void {
    this.staged = [];
  }

  /** Forget every committed one (the claim reads the table instead). */
  clear(): void {
    this.queue = [];
  }
}
