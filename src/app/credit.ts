/**
 * Credit files (rule 11: violations are written into the provider's credit file and published) and
 * the complaint rate per million messages per month that the early-warning monitor watches.
 * System entries come from confirmed complaints, overdue answers, violation thresholds and
 * early-warning suspensions; a regulator adds warnings, fines and supervision talks and publishes.
 */
import { SmsguardError } from '../domain/errors.js';
import { OPERATOR_ACCOUNT_ID, monthBounds, scrubPersonalData, shanghaiMonth } from '../domain/case.js';
import type { CreditEntryRow, CreditKind, VolumeRow } from '../ports/cases.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { ownFilter, requireOwnerOrAdmin, requireRole, requireRoleIn, ROLES } from './access.js';
import { storableJson, str } from './validate.js';
import { inDateRange, inProvince, providersInProvince, requireNowInDateRange, scopeRefusal } from './records-scope.js';
import { decodeCursor } from '../domain/page-cursor.js';
import { GATEWAY_ARTICLES } from '../domain/gateway-articles.js';
import { creditSummaryBoth, defaultRegulatorSummary, type CreditSummaryTemplate } from '../domain/credit-summary.js';
import { mustBeFilterAccount } from './known-provider.js';

const REGULATOR_KINDS: readonly CreditKind[] = ['warning', 'fine', 'supervision_talk', 'correction_order', 'note'];

/** Every kind an entry may be (the route's schema lists them too: src/http/routes/credit.ts, checked against CreditKind there). */
export const CREDIT_KINDS = ['confirmed_complaint', 'overdue_answer', 'overdue_forward', 'violation_threshold', 'early_warning_suspension', 'warning', 'fine', 'supervision_talk', 'correction_order', 'note'] as const satisfies readonly CreditKind[];

function entryId(ctx: AppContext): string {
  return `cfe_${ctx.ids.next('rec').slice(4)}`;
}

/** The bounds of a regulator's entry's text fields, in characters: one table for addEntry and its HTTP schema (src/http/routes/credit.ts). */
export const CREDIT_ENTRY_LIMITS = {
  /** The subject: a content provider's id (`contentProviderId` or `subjectId`) or the operator's name. */
  subjectId: { min: 1, max: 200 },
  notes: { max: 4000 },
  publicSummary: { min: 1, max: 500 },
  /** Why an entry is withdrawn (published in error, overturned on appeal): required. */
  withdrawalReason: { min: 1, max: 2000 },
} as const;

/** The rule a withdrawal's refusals name (its article: {@link GATEWAY_ARTICLES}.creditFile). */
export const CREDIT_WITHDRAWAL_RULE = 'supervision.credit-withdrawal';

/**
 * A system-made entry; returns false when one with the same dedup key exists (idempotent). Its
 * summary is a template (src/domain/credit-summary.ts): stored as the key and parameters, which the
 * web pages render in the reader's language, and as Chinese and English in `publicSummary` for API readers.
 */
export async function addSystemCreditEntry(ctx: AppContext, e: { subjectId: string; kind: CreditKind; at: number; dedupKey: string; summary: CreditSummaryTemplate; evidence: Record<string, unknown>; subjectType?: CreditEntryRow['subjectType'] }): Promise<boolean> {
  return ctx.store.cases.addEntry({
    id: entryId(ctx), subjectType: e.subjectType ?? 'content-provider', subjectId: e.subjectId, kind: e.kind, at: e.at, actorId: 'system',
    amountYuan: null, notes: null, publicSummary: scrubPersonalData(creditSummaryBoth(e.summary)), summaryTemplate: e.summary, evidence: e.evidence, dedupKey: e.dedupKey,
    publishedAt: null, publishedBy: null, withdrawal: null,
  });
}

/** For the early-warning monitor: record that it suspended a provider (one entry per provider per day). */
export async function recordEarlyWarningSuspension(ctx: AppContext, contentProviderId: string, evidence: Record<string, unknown>): Promise<boolean> {
  const at = ctx.clock.now();
  return addSystemCreditEntry(ctx, {
    subjectId: contentProviderId, kind: 'early_warning_suspension', at, dedupKey: `ew:${contentProviderId}:${new Date(at).toISOString().slice(0, 10)}`,
    summary: { key: 'early_warning_suspension', params: {} }, evidence,
  });
}

/** A regulator's entry: warning, fine (with amount), supervision talk (with notes), correction order. */
export async function addRegulatorEntry(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<CreditEntryRow> {
  requireRoleIn(p, ROLES.addRegulatorEntry);
  const kind = body.kind as CreditKind;
  if (!REGULATOR_KINDS.includes(kind)) throw new SmsguardError('invalid_request', `kind: must be one of ${REGULATOR_KINDS.join(', ')}`, {}, 'kind', { id: 'credit_kind_unknown' });
  const subjectType = body.subjectType === 'operator' ? 'operator' : 'content-provider';
  // An entry about the operator that names a content provider says two things: it was filed in the
  // operator's file under the provider's id, which no provider's file or the register then showed as its.
  if (subjectType === 'operator' && body.contentProviderId !== undefined && body.contentProviderId !== null) {
    throw new SmsguardError('invalid_request', 'contentProviderId: an entry about the operator (subjectType operator) names no content provider; leave subjectType out for an entry about the provider, or give the operator as subjectId', {}, 'contentProviderId');
  }
  const subjectId = str(body.subjectId ?? body.contentProviderId, 'contentProviderId', CREDIT_ENTRY_LIMITS.subjectId).trim();
  if (subjectType === 'content-provider' && !(await ctx.store.directory.getContentProvider(subjectId))) throw new SmsguardError('not_found', `no content provider ${subjectId}`, {}, undefined, { id: 'provider_not_found', params: { id: subjectId } });
  if (subjectType === 'content-provider' && !(await inProvince(ctx, p, subjectId))) throw scopeRefusal(ctx, 'province', 'the content provider is outside the province of this token', { id: 'provider_other_province', params: { id: subjectId } });
  if (subjectType === 'operator') requireWritesOperatorFile(ctx, p);
  requireNowInDateRange(ctx, p, ctx.clock.now());
  let amountYuan: number | null = null;
  // Only a fine carries an amount: one given with a warning or a note was dropped in silence, the
  // regulator believing it recorded (and the register showing) a sum it did not.
  if (kind !== 'fine' && body.amountYuan !== undefined && body.amountYuan !== null) {
    throw new SmsguardError('invalid_request', `amountYuan: only a fine carries an amount (this entry is a ${kind}); leave it out, or make the entry a fine`, { rule: 'supervision.penalties', article: GATEWAY_ARTICLES.penalties.en }, 'amountYuan', { id: 'amount_not_fine' });
  }
  if (kind === 'fine') {
    amountYuan = Number(body.amountYuan);
    if (!Number.isFinite(amountYuan) || amountYuan <= 0 || amountYuan > 1e8) throw new SmsguardError('invalid_request', 'amountYuan: a fine needs a positive amount in yuan', { rule: 'supervision.penalties', article: GATEWAY_ARTICLES.penalties.en }, 'amountYuan', { id: 'fine_amount' });
    // Money is yuan and fen: 12.345 is no sum anyone was fined, and every page shows at most two places
    // (it would read 12.35 where 12.345 is stored). The credit form's field steps by 0.01 to match.
    if (Math.abs(amountYuan * 100 - Math.round(amountYuan * 100)) > 1e-6) throw new SmsguardError('invalid_request', 'amountYuan: at most two decimal places (yuan and fen)', { rule: 'supervision.penalties', article: GATEWAY_ARTICLES.penalties.en }, 'amountYuan', { id: 'amount_fen' });
  }
  const notes = body.notes === undefined || body.notes === null || body.notes === '' ? null : str(body.notes, 'notes', { ...CREDIT_ENTRY_LIMITS.notes, shape: 'text' });
  if (kind === 'supervision_talk' && !notes) throw new SmsguardError('invalid_request', 'notes: a supervision talk needs notes', {}, 'notes', { id: 'talk_needs_notes' });
  // A summary typed is kept as typed (personal data removed); none typed gets the kind's, in both languages.
  const template = body.publicSummary === undefined || body.publicSummary === null ? defaultRegulatorSummary(kind, amountYuan) : null;
  const summary = template ? creditSummaryBoth(template) : str(body.publicSummary, 'publicSummary', { ...CREDIT_ENTRY_LIMITS.publicSummary, shape: 'line' });
  // Spaces alone would be published as an entry that says nothing (leave it out for the kind's own words).
  if (!summary.trim()) throw new SmsguardError('invalid_request', 'publicSummary: must not be blank (leave it out for the kind\'s own summary)', {}, 'publicSummary');
  const row: CreditEntryRow = {
    id: entryId(ctx), subjectType, subjectId, kind, at: ctx.clock.now(), actorId: p.actorId, amountYuan, notes,
    publicSummary: scrubPersonalData(summary), summaryTemplate: template, evidence: typeof body.evidence === 'object' && body.evidence ? storableJson(body.evidence as Record<string, unknown>, 'evidence') : {},
    dedupKey: null, publishedAt: null, publishedBy: null, withdrawal: null,
  };
  await ctx.store.cases.addEntry(row);
  await ctx.store.records.appendAudit(row.at, p.actorId, 'credit.add', { entryId: row.id, subjectId, kind, amountYuan });
  return row;
}

export async function publishEntry(ctx: AppContext, p: Principal, id: string): Promise<CreditEntryRow> {
  requireRoleIn(p, ROLES.publishCreditEntry);
  const e = await ctx.store.cases.getEntry(id);
  // An entry a scoped regulator cannot list is one it cannot publish either, answered as if absent.
  if (!e || !(await entryInScope(ctx, p, e))) throw new SmsguardError('not_found', `no credit-file entry ${id}`, {}, undefined, { id: 'entry_not_found', params: { id } });
  if (e.subjectType === 'operator') requireWritesOperatorFile(ctx, p);
  const now = ctx.clock.now();
  // A withdrawn entry is off the register for good: publishing it would put back what was taken off.
  if (e.withdrawal) throw new SmsguardError('conflict', 'the entry is withdrawn; a withdrawn entry is not published', { rule: CREDIT_WITHDRAWAL_RULE, article: GATEWAY_ARTICLES.creditFile.en }, undefined, { id: 'entry_withdrawn' });
  if (!(await ctx.store.cases.publish(id, now, p.actorId))) throw new SmsguardError('conflict', 'the entry is already published', {}, undefined, { id: 'entry_published' });
  await ctx.store.records.appendAudit(now, p.actorId, 'credit.publish', { entryId: id, subjectId: e.subjectId, kind: e.kind }, { contentProviderId: e.subjectType === 'content-provider' ? e.subjectId : null });
  return { ...e, publishedAt: now, publishedBy: p.actorId };
}

/**
 * Withdraws an entry (a regulator; the operator's admin only an entry the gateway made about a
 * provider): one published in error, or overturned on appeal. It leaves the public register (`GET /v1/credit/public`, `/web/public/credit`) and cannot be
 * published; it stays in the subject's file (`GET /v1/credit/entries`) with `withdrawal` saying who,
 * when and why. The store writes the audit record (`credit.withdraw`) in the withdrawal's own
 * transaction. A reason is required; an entry withdrawn already is 409 `conflict` (why
 * `entry_withdrawn`), whoever asks, and nothing is written. Scope as publishing: a token that cannot
 * list the entry gets 404, one limited to a province 403 for an entry about the operator.
 */
export async function withdrawEntry(ctx: AppContext, p: Principal, id: string, body: Record<string, unknown> = {}): Promise<CreditEntryRow> {
  requireRoleIn(p, ROLES.withdrawCreditEntry);
  const ref = { rule: CREDIT_WITHDRAWAL_RULE, article: GATEWAY_ARTICLES.creditFile.en };
  const raw = body.reason;
  if (raw === undefined || raw === null || (typeof raw === 'string' && !raw.trim())) {
    throw new SmsguardError('invalid_request', 'reason: required (why the entry is withdrawn: published in error, overturned on appeal)', ref, 'reason', { id: 'reason_required' });
  }
  const reason = str(raw, 'reason', { ...CREDIT_ENTRY_LIMITS.withdrawalReason, shape: 'text' }).trim();
  const e = await ctx.store.cases.getEntry(id);
  if (!e || !(await entryInScope(ctx, p, e))) throw new SmsguardError('not_found', `no credit-file entry ${id}`, {}, undefined, { id: 'entry_not_found', params: { id } });
  if (e.subjectType === 'operator') requireWritesOperatorFile(ctx, p);
  // The operator's admin withdraws only what the gateway itself entered about a provider (a
  // suspension its early warning recorded in error): a regulator's entry is the regulator's to
  // withdraw, and an entry about the operator would be the operator clearing its own file.
  if (p.role === 'admin' && !withdrawsEntry(p, e)) {
    throw new SmsguardError('forbidden', e.subjectType === 'operator'
      ? "an entry about the operator is withdrawn by a regulator, not by the operator's admin"
      : "a regulator's entry is withdrawn by a regulator; the admin withdraws only entries the gateway made", ref, undefined, { id: 'entry_not_admins' });
  }
  const withdrawn = () => new SmsguardError('conflict', `the entry was withdrawn already (${new Date(e.withdrawal?.at ?? ctx.clock.now()).toISOString()})`, ref, undefined, { id: 'entry_withdrawn' });
  if (e.withdrawal) throw withdrawn();
  const row = await ctx.store.cases.withdraw(id, { at: ctx.clock.now(), by: p.actorId, reason });
  // withdrawn by another between the read and the write: the same answer as above
  if (!row) throw withdrawn();
  return row;
}

/**
 * Whether a principal may add or publish an entry about the operator. The operator is no
 * province's: its entries are listed to a token limited to a province (so it sees what the operator's
 * file says, as it sees the operator's cases), but writing into or publishing the operator's file
 * acts on a subject outside that province, so only a regulator token not limited to a province
 * does it (one limited to dates only is nationwide, and keeps it inside its dates).
 */
/**
 * Whether principal `p` may withdraw entry `e` (the use case's role and scope rules, for the pages'
 * forms): a regulator any it may write (one about the operator only when not limited to a
 * province), the operator's admin only one the gateway itself made about a provider.
 */
export function withdrawsEntry(p: Principal, e: Pick<CreditEntryRow, 'actorId' | 'subjectType'>): boolean {
  if (p.role === 'regulator') return e.subjectType !== 'operator' || writesOperatorFile(p);
  return p.role === 'admin' && e.actorId === 'system' && e.subjectType !== 'operator';
}

export function writesOperatorFile(p: Principal): boolean {
  return p.role !== 'regulator' || !p.province;
}

function requireWritesOperatorFile(ctx: AppContext, p: Principal): void {
  if (!writesOperatorFile(p)) throw scopeRefusal(ctx, 'province', "the operator belongs to no province: this token, limited to a province, reads the operator's credit file but does not add to it or publish from it (a regulator token not limited to a province does)", { id: 'operator_file_province' });
}

/**
 * Whether a regulator's token reaches a credit-file entry: an entry about a content provider follows
 * the provider's province (an entry about an operator belongs to no province), and every entry
 * follows the dates by its time (`at`, when the warning, fine or suspension came about), as a case
 * follows them by its filing. Other principals always pass.
 */
async function entryInScope(ctx: AppContext, p: Principal, e: CreditEntryRow): Promise<boolean> {
  return inDateRange(p, e.at) && (e.subjectType === 'operator' || (await inProvince(ctx, p, e.subjectId)));
}

/**
 * The credit file of one provider (regulator, operator, or the provider itself), or every entry,
 * newest first, a page at a time. A regulator token limited to a province or dates sees only the
 * entries {@link entryInScope} lets through; the store selects them (the province's providers, the
 * dates) so a page is cut after the scope, not before, and comes back full while more follow.
 */
export async function listEntries(ctx: AppContext, p: Principal, f: { contentProviderId?: string; kind?: string; limit?: number; cursor?: string }): Promise<{ entries: CreditEntryView[]; nextCursor: string | null }> {
  // Another provider's id (or one that is none) is refused, as on every list: it was answered with
  // the caller's own file, as if it were the other's.
  if (p.role === 'content-provider') f = { ...f, contentProviderId: ownFilter(p, f.contentProviderId) };
  else requireRole(p, 'regulator', 'admin');
  // Refused here, before a regulator's query is audited, rather than by the store.
  if (f.cursor) decodeCursor(f.cursor);
  const kinds = f.kind ? f.kind.split(',').map((k) => k.trim()).filter(Boolean) : undefined;
  if (kinds && !kinds.every((k) => (CREDIT_KINDS as readonly string[]).includes(k))) throw new SmsguardError('invalid_request', `kind: one or more of ${CREDIT_KINDS.join(', ')}, comma-separated`, {}, 'kind');
  if (p.role === 'regulator') await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'credit.query', { contentProviderId: f.contentProviderId ?? null, ...(kinds ? { kinds } : {}) });
  const scope = p.role === 'regulator' ? { providersIn: await providersInProvince(ctx, p), from: p.from, to: p.to } : {};
  const page = await ctx.store.cases.listEntries({ subjectId: f.contentProviderId, kinds: kinds as CreditKind[] | undefined, limit: Math.min(f.limit ?? 200, 1000), cursor: f.cursor, ...scope });
  // An id that lists nothing must name a provider or the operator's account (`operator`), else 404.
  // Asked only of an empty first page: an entry about the operator is filed under whatever subject id
  // the regulator gave it, which the filter finds as before. A province-limited token gets no entries
  // for an unknown id, as for another province's provider.
  if (page.entries.length === 0 && !f.cursor) await mustBeFilterAccount(ctx, p, f.contentProviderId, 'providers-and-operator');
  return { entries: page.entries.map((e) => creditEntryAs(p, e)), nextCursor: page.nextCursor };
}

/**
 * One credit-file entry by its id (the id the public register, a withdrawal's audit record or a list
 * gives), as {@link listEntries} would show it to `p`: the operator and regulators whole (a token
 * limited to a province: an entry about the operator without its evidence), a provider one of its own
 * without notes and evidence. An entry the caller cannot list is answered as if absent (404): a
 * regulator's outside its province or dates, a provider's another's file (so no other provider's
 * entry is confirmed to exist). A regulator's read is audited `credit.query`, answered or not.
 */
export async function getEntry(ctx: AppContext, p: Principal, id: string): Promise<CreditEntryView> {
  if (p.role !== 'content-provider') requireRole(p, 'regulator', 'admin');
  if (p.role === 'regulator') await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'credit.query', { entryId: id });
  const e = await ctx.store.cases.getEntry(id);
  const visible = e !== null && (p.role === 'content-provider'
    ? e.subjectType === 'content-provider' && e.subjectId === p.contentProviderId
    : await entryInScope(ctx, p, e));
  if (!e || !visible) throw new SmsguardError('not_found', `no credit-file entry ${id}`, {}, undefined, { id: 'entry_not_found', params: { id } });
  return creditEntryAs(p, e);
}

/**
 * An entry the caller may read, as `p` reads it ({@link CreditEntryView}): a content provider without
 * `notes` and `evidence`, a regulator token limited to a province the operator's entries without
 * `evidence`, everyone else whole. One rule for every place a credit file is shown to a principal
 * (the lists, one entry, the annual report).
 */
export function creditEntryAs(p: Principal, e: CreditEntryView): CreditEntryView {
  if (p.role === 'content-provider') return providerView(e);
  if (p.role === 'regulator' && p.province && e.subjectType === 'operator') return withoutEvidence(e);
  return e;
}

/**
 * A credit-file entry as a principal reads it: a content provider reading its own file gets it
 * without `notes` and `evidence` (the keys are left out, not emptied); a regulator token limited to a
 * province gets the operator's entries without `evidence`; regulators and the operator get the rest
 * whole.
 */
export type CreditEntryView = Omit<CreditEntryRow, 'notes' | 'evidence'> & { notes?: string | null; evidence?: Record<string, unknown> };

/**
 * What a provider reads of an entry in its own file: kind, dates, amount, the public summary (an
 * entry from a case names the case's reference, one from the sweeper its month) and whether and when
 * it was published, which is what it answers to. Left out: the internal notes, the regulator's own
 * working notes (a supervision talk's minutes, what a case showed); and the evidence, which holds
 * whatever the regulator linked (other complainants' numbers, other providers' cases and records)
 * and, for a system entry, only ids of the provider's own cases, alerts and months, which it reads
 * where they are (`GET /v1/cases`, `GET /v1/alerts`, `GET /v1/records`).
 */
function providerView(e: CreditEntryView): CreditEntryView {
  const { notes: _internal, ...rest } = withoutEvidence(e);
  return rest;
}

/**
 * An entry without its `evidence` (the key left out, not emptied). Besides a provider's own file
 * (above), what a regulator token limited to a province reads of the operator's file: it is listed
 * the operator's entries, which belong to no province, but their evidence links whatever the entry
 * came from across the country: a case about the operator's own message names its complainant's
 * number, an entry a nationwide regulator added may link other provinces' providers' cases and
 * records. The kind, dates, amount, summary and the notes (a regulator's own, for regulators) stay.
 */
function withoutEvidence(e: CreditEntryView): CreditEntryView {
  const { evidence: _linked, ...rest } = e;
  return rest;
}

export interface PublicEntry {
  id: string;
  subject: string;
  creditCode: string | null;
  kind: CreditKind;
  at: string;
  publishedAt: string;
  amountYuan: number | null;
  /** As `publicSummary`: a system-made one in Chinese and English, one a regulator typed as typed. */
  summary: string;
  /** A system-made summary's key and parameters (the web page renders it in the reader's language), else null. */
  summaryTemplate: CreditSummaryTemplate | null;
}

/** What the public register shows on one page when the reader asks no `limit`, and the most it takes. */
export const PUBLIC_PAGE = { default: 200, max: 1000 } as const;

/** The operator's name on the public pages (src/web/i18n.ts `operatorAccount`): a search for it finds its entries. */
const OPERATOR_NAMES = ['运营方', 'the operator'];

/**
 * Published entries for the public page, newest first, a page at a time (`cursor` from the previous
 * page's `nextCursor`): provider name and credit code (public registry data), never a person's data.
 * Every published entry stays readable (the register was cut at the 200 newest, a search at the 5,000
 * newest). A search matches the summary, kind, subject id, or a provider's registered name or credit code.
 */
export async function publicEntries(ctx: AppContext, f: { q?: string; limit?: number; cursor?: string } = {}): Promise<{ entries: PublicEntry[]; nextCursor: string | null }> {
  const search = f.q?.trim().slice(0, 100) || undefined;
  if (f.cursor) decodeCursor(f.cursor);
  const limit = Math.min(Math.max(1, f.limit ?? PUBLIC_PAGE.default), PUBLIC_PAGE.max);
  const cps = new Map((await ctx.store.directory.listContentProviders()).map((c) => [c.id, c]));
  // Names and credit codes live in the directory: a search for one is turned into a search for its ids, in the query.
  let qSubjects: string[] | undefined;
  if (search) {
    const s = search.toLowerCase();
    qSubjects = [...cps.values()].filter((c) => c.name.toLowerCase().includes(s) || c.creditCode.toLowerCase().includes(s)).map((c) => c.id);
    if (OPERATOR_NAMES.some((n) => n.includes(s))) qSubjects.push(OPERATOR_ACCOUNT_ID);
  }
  const page = await ctx.store.cases.listEntries({ publishedOnly: true, limit, cursor: f.cursor, ...(search ? { q: search, qSubjects } : {}) });
  const entries = page.entries.map((e): PublicEntry => {
    const cp = e.subjectType === 'content-provider' ? cps.get(e.subjectId) : undefined;
    return {
      id: e.id, subject: cp?.name ?? e.subjectId, creditCode: cp?.creditCode ?? null, kind: e.kind, at: new Date(e.at).toISOString(),
      publishedAt: new Date(e.publishedAt!).toISOString(), amountYuan: e.amountYuan, summary: scrubPersonalData(e.publicSummary),
      summaryTemplate: e.summaryTemplate ?? null,
    };
  });
  return { entries, nextCursor: page.nextCursor };
}

export interface ComplaintRate {
  contentProviderId: string;
  month: string;
  /** Accepted messages in the month. */
  messages: number;
  /** Cases in the month that count (not withdrawn, not found unfounded). */
  complaints: number;
  confirmed: number;
  /**
   * Distinct complainant numbers among the cases that count: what the rate counts, so one person
   * complaining five times is one complainant, not five complaints.
   */
  complainants: number;
  /** Distinct complainant numbers among the confirmed (or partly confirmed) cases. */
  confirmedComplainants: number;
  /** complainants per million messages (null when no messages were sent). */
  ratePerMillion: number | null;
  /** confirmed complainants per million messages (null when no messages were sent). */
  confirmedPerMillion: number | null;
  thresholdPerMillion: number;
  exceeded: boolean;
}

/**
 * Accepted / rejected counts per provider, month and type, kept from `decision` events and written
 * in batches: the hot path pays a map increment, not a database write.
 */
export class VolumeCounter {
  private pending = new Map<string, VolumeRow>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly off: () => void;
  private month = '';
  private monthFrom = 0;
  private monthTo = 0;

  constructor(private readonly ctx: AppContext, private readonly flushMs = 1000) {
    this.off = ctx.events.on('decision', (d) => {
      if (!d.contentProviderId) return;
      const now = ctx.clock.now();
      // The month string is computed once per month, not once per message.
      if (now < this.monthFrom || now >= this.monthTo) {
        this.month = shanghaiMonth(now);
        ({ from: this.monthFrom, to: this.monthTo } = monthBounds(this.month));
      }
      const month = this.month;
      const key = `${d.contentProviderId}\u0000${month}\u0000${d.type}`;
      let row = this.pending.get(key);
      if (!row) {
        row = { contentProviderId: d.contentProviderId, month, type: d.type, accepted: 0, rejected: 0 };
        this.pending.set(key, row);
      }
      if (d.accepted) row.accepted++;
      else row.rejected++;
      if (!this.timer && this.flushMs > 0) {
        this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, this.flushMs);
        this.timer.unref();
      }
    });
  }

  /** Writes what was counted so far. */
  async flush(): Promise<void> {
    const rows = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      if (rows.length) await this.ctx.store.cases.addVolume(rows);
    }).catch((e: Error) => this.ctx.events.emit('workerError', { where: 'complaint-volume', message: e.message }));
    await this.flushing;
  }

  async stop(): Promise<void> {
    this.off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}

/**
 * `GET /v1/content-providers/{id}/complaint-rate`: the rate as a principal may read it. A provider
 * reads its own; the operator, the report centre and regulators any provider's, except that a
 * regulator token limited to a province is refused a provider registered elsewhere, and one limited
 * to dates is refused a month that does not lie wholly inside them (a month's figures cannot be cut
 * at a day), both `forbidden` as `/v1/records?contentProviderId=` and `POST /v1/credit/entries` are.
 */
export async function complaintRateFor(ctx: AppContext, volume: VolumeCounter | null, p: Principal, contentProviderId: string, month: string, audited = true): Promise<ComplaintRate> {
  if (p.role !== 'regulator' && p.role !== 'report-centre') requireOwnerOrAdmin(p, contentProviderId);
  monthField(month);
  // A regulator's read is recorded, as its reads of cases and credit files are (answered or not, as
  // `case.query`): who looked at which provider's figures for which month. No subject: a staff read
  // tagged with the provider would show the provider who looked. `audited` false: the caller
  // recorded the read already, for many providers at once (complaintRatesFor).
  if (audited && p.role === 'regulator') await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'complaint_rate.read', { contentProviderId, month });
  // An id that names no provider has no rate: zeros read as "no complaints" about a provider that is not there.
  if (!(await ctx.store.directory.getContentProvider(contentProviderId))) throw new SmsguardError('not_found', `no content provider ${contentProviderId}`, {}, undefined, { id: 'provider_not_found', params: { id: contentProviderId } });
  if (!(await inProvince(ctx, p, contentProviderId))) throw scopeRefusal(ctx, 'province', `content provider ${contentProviderId} is outside this token's province`, { id: 'provider_other_province', params: { id: contentProviderId } });
  const { from, to } = monthBounds(month);
  if (!inDateRange(p, from) || !inDateRange(p, to - 1)) throw scopeRefusal(ctx, 'dates', `month ${month} is not wholly inside this token's date range`, undefined, 'month');
  return complaintRate(ctx, volume, contentProviderId, month);
}

/**
 * The rates of several providers for one month as principal `p` may read them (the credit page's
 * table): each as complaintRateFor gives it, a provider the principal's scope refuses (`forbidden`)
 * left out. A regulator's read is one audit record `complaint_rate.read` `{contentProviderIds,
 * month}` for the whole table: a record per provider made every page load write up to 500.
 */
export async function complaintRatesFor(ctx: AppContext, volume: VolumeCounter | null, p: Principal, contentProviderIds: readonly string[], month: string): Promise<Map<string, ComplaintRate>> {
  monthField(month);
  if (p.role === 'regulator' && contentProviderIds.length > 0) await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'complaint_rate.read', { contentProviderIds: [...contentProviderIds], month });
  const rates = new Map<string, ComplaintRate>();
  for (const id of contentProviderIds) {
    try {
      rates.set(id, await complaintRateFor(ctx, volume, p, id, month, false));
    } catch (e) {
      if (!(e instanceof SmsguardError && e.code === 'forbidden')) throw e;
    }
  }
  return rates;
}

function monthField(month: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new SmsguardError('invalid_request', 'month: must be YYYY-MM', {}, 'month', { id: 'month_format' });
}

/** Complaints per million accepted messages for one provider in one Shanghai month `YYYY-MM` (no access check: the early-warning monitor's). */
export async function complaintRate(ctx: AppContext, volume: VolumeCounter | null, contentProviderId: string, month: string): Promise<ComplaintRate> {
  monthField(month);
  await volume?.flush();
  const messages = (await ctx.store.cases.volume(contentProviderId, month, month)).reduce((n, r) => n + r.accepted, 0);
  const { from, to } = monthBounds(month);
  const { counted: complaints, confirmed, complainants, confirmedComplainants } = await ctx.store.cases.countCasesOf(contentProviderId, from, to);
  const threshold = ctx.profile.params.complaintRateThresholdPerMillion.value;
  // People, not filings: one complainant's repeated complaints would otherwise move a provider over
  // the line on one person's word (as the early-warning monitor counts them, docs/COMPLAINTS.md).
  const rate = messages > 0 ? (complainants * 1e6) / messages : null;
  return {
    contentProviderId, month, messages, complaints, confirmed, complainants, confirmedComplainants,
    ratePerMillion: rate, confirmedPerMillion: messages > 0 ? (confirmedComplainants * 1e6) / messages : null,
    thresholdPerMillion: threshold,
    // With no messages at all, any complainant is over the line.
    exceeded: rate === null ? complainants > 0 : rate >= threshold,
  };
}
