/**
 * The subscriber's view (Art. 20 subscription records): for one number, every consent, request,
 * refusal, opt-out, withdrawal and do-not-disturb entry, with time, channel and evidence.
 * - `GET /v1/subscribers/{msisdn}`: admin and regulator, every provider (regulator reads are audited;
 *   a regulator token limited to a province or dates sees only that part of the number's records);
 * - `GET /v1/subscribers/{msisdn}/consents`: a content provider, its own only.
 */
import type { ConsentRequestRow, ConsentRow, SubscriberData, SubscriptionEvent } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { recordExpiries, settleDueRequests } from './consent-sweeper.js';
import { msisdnField } from './validate.js';
import { inDateRange, inProvince, isScopedRegulator } from './records-scope.js';
import { consentHasProof, proofSuffices } from '../domain/consent.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export type ConsentState = 'live' | 'expired' | 'withdrawn';

/** How a consent was withdrawn, from its `consent_withdrawn` record: the record, its channel and its evidence as recorded. */
export interface WithdrawalView {
  recordId: string;
  channel: string;
  evidence: Record<string, unknown>;
}

/**
 * Each withdrawn consent's `consent_withdrawn` record, by consent id (the first one naming it: a
 * consent is withdrawn once). Read from the trail rather than kept beside the consent, so the
 * withdrawals recorded before proofs were taken show too, and the view and the record never disagree.
 */
function withdrawalsIn(events: readonly SubscriptionEvent[]): Map<string, WithdrawalView> {
  const m = new Map<string, WithdrawalView>();
  for (const e of events) {
    const id = e.kind === 'consent_withdrawn' ? e.evidence.consentId : undefined;
    if (typeof id === 'string' && !m.has(id)) m.set(id, { recordId: e.id, channel: e.channel, evidence: e.evidence });
  }
  return m;
}

/**
 * `counts`: whether the consent lets commercial messages through now under the running profile. A
 * live consent recorded without proof (allowed under cn-2015) does not under a profile requiring proof
 * (cn-2026): the pipeline refuses it (consentHeld), and the view says so rather than show it in force.
 */
function consentView(c: ConsentRow, now: number, withdrawals: Map<string, WithdrawalView>, proofRequired: boolean) {
  const state: ConsentState = c.withdrawnAt !== null ? 'withdrawn' : c.expiresAt <= now ? 'expired' : 'live';
  return {
    id: c.id, contentProviderId: c.contentProviderId, category: c.category, frequency: c.frequency, state,
    counts: state === 'live' && proofSuffices(consentHasProof(c.proof), proofRequired),
    grantedAt: iso(c.grantedAt), expiresAt: iso(c.expiresAt), withdrawnAt: iso(c.withdrawnAt), channel: c.channel, proof: c.proof,
    withdrawal: c.withdrawnAt === null ? null : withdrawals.get(c.id) ?? null,
  };
}

function requestView(r: ConsentRequestRow) {
  return {
    id: r.id, contentProviderId: r.contentProviderId, from: r.port, category: r.category, frequency: r.frequency, durationDays: r.durationDays,
    text: r.text, status: r.status, createdAt: iso(r.createdAt), deadlineAt: iso(r.deadlineAt), resolvedAt: iso(r.resolvedAt), consentId: r.consentId,
    // a charged service's notice (charged-services.ts): granted = subscribed to this service
    ...(r.chargedServiceId !== undefined ? { chargedServiceId: r.chargedServiceId } : {}),
  };
}

/**
 * `trail`: the events a consent's withdrawal is looked up in; the whole number's, also when a scoped
 * regulator's `d` keeps only part of them, so a consent it sees shows how it was withdrawn.
 */
function view(d: SubscriberData, now: number, retentionMonths: number, proofRequired: boolean, trail: readonly SubscriptionEvent[] = d.events) {
  const withdrawals = withdrawalsIn(trail);
  return {
    msisdn: d.msisdn,
    doNotDisturb: d.dnd ? { at: iso(d.dnd.at), source: d.dnd.source } : null,
    optOuts: d.optOuts.map((o) => ({ contentProviderId: o.contentProviderId, at: iso(o.at), signatures: o.signatures })),
    consents: d.consents.map((c) => consentView(c, now, withdrawals, proofRequired)),
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

/**
 * The part of a number's records a regulator's token covers. A number spans many providers, so
 * what lies outside is left out rather than the whole answer refused: consents, requests, opt-outs,
 * relationships and events of providers registered outside the token's province, and whatever came
 * about outside its date range (a consent its grant, a request its creation, a relationship its
 * start, an opt-out, the do-not-disturb entry or an event its own time). The do-not-disturb entry
 * and events naming no provider are platform-wide, so a province limit alone does not hide them.
 */
async function scopeSubscriber(ctx: AppContext, p: Principal, d: SubscriberData): Promise<SubscriberData> {
  if (!isScopedRegulator(p)) return d;
  const ids = new Set<string>([...d.optOuts, ...d.consents, ...d.requests, ...d.relationships].map((x) => x.contentProviderId));
  for (const e of d.events) if (e.contentProviderId !== null) ids.add(e.contentProviderId);
  const inside = new Set<string>();
  for (const id of ids) if (await inProvince(ctx, p, id)) inside.add(id);
  const keep = (contentProviderId: string | null, at: number) => (contentProviderId === null || inside.has(contentProviderId)) && inDateRange(p, at);
  return {
    msisdn: d.msisdn,
    dnd: d.dnd && keep(null, d.dnd.at) ? d.dnd : null,
    optOuts: d.optOuts.filter((o) => keep(o.contentProviderId, o.at)),
    consents: d.consents.filter((c) => keep(c.contentProviderId, c.grantedAt)),
    requests: d.requests.filter((r) => keep(r.contentProviderId, r.createdAt)),
    relationships: d.relationships.filter((r) => keep(r.contentProviderId, r.startedAt)),
    events: d.events.filter((e) => keep(e.contentProviderId, e.at)),
  };
}

export async function getSubscriber(ctx: AppContext, p: Principal, raw: string): Promise<SubscriberView> {
  requireRole(p, 'admin', 'regulator');
  const msisdn = msisdnField(raw, 'msisdn', ctx.profile);
  const now = await settle(ctx);
  const all = await ctx.store.consents.subscriber(msisdn);
  const d = await scopeSubscriber(ctx, p, all);
  if (p.role === 'regulator') await ctx.store.records.appendAudit(now, p.actorId, 'subscribers.read', { msisdn, rows: d.events.length });
  return view(d, now, ctx.profile.params.subscriptionRetentionMonths.value, ctx.profile.params.consentProofRequired.value, all.events);
}

export async function getSubscriberConsents(ctx: AppContext, p: Principal, raw: string): Promise<SubscriberView> {
  requireRole(p, 'content-provider');
  const msisdn = msisdnField(raw, 'msisdn', ctx.profile);
  const now = await settle(ctx);
  const d = await ctx.store.consents.subscriber(msisdn, p.contentProviderId);
  const v = view(d, now, ctx.profile.params.subscriptionRetentionMonths.value, ctx.profile.params.consentProofRequired.value);
  // Do-not-disturb entries are platform-wide; a provider learns only that the number is on the list.
  return { ...v, doNotDisturb: v.doNotDisturb ? { at: v.doNotDisturb.at, source: 'platform' } : null, events: v.events.filter((e) => e.contentProviderId === p.contentProviderId || isDndEvent(e.event)).map((e) => (isDndEvent(e.event) ? { ...e, evidence: {} } : e)) };
}

/** The platform's list's records, which a provider sees bare (when, not who nor why): listed, and taken off. */
function isDndEvent(event: string): boolean {
  return event === 'dnd_added' || event === 'dnd_removed';
}
