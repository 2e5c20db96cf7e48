/**
 * A submission's record body (`mt`), as both stores write it: one function, so the SQLite and
 * PostgreSQL records of one decision are the same JSON (message-view.ts reads either back).
 *
 * Built once per message on the submit path: the optional fields are assigned, not spread from a
 * temporary object (`...(x ? { x } : {})` allocated and copied one object per field per message).
 * Assigned in the order the spreads had them, so the JSON (and so each record's hash) is unchanged.
 */
import type { Decision, Facts } from '../pipeline/types.js';
import type { SubmissionItem } from '../ports/store.js';
import type { EncodedVerdicts } from './verdict-codec.js';

/** The `mt` record body of `item` decided `d` on `facts`; `verdicts` as the store encodes them. */
export function submissionBody(item: SubmissionItem, facts: Facts, d: Decision, verdicts: EncodedVerdicts): Record<string, unknown> {
  const c = item.candidate;
  const body: Record<string, unknown> = {
    from: c.from,
    to: c.to ?? c.toRaw,
    type: c.type,
    category: c.category ?? null,
    text: c.text,
    // Only when a stage changed it (refusal notice): most texts go out as given.
    finalText: d.text === c.text ? null : d.text,
    segments: d.segments,
    decision: d.accepted ? 'accepted' : d.held ? 'held' : 'rejected',
    code: d.rejection?.code ?? null,
    // Articles are the profile's (recorded by id); verdicts are encoded compactly (verdict-codec.ts).
    profile: d.verdicts[0]?.profile ?? null,
    verdicts,
    channel: item.channel,
    clientRef: item.clientRef ?? null,
    registeredDelivery: item.registeredDelivery,
    consentId: (d.accepted || d.held) && c.type === 'commercial' ? facts.consent?.id ?? null : null,
  };
  // only for a long message its sender sent in parts: the ids it holds for the earlier ones
  if (item.clientPartIds) body.clientPartIds = item.clientPartIds;
  // only for SMPP: the coding its text came in (a replace_sm's new text is read in it)
  if (item.dataCoding !== undefined) body.dataCoding = item.dataCoding;
  // only when its sender gave one (SMPP validity_period, HTTP validUntil)
  if (item.validUntil !== undefined) body.validUntil = item.validUntil;
  // only when scheduled (SMPP schedule_delivery_time, HTTP scheduledAt)
  if (item.scheduledAt !== undefined) body.scheduledAt = item.scheduledAt;
  // only for a charged message (rule 8): the service it charges for
  if (item.candidate.chargedServiceId !== undefined) body.chargedServiceId = item.candidate.chargedServiceId;
  return body;
}
