/**
 * Replies to a pending consent request (an MoHandler, tried before the spine's opt-out handling):
 * - `是`, `同意`, `Y`, `YES` → granted: a consent for the request's category, frequency and duration,
 *   with the request and the reply as proof;
 * - `否`, `不同意`, `N`, `NO` → refused (this request only: `N` answers the question the request asked),
 *   unless the reply is also an opt-out keyword (`N`) and the last message the provider sent the
 *   number from that port is not the request: then it answered that message (a promotion saying
 *   `回N退订`), and it refuses the request and opts out, as `R` does;
 * - an opt-out keyword or a refusal phrase (`R`, `TD`, `退订`, `别再发了`, `STOP`…) → refused and
 *   opted out, in one transaction;
 * - anything else → still pending; the reply is recorded on the request and forwarded to the provider.
 * A charged service's notice (charged-services.ts) is answered the same way, except that `Y` starts the
 * subscription (proof: the notice and the reply) instead of a consent, and the confirmations name the
 * service; an opt-out also ends the provider's live charged subscriptions of the number (the store's).
 * Every answer is confirmed by one free message (never charged), and the provider is told of it with
 * the request it answered (mo-notice.ts). A reply that arrives after the window closed settles the
 * request first (silence won); then, as any reply once no request is pending, a yes or no to the
 * request last sent from the port is told it changed nothing (consent-late-reply.ts), and anything
 * else goes to the ordinary MO handling.
 */
import { classifyConsentReply, isOptOutKeyword } from '../domain/consent-reply.js';
import type { ChargedSubscriptionRow, ConsentRequestRow, ConsentRow, MoRecord } from '../ports/store.js';
import { tariffText, UNSUBSCRIBE_WORD } from '../domain/charge-notice-text.js';
import type { AppContext } from './context.js';
import type { MoOutcome } from './types.js';
import type { MoHandler } from './receive-mo.js';
import { refusalPhrases } from './consent-settings.js';
import { settleDueRequests } from './consent-sweeper.js';
import { optOutConfirmationBody, sendFreeConfirmation } from './consent-confirmations.js';
import { optOutTarget } from './consent-opt-out.js';
import { moNotice, tellProvider } from './mo-notice.js';
import { lateConsentReply } from './consent-late-reply.js';

const DAY = 86_400_000;
const PER_ZH = { day: '天', week: '周', month: '月' } as const;

export const consentReplyHandler: MoHandler = async (ctx, mo): Promise<MoOutcome | null> => {
  const req = await ctx.store.consents.pendingConsentRequest(mo.from, mo.to);
  // No request pending: a late answer to one that closed is told so (consent-late-reply.ts).
  if (!req) return lateConsentReply(ctx, mo);
  if (req.deadlineAt <= mo.at) {
    await settleDueRequests(ctx, mo.at);
    return lateConsentReply(ctx, mo);
  }
  const keywords = ctx.profile.params.optOutKeywords.value;
  let meaning = classifyConsentReply(mo.text, keywords, await refusalPhrases(ctx));
  let evidence: Record<string, unknown> = { moId: mo.id, reply: mo.text, port: mo.to, meaning };
  // `N` is an answer word and an opt-out keyword. It answers the question the request asked only
  // when the request is what the number last got from this port; after a later message (a promotion
  // saying 回N退订) it answers that one, and taking it for "no" alone would leave the promotions going
  // (found by the consent audit, 2026-12-07). Unknown (no readable record): the refusal wins.
  let answeredText: string | undefined = req.text;
  if (meaning === 'refuse' && isOptOutKeyword(mo.text, keywords)) {
    const answered = await ctx.store.consents.lastMessageSent(req.contentProviderId, req.msisdn, mo.to);
    if (answered !== req.messageId) {
      meaning = 'opt_out';
      evidence = { ...evidence, meaning, answered };
      answeredText = undefined;
    }
  }
  if (meaning === 'other') {
    await ctx.store.records.recordMo({ id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: req.contentProviderId, action: 'forwarded' });
    await ctx.store.consents.noteConsentReply(req.id, mo.at, 'sms', evidence);
    ctx.events.emit('moForward', { id: mo.id, contentProviderId: req.contentProviderId, from: mo.from, to: mo.to, text: mo.text, at: mo.at });
    return { id: mo.id, action: 'forwarded', contentProviderId: req.contentProviderId };
  }
  if (meaning === 'grant') return req.chargedServiceId !== undefined ? subscribe(ctx, req, req.chargedServiceId, mo, evidence) : grant(ctx, req, mo, evidence);
  if (meaning === 'refuse') {
    // The reply's record and callback in the resolution's transaction (as with every answer below):
    // a crash between them left an answered request whose reply was neither recorded nor told.
    const notice = moNotice('consent_refused', { consentRequestId: req.id });
    const record: MoRecord = { id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: req.contentProviderId, action: 'consent_refused', notice };
    if (!(await ctx.store.consents.resolveConsentRequest(req.id, { status: 'refused', at: mo.at, channel: 'sms', evidence, mo: record }))) return null;
    tellProvider(ctx, req.contentProviderId, mo, notice);
    if (req.chargedServiceId !== undefined) {
      // the notice's category is the service's name (charged-services.ts)
      await sendFreeConfirmation(ctx, req, mo.from, `您未订购收费业务“${req.category}”，不会收取任何费用。本条免费。`, 'charge_refusal_confirmation', mo.at);
    } else {
      // "Never again" only while the profile's ban has no end: with consentRepeatBanDays set, the
      // provider may ask again after it, and the user is told when rather than promised never.
      const banDays = ctx.profile.params.consentRepeatBanDays.value;
      const when = banDays > 0 ? `${banDays}天内` : '';
      await sendFreeConfirmation(ctx, req, mo.from, `您已拒绝“${req.category}”类商业短信，${when}我们不会再就此征求您的同意。本条免费。`, 'consent_refusal_confirmation', mo.at);
    }
    return { id: mo.id, action: 'consent_refused', contentProviderId: req.contentProviderId };
  }
  // opt_out: refuse the request and opt out, atomically.
  const target = await optOutTarget(ctx, req.contentProviderId, mo.from, mo.to, answeredText);
  const notice = moNotice('opt_out', { signature: target.signature, consentRequestId: req.id });
  const ok = await ctx.store.consents.resolveConsentRequest(req.id, {
    status: 'refused', at: mo.at, channel: 'sms', evidence,
    optOut: { evidence: { ...evidence, rule: 'refusal.opt-out-reply', article: ctx.profile.rules['refusal.opt-out-reply']?.article }, signature: target.signature, endsRelationship: target.endsRelationship },
    mo: { id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: req.contentProviderId, action: 'opt_out', notice },
  });
  if (!ok) return null;
  // as receive-mo's opt-out: in-flight messages to the number (commercial, charged) are judged again
  ctx.events.emit('refusal', { contentProviderId: req.contentProviderId, msisdns: [req.msisdn] });
  tellProvider(ctx, req.contentProviderId, mo, notice);
  // Under the signature refused (a per-signature opt-out), as the spine's confirmation is.
  await sendFreeConfirmation(ctx, target.signature ? { ...req, text: target.signature } : req, mo.from, optOutConfirmationBody(target.signature), 'opt_out_confirmation', mo.at);
  return { id: mo.id, action: 'opt_out', contentProviderId: req.contentProviderId };
};

async function grant(ctx: AppContext, req: ConsentRequestRow, mo: { id: string; from: string; to: string; text: string; at: number }, evidence: Record<string, unknown>): Promise<MoOutcome | null> {
  const consent: ConsentRow = {
    id: ctx.ids.next('con'), contentProviderId: req.contentProviderId, msisdn: req.msisdn, category: req.category,
    frequency: req.frequency, grantedAt: mo.at, expiresAt: mo.at + req.durationDays * DAY, channel: 'sms',
    proof: { channel: 'sms', reference: `${req.id}/${mo.id}`, capturedAt: new Date(mo.at).toISOString(), requestId: req.id, requestMessageId: req.messageId, requestText: req.text, moId: mo.id, reply: mo.text, profile: ctx.profile.id },
    withdrawnAt: null,
  };
  const notice = moNotice('consent_granted', { consentRequestId: req.id });
  const record: MoRecord = { id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: req.contentProviderId, action: 'consent_granted', notice };
  if (!(await ctx.store.consents.resolveConsentRequest(req.id, { status: 'granted', at: mo.at, channel: 'sms', evidence, consent, mo: record }))) return null;
  tellProvider(ctx, req.contentProviderId, mo, notice);
  const until = new Date(consent.expiresAt + 8 * 3_600_000).toISOString().slice(0, 10);
  await sendFreeConfirmation(ctx, req, mo.from, `您已同意接收“${req.category}”类商业短信，每${PER_ZH[req.frequency.per]}不超过${req.frequency.count}条，有效期至${until}。${ctx.profile.params.refusalNotice.value}，本条免费。`, 'consent_confirmation', mo.at);
  return { id: mo.id, action: 'consent_granted', contentProviderId: req.contentProviderId };
}

/** `Y` to a charged service's notice: the subscription starts, with the notice and the reply as proof (rule 8). */
async function subscribe(ctx: AppContext, req: ConsentRequestRow, serviceId: string, mo: { id: string; from: string; to: string; text: string; at: number }, evidence: Record<string, unknown>): Promise<MoOutcome | null> {
  const sub: ChargedSubscriptionRow = {
    id: req.id, serviceId, contentProviderId: req.contentProviderId, msisdn: req.msisdn, startedAt: mo.at, endedAt: null, endReason: null,
    proof: { channel: 'sms', requestId: req.id, requestMessageId: req.messageId, requestText: req.text, moId: mo.id, reply: mo.text, capturedAt: new Date(mo.at).toISOString(), profile: ctx.profile.id },
  };
  const notice = moNotice('consent_granted', { consentRequestId: req.id });
  const record: MoRecord = { id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: req.contentProviderId, action: 'consent_granted', notice };
  if (!(await ctx.store.consents.resolveConsentRequest(req.id, { status: 'granted', at: mo.at, channel: 'sms', evidence, chargedSubscription: sub, mo: record }))) return null;
  tellProvider(ctx, req.contentProviderId, mo, notice);
  const service = await ctx.store.consents.getChargedService(serviceId);
  const tariff = service ? `，资费${tariffText(service.tariff)}` : '';
  await sendFreeConfirmation(ctx, req, mo.from, `您已订购收费业务“${req.category}”${tariff}。回复${UNSUBSCRIBE_WORD}可随时退订。本条免费。`, 'charge_confirmation', mo.at);
  return { id: mo.id, action: 'consent_granted', contentProviderId: req.contentProviderId };
}
