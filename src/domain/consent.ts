/**
 * The consent model: a request to a number, its answer, and the consent it yields.
 *
 * A consent request's life: `pending` until the user answers or the profile's window closes, then
 * exactly one of `granted` (explicit yes), `refused` (explicit no, or a refusal / opt-out), or, with
 * no answer, `deemed_refused` when the profile counts silence as refusal (`noReplyMeansRefusal`)
 * and `lapsed` otherwise. Silence is never consent under either profile.
 */
export type ConsentPeriod = 'day' | 'week' | 'month';

export interface ConsentFrequency {
  count: number;
  per: ConsentPeriod;
}

export type ConsentRequestStatus = 'pending' | 'granted' | 'refused' | 'deemed_refused' | 'lapsed';

export const CONSENT_PERIODS: readonly ConsentPeriod[] = ['day', 'week', 'month'];

/** True when the request ended in a refusal (explicit or deemed): the repeat rule applies. */
export function isRefusalStatus(s: ConsentRequestStatus): boolean {
  return s === 'refused' || s === 'deemed_refused';
}

/** What a request with no answer becomes when its window closes. */
export function noReplyOutcome(noReplyMeansRefusal: boolean): Extract<ConsentRequestStatus, 'deemed_refused' | 'lapsed'> {
  return noReplyMeansRefusal ? 'deemed_refused' : 'lapsed';
}

/** What `pickConsent` compares of a consent row. */
export interface ConsentOrder {
  id: string;
  grantedAt: number;
  expiresAt: number;
}

/**
 * The consent a commercial message is judged by, among a number's consents of one provider and
 * category that were not withdrawn: of the live ones the one granted last (the user's latest
 * agreement, whatever its expiry; ties to the later expiry, then the greater id), else the one that
 * expired last (so the refusal can say `consent_expired` rather than `consent_missing`). Its frequency
 * counts every commercial send of the category, under whichever consent (docs/CONSENT.md, "Which
 * consent governs"). The SQLite store asks the same in SQL (store/sqlite/commercial-facts.ts); the
 * PostgreSQL store and a review-queue release pick with this.
 */
export function pickConsent<T>(rows: readonly T[] | undefined, now: number, get: (r: T) => ConsentOrder): T | undefined {
  let best: T | undefined;
  let b: ConsentOrder | undefined;
  for (const r of rows ?? []) {
    const x = get(r);
    if (b === undefined || better(x, b, now)) { best = r; b = x; }
  }
  return best;
}

function better(x: ConsentOrder, b: ConsentOrder, now: number): boolean {
  const live = x.expiresAt > now, bestLive = b.expiresAt > now;
  if (live !== bestLive) return live;
  if (!live) return x.expiresAt > b.expiresAt;
  if (x.grantedAt !== b.grantedAt) return x.grantedAt > b.grantedAt;
  if (x.expiresAt !== b.expiresAt) return x.expiresAt > b.expiresAt;
  return x.id > b.id;
}

/**
 * Whether a consent's stored proof is one: an object with at least one field. A consent recorded
 * without proof (allowed under cn-2015) stores `{}`; under a profile requiring proof it does not count
 * (src/pipeline/stages/commercial.ts consentHeld). The stores keep this as a column (has_proof).
 */
export function consentHasProof(proof: unknown): boolean {
  return proof !== null && typeof proof === 'object' && !Array.isArray(proof) && Object.keys(proof).length > 0;
}

/**
 * When a consent was given: its proof's `capturedAt` (when the user agreed) when that is earlier than
 * its recording, else when it was recorded. One reading for a withdrawal's proof (not captured before
 * the consent was given) and the repeat ban (a consent given after a refusal ends it).
 */
export function consentGivenAt(proof: Readonly<Record<string, unknown>>, grantedAt: number): number {
  const t = typeof proof.capturedAt === 'string' ? Date.parse(proof.capturedAt) : NaN;
  return Number.isFinite(t) ? Math.min(t, grantedAt) : grantedAt;
}

/**
 * Whether a consent's proof (or its lack) lets it count under a profile: one rule for the pipeline's
 * consent stage (consentHeld, which refuses `consent_missing` when it does not) and the subscriber
 * view's `counts`, so the two cannot disagree.
 */
export function proofSuffices(hasProof: boolean, proofRequired: boolean): boolean {
  return hasProof || !proofRequired;
}
