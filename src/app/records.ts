/** Reading the statutory records and one message's trail. */
import { SmsguardError } from '../domain/errors.js';
import { normalizeMsisdn } from '../domain/msisdn.js';
import type { MessageView, RecordRow } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { PROFILES, type ProfileId } from '../profiles/index.js';

export interface RecordsFilter {
  msisdn?: string;
  contentProviderId?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

function time(v: string | undefined, field: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw new SmsguardError('invalid_request', `${field}: must be an ISO-8601 date-time`, {}, field);
  return t;
}

export async function queryRecords(ctx: AppContext, p: Principal, f: RecordsFilter): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
  requireRole(p, 'admin', 'regulator');
  let msisdn: string | undefined;
  if (f.msisdn) {
    const m = normalizeMsisdn(f.msisdn);
    if (!m) throw new SmsguardError('invalid_msisdn', 'msisdn is not a mainland China mobile number', {}, 'msisdn');
    msisdn = m;
  }
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
  const res = await ctx.store.records.queryRecords({ msisdn, contentProviderId: f.contentProviderId, from: time(f.from, 'from'), to: time(f.to, 'to'), limit, cursor: f.cursor });
  if (p.role === 'regulator') {
    await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'records.query', { filter: f, rows: res.records.length });
  }
  return res;
}

export async function getMessage(ctx: AppContext, p: Principal, id: string): Promise<MessageView> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  const m = await ctx.store.messages.getMessage(id);
  // A provider asking for another's message gets not_found, so ids leak nothing.
  if (!m || (p.role === 'content-provider' && m.contentProviderId !== p.contentProviderId)) throw new SmsguardError('not_found', `no message ${id}`);
  const profile = m.profile && m.profile in PROFILES ? PROFILES[m.profile as ProfileId] : null;
  return { ...m, verdicts: m.verdicts.map((v) => ({ ...v, article: profile?.rules[v.rule]?.article ?? v.article })) };
}
