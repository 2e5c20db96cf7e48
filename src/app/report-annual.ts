/**
 * The annual inspection report of one content provider (rule 11: compliance is reviewed at the annual
 * licence inspection): volumes by class, consent coverage, opt-outs, complaints and their answer
 * times, violations and measures. Built from the statutory records (read through the records port)
 * and the case store, so it shows what an inspector could verify line by line.
 */
import { releasedMessageId } from '../domain/held-release.js';
import { SmsguardError } from '../domain/errors.js';
import { answerMissed, monthBounds, shanghaiMonth } from '../domain/case.js';
import { workingDaysBetween } from '../domain/working-days.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole, OWN_DATA_REF } from './access.js';
import { creditEntryAs, type CreditEntryView } from './credit.js';
import { inDateRange, inProvince, scopeRefusal } from './records-scope.js';

export const MESSAGE_CLASSES = ['verification', 'notification', 'commercial', 'public_welfare'] as const;

export interface MonthFigures {
  month: string;
  accepted: Record<string, number>;
  rejected: number;
  system: number;
  optOuts: number;
  complaints: number;
}

export interface AnnualReport {
  year: number;
  generatedAt: number;
  profile: string;
  provider: { id: string; name: string; creditCode: string; licenseNumber: string | null; status: string };
  months: MonthFigures[];
  totals: { accepted: number; rejected: number; system: number; byClass: Record<string, number> };
  consent: { commercialAccepted: number; withConsent: number; coverage: number | null; granted: number; withdrawn: number };
  optOuts: { total: number; byChannel: Record<string, number> };
  rejections: { code: string; count: number }[];
  complaints: {
    total: number; byState: Record<string, number>; byFinding: Record<string, number>; bySource: Record<string, number>;
    answered: number; answeredOnTime: number;
    /** Cases escalated, for any reason: a deadline the sweeper saw pass (the forward is the operator's), or taken up by the centre or a regulator. */
    escalated: number;
    /** Cases forwarded to the provider whose answer deadline it missed: answered after it, or not answered by the report's time. */
    answerOverdue: number;
    /** Working days from forwarding to answer, one entry per answered case. */
    answerDays: number[];
    medianAnswerDays: number | null;
    answerLimit: number;
  };
  measures: Record<string, number>;
  /** The provider's credit-file entries of the year, as the reader may see them ({@link creditEntryAs}: a provider's own without notes and evidence). */
  credit: CreditEntryView[];
  /** Records scanned (the report's basis). */
  recordsScanned: number;
}

const inc = (o: Record<string, number>, k: string, n = 1) => { o[k] = (o[k] ?? 0) + n; };

/**
 * The report as a principal may read it (the annual-report page): the operator any provider's, a
 * provider its own, a regulator any provider's within its token's scope: a provider registered
 * outside its province, or a year not wholly inside its dates, is `forbidden` (as the complaint rate
 * is). A regulator's read is recorded. The credit-file entries are as the reader may see them
 * (a provider's own without notes and evidence). The web page and GET
 * /v1/content-providers/{id}/annual-report both answer with it.
 */
export async function annualReportFor(ctx: AppContext, p: Principal, contentProviderId: string, year: number): Promise<AnnualReport> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  if (p.role === 'content-provider' && contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', 'a content provider reads only its own annual report', OWN_DATA_REF, undefined, { id: 'annual_own_only' });
  if (p.role === 'regulator') {
    if (!(await inProvince(ctx, p, contentProviderId))) throw scopeRefusal(ctx, 'province', `content provider ${contentProviderId} is outside this token's province`, { id: 'provider_other_province', params: { id: contentProviderId } });
    if (Number.isInteger(year) && (!inDateRange(p, monthBounds(`${year}-01`).from) || !inDateRange(p, monthBounds(`${year}-12`).to - 1))) {
      throw scopeRefusal(ctx, 'dates', `year ${year} is not wholly inside this token's date range`, { id: 'year_outside_dates', params: { year } }, 'year');
    }
  }
  const report = await buildAnnualReport(ctx, contentProviderId, year);
  if (p.role === 'regulator') await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'report.annual', { contentProviderId, year: report.year });
  // The credit file as every other view of it shows it to this reader: the page shows no notes, but
  // the API answers what the report holds, and a provider never reads a regulator's notes or evidence.
  return { ...report, credit: report.credit.map((e) => creditEntryAs(p, e)) };
}

/** The years a report can cover. */
export const REPORT_YEARS = { min: 2000, max: 2200 } as const;

/** Throws `invalid_request` (field `year`) unless the year is one a report can cover ({@link REPORT_YEARS}). */
export function requireReportYear(year: number): void {
  if (!Number.isInteger(year) || year < REPORT_YEARS.min || year > REPORT_YEARS.max) {
    throw new SmsguardError('invalid_request', `year: a year from ${REPORT_YEARS.min} to ${REPORT_YEARS.max}`, {}, 'year', { id: 'year_range', params: { min: REPORT_YEARS.min, max: REPORT_YEARS.max } });
  }
}

/** The report itself, with no access check (the CLI's and the page's use case above). */
export async function buildAnnualReport(ctx: AppContext, contentProviderId: string, year: number): Promise<AnnualReport> {
  requireReportYear(year);
  const cp = await ctx.store.directory.getContentProvider(contentProviderId);
  if (!cp) throw new SmsguardError('not_found', `no content provider ${contentProviderId}`, {}, undefined, { id: 'provider_not_found', params: { id: contentProviderId } });
  const from = monthBounds(`${year}-01`).from;
  const to = monthBounds(`${year}-12`).to;
  const months: MonthFigures[] = Array.from({ length: 12 }, (_, i) => ({ month: `${year}-${String(i + 1).padStart(2, '0')}`, accepted: {}, rejected: 0, system: 0, optOuts: 0, complaints: 0 }));
  const mi = (at: number) => months[Number(shanghaiMonth(at).slice(5, 7)) - 1];
  const totals = { accepted: 0, rejected: 0, system: 0, byClass: {} as Record<string, number> };
  const consent = { commercialAccepted: 0, withConsent: 0, coverage: null as number | null, granted: 0, withdrawn: 0 };
  const optOuts = { total: 0, byChannel: {} as Record<string, number> };
  const rejections: Record<string, number> = {};
  let scanned = 0;
  // Messages held for review: sent if released (counted in the month of the release), else counted
  // with the rejections under `held_for_review` as before. Read in either order (the paged query runs
  // newest first), so they are settled after the scan.
  const held = new Map<string, { at: number; body: Record<string, unknown> }>();
  const released = new Map<string, number>();
  const take = (r: { id: string; at: number; kind: string; body: Record<string, unknown> }) => {
    scanned++;
    const b = r.body;
    if (r.kind === 'mt' && b.decision === 'held') { held.set(r.id, { at: r.at, body: b }); return; }
    const releasedId = releasedMessageId(r);
    if (releasedId !== null) {
      released.set(releasedId, r.at);
      return;
    }
    count(r.at, r.kind, b);
  };
  const count = (at: number, kind: string, b: Record<string, unknown>) => {
    const m = mi(at);
    if (kind === 'mt') {
      if (b.channel === 'system') { m.system++; totals.system++; return; }
      const type = String(b.type);
      if (b.decision === 'accepted') {
        inc(m.accepted, type);
        inc(totals.byClass, type);
        totals.accepted++;
        if (type === 'commercial') { consent.commercialAccepted++; if (b.consentId) consent.withConsent++; }
      } else {
        m.rejected++;
        totals.rejected++;
        inc(rejections, String(b.code ?? 'unknown'));
      }
    } else if (kind === 'subscription') {
      const ev = String(b.event ?? '');
      if (ev === 'opt_out') { m.optOuts++; optOuts.total++; inc(optOuts.byChannel, String(b.channel ?? 'unknown')); }
      if (ev === 'consent_granted') consent.granted++;
      if (ev === 'consent_withdrawn') consent.withdrawn++;
    }
  };
  const archive = ctx.store.records.archive;
  if (archive) {
    // The inspection scan (seq order, the provider's index): about 10x the paged query's speed.
    let after = 0;
    for (;;) {
      const rows = await archive.scanProvider(contentProviderId, from, to, after, 5000);
      if (!rows.length) break;
      for (const r of rows) take({ id: r.id, at: r.at, kind: r.kind, body: JSON.parse(r.body) as Record<string, unknown> });
      after = rows[rows.length - 1].seq;
    }
  } else {
    let cursor: string | undefined;
    for (;;) {
      const page = await ctx.store.records.queryRecords({ contentProviderId, from, to, limit: 1000, cursor });
      for (const r of page.records) take(r);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }
  for (const [id, h] of held) {
    const at = released.get(id);
    count(at ?? h.at, 'mt', at === undefined ? h.body : { ...h.body, decision: 'accepted' });
  }
  consent.coverage = consent.commercialAccepted > 0 ? consent.withConsent / consent.commercialAccepted : null;

  const cases = await ctx.store.cases.casesOf(contentProviderId, from, to);
  const answerLimit = ctx.profile.params.complaintAnswerWorkingDays.value;
  const now = ctx.clock.now();
  const complaints: AnnualReport['complaints'] = { total: cases.length, byState: {}, byFinding: {}, bySource: {}, answered: 0, answeredOnTime: 0, escalated: 0, answerOverdue: 0, answerDays: [], medianAnswerDays: null, answerLimit };
  for (const c of cases) {
    mi(c.createdAt).complaints++;
    inc(complaints.byState, c.state);
    inc(complaints.byFinding, c.finding ?? 'none');
    inc(complaints.bySource, c.source);
    if (c.escalatedReason) complaints.escalated++;
    // The provider's own deadline only: a late forward is the operator's, a case taken up by hand is no lateness.
    if (c.forwardedAt !== null && answerMissed(c, c.answeredAt ?? now)) complaints.answerOverdue++;
    if (c.answeredAt !== null) {
      complaints.answered++;
      if (c.answeredAt < c.answerDueAt) complaints.answeredOnTime++;
      complaints.answerDays.push(workingDaysBetween(c.forwardedAt ?? c.createdAt, c.answeredAt));
    }
  }
  const sorted = [...complaints.answerDays].sort((a, b) => a - b);
  complaints.medianAnswerDays = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
  const measures: Record<string, number> = {};
  for (const m of await ctx.store.cases.measures({ contentProviderId, from, to })) inc(measures, m.kind);
  const { entries: credit } = await ctx.store.cases.listEntries({ subjectId: contentProviderId, from, to, limit: 1000 });
  return {
    year, generatedAt: ctx.clock.now(), profile: ctx.profile.id,
    provider: { id: cp.id, name: cp.name, creditCode: cp.creditCode, licenseNumber: cp.licenseNumber, status: cp.status },
    months, totals, consent, optOuts,
    rejections: Object.entries(rejections).map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    complaints, measures, credit, recordsScanned: scanned,
  };
}
