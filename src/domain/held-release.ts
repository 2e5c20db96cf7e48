/**
 * Reading the review queue's release back from the records: an operator's release of a held message
 * is a status record `<message id>:accepted` whose body carries the reviewer's action (written by the
 * store adapters through `heldStatusBody`, src/store/held-messages.ts).
 */

/** The id of the message this record released from the review queue, or null for any other record. */
export function releasedMessageId(r: { id: string; kind: string; body: Record<string, unknown> }): string | null {
  if (r.kind !== 'status' || r.body.status !== 'accepted') return null;
  const review = r.body.review as { action?: unknown } | undefined;
  return review?.action === 'release' ? r.id.slice(0, r.id.lastIndexOf(':')) : null;
}
