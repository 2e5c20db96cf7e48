/**
 * The subscriber's view (Art. 20 subscription records): for one number, every consent, request,
 * refusal, opt-out, withdrawal and do-not-disturb entry, with time, channel and evidence.
 * - `GET /v1/subscribers/{msisdn}`: admin and regulator, every provider (regulator reads are audited);
 * - `GET /v1/subscribers/{msisdn}/consents`: a content provider, its own only.
 */
import type { ConsentRequestRow, ConsentRow, SubscriberData } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { recordExpiries, settleDueRequests } from './consent-sweeper.js';
import { msisdnField } from './validate.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export type ConsentState = 'live' | 'expired' | 'withdrawn';

function consentView(c: ConsentRow, now: number) {
  const state: ConsentState = c.withdrawnAt !== null ? 'withdrawn' : c.expiresAt <= now ? 'expired' : 'live';
  return {
    id: c.id, contentProviderId: c.contentProviderId, category: c.category, frequency: c.frequency, state,
    grantedAt: iso(c.grantedAt), expiresAt: iso(c.expiresAt), withdrawnAt: iso(c.withdrawnAt), channel: c.channel, proof: c.proof,
  };
}

function requestView(r: ConsentRequestRow) {
  return {
    id: r.id, contentProviderId: r.contentProviderId, from: r.port, category: r.category, frequency: r.frequency, durationDays: r.durationDays,
    text: r.text, status: r.status, createdAt: iso(r.createdAt), deadlineAt: iso(r.deadlineAt), resolvedAt: iso(r.resolvedAt), consentId: r.consentId,
  };
}

function view(d: SubscriberData, now: number, retentionMonths: number) {
  return {
    msisdn: d.msisdn,
    doNotDisturb: d.dnd ? { at: iso(d.dnd.at), source: d.dnd.source } : null,
    optOuts: d.optOuts.map((o) => ({ contentProviderId: o.contentProviderId, at: iso(o.at), signatures: o.signatures })),
    consents: d.consents.map((c) => consentView(c, now)),
    requests: d.requests.map(requestView),
    relationships: d.relationships.map((r) => ({
      contentProviderId: r.contentProviderId, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt), endReason: r.endReason,
      // Subscription records are kept until this many months after the relationship ended (profile).
      keepRecordsMonthsAfterEnd: retentionMonths,
    })),
    events: d.events.map((e) => ({ id: e.id, at: iso(e.at), event: e.kind, contentProviderId: e.contentProviderId, channel: e.channel, evidence: e.evidence })),
  };
}

export type SubscriberView = ReturnType<typeof view>;

async function settle(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  await settleDueRequests(ctx, now);
  await recordExpiries(ctx, now);
  return now;
}

export async function getSubscriber(ctx: AppContext, p: Principal, raw: string): Promise<SubscriberView> {
  requireRole(p, 'admin', 'regulator');
  const msisdn = msisdnField(raw, 'msisdn', ctx.profile);
  const now = await settle(ctx);
  const d = await ctx.store.consents.subscriber(msisdn);
  if (p.role === 'regulator') await ctx.store.records.appendAudit(now, p.actorId, 'subscribers.read', { msisdn });
  return view(d, now, ctx.profile.params.subscriptionRetentionMonths.value);
}

export async function getSubscriberConsents(ctx: AppContext, p: Principal, raw: string): Promise<SubscriberView> {
  requireRole(p, 'content-provider');
  const msisdn = msisdnField(raw, 'msisdn', ctx.profile);
  const now = await settle(ctx);
  const d = await ctx.store.consents.subscriber(msisdn, p.contentProviderId);
  const v = view(d, now, ctx.profile.params.subscriptionRetentionMonths.value);
  // Do-not-disturb entries are platform-wide; a provider learns only that the number is on the list.
  return { ...v, doNotDisturb: v.doNotDisturb ? { at: v.doNotDisturb.at, source: 'platform' } : null, events: v.events.filter((e) => e.contentProviderId === p.contentProviderId || e.event === 'dnd_added').map((e) => (e.event === 'dnd_added' ? { ...e, evidence: {} } : e)) };
}
