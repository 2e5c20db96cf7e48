/**
 * Which message a receipt names when several carry its SMSC id. SMSCs give ids again: one restarted
 * counts from 1 again (the built-in simulator and Net::SMPP's sink do), counters wrap, two links may
 * number alike. The message still waiting for its receipt (`submitted`) is the one meant; among
 * several, the most recently accepted; a receipt for none of them waiting (a repeat) goes to the
 * newest, where it changes nothing. Taking the first row on file instead sent every receipt after an
 * SMSC restart to an old, delivered message and left the new one `submitted` for ever.
 */

/** A candidate row as the stores read it. */
export interface ReceiptCandidate {
  id: string;
  status: string;
  submitted_at: number | string;
}

/**
 * True when `a` is a better match than `b` for a receipt naming both's SMSC id: waiting first, then
 * the later accepted, then the greater id (as SQL: `status = 'submitted' DESC, submitted_at DESC, id
 * DESC`, which the PostgreSQL store's single look-up uses).
 */
export function betterReceiptMatch(a: ReceiptCandidate, b: ReceiptCandidate): boolean {
  const wa = a.status === 'submitted', wb = b.status === 'submitted';
  if (wa !== wb) return wa;
  const ta = Number(a.submitted_at), tb = Number(b.submitted_at);
  if (ta !== tb) return ta > tb;
  return a.id > b.id;
}

/** A part of a long message under one SMSC id, as the stores read it from upstream_parts. */
export interface PartCandidate {
  message_id: string;
  /** The part's own receipt status; null while it waits for one. */
  status: string | null;
  /** When the part was filed (its message's `submitted`). */
  at: number | string;
}

/**
 * The same choice for a long message's parts, whose SMSC ids a restarted SMSC gives again just as
 * well: true when part `a` is a better match than `b` — the part still waiting for its receipt first,
 * then the later filed, then the greater message id (as SQL: `status IS NOT NULL, at DESC, message_id
 * DESC`, the SQLite store's part look-up).
 */
export function betterPartMatch(a: PartCandidate, b: PartCandidate): boolean {
  const wa = a.status === null, wb = b.status === null;
  if (wa !== wb) return wa;
  const ta = Number(a.at), tb = Number(b.at);
  if (ta !== tb) return ta > tb;
  return a.message_id > b.message_id;
}
