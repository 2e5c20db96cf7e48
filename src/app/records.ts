/**
 * Reading the statutory records and one message's trail. Admins see everything; a regulator sees
 * everything within its token's province and date range, read-only, and every query it makes is
 * itself recorded (who, when, what filter, how many rows); a content provider sees its own records.
 */
import { SmsguardError } from '../domain/errors.js';
import type { MessageView, RecordQuery } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { MessageNaming, Principal } from './types.js';
import { messageNamed } from './message-by-id.js';
import { ownFilter, requireRole, OWN_DATA_REF } from './access.js';
import { PROFILES, type ProfileId } from '../profiles/index.js';
import { inDateRange, inProvince, providersInProvince, scopeRefusal } from './records-scope.js';
import { msisdnField, parseTime } from './validate.js';
import { decodeCursor } from '../domain/page-cursor.js';
import { mustBeFilterAccount } from './known-provider.js';
import { ruleFilter, typeFilter } from './record-filter-values.js';
import { recordItem, type RecordItem } from './record-items.js';

export interface RecordsFilter {
  msisdn?: string;
  contentProviderId?: string;
  port?: string;
  kind?: string;
  type?: string;
  decision?: string;
  rule?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

const KINDS = new Set(['mt', 'mo', 'status', 'subscription', 'audit']);
/** A submission's decision as its record has it (a held one is `held` until reviewed). */
const DECISIONS = new Set(['accepted', 'held', 'rejected']);

/**
 * A query's `from`/`to` as epoch ms (undefined when absent): an ISO-8601 date-time with its offset, as
 * body fields are read (`parseTime`); anything else is invalid_request naming the field. `Date.parse`
 * alone rolled 2026-02-30 over to 2 March, read a date alone as UTC midnight (8 hours into the
 * Shanghai day) and one without offset in the server's own zone: a range other than the one asked.
 */
export function queryTime(v: string | undefined, field: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  // `from=2026-11-29T00:00:00+08:00` typed into a URL unencoded: a query string reads its `+` as a
  // space, and the refusal then asked for "its offset (…+08:00…)", the very thing the caller had
  // written. An offset never starts with a space, so one before a final HH:MM is that `+`.
  const plus = UNENCODED_PLUS.exec(v);
  return parseTime(plus ? `${plus[1]}+${plus[2]}` : v, field);
}

/** A date-time whose offset's `+` arrived as a space (`2026-11-29T00:00:00 08:00`). */
const UNENCODED_PLUS = /^(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d{1,9})?) (\d\d:\d\d)$/;

/** The filter a principal may run: validated, and narrowed to what its role and scope allow. */
export async function scopedQuery(ctx: AppContext, p: Principal, f: RecordsFilter): Promise<RecordQuery> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  const q: RecordQuery = { limit: Math.min(Math.max(Number(f.limit ?? 100) || 100, 1), 1000) };
  if (f.msisdn) {
    const m = msisdnField(f.msisdn, 'msisdn', ctx.profile);
    q.msisdn = m;
  }
  if (f.contentProviderId) q.contentProviderId = f.contentProviderId;
  if (f.port) {
    if (!/^\d{1,21}$/.test(f.port)) throw new SmsguardError('invalid_request', 'port: digits only', {}, 'port', { id: 'filter_port_digits' });
    q.port = f.port;
  }
  if (f.kind) {
    if (!KINDS.has(f.kind)) throw new SmsguardError('invalid_request', `kind: one of ${[...KINDS].join(', ')}`, {}, 'kind', { id: 'filter_value_unknown', params: { values: [...KINDS].join(', ') } });
    q.kind = f.kind as RecordQuery['kind'];
  }
  if (f.type) q.type = typeFilter(f.type);
  if (f.decision) {
    if (!DECISIONS.has(f.decision)) throw new SmsguardError('invalid_request', `decision: one of ${[...DECISIONS].join(', ')}`, {}, 'decision', { id: 'filter_value_unknown', params: { values: [...DECISIONS].join(', ') } });
    q.decision = f.decision as RecordQuery['decision'];
  }
  if (f.rule) q.rule = ruleFilter(f.rule);
  q.from = queryTime(f.from, 'from');
  q.to = queryTime(f.to, 'to');
  if (f.cursor) {
    decodeCursor(f.cursor);
    q.cursor = f.cursor;
  }
  if (p.role === 'content-provider') q.contentProviderId = ownFilter(p, q.contentProviderId);
  if (p.role === 'regulator') {
    if (p.from !== undefined) q.from = Math.max(q.from ?? p.from, p.from);
    if (p.to !== undefined) q.to = Math.min(q.to ?? p.to, p.to);
    const inside = await providersInProvince(ctx, p);
    if (inside) {
      if (q.contentProviderId && !inside.includes(q.contentProviderId)) throw scopeRefusal(ctx, 'province', `content provider ${q.contentProviderId} is outside this token's province`, { id: 'provider_other_province', params: { id: q.contentProviderId } });
      if (!q.contentProviderId) q.contentProviderIds = inside;
    }
  }
  // After the scope: a token limited to a province was refused an unknown id above as one of another
  // province (403), never told which ids exist elsewhere. A provider's own id is registered.
  await mustBeFilterAccount(ctx, p, q.contentProviderId, 'providers-and-operator');
  return q;
}

export async function queryRecords(ctx: AppContext, p: Principal, f: RecordsFilter): Promise<{ records: RecordItem[]; nextCursor: string | null }> {
  // A range given backwards (or empty) is a mistake in the request, refused as the export refuses it:
  // answered as an empty page it read as "no records there". One the token's dates clamp to nothing is
  // a sound request, answered empty below.
  requireRole(p, 'admin', 'regulator', 'content-provider');
  const asked = [queryTime(f.from, 'from'), queryTime(f.to, 'to')];
  if (asked[0] !== undefined && asked[1] !== undefined && asked[0] >= asked[1]) throw new SmsguardError('invalid_request', 'to: must be after from (to is exclusive)', {}, 'to');
  let q: RecordQuery;
  try {
    q = await scopedQuery(ctx, p, f);
  } catch (e) {
    // A regulator's attempt outside its scope (or naming no known provider) is a query it made: recorded like one, with no rows,
    // as an out-of-scope GET /v1/messages/{id} is (RECORDS.md, Inspection).
    if (p.role === 'regulator' && e instanceof SmsguardError && (e.code === 'forbidden' || e.code === 'not_found')) {
      await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'records.query', { filter: f, refused: e.code, rows: 0 });
    }
    throw e;
  }
  const page = q.from !== undefined && q.to !== undefined && q.from >= q.to ? { records: [], nextCursor: null } : await ctx.store.records.queryRecords(q);
  const res = { records: page.records.map(recordItem), nextCursor: page.nextCursor };
  if (p.role === 'regulator') {
    const { contentProviderIds, ...effective } = q;
    await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'records.query', {
      filter: f, effective: { ...effective, ...(contentProviderIds ? { province: p.province, providers: contentProviderIds.length } : {}) }, rows: res.records.length,
    });
  }
  return res;
}

/**
 * One message as `p` may see it (`GET /v1/messages/{id}`, SMPP query_sm): `not_found` for an
 * unknown id, `forbidden` for another provider's. `naming.partIds` (SMPP): an earlier part's id of
 * the provider's own long message names it too (message-by-id.ts); the view is the message's, its
 * own id included.
 */
export async function getMessage(ctx: AppContext, p: Principal, id: string, naming?: MessageNaming): Promise<MessageView> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  const m = await messageNamed(ctx, p, id, naming);
  if (!m) throw new SmsguardError('not_found', `no message ${id}`);
  // Issue 2: a provider touching what is not its own gets forbidden (ids are random, so this tells it
  // only that someone sent a message with an id it already holds).
  if (p.role === 'content-provider' && m.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `message ${id} is not this content provider's`, OWN_DATA_REF);
  if (p.role === 'regulator') {
    const outside = !inDateRange(p, m.receivedAt) || !(await inProvince(ctx, p, m.contentProviderId));
    await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'messages.get', { filter: { id }, rows: outside ? 0 : 1 });
    if (outside) throw new SmsguardError('not_found', `no message ${id}`);
  }
  return withArticles(m);
}

/**
 * A message view with each verdict's article. Records keep only the profile id and the rule (the
 * article is the profile's, not the message's); the article comes from that profile here, for every
 * reader of a decision (the message API, a complaint's evidence).
 */
export function withArticles(m: MessageView): MessageView {
  const profile = m.profile && m.profile in PROFILES ? PROFILES[m.profile as ProfileId] : null;
  return { ...m, verdicts: m.verdicts.map((v) => ({ ...v, article: profile?.rules[v.rule]?.article ?? v.article })) };
}
