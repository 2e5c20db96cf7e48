/** Legal holds: records about a number or a content provider kept past retention until released. */
import { SmsguardError } from '../domain/errors.js';
import type { LegalHold } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole, requireRoleIn, ROLES } from './access.js';
import { recordsFor } from './records-service.js';
import { inDateRange, inProvince, isScopedRegulator, providerProvince, requireNowInDateRange, scopeRefusal } from './records-scope.js';
import { msisdnField, optionalReason, plainText, storableText } from './validate.js';

export async function createHold(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<LegalHold> {
  requireRoleIn(p, ROLES.createHold);
  const { msisdn: rawMsisdn, contentProviderId, reason } = body ?? {};
  if ((rawMsisdn === undefined) === (contentProviderId === undefined)) throw new SmsguardError('invalid_request', 'give exactly one of msisdn or contentProviderId', {}, 'msisdn');
  if (typeof reason !== 'string' || !reason.trim() || reason.length > 1000) throw new SmsguardError('invalid_request', 'reason: a non-empty string of at most 1000 characters', {}, 'reason');
  plainText(storableText(reason, 'reason'), 'reason', 'text');
  let msisdn: string | null = null;
  if (rawMsisdn !== undefined) {
    msisdn = msisdnField(rawMsisdn, 'msisdn', ctx.profile);
  }
  if (contentProviderId !== undefined) {
    const cp = typeof contentProviderId === 'string' ? await ctx.store.directory.getContentProvider(storableText(contentProviderId, 'contentProviderId')) : null;
    if (!cp) throw new SmsguardError('not_found', `no content provider ${String(contentProviderId)}`, {}, 'contentProviderId');
    if (p.role === 'regulator' && p.province && providerProvince(cp) !== p.province) throw scopeRefusal(ctx, 'province', `content provider ${cp.id} is outside this token's province`, { id: 'provider_other_province', params: { id: cp.id } });
  }
  const now = ctx.clock.now();
  requireNowInDateRange(ctx, p, now);
  const hold: LegalHold = { id: ctx.ids.next('hold'), msisdn, contentProviderId: (contentProviderId as string | undefined) ?? null, reason: reason.trim(), createdAt: now, createdBy: p.actorId, releasedAt: null, releasedBy: null };
  await recordsFor(ctx).archive.addHold(hold);
  await ctx.store.records.appendAudit(now, p.actorId, 'records.hold', { holdId: hold.id, role: p.role, msisdn: hold.msisdn, contentProviderId: hold.contentProviderId, reason: hold.reason });
  return hold;
}

/**
 * Whether a regulator's token reaches a legal hold: a hold on a content provider follows the
 * provider's province; a hold on a number names no provider (it keeps every provider's records about
 * the number, those of the token's province among them) and is platform-wide, visible in every
 * province as the subscriber view's platform-wide items are; and every hold follows the dates by the
 * time it was placed. Other principals always pass.
 */
async function holdInScope(ctx: AppContext, p: Principal, h: LegalHold): Promise<boolean> {
  return inDateRange(p, h.createdAt) && (h.contentProviderId === null || (await inProvince(ctx, p, h.contentProviderId)));
}

/**
 * Releases an active hold. A regulator token limited to a province or dates releases a hold it can
 * list (else `not_found`, as if absent), and then only one it placed itself; anyone else's (the
 * operator's, a national or another regulator's) is `forbidden`. Listed is not owned: a hold keeps
 * records of every date (a hold on a number also of every province's providers, a hold on a provider
 * all of that provider's), beyond a token's dates, and whoever placed it may be relying on it, for
 * reasons that need not lie inside the token's province or dates either. Placing a hold stays open to
 * it (a hold only keeps, and what it keeps includes its province's records) and it releases its own;
 * an admin or an unlimited regulator token releases any.
 */
/** `reason`: why, as the operator or regulator gave it (recorded with the release's audit record). */
export async function releaseHold(ctx: AppContext, p: Principal, id: string, reason?: string): Promise<LegalHold> {
  requireRoleIn(p, ROLES.releaseHold);
  reason = optionalReason(reason);
  const archive = recordsFor(ctx).archive;
  // A hold a scoped regulator cannot list is one it cannot release either, answered as if absent.
  if (p.role === 'regulator') {
    const active = (await archive.holds(true)).find((x) => x.id === id);
    if (!active || !(await holdInScope(ctx, p, active))) throw new SmsguardError('not_found', `no active hold ${id}`);
    // Listed is not owned: whatever the hold is on, whoever placed it may rely on it, so a token
    // limited to a province or dates lets go only of its own.
    if (isScopedRegulator(p) && active.createdBy !== p.actorId) {
      const reach = active.msisdn !== null
        ? 'is on a number: it is platform-wide and keeps records of every province and date about it'
        : `is on content provider ${active.contentProviderId}: it keeps the provider's records of every date`;
      // The limit that makes the token a scoped one: its province if it has one (a number's hold
      // reaches every province, a provider's every date), else its dates.
      throw scopeRefusal(ctx, p.province ? 'province' : 'dates', `hold ${id} ${reach}, and whoever placed it may rely on it; a token limited to a province or dates releases only holds it placed itself (an admin or an unlimited regulator token releases this one)`);
    }
  }
  const now = ctx.clock.now();
  const h = await archive.releaseHold(id, now, p.actorId);
  if (!h) throw new SmsguardError('not_found', `no active hold ${id}`);
  await ctx.store.records.appendAudit(now, p.actorId, 'records.hold_release', { holdId: id, role: p.role, ...(reason ? { reason } : {}) });
  return h;
}

/**
 * `GET /v1/holds`: legal holds (active unless all). A regulator token limited to a province or dates
 * sees only the holds {@link holdInScope} lets through; its query is recorded with the scope applied.
 */
export async function listHolds(ctx: AppContext, p: Principal, activeOnly: boolean): Promise<LegalHold[]> {
  requireRole(p, 'admin', 'regulator');
  const all = await recordsFor(ctx).archive.holds(activeOnly);
  if (p.role !== 'regulator') return all;
  const hs: LegalHold[] = [];
  for (const h of all) if (await holdInScope(ctx, p, h)) hs.push(h);
  await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'holds.query', { filter: { activeOnly }, scope: { province: p.province ?? null, from: p.from ?? null, to: p.to ?? null }, rows: hs.length });
  return hs;
}
