/**
 * A replaced message's record (MessageStore.replaceQueued, SMPP replace_sm): a `status` record that
 * repeats the status the new decision gave (`accepted` or `held`) and carries the replacement under
 * `replaced`: the text the message had and the new one (both kept: the submission record, append-only,
 * keeps the first text, and each replacement its own), and what the submission record says of a
 * decision (segments, verdicts, profile, the consent it relied on) with the new schedule, validity and
 * receipt request. Both stores write it alike; store/message-view.ts reads the latest one back so the
 * message's view shows the text that is to go out.
 */
import type { Candidate, Decision } from '../pipeline/types.js';
import type { QueuedReplacement } from '../ports/store.js';
import type { EncodedVerdicts } from './verdict-codec.js';

/** The body of the replacement's status record. `verdicts` as the store encodes a submission's. */
export function replacementBody(r: QueuedReplacement, d: Decision, verdicts: EncodedVerdicts, consentId: string | null): Record<string, unknown> {
  const c: Candidate = r.item.candidate;
  // as status-body.ts writes a status record (status, detail), with the replacement beside them
  return {
    status: d.held ? 'held' : 'accepted',
    detail: r.detail,
    replaced: {
    previousText: r.previousText,
    text: c.text,
    // as the submission record: only when a stage changed it
    finalText: d.text === c.text ? null : d.text,
    segments: d.segments,
    decision: d.held ? 'held' : 'accepted',
    profile: d.verdicts[0]?.profile ?? null,
    code: d.rejection?.code ?? null,
    verdicts,
    registeredDelivery: r.item.registeredDelivery,
    consentId,
    ...(r.item.validUntil !== undefined ? { validUntil: r.item.validUntil } : {}),
    ...(r.item.scheduledAt !== undefined ? { scheduledAt: r.item.scheduledAt } : {}),
    },
  };
}
