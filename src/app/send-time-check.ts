/**
 * The send-time check: before a claimed batch goes to the egress, its commercial messages are judged
 * again on what may have changed while they waited in the queue (a link down, retries, a release
 * from review): the number refused (Art. 18: stop once the user refuses) or joined the
 * do-not-disturb list, the consent was withdrawn or expired, the provider was suspended, or the
 * sending hours are over. Every type, not only commercial: the signature was revoked or the port
 * retired since the message was accepted (send-time-registry.ts); and a charged message (rule 8,
 * OutboundMessage.chargedServiceId) whose number's subscription to its service ended while it waited
 * (TD, an opt-out, the provider's DELETE): `charge_not_confirmed` ({@link chargedStops}). Judged by the pipeline's own stages, so a stop names their rule and
 * article like a rejection at submission, in its words (a `consent_missing` stop names the consent
 * withdrawn last, from SendTimeFacts.withdrawnConsent); the review queue's release judges the same way
 * (review-queue.ts).
 *
 * Outcomes: a message outside the sending hours waits in the queue until the window opens (counted
 * as an attempt, like any retry; a long message cut off part-way keeps the parts the SMSC took, and
 * only the rest goes then, under the same UDH reference: docs/CONSENT.md); one the other rules refuse is stopped for good, `rejected` with the
 * rule that stopped it (its sender's SMPP receipt: REJECTD with that rule's status as `err`). The
 * consent's frequency is judged again only when the message goes out in a later calendar period than
 * the one its count was taken in (accepted Monday 20:59, held by the sending hours to Tuesday 08:00):
 * the count moves to the day (week, month) it is sent in if that one has room, else the message is
 * stopped `consent_frequency_exceeded` and its count given back ({@link carriedFrequency}).
 * Other types pass the commercial rules untouched (beyond the registry's reads, no read for them).
 *
 * Any message whose sender gave a validity (SMPP validity_period, HTTP `validUntil`) that is over
 * when it is claimed is not sent either: `expired` (SMPP receipt EXPIRED), as an SMSC does.
 */
import type { OutboundMessage, SendTimeFacts, StatusUpdate } from '../ports/store.js';
import type { Facts, SenderFacts } from '../pipeline/types.js';
import type { AppContext } from './context.js';
import { decide } from '../pipeline/runner.js';
import { registryStops } from './send-time-registry.js';
import { senderActive } from '../pipeline/stages/sender.js';
import { consentFrequency, consentHeld, nextSendingWindow, notOptedOut, withinSendingHours } from '../pipeline/stages/commercial.js';
import { chargeConfirmed } from '../pipeline/stages/charging.js';
import { frequencyPeriod } from '../domain/frequency-period.js';
import type { Candidate, Decision } from '../pipeline/types.js';

/**
 * What may change while a message waits (in the queue, or held for review: review-queue.ts judges a
 * release with these too) and would make sending it now unlawful. `charging.notice` skips every
 * message naming no charged service; it comes before the sending hours, so a charged message whose
 * subscription ended is stopped, not put off to the morning.
 */
export const SEND_TIME_STAGES = [senderActive, notOptedOut, consentHeld, chargeConfirmed, withinSendingHours] as const;

export interface SendTimeOutcome {
  /** To the egress now. */
  send: OutboundMessage[];
  /** Stopped for good: `rejected`, each naming its rule, or `expired` (its validity over). */
  stopped: StatusUpdate[];
  /** Outside the sending hours: due again when the window opens. */
  deferred: { claim: OutboundMessage; dueAt: number; reason: string }[];
}

/** Judges a claimed batch at `now` (see the module comment). */
export async function checkAtSendTime(ctx: Pick<AppContext, 'store' | 'profile' | 'detectors'>, claimed: readonly OutboundMessage[], now: number): Promise<SendTimeOutcome> {
  // Past its sender's validity (SubmitInput.validUntil): expired, whatever its type.
  const over = (m: OutboundMessage): boolean => m.validUntil !== undefined && m.validUntil <= now;
  let batch = claimed;
  const expired: StatusUpdate[] = [];
  if (claimed.some(over)) {
    const live: OutboundMessage[] = [];
    batch = live;
    for (const m of claimed) {
      if (!over(m)) live.push(m);
      else expired.push({ id: m.id, status: 'expired', at: now, detail: `its validity period ended (${new Date(m.validUntil!).toISOString()}) before it could be sent` });
    }
  }
  // Its signature revoked or its port retired since it was accepted: stopped, whatever its type.
  const registry = await registryStops(ctx, batch, now);
  batch = registry.live;
  expired.push(...registry.stopped);
  // A charged message whose subscription ended while it waited: stopped, whatever its type.
  const charged = await chargedStops(ctx, batch, now);
  batch = charged.live;
  expired.push(...charged.stopped);
  const commercial = batch.filter((m) => m.category !== undefined);
  if (commercial.length === 0) return { send: batch as OutboundMessage[], stopped: expired, deferred: [] };
  const facts = await ctx.store.consents.sendTimeFacts(commercial.map((m) => ({ contentProviderId: m.contentProviderId, msisdn: m.to, category: m.category! })), now);
  const senders = new Map<string, SenderFacts>();
  for (const m of commercial) {
    if (senders.has(m.contentProviderId)) continue;
    const cp = await ctx.store.directory.getContentProvider(m.contentProviderId);
    senders.set(m.contentProviderId, { id: m.contentProviderId, status: cp?.status ?? 'suspended', signatures: new Set() });
  }
  const judged = new Map<OutboundMessage, SendTimeFacts>(commercial.map((m, i) => [m, facts[i]]));
  const out: SendTimeOutcome = { send: [], stopped: expired, deferred: [] };
  for (const m of batch) {
    const f = judged.get(m);
    if (!f) {
      out.send.push(m);
      continue;
    }
    const all: Facts = { ...f, sender: senders.get(m.contentProviderId)!, port: null, verificationSends: { minute: 0, hour: 0, day: 0 } };
    const candidate = { contentProviderId: m.contentProviderId, from: m.from, toRaw: m.to, to: m.to, text: m.text, type: 'commercial' as const, category: m.category };
    const r = decide(SEND_TIME_STAGES, candidate, all, ctx.profile, ctx.detectors, now).rejection ?? (await carriedFrequency(ctx, m, all, candidate, now));
    if (!r) out.send.push(m);
    else if (r.code === 'quiet_hours') out.deferred.push({ claim: m, dueAt: nextSendingWindow(now, ctx.profile.params.quietHours.value), reason: `${r.code}: ${r.message}` });
    else out.stopped.push({ id: m.id, status: 'rejected', at: now, detail: r.message, rejection: { code: r.code, rule: r.rule, article: r.article, profile: r.profile } });
  }
  return out;
}

/**
 * A charged message (OutboundMessage.chargedServiceId, rule 8) is sent only while the number holds a
 * live subscription of its sender to the service: one ended while the message waited (TD or another
 * opt-out, the provider's DELETE …/subscriptions/{msisdn}) would charge the user without one. Stopped
 * for good, `rejected` with the stage's own rejection (`charge_not_confirmed`, rule charging.notice),
 * as a submission after the end would be. One read per batch that holds a charged message
 * (ConsentStore.liveChargedSubscriptions); a batch without one reads nothing.
 */
export async function chargedStops(ctx: Pick<AppContext, 'store' | 'profile' | 'detectors'>, batch: readonly OutboundMessage[], now: number): Promise<{ live: OutboundMessage[]; stopped: StatusUpdate[] }> {
  const named = batch.filter((m) => m.chargedServiceId !== undefined);
  if (named.length === 0) return { live: batch as OutboundMessage[], stopped: [] };
  const subs = await ctx.store.consents.liveChargedSubscriptions(named.map((m) => ({ serviceId: m.chargedServiceId!, contentProviderId: m.contentProviderId, msisdn: m.to })));
  const ended = new Map<OutboundMessage, StatusUpdate>();
  named.forEach((m, i) => {
    if (subs[i] !== null) return;
    const candidate: Candidate = { contentProviderId: m.contentProviderId, from: m.from, toRaw: m.to, to: m.to, text: m.text, type: 'notification', chargedServiceId: m.chargedServiceId! };
    const facts: Facts = { sender: { id: m.contentProviderId, status: 'active', signatures: new Set() }, port: null, optedOut: false, dnd: false, consent: null, verificationSends: { minute: 0, hour: 0, day: 0 }, chargedSubscription: null };
    const r = decide([chargeConfirmed], candidate, facts, ctx.profile, ctx.detectors, now).rejection!;
    ended.set(m, { id: m.id, status: 'rejected', at: now, detail: r.message, rejection: { code: r.code, rule: r.rule, article: r.article, profile: r.profile } });
  });
  if (ended.size === 0) return { live: batch as OutboundMessage[], stopped: [] };
  return { live: batch.filter((m) => !ended.has(m)), stopped: [...ended.values()] };
}

/**
 * A commercial message sent in a later frequency period than the one its count was taken in (its
 * schedule, else its acceptance): it is that later period's message, the user gets it then. Counted
 * where it was accepted, a 1-a-day consent let two reach the phone on Tuesday morning: Monday 20:59's,
 * held to 08:00 by the sending hours, and Tuesday's own, accepted against an empty Tuesday (found by
 * the consent audit, 2026-12-07). So its count moves to the period of `now` when that has room
 * (ConsentStore.carryFrequencyCount, atomic with the decisions counting it), else it is refused with
 * the frequency stage's own rejection. Costs nothing for a message sent in the period it was accepted
 * in; one read of the message's record (its schedule) for one accepted in an earlier period. The
 * store keeps where it carried the count: a retry in the same period passes (`absent`), and each move
 * to a later period again takes that period's allowance or is refused (before, found 2026-12-07, a
 * second carry looked where the count was taken, found it gone and sent the message uncounted).
 */
async function carriedFrequency(ctx: Pick<AppContext, 'store' | 'profile' | 'detectors'>, m: OutboundMessage, facts: Facts, candidate: Candidate, now: number): Promise<Decision['rejection']> {
  const c = facts.consent;
  if (!c || m.category === undefined) return undefined;
  const period = frequencyPeriod(c.frequency.per, now);
  if (m.submittedAt >= period.from) return undefined;
  const view = await ctx.store.messages.getMessage(m.id);
  const countedAt = view?.scheduledAt ?? view?.receivedAt ?? m.submittedAt;
  if (countedAt >= period.from) return undefined;
  const carry = await ctx.store.consents.carryFrequencyCount({ messageId: m.id, contentProviderId: m.contentProviderId, msisdn: m.to, category: m.category, countedAt, sendAt: now, period, limit: c.frequency.count });
  if (carry.outcome !== 'exceeded') return undefined;
  return decide([consentFrequency], candidate, { ...facts, consent: { ...c, usedInPeriod: carry.used } }, ctx.profile, ctx.detectors, now).rejection;
}
