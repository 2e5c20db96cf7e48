/** Consent use cases of the spine: a provider records a consent it obtained (with proof) or withdraws one. */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRoleIn, ROLES, OWN_DATA_REF } from './access.js';
import { categoryField, msisdnField, parseTime, str } from './validate.js';
import type { ConsentRow } from '../ports/store.js';
import { consentGivenAt } from '../domain/consent.js';

const PERS = ['day', 'week', 'month'] as const;
/** How far after our clock a proof's capturedAt may be (the provider's clock may run a little ahead). */
export const MAX_PROOF_SKEW_MS = 5 * 60_000;
/**
 * The earliest proof/capturedAt taken (2000-01-01 UTC). A gateway limit, not a rule of the regulations:
 * no consent behind a commercial SMS today was captured before then, and an earlier date (1900, a 0
 * epoch) is a provider's placeholder or a parse slip, not evidence.
 */
export const MIN_PROOF_CAPTURED_AT = Date.UTC(2000, 0, 1);
/**
 * The longest a consent may run, in days: from when it was given (proof/capturedAt; without proof, from
 * now) to expiresAt. A gateway limit, not a rule of the regulations (they require the duration to be
 * stated, not a maximum: docs/REGULATION.md item 5); the same maximum as a consent request's
 * `durationDays`, so a consent obtained elsewhere cannot outlast one asked for here. Year 9999 is a
 * consent that never ends, which the duration requirement rules out.
 */
export const MAX_CONSENT_DAYS = 3650;

/**
 * The bounds of a consent's and a proof's text fields, in characters: one table for parseProof, the
 * grant and the HTTP schemas (src/http/schemas.ts proofSchema, src/http/routes/consents.ts).
 */
export const CONSENT_LIMITS = {
  msisdn: { min: 1, max: 32 },
  proofChannel: { min: 1, max: 64 },
  proofReference: { min: 1, max: 512 },
} as const;
const DAY_MS = 86_400_000;


/** Evidence of what the user did, as a provider gives it: on a consent (how it was given) and on a withdrawal (how it was refused). */
export interface Proof {
  /** How: `web`, `app`, `sms`, `call-centre`, the provider's own system… (1–64 characters). */
  channel: string;
  /** Where the provider keeps it: a form id, a ticket, a call recording (1–512 characters). */
  reference: string;
  /** When the user did it (epoch ms). */
  capturedAt: number;
}

/** What differs between the uses of a proof: the body field it arrives in, and a use's own stricter limit. */
export interface ProofOptions {
  /** The body field holding it, which every error names (`proof/capturedAt`); default `proof`. */
  field?: string;
  /**
   * How far after `now` capturedAt may be; default MAX_PROOF_SKEW_MS. A use may be stricter, never
   * looser (lifting an opt-out takes 0: the operator records a request already made, on the gateway's clock).
   */
  maxSkewMs?: number;
}

/**
 * A proof body field (`{channel, reference, capturedAt}`), checked once for every use (a consent, its
 * withdrawal, the user's request behind lifting an opt-out): an object, `channel` 1–64 and `reference`
 * 1–512 characters, `capturedAt` an ISO-8601 date-time not before 2000-01-01 and at most
 * `maxSkewMs` (MAX_PROOF_SKEW_MS) after `now`. Else `invalid_request` naming `<field>/…`.
 */
export function parseProof(v: unknown, now: number, opts: ProofOptions = {}): Proof {
  const field = opts.field ?? 'proof';
  const maxSkewMs = Math.min(opts.maxSkewMs ?? MAX_PROOF_SKEW_MS, MAX_PROOF_SKEW_MS);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SmsguardError('invalid_request', `${field}: must be {channel, reference, capturedAt}`, {}, field);
  const pr = v as Record<string, unknown>;
  // An unknown key (url, note…) is refused rather than dropped, as on a withdrawal's body: evidence the sender meant to keep would be lost.
  const extra = Object.keys(pr).find((k) => k !== 'channel' && k !== 'reference' && k !== 'capturedAt');
  if (extra !== undefined) throw new SmsguardError('invalid_request', `${field}/${extra}: unknown field (a proof is {channel, reference, capturedAt})`, {}, `${field}/${extra}`);
  const channel = str(pr.channel, `${field}/channel`, { ...CONSENT_LIMITS.proofChannel, shape: 'line' });
  const reference = str(pr.reference, `${field}/reference`, { ...CONSENT_LIMITS.proofReference, shape: 'line' });
  // Spaces alone say neither how nor where (as a blank category states no type of message).
  for (const [k, val] of [['channel', channel], ['reference', reference]] as const) {
    if (!val.trim()) throw new SmsguardError('invalid_request', `${field}/${k}: must not be blank`, {}, `${field}/${k}`);
  }
  const capturedAt = parseTime(pr.capturedAt, `${field}/capturedAt`);
  // Proof of something not yet done is no proof: allow only a small skew between the provider's clock and ours.
  if (capturedAt > now + maxSkewMs) {
    const skew = maxSkewMs > 0 ? ` (at most ${maxSkewMs / 60_000} minutes of clock skew allowed)` : '';
    throw new SmsguardError('invalid_request', `${field}/capturedAt: must not be in the future${skew}`, {}, `${field}/capturedAt`);
  }
  if (capturedAt < MIN_PROOF_CAPTURED_AT) {
    throw new SmsguardError('invalid_request', `${field}/capturedAt: must not be before ${new Date(MIN_PROOF_CAPTURED_AT).toISOString()} (gateway limit)`, {}, `${field}/capturedAt`);
  }
  return { channel, reference, capturedAt };
}

/** A proof as it is stored and shown (capturedAt as ISO-8601). */
export const proofRecord = (p: Proof) => ({ channel: p.channel, reference: p.reference, capturedAt: new Date(p.capturedAt).toISOString() });

/** A frequency's unknown key (`max`, `period`…) → `invalid_request` naming it: a misspelt count or period is not a frequency. */
export function unknownFrequencyKey(f: Record<string, unknown>): void {
  const extra = Object.keys(f).find((k) => k !== 'count' && k !== 'per');
  if (extra !== undefined) throw new SmsguardError('invalid_request', `frequency/${extra}: unknown field (a frequency is {count, per})`, {}, `frequency/${extra}`);
}

const GRANT_FIELDS: ReadonlySet<string> = new Set(['msisdn', 'category', 'frequency', 'expiresAt', 'proof']);

export async function grantConsent(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<{ id: string }> {
  requireRoleIn(p, ROLES.grantConsent);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SmsguardError('invalid_request', 'body: must be an object', {}, 'body');
  // An unknown key (a misspelt proof…) is refused rather than dropped: under cn-2015 the consent was recorded without its evidence.
  const extra = Object.keys(body).find((k) => !GRANT_FIELDS.has(k));
  if (extra !== undefined) throw new SmsguardError('invalid_request', `${extra}: unknown field (a consent is {msisdn, category, frequency, expiresAt, proof?})`, {}, extra);
  const msisdn = msisdnField(str(body.msisdn, 'msisdn', CONSENT_LIMITS.msisdn), 'msisdn', ctx.profile);
  // Trimmed and non-blank as on a consent request: a consent to "   " states no type of message (Art. 18).
  const category = categoryField(body.category, 'category');
  const f = body.frequency as Record<string, unknown> | undefined;
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw new SmsguardError('invalid_request', 'frequency: must be {count, per}', {}, 'frequency');
  unknownFrequencyKey(f);
  const count = f.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) throw new SmsguardError('invalid_request', 'frequency/count: must be an integer 1–1000', {}, 'frequency/count');
  if (!PERS.includes(f.per as (typeof PERS)[number])) throw new SmsguardError('invalid_request', 'frequency/per: must be day, week or month', {}, 'frequency/per');
  const expiresAt = parseTime(body.expiresAt, 'expiresAt');
  const now = ctx.clock.now();
  if (expiresAt <= now) throw new SmsguardError('invalid_request', 'expiresAt: must be in the future', {}, 'expiresAt');
  let givenAt = now;
  let proof: Record<string, unknown> = {};
  if (body.proof === undefined || body.proof === null) {
    if (ctx.profile.params.consentProofRequired.value) {
      const rule = ctx.profile.rules['consent.proof'];
      throw new SmsguardError('consent_proof_required', 'this profile requires proof of consent (channel, reference, capturedAt)', { rule: 'consent.proof', article: rule?.article, profile: ctx.profile.id }, 'proof');
    }
  } else {
    const pr = parseProof(body.proof, now);
    if (expiresAt <= pr.capturedAt) throw new SmsguardError('invalid_request', 'expiresAt: must be after proof/capturedAt', {}, 'expiresAt');
    givenAt = Math.min(pr.capturedAt, now);
    proof = proofRecord(pr);
  }
  if (expiresAt > givenAt + MAX_CONSENT_DAYS * DAY_MS) {
    throw new SmsguardError('invalid_request', `expiresAt: a consent lasts at most ${MAX_CONSENT_DAYS} days from when it was given (${new Date(givenAt).toISOString()}${givenAt === now ? ', now' : ', proof/capturedAt'}); gateway limit`, {}, 'expiresAt');
  }
  const id = ctx.ids.next('con');
  await ctx.store.consents.grantConsent({
    id, contentProviderId: p.contentProviderId, msisdn, category,
    frequency: { count, per: f.per as (typeof PERS)[number] }, grantedAt: now, expiresAt, channel: 'http', proof, withdrawnAt: null,
  });
  return { id };
}

/** When a consent was given (consentGivenAt: its proof's capturedAt, or when it was recorded). */
const givenAt = (c: ConsentRow): number => consentGivenAt(c.proof, c.grantedAt);

/**
 * A provider withdraws one of its consents (`DELETE /v1/consents/{id}`), optionally with evidence of
 * how the user refused (`{proof: {channel, reference, capturedAt}}`, the same shape and limits as a
 * consent's proof, and not captured before the consent was given). The withdrawal takes effect now,
 * whatever `capturedAt` says (a refusal binds from when the gateway hears of it), and its
 * `consent_withdrawn` record carries the proof. Without a body it is recorded as before, with none.
 * Idempotent: withdrawing a consent already withdrawn succeeds and records nothing (a proof given
 * with the repeat is checked, then not kept: the first withdrawal stands).
 */
export async function withdrawConsent(ctx: AppContext, p: Principal, id: string, body?: unknown): Promise<void> {
  requireRoleIn(p, ROLES.withdrawConsent);
  const now = ctx.clock.now();
  let proof: Proof | undefined;
  if (body !== undefined && body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) throw new SmsguardError('invalid_request', 'body: must be empty or {proof: {channel, reference, capturedAt}}', {}, 'body');
    const b = body as Record<string, unknown>;
    // An unknown key (evidence, reason…) is refused rather than dropped: evidence the provider meant to record would be lost.
    const extra = Object.keys(b).find((k) => k !== 'proof');
    if (extra !== undefined) throw new SmsguardError('invalid_request', `${extra}: unknown field (a withdrawal takes only proof: {channel, reference, capturedAt})`, {}, extra);
    if (b.proof !== undefined && b.proof !== null) proof = parseProof(b.proof, now);
  }
  const c = await ctx.store.consents.getConsent(id);
  if (!c) throw new SmsguardError('not_found', `no consent ${id}`, {}, undefined, { id: 'consent_not_found', params: { id } });
  if (c.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `consent ${id} is not this content provider's`, OWN_DATA_REF);
  if (proof && proof.capturedAt < givenAt(c)) {
    throw new SmsguardError('invalid_request', `proof/capturedAt: must not be before the consent was given (${new Date(givenAt(c)).toISOString()})`, {}, 'proof/capturedAt');
  }
  // Already withdrawn (by an earlier DELETE, or by an opt-out): the same success, and the consent and
  // its one withdrawal record as they are. A repeat is what a client does after a timeout; a 404 told
  // it the consent did not exist, and a second record would say the user refused twice.
  if (c.withdrawnAt !== null) return;
  const ok = await ctx.store.consents.withdrawConsent(id, p.contentProviderId, now, 'http', proof ? proofRecord(proof) : undefined);
  if (ok) {
    ctx.events.emit('refusal', { contentProviderId: p.contentProviderId, msisdns: [c.msisdn] });
    return;
  }
  // A concurrent withdrawal (or an opt-out) got there between the read and this one: the same answer.
  if ((await ctx.store.consents.getConsent(id))?.withdrawnAt != null) return;
  throw new SmsguardError('not_found', `no consent ${id}`, {}, undefined, { id: 'consent_not_found', params: { id } });
}
