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
