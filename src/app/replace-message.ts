/**
 * replaceMessage: a sender replaces the text (and, if it wants, the schedule, validity or receipt
 * request) of a message it submitted that the gateway still holds (SMPP replace_sm, SMPP 3.4 §4.10;
 * any door may call it). The new text goes through the whole pipeline again, as a submission does
 * (signature, port, content, templates, consent, frequency…): a replacement never launders content
 * past the rules. Refused, the message stays exactly as it was and the refusal is the rule's own
 * error (code, rule, article), as a submission's would be.
 *
 * What can be replaced is what cancel-message.ts can still cancel without asking the carrier:
 * `accepted` (queued) or `held` for review, nothing of it written to the carrier. A message a delivery
 * batch has taken is given up by the egress loop holding it if none of it was written yet
 * (AppContext.takeBack, as a cancel does), and replaced under the claim given up only
 * (QueuedReplacement.evenIfClaimedBy): a message already on its way is never recorded with a text other
 * than the one going out. Written to the carrier (`submitted` or later), partly written (a long
 * message with parts acknowledged), or final: `conflict`.
 *
 * The message keeps its id, arrival, sender and recipient, type, category and charged service (rule 8:
 * its number's subscription is judged again with the new text); the new decision is
 * judged and counted at the time the message is to be sent: its schedule, else now (not its arrival,
 * which may be weeks back when the replacement drops a schedule: a consent's frequency spent today
 * must refuse a message going today), after
 * the count its current decision took is given back (a message must not count against its own
 * replacement). It is due again at that time, with one exception the store decides from the queue row
 * (MessageStore.replaceQueued): a message attempted and put back for later (a retry's backoff after a
 * temporary upstream failure such as ESME_RTHROTTLED, or a send-time deferral out of quiet hours)
 * keeps that due time when it is later, so a replacement never has it claimed again at once to spend
 * an attempt on the same failure. A schedule moved later still moves it later; a schedule never
 * attempted (no attempt on the row: its due time is its own schedule) moves earlier when asked to.
 * A message whose own validity has ended is `conflict` (expiry has merely not marked it yet). Its record: a status record repeating `accepted` (or `held`, when the new text needs
 * review) with the old text and the new and the new decision's verdicts (store/replacement-body.ts);
 * the submission record keeps the first text (records are append-only).
 */
import { RetryLaterError, SmsguardError } from '../domain/errors.js';
import { normalizeMsisdn } from '../domain/msisdn.js';
import { countTaken } from '../domain/send-window.js';
import { MAX_SCHEDULE_AHEAD_MS, readSchedule } from '../domain/schedule.js';
import type { QueuedReplacement, ReplaceOutcome, SubmissionItem } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Channel, Principal, ReceiptRequest } from './types.js';
import { messageNamed } from './message-by-id.js';
import { requireRoleIn, ROLES } from './access.js';
import { validateSubmitInput } from './validate.js';
import { judge } from './submit-message.js';

/** What a replacement needs of the message it replaces to read its new text (ReplaceInput.text). */
export interface ReplacedOriginal {
  /** The text the message has now. */
  text: string;
  /** The SMPP data_coding its submission came in, when it came over SMPP (MessageView.dataCoding). */
  dataCoding?: number;
}

/** What a replacement changes. Absent fields keep the message's own (SMPP: an empty time keeps it). */
export interface ReplaceInput {
  /**
   * The new text; or, for a door whose new text depends on the message it replaces (SMPP replace_sm
   * carries no data_coding: its octets are in the original submit's), how to read it from that
   * message. The function is called once, with the message as the replacement read it, so the door
   * costs no read of its own (before 2026-12-07 the SMPP server read the message first for its coding,
   * and the use case read it again).
   */
  text: string | ((original: ReplacedOriginal) => string);
  /**
   * Epoch ms: not sent before (as SubmitInput.scheduledAt). Absent: the message keeps its schedule;
   * null, or a time at or near now: it loses it (sent as soon as possible). Neither pulls forward a
   * retry's backoff or a deferral the message is waiting out (replaceMessage).
   */
  scheduledAt?: number | null;
  /** Epoch ms: not sent after (as SubmitInput.validUntil). */
  validUntil?: number;
  registeredDelivery?: ReceiptRequest;
  /**
   * The sender address the door names the message by (SMPP replace_sm's source_addr, which must be
   * the original's: SMPP 3.4 §4.10.1). Another is `invalid_request` on field `from`.
   */
  from?: string;
}

/** A replacement made: the message's id, and its text as it will be sent. */
export interface ReplaceResult {
  id: string;
  status: 'accepted' | 'held';
  text: string;
  segments: number;
}

/**
 * Replaces message `id` of `p`'s own: `not_found` for an unknown id, `forbidden` for another
 * provider's, `conflict` once it can no longer be replaced, `invalid_request` for a malformed text or
 * time, and the rule's own code when the new text is refused.
 */
export async function replaceMessage(ctx: AppContext, p: Principal, id: string, change: ReplaceInput, channel: Channel): Promise<ReplaceResult> {
  requireRoleIn(p, ROLES.replaceMessage);
  const v = await messageNamed(ctx, p, id);
  if (!v) throw new SmsguardError('not_found', `no message ${id}`);
  if (v.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `message ${id} is not this content provider's`);
  if (change.from !== undefined && change.from !== v.from) throw new SmsguardError('invalid_request', `from: ${change.from} is not the sender of message ${id}`, {}, 'from');
  if (v.status !== 'accepted' && v.status !== 'held') throw new SmsguardError('conflict', `message ${id} can no longer be replaced: it is ${v.status}`);
  // a damaged submission record: nothing to decide the replacement as
  if (v.from === undefined || v.to === undefined || v.type === undefined || v.text === undefined) throw new SmsguardError('conflict', `message ${id} cannot be replaced: its submission record is unreadable`);
  // Its validity ended (expiry has yet to mark it): a message its sender no longer wants sent, not one
  // to revive with a new text or validity. The message's state, not the request, stands in the way.
  if (v.validUntil !== undefined && v.validUntil <= ctx.clock.now()) {
    throw new SmsguardError('conflict', `message ${id} can no longer be replaced: its validity ended at ${new Date(v.validUntil).toISOString()}`);
  }
  const text = typeof change.text === 'string' ? change.text : change.text(v.dataCoding !== undefined ? { text: v.text, dataCoding: v.dataCoding } : { text: v.text });
  // the text's shape as a submission's (length bound, no NUL or lone surrogate, some content)
  const shaped = validateSubmitInput({ from: v.from, to: v.to, text, type: v.type, ...(v.category ? { category: v.category } : {}) });
  const now = ctx.clock.now();
  const item: SubmissionItem = {
    id: v.id,
    // a charged message stays one: its new text is judged with its service (charging.notice), and the
    // queue row keeps the service for the send-time check
    candidate: { contentProviderId: v.contentProviderId, from: v.from, toRaw: v.to, to: normalizeMsisdn(v.to), text: shaped.text, type: v.type, category: shaped.category, ...(v.chargedServiceId !== undefined ? { chargedServiceId: v.chargedServiceId } : {}) },
    channel,
    registeredDelivery: change.registeredDelivery ?? v.registeredDelivery,
    // judged (and counted) as a submission arriving now would be: unscheduled, it goes now
    receivedAt: now,
  };
  if (v.clientRef) item.clientRef = v.clientRef;
  if (change.scheduledAt !== undefined && change.scheduledAt !== null) {
    // as a submission's: near now means now (no schedule), too far ahead is refused
    const s = readSchedule(change.scheduledAt, now);
    if (s.kind === 'too_far') throw new SmsguardError('invalid_request', `scheduledAt: must be at most ${MAX_SCHEDULE_AHEAD_MS / 86_400_000} days ahead`, {}, 'scheduledAt');
    if (s.kind === 'later') item.scheduledAt = s.at;
  } else if (change.scheduledAt === undefined && v.scheduledAt !== undefined) item.scheduledAt = v.scheduledAt;
  const validUntil = change.validUntil ?? v.validUntil;
  if (validUntil !== undefined) {
    if (validUntil <= (item.scheduledAt ?? now)) {
      // the field the client sent is the one named: a kept validity (still ahead of now, checked
      // above) can only be passed by a new schedule
      if (change.validUntil !== undefined) throw new SmsguardError('invalid_request', `validUntil: must be after ${item.scheduledAt !== undefined ? 'scheduledAt' : 'now'}`, {}, 'validUntil');
      throw new SmsguardError('invalid_request', `scheduledAt: must be before the message's validUntil (${new Date(validUntil).toISOString()}), or send a later validUntil with it`, {}, 'scheduledAt');
    }
    item.validUntil = validUntil;
  }
  const r: QueuedReplacement = {
    item, arrivedAt: v.receivedAt, previousText: v.text, at: now, detail: `text replaced by ${p.actorId}`, recordId: `${v.id}:replaced:${ctx.ids.next('rec').slice(4)}`,
  };
  const uncount = countTaken(v);
  if (uncount) r.uncount = uncount;
  const decide = (it: SubmissionItem, facts: Parameters<typeof judge>[2]) => judge(ctx, it, facts);
  let out: ReplaceOutcome = await ctx.store.messages.replaceQueued(r, decide);
  // Taken by a batch that has not written it (waiting for a link or a window): given up, it can be
  // replaced under that claim only (never one another batch took since, which may be writing it).
  if (out === 'claimed' && ctx.takeBack) {
    const given = await ctx.takeBack(v.id);
    if (given) out = await ctx.store.messages.replaceQueued({ ...r, evenIfClaimedBy: given }, decide);
  }
  if (out === 'unknown') throw new SmsguardError('not_found', `no message ${id}`);
  if (out === 'claimed') throw new SmsguardError('conflict', `message ${v.id} is being handed to the carrier and can no longer be replaced`);
  if (out === 'final') throw new SmsguardError('conflict', `message ${v.id} can no longer be replaced: it was written to the carrier, in whole or in part, or is final`);
  const d = out.decision;
  ctx.events.emit('replacementDecided', { accepted: d.accepted, from: v.from, code: d.rejection?.code ?? null, type: v.type, channel, contentProviderId: v.contentProviderId });
  if (out.outcome === 'refused') {
    const e = d.rejection!;
    const message = `the replacement text was refused, and message ${v.id} stays as it was: ${e.message}`;
    const ref = { rule: e.rule, article: e.article, profile: e.profile };
    // a throttle's refusal says when to try again (Retry-After at the HTTP door), as a submit's does
    if (d.retryAfterMs !== undefined && e.code === 'throttled') throw new RetryLaterError(message, ref, d.retryAfterMs);
    throw new SmsguardError(e.code, message, ref);
  }
  if (d.accepted) ctx.events.emit('outboxReady', { count: 1 });
  return { id: v.id, status: d.held ? 'held' : 'accepted', text: d.text, segments: d.segments };
}
