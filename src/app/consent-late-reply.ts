/**
 * A late answer to a consent request: `是`/`Y` (or `否`) to the request's port after the request
 * closed, its reply window over (`deemed_refused`, `lapsed`) or answered already (`refused`). It
 * changes nothing (silence won, or the first answer did), and before, nothing told the user so: the
 * reply went to the provider as an ordinary one and the user, who had done what the request said,
 * believed they had subscribed (found 2026-12-08). Now the user gets one free message saying the
 * request is over and no subscription was made (charged services: none and no charge), and the
 * reply is recorded as an answer is: its MO record (action `consent_reply_late`, the provider told
 * with the request's id), a `consent_reply` subscription record on the request, the message.
 *
 * Once per request, as every answer is (the store's transition decides, not a read before it:
 * ConsentStore.answerLateConsentReply); a later reply is an ordinary one again. Only when the reply
 * is about the request: the request is the last message the number got from the provider's port, or
 * what came after it is the gateway's own (its confirmations), so a `Y` to a later promotion reaches
 * the provider as before. Not for a granted request (the user did subscribe and was told so), nor
 * for an opt-out keyword (`N` outside a pending request opts out, as before) or any other reply.
 * Like the other answers it is a notification the user asked for by replying: not held to the
 * sending hours, and sent whatever the number's opt-out or do-not-disturb entry (it carries no
 * advertising, and telling a user that nothing was subscribed is what a refusal needs).
 */
import { classifyConsentReply, isOptOutKeyword } from '../domain/consent-reply.js';
import type { ConsentRequestRow, MoRecord } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { MoOutcome } from './types.js';
import { sendFreeConfirmation } from './consent-confirmations.js';
import { moNotice, tellProvider } from './mo-notice.js';

type Mo = { id: string; from: string; to: string; text: string; at: number };

/**
 * What the user is told: the request's subject, that it is over (expired, or answered before) and
 * that the reply subscribed nothing. In the wording of the other confirmations (consent-replies.ts).
 */
export function lateReplyBody(req: Pick<ConsentRequestRow, 'category' | 'status' | 'chargedServiceId'>): string {
  const over = req.status === 'refused' ? '已结束（您此前已拒绝）' : '已过期';
  return req.chargedServiceId !== undefined
    ? `收费业务“${req.category}”的订购邀请${over}，您的回复未生效，我们没有为您订购，不会收取任何费用。本条免费。`
    : `“${req.category}”类商业短信的订阅邀请${over}，您的回复未生效，我们没有为您订阅。本条免费。`;
}

/** The late reply's outcome, or null when it is not one (the next handler, or ordinary handling, takes it). */
export async function lateConsentReply(ctx: AppContext, mo: Mo): Promise<MoOutcome | null> {
  const keywords = ctx.profile.params.optOutKeywords.value;
  // Only a yes or no word is one (judged before any refusal phrase, so the phrases are not read: every
  // MO with no request pending passes here, and most are neither); `N`, also an opt-out keyword, opts out.
  const meaning = classifyConsentReply(mo.text, keywords, []);
  if (meaning !== 'grant' && (meaning !== 'refuse' || isOptOutKeyword(mo.text, keywords))) return null;
  const req = await ctx.store.consents.latestConsentRequest(mo.from, mo.to);
  if (!req || req.status === 'pending' || req.status === 'granted') return null;
  if (!(await aboutRequest(ctx, req, mo.to))) return null;
  const late = req.status === 'refused' ? 'answered' : 'expired';
  const notice = moNotice('consent_reply_late', { consentRequestId: req.id });
  const record: MoRecord = { id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: req.contentProviderId, action: 'consent_reply_late', notice };
  const evidence = { moId: mo.id, reply: mo.text, port: mo.to, meaning, late, status: req.status };
  if (!(await ctx.store.consents.answerLateConsentReply(req.id, { at: mo.at, channel: 'sms', evidence, mo: record }))) return null;
  tellProvider(ctx, req.contentProviderId, mo, notice);
  await sendFreeConfirmation(ctx, req, mo.from, lateReplyBody(req), 'consent_late_reply', mo.at);
  return { id: mo.id, action: 'consent_reply_late', contentProviderId: req.contentProviderId };
}

/**
 * Whether a reply to `port` is about `req`: the last message the provider sent the number from the
 * port is the request, or one the gateway sent itself since (a confirmation of an earlier reply: a
 * system message, which the pipeline never judged, so its view has no segment count).
 */
async function aboutRequest(ctx: AppContext, req: ConsentRequestRow, port: string): Promise<boolean> {
  const last = await ctx.store.consents.lastMessageSent(req.contentProviderId, req.msisdn, port);
  if (last === null) return false;
  if (last === req.messageId) return true;
  const v = await ctx.store.messages.getMessage(last);
  return v !== null && v.segments === null && v.receivedAt >= req.createdAt;
}
