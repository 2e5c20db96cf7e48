/** Legal holds: records about a number or a content provider kept past retention until released. */
import { SmsguardError } from '../domain/errors.js';
import type { LegalHold } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { recordsFor } from './records-service.js';
import { providerProvince } from './records-scope.js';
import { msisdnField } from './validate.js';

export async function createHold(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<LegalHold> {
  requireRole(p, 'admin', 'regulator');
  const { msisdn: rawMsisdn, contentProviderId, reason } = body ?? {};
  if ((rawMsisdn === undefined) === (contentProviderId === undefined)) throw new SmsguardError('invalid_request', 'give exactly one of msisdn or contentProviderId', {}, 'msisdn');
  if (typeof reason !== 'string' || !reason.trim() || reason.length > 1000) throw new SmsguardError('invalid_request', 'reason: a non-empty string of at most 1000 characters', {}, 'reason');
  let msisdn: string | null = null;
  if (rawMsisdn !== undefined) {
    msisdn = msisdnField(rawMsisdn, 'msisdn', ctx.profile);
  }
  if (contentProviderId !== undefined) {
    const cp = typeof contentProviderId === 'string' ? await ctx.store.directory.getContentProvider(contentProviderId) : null;
    if (!cp) throw new SmsguardError('not_found', `no content provider ${String(contentProviderId)}`, {}, 'contentProviderId');
    if (p.role === 'regulator' && p.province && providerProvince(cp) !== p.province) throw new SmsguardError('forbidden', `content provider ${cp.id} is outside this token's province`);
  }
  const now = ctx.clock.now();
  const hold: LegalHold = { id: ctx.ids.next('hold'), msisdn, contentProviderId: (contentProviderId as string | undefined) ?? null, reason: reason.trim(), createdAt: now, createdBy: p.actorId, releasedAt: null, releasedBy: null };
  await recordsFor(ctx).archive.addHold(hold);
  await ctx.store.records.appendAudit(now, p.actorId, 'records.hold', { holdId: hold.id, role: p.role, msisdn: hold.msisdn, contentProviderId: hold.contentProviderId, reason: hold.reason });
  return hold;
}

export async function releaseHold(ctx: AppContext, p: Principal, id: string): Promise<LegalHold> {
  requireRole(p, 'admin', 'regulator');
  const now = ctx.clock.now();
  const h = await recordsFor(ctx).archive.releaseHold(id, now, p.actorId);
  if (!h) throw new SmsguardError('not_found', `no active hold ${id}`);
  await ctx.store.records.appendAudit(now, p.actorId, 'records.hold_release', { holdId: id, role: p.role });
  return h;
}

export async function listHolds(ctx: AppContext, p: Principal, activeOnly: boolean): Promise<LegalHold[]> {
  requireRole(p, 'admin', 'regulator');
  const hs = await recordsFor(ctx).archive.holds(activeOnly);
  if (p.role === 'regulator') await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'holds.query', { filter: { activeOnly }, rows: hs.length });
  return hs;
}
