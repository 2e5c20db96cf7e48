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
 *
 * The user may also lift it alone, by replying a re-subscribe keyword (`订阅`…) to the provider's port
 * ({@link resubscribeByReply}): the same lift, with the reply as its evidence.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { MoRecord } from '../ports/store.js';
import type { MoOutcome, Principal } from './types.js';
import { requireRoleIn, ROLES } from './access.js';
import { msisdnField, str } from './validate.js';
import { parseProof, proofRecord, type Proof } from './consents.js';
import { moNotice, tellProvider } from './mo-notice.js';

export interface LiftedOptOut {
  msisdn: string;
  contentProviderId: string;
  liftedAt: string;
}

export async function liftOptOut(ctx: AppContext, p: Principal, rawMsisdn: string, body: Record<string, unknown>): Promise<LiftedOptOut> {
  requireRoleIn(p, ROLES.liftOptOut);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SmsguardError('invalid_request', 'body: must be an object', {}, 'body');
  // An unknown key is refused rather than dropped (as the HTTP schema does), for every door.
  const extra = Object.keys(body).find((k) => k !== 'contentProviderId' && k !== 'reason' && k !== 'evidence');
  if (extra !== undefined) throw new SmsguardError('invalid_request', `${extra}: unknown field (a lift is {contentProviderId, reason, evidence})`, {}, extra);
  const msisdn = msisdnField(rawMsisdn, 'msisdn', ctx.profile);
  const cpId = str(body.contentProviderId, 'contentProviderId', LIFT_LIMITS.contentProviderId);
  const reason = str(body.reason, 'reason', { ...LIFT_LIMITS.reason, shape: 'text' });
  // A lift without a stated reason is no record of why: spaces are refused as a blank category is.
  if (!reason.trim()) throw new SmsguardError('invalid_request', 'reason: must not be blank', {}, 'reason');
  const now = ctx.clock.now();
  const proof = parseProof(body.evidence, now, { field: 'evidence', maxSkewMs: 0 });
  if (!(await ctx.store.directory.getContentProvider(cpId))) throw new SmsguardError('not_found', `no content provider ${cpId}`, {}, 'contentProviderId');
  const lifted = await applyLift(ctx, cpId, msisdn, now, 'admin', proof, { actor: p.actorId, reason });
  if (typeof lifted === 'object') throw evidenceBeforeOptOut(lifted.optedOutAt);
  if (!lifted) throw new SmsguardError('not_found', `this number has not opted out of this content provider${await dndNote(ctx, msisdn, cpId)}`, {}, 'contentProviderId', { id: 'not_opted_out' });
  return { msisdn, contentProviderId: cpId, liftedAt: new Date(now).toISOString() };
}

/**
 * Why a number with nothing to lift is still refused `opted_out`, when that is the do-not-disturb list:
 * a lift does not touch it, and an operator who came to lift would otherwise be left with a bare 404
 * for a number every send to which is refused "opted_out". Read only on that failure path.
 */
async function dndNote(ctx: AppContext, msisdn: string, cpId: string): Promise<string> {
  const dnd = (await ctx.store.consents.subscriber(msisdn, cpId)).dnd;
  if (!dnd) return '';
  return `; it is on the do-not-disturb list (since ${new Date(dnd.at).toISOString()}, source “${dnd.source}”), which refuses its commercial messages and consent requests from every provider (opted_out) and which a lift does not touch (DELETE /v1/dnd/{msisdn} takes a number off it)`;
}

function evidenceBeforeOptOut(at: number): SmsguardError {
  return new SmsguardError('invalid_request', `evidence/capturedAt: must not be before the opt-out it lifts (${new Date(at).toISOString()}): the user's request to hear from the provider again comes after the refusal`, {}, 'evidence/capturedAt');
}

async function optedOutAt(ctx: AppContext, cpId: string, msisdn: string): Promise<number | undefined> {
  return (await ctx.store.consents.subscriber(msisdn, cpId)).optOuts.find((o) => o.contentProviderId === cpId)?.at;
}

/**
 * The lift itself, one piece for both ways to ask (an operator acting on the user's request, the
 * user's own re-subscribe reply): the evidence must not predate the opt-out it lifts (the user's
 * request to hear from the provider again comes after the refusal: evidence from before it is of
 * something said before refusing, not a new word), then the store lifts every signature the opt-out
 * covered with an `opt_in` record `{...who, request}`, atomically, with `mo` (the reply) when given.
 * The store touches no consent: those given before the opt-out were withdrawn by it and stay so.
 * False when there was no opt-out to lift; `{optedOutAt}` (nothing lifted) when the evidence predates it.
 */
export async function applyLift(
  ctx: AppContext, cpId: string, msisdn: string, at: number, channel: string, proof: Proof,
  who: Record<string, unknown>, mo?: MoRecord,
): Promise<boolean | { optedOutAt: number }> {
  const since = await optedOutAt(ctx, cpId, msisdn);
  if (since !== undefined && proof.capturedAt < since) return { optedOutAt: since };
  return ctx.store.consents.liftOptOut(cpId, msisdn, at, channel, { ...who, request: proofRecord(proof) }, mo);
}

/**
 * A re-subscribe reply (the whole reply one of the profile's `resubscribeKeywords`, refusals already
 * ruled out by the caller) from `mo.from` to a port of `cpId`: the user's own request, from the
 * number, to the provider it had refused. It lifts the opt-out as an operator's lift does
 * ({@link applyLift}), with the reply as evidence (`{channel: 'sms', reference: <MO id>, capturedAt:
 * <received>}`), the MO's record (action `opt_in`, with the provider's `mo` callback when it has a
 * moUrl) in the same transaction, one free confirmation, and the provider told (mo-notice.ts). It restores no consent: the ones given before the opt-out stay withdrawn.
 * Null when there was no opt-out to lift: the caller handles the reply as any other (forwarded).
 */
export async function resubscribeByReply(
  ctx: AppContext, cpId: string, port: string,
  mo: { id: string; from: string; to: string; text: string; at: number },
): Promise<MoOutcome | null> {
  const proof: Proof = { channel: 'sms', reference: mo.id, capturedAt: mo.at };
  const article = ctx.profile.params.resubscribeKeywords.article;
  const notice = moNotice('opt_in');
  const lifted = await applyLift(ctx, cpId, mo.from, mo.at, 'sms', proof, { reason: 'resubscribe_reply', moId: mo.id, port, text: mo.text, article },
    { id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: cpId, action: 'opt_in', notice });
  if (lifted !== true) return null;
  tellProvider(ctx, cpId, mo, notice);
  const sigs = await ctx.store.directory.listSignatures(cpId);
  const sig = sigs.find((s) => s.status === 'approved')?.signature ?? '';
  await ctx.store.messages.recordSystemMessage({
    id: ctx.ids.next('msg'), contentProviderId: cpId, from: port, to: mo.from, type: 'notification', purpose: 'opt_in_confirmation', at: mo.at, charged: false,
    text: `${sig}您已取消退订。本号码的商业短信仍须经您同意后才会发送。${ctx.profile.params.refusalNotice.value}，本条免费。`,
  });
  ctx.events.emit('outboxReady', { count: 1 });
  return { id: mo.id, action: 'opt_in', contentProviderId: cpId };
}
/** The bounds of a lift's text fields, in characters: one table for liftOptOut and its HTTP schema (src/http/routes/subscribers.ts). */
export const LIFT_LIMITS = {
  contentProviderId: { min: 1, max: 64 },
  reason: { min: 1, max: 500 },
} as const;

