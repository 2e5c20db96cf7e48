/**
 * Shared by the store adapters: consent and consent-request rows as both databases return them,
 * mapped to the port's types, subscription records read back as events, and the last signature a
 * provider sent a number (per-signature opt-outs).
 */
import type { ChargedServiceRow, ChargedSubscriptionRow, ConsentRequestFacts, ConsentRequestRow, ConsentRow, SubscriptionEvent } from '../ports/store.js';
import { consentGivenAt } from '../domain/consent.js';
import { leadingSignature } from '../domain/signature.js';
import { SUBSCRIPTION_EVENTS, type SubscriptionEventKind } from '../domain/subscription-events.js';

export interface ConsentDb {
  id: string; content_provider_id: string; msisdn: string; category: string; freq_count: number; freq_per: ConsentRow['frequency']['per'];
  granted_at: number; expires_at: number; channel: string;
  /** JSON text (SQLite) or an already-parsed object (PostgreSQL jsonb). */
  proof: string | Record<string, unknown>;
  withdrawn_at: number | null;
}

export const toConsentRow = (r: ConsentDb): ConsentRow => ({
  id: r.id, contentProviderId: r.content_provider_id, msisdn: r.msisdn, category: r.category,
  frequency: { count: r.freq_count, per: r.freq_per }, grantedAt: r.granted_at, expiresAt: r.expires_at,
  channel: r.channel as ConsentRow['channel'], proof: typeof r.proof === 'string' ? JSON.parse(r.proof) : r.proof, withdrawnAt: r.withdrawn_at,
});

/** A row of the stores' grantedWithProof query → ConsentRequestFacts.grantedWithProof (ordered by when given). */
export function toGrantsWithProof(rows: readonly { id: string; category: string; granted_at: number | string; proof: string | Record<string, unknown> }[]): ConsentRequestFacts['grantedWithProof'] {
  return rows
    .map((r) => ({ id: r.id, category: r.category, givenAt: consentGivenAt(typeof r.proof === 'string' ? JSON.parse(r.proof) : r.proof, Number(r.granted_at)) }))
    .sort((a, b) => a.givenAt - b.givenAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface RequestDb {
  id: string; content_provider_id: string; msisdn: string; port: string; category: string; freq_count: number; freq_per: ConsentRow['frequency']['per'];
  duration_days: number; text: string; message_id: string; status: ConsentRequestRow['status']; created_at: number; deadline_at: number;
  resolved_at: number | null; consent_id: string | null; profile: string;
  /** Migrations 128 (SQLite) / 122 (PostgreSQL): the charged service a notice asks about. */
  charged_service_id?: string | null;
}

export const toRequest = (r: RequestDb): ConsentRequestRow => ({
  id: r.id, contentProviderId: r.content_provider_id, msisdn: r.msisdn, port: r.port, category: r.category,
  frequency: { count: r.freq_count, per: r.freq_per }, durationDays: r.duration_days, text: r.text, messageId: r.message_id,
  status: r.status, createdAt: r.created_at, deadlineAt: r.deadline_at, resolvedAt: r.resolved_at, consentId: r.consent_id, profile: r.profile,
  // only on a charged service's notice: an ordinary request's row stays as it was
  ...(r.charged_service_id ? { chargedServiceId: r.charged_service_id } : {}),
});

/** A charged_services row, as both stores read it. */
export interface ChargedServiceDb { id: string; content_provider_id: string; name: string; port: string; amount_fen: number; per: ChargedServiceRow['tariff']['per']; created_at: number | string }

export const toChargedService = (r: ChargedServiceDb): ChargedServiceRow => ({
  id: r.id, contentProviderId: r.content_provider_id, name: r.name, port: r.port, tariff: { amountFen: Number(r.amount_fen), per: r.per }, createdAt: Number(r.created_at),
});

/** A charged_subscriptions row, as both stores read it. */
export interface ChargedSubscriptionDb { id: string; service_id: string; content_provider_id: string; msisdn: string; started_at: number | string; ended_at: number | string | null; end_reason: string | null; proof: unknown }

export const toChargedSubscription = (r: ChargedSubscriptionDb): ChargedSubscriptionRow => ({
  id: r.id, serviceId: r.service_id, contentProviderId: r.content_provider_id, msisdn: r.msisdn, startedAt: Number(r.started_at),
  endedAt: r.ended_at === null ? null : Number(r.ended_at), endReason: r.end_reason,
  proof: (typeof r.proof === 'string' ? JSON.parse(r.proof) : r.proof) as Record<string, unknown>,
});

const EVENT_KINDS: ReadonlySet<unknown> = new Set<SubscriptionEvent['kind']>(SUBSCRIPTION_EVENTS);
// Every event of the port's type is in the list (the Set above checks the other way round): a type error names one that is not.
type Unlisted = Exclude<SubscriptionEvent['kind'], 'unreadable' | SubscriptionEventKind>;
const everyEventListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyEventListed;

/**
 * A subscription record (kind `subscription`) as an event. A damaged body (readBody's
 * `{ unreadable }`, or an object edited so its event, channel or evidence has the wrong type) is the
 * event `unreadable`, its evidence `{ unreadable: <the body as stored> }`, as the records page shows
 * it: copied unchecked it made the views that list events answer 500 from the response serializer.
 */
export const toEvent = (r: { id: string; at: number; contentProviderId: string | null; msisdn: string | null; body: Record<string, unknown> }): SubscriptionEvent => {
  const b = r.body;
  const base = { id: r.id, at: r.at, contentProviderId: r.contentProviderId, msisdn: r.msisdn ?? '' };
  const evidence = b.evidence;
  if (EVENT_KINDS.has(b.event) && typeof b.channel === 'string' && evidence !== null && typeof evidence === 'object' && !Array.isArray(evidence)) {
    return { ...base, kind: b.event as SubscriptionEvent['kind'], channel: b.channel, evidence: evidence as Record<string, unknown> };
  }
  const keys = Object.keys(b);
  const stored = keys.length === 1 && keys[0] === 'unreadable' && typeof b.unreadable === 'string' ? b.unreadable : JSON.stringify(b);
  return { ...base, kind: 'unreadable', channel: typeof b.channel === 'string' ? b.channel : '', evidence: { unreadable: stored } };
};

/**
 * The signature of the newest accepted message among `mts` (a number's mt records, oldest first)
 * that `contentProviderId` sent from `port`: what a per-signature opt-out refers to. Null when that
 * signature is unknown, and so the opt-out covers all the provider's signatures.
 *
 * Bodies are read as stored, so a damaged or edited record may hold anything: a record whose `from`
 * or `decision` is another string was not sent from the port, or not sent, and is passed over; one
 * of the provider's whose `from`, `decision` or text is of the wrong type (or unreadable) may be the
 * message answered, so its signature is unknown (null) — never a throw, which would fail the MO's
 * handling and have the SMSC redeliver it while the user's refusal is never recorded, and never an
 * older message's signature, which would leave the one answered unrefused.
 */
export function lastSignatureIn(mts: readonly { contentProviderId: string | null; body: Record<string, unknown> }[], contentProviderId: string, port: string): string | null {
  for (let i = mts.length - 1; i >= 0; i--) {
    const r = mts[i];
    if (r.contentProviderId !== contentProviderId) continue;
    const { from, decision, finalText, text } = r.body;
    if ((typeof from === 'string' && from !== port) || (typeof decision === 'string' && decision !== 'accepted')) continue;
    if (typeof from !== 'string' || typeof decision !== 'string') return null;
    if (typeof finalText === 'string') return leadingSignature(finalText);
    return finalText == null && typeof text === 'string' ? leadingSignature(text) : null;
  }
  return null;
}

/**
 * The id of the newest accepted message among `mts` (a number's mt records, oldest first) that
 * `contentProviderId` sent from `port`: the message a one-letter reply to that port answers. Null
 * when none, or when the newest of the provider's is damaged (read as {@link lastSignatureIn} reads
 * one: never a throw, never an older message in its place), so the caller cannot take it for the
 * message it hoped for.
 */
export function lastMessageIdIn(mts: readonly { id: string; contentProviderId: string | null; body: Record<string, unknown> }[], contentProviderId: string, port: string): string | null {
  for (let i = mts.length - 1; i >= 0; i--) {
    const r = mts[i];
    if (r.contentProviderId !== contentProviderId) continue;
    const { from, decision } = r.body;
    if ((typeof from === 'string' && from !== port) || (typeof decision === 'string' && decision !== 'accepted')) continue;
    return typeof from === 'string' && typeof decision === 'string' ? r.id : null;
  }
  return null;
}

/**
 * The `consent_requested` record's evidence, as both stores write it; a charged service's notice
 * also names its service (an ordinary request's evidence is as it always was).
 */
export function requestEvidence(row: ConsentRequestRow): Record<string, unknown> {
  const e: Record<string, unknown> = { requestId: row.id, messageId: row.messageId, port: row.port, category: row.category, frequency: row.frequency, durationDays: row.durationDays, text: row.text, deadlineAt: new Date(row.deadlineAt).toISOString(), profile: row.profile };
  if (row.chargedServiceId !== undefined) e.chargedServiceId = row.chargedServiceId;
  return e;
}
