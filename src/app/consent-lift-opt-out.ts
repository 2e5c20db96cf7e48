/**
 * Lifting an opt-out (admin): the number asked, outside the SMS channel, to hear from a provider it
 * had refused again, and an operator acts on that request. Only the operator can do it, never the
 * provider (who could otherwise undo a refusal it does not like), and only with evidence of the
 * user's own request: how it came (`channel`), where it is kept (`reference`), when (`capturedAt`),
 * and why. The lift is a subscription record (`opt_in`) with that evidence and the operator's
 * identity. It grants no consent: commercial messages still need one (docs/CONSENT.md).
 *
 * The evidence is checked by the consent's own `parseProof`: lifting a refusal rests on the user's new
 * word, so its evidence is held to at least a consent proof's limits (2000-01-01 floor, lengths),
 * plus the lift's own stricter ones: a `capturedAt` not after the gateway's clock (no skew), and not
 * before the opt-out it lifts.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { msisdnField, str } from './validate.js';
import { parseProof, proofRecord } from './consents.js';

export interface LiftedOptOut {
  msisdn: string;
  contentProviderId: string;
  liftedAt: string;
}

export async function liftOptOut(ctx: AppContext, p: Principal, rawMsisdn: string, body: Record<string, unknown>): Promise<LiftedOptOut> {
  requireRole(p, 'admin');
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SmsguardError('invalid_request', 'body: must be an object', {}, 'body');
  // An unknown key is refused rather than dropped (as the HTTP schema does), for every door.
  const extra = Object.keys(body).find((k) => k !== 'contentProviderId' && k !== 'reason' && k !== 'evidence');
  if (extra !== undefined) throw new SmsguardError('invalid_request', `${extra}: unknown field (a lift is {contentProviderId, reason, evidence})`, {}, extra);
  const msisdn = msisdnField(rawMsisdn, 'msisdn', ctx.profile);
  const cpId = str(body.contentProviderId, 'contentProviderId', { min: 1, max: 64 });
  const reason = str(body.reason, 'reason', { min: 1, max: 500 });
  // A lift without a stated reason is no record of why: spaces are refused as a blank category is.
  if (!reason.trim()) throw new SmsguardError('invalid_request', 'reason: must not be blank', {}, 'reason');
  const now = ctx.clock.now();
  const proof = parseProof(body.evidence, now, { field: 'evidence', maxSkewMs: 0 });
  if (!(await ctx.store.directory.getContentProvider(cpId))) throw new SmsguardError('not_found', `no content provider ${cpId}`, {}, 'contentProviderId');
  // The user's request to hear from the provider again comes after the refusal it lifts (its latest
  // opt-out): evidence from before it is of something the user said before refusing, not a new word.
  const optedOutAt = (await ctx.store.consents.subscriber(msisdn, cpId)).optOuts.find((o) => o.contentProviderId === cpId)?.at;
  if (optedOutAt !== undefined && proof.capturedAt < optedOutAt) {
    throw new SmsguardError('invalid_request', `evidence/capturedAt: must not be before the opt-out it lifts (${new Date(optedOutAt).toISOString()}): the user's request to hear from the provider again comes after the refusal`, {}, 'evidence/capturedAt');
  }
  const request = proofRecord(proof);
  const lifted = await ctx.store.consents.liftOptOut(cpId, msisdn, now, 'admin', { actor: p.actorId, reason, request });
  if (!lifted) throw new SmsguardError('not_found', 'this number has not opted out of this content provider', {}, 'contentProviderId');
  return { msisdn, contentProviderId: cpId, liftedAt: new Date(now).toISOString() };
}
