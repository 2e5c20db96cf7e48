/**
 * What each role sees of a case. Staff (centre, operator, regulator, the provider for its own cases)
 * see the evidence and the trail; the complainant's status view and anything public carries no
 * number and no message text of other people.
 */
import { SmsguardError } from '../domain/errors.js';
import { allowedActions, caseActions, isCaseState, maskMsisdn, type CaseAction, type CaseState } from '../domain/case.js';
import { normalizeMsisdnLenient } from '../domain/msisdn.js';
import { decodeCursor } from '../domain/page-cursor.js';
import type { CaseEventRow, CaseRow, MeasureRow } from '../ports/cases.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { actorOf, caseAccountsInProvince, deadlineInfo, hashAccessCode, loadVisible, normalizeReference } from './case-workflow.js';
import { storableText } from './validate.js';
import { mustBeFilterAccount } from './known-provider.js';
import { ownFilter } from './access.js';
import { queryTime } from './records.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export interface CaseView {
  id: string;
  reference: string;
  externalRef: string | null;
  source: string;
  state: CaseState;
  msisdn: string;
  sender: string | null;
  contentProviderId: string | null;
  messageText: string | null;
  receivedMessageAt: string | null;
  request: string | null;
  hasScreenshot: boolean;
  matchedMessageId: string | null;
  createdAt: string;
  forwardedAt: string | null;
  answeredAt: string | null;
  closedAt: string | null;
  forwardDueAt: string;
  answerDueAt: string;
  deadline: { running: 'forward' | 'answer' | null; dueAt: string | null; workingDaysLeft: number | null; overdue: boolean; calendarCovered: boolean };
  finding: string | null;
  answerText: string | null;
  answerMessageId: string | null;
  escalatedReason: string | null;
  allowedActions: CaseAction[];
}

export function caseSummary(c: CaseRow, p: Principal, now: number): CaseView {
  const d = deadlineInfo(c, now);
  return {
    id: c.id, reference: c.reference, externalRef: c.externalRef, source: c.source, state: c.state, msisdn: c.msisdn,
    sender: c.sender, contentProviderId: c.contentProviderId, messageText: c.messageText, receivedMessageAt: iso(c.receivedMessageAt),
    request: c.request, hasScreenshot: c.screenshot !== null, matchedMessageId: c.matchedMessageId,
    createdAt: iso(c.createdAt)!, forwardedAt: iso(c.forwardedAt), answeredAt: iso(c.answeredAt), closedAt: iso(c.closedAt),
    forwardDueAt: iso(c.forwardDueAt)!, answerDueAt: iso(c.answerDueAt)!,
    deadline: { running: d.running, dueAt: iso(d.dueAt), workingDaysLeft: d.workingDaysLeft, overdue: d.overdue, calendarCovered: d.calendarCovered },
    finding: c.finding, answerText: c.answerText, answerMessageId: c.answerMessageId, escalatedReason: c.escalatedReason,
    allowedActions: caseActions(c, actorOf(p)),
  };
}

export interface CaseDetail extends CaseView {
  evidence: Record<string, unknown>;
  events: (Omit<CaseEventRow, 'at'> & { at: string })[];
  measures: (Omit<MeasureRow, 'at'> & { at: string })[];
  screenshot: string | null;
}

export async function getCaseDetail(ctx: AppContext, p: Principal, id: string): Promise<CaseDetail> {
  const c = await loadVisible(ctx, p, id);
  // The case's id, whether it was asked for by id or by reference: the audit names one case one way.
  if (p.role === 'regulator') await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'case.view', { caseId: c.id });
  const [events, measures] = await Promise.all([ctx.store.cases.events(c.id), ctx.store.cases.measures({ caseId: c.id })]);
  return {
    ...caseSummary(c, p, ctx.clock.now()),
    evidence: c.evidence,
    events: events.map((e) => ({ ...e, at: iso(e.at)! })),
    measures: measures.map((m) => ({ ...m, at: iso(m.at)! })),
    screenshot: c.screenshot,
  };
}

/**
 * Cases for staff, newest first, a page at a time (a provider its own). A regulator token limited to
 * a province or dates sees what {@link loadVisible} lets it open: cases filed inside the dates about
 * the province's providers or the operator's own account ({@link caseAccountsInProvince}); the store
 * selects them, so `limit` counts what the token sees and `nextCursor` pages on.
 */
/** What `GET /v1/cases` filters on, as the query gives it (strings, checked by {@link listCases}). */
export interface CaseListQuery {
  state?: string;
  contentProviderId?: string;
  msisdn?: string;
  /** The 12321 centre's own reference of the report (`externalRef`). */
  externalRef?: string;
  /** `true`: the deadline the case owes has passed; `false`: one is running and has not. */
  overdue?: string;
  /** Filed at or after / before: ISO-8601 date-times with their offset. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export async function listCases(ctx: AppContext, p: Principal, q: CaseListQuery): Promise<{ cases: CaseView[]; nextCursor: string | null }> {
  if (p.role === 'public') throw new SmsguardError('unauthorized', 'Authorization: Bearer <token> required');
  const states = q.state ? q.state.split(',').filter(Boolean) : undefined;
  if (states && !states.every(isCaseState)) throw new SmsguardError('invalid_request', 'state: one or more of received, forwarded, investigating, answered, closed, escalated, withdrawn', {}, 'state', { id: 'state_unknown' });
  let msisdn: string | undefined;
  if (q.msisdn) {
    msisdn = normalizeMsisdnLenient(q.msisdn) ?? undefined;
    // the rule and article every other refusal of a number names (validate.ts msisdnRefusal)
    if (!msisdn) throw new SmsguardError('invalid_msisdn', 'msisdn: not a mainland mobile number', { rule: 'recipient.msisdn', article: ctx.profile.rules['recipient.msisdn']?.article, profile: ctx.profile.id }, 'msisdn');
  }
  // Refused here, before a regulator's query is audited, rather than by the store.
  if (q.cursor) decodeCursor(q.cursor);
  if (q.overdue !== undefined && q.overdue !== 'true' && q.overdue !== 'false') throw new SmsguardError('invalid_request', 'overdue: true (the deadline the case owes has passed) or false (one is running and has not)', {}, 'overdue');
  const from = queryTime(q.from, 'from');
  const to = queryTime(q.to, 'to');
  if (from !== undefined && to !== undefined && from >= to) throw new SmsguardError('invalid_request', 'to: must be after from (to is exclusive)', {}, 'to');
  const externalRef = q.externalRef === undefined || q.externalRef === '' ? undefined : storableText(q.externalRef, 'externalRef').trim();
  // A provider's filter naming another provider (or none that exists) is refused, as on every list:
  // it was answered with the caller's own cases, as if they were the other's.
  const contentProviderId = ownFilter(p, q.contentProviderId);
  const limit = Math.max(1, Math.min(q.limit ?? 50, 500));
  if (p.role === 'regulator') {
    await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'case.query', {
      state: q.state ?? null, contentProviderId: contentProviderId ?? null,
      // Only the filters given, so a query recorded before these existed reads the same.
      ...(externalRef !== undefined ? { externalRef } : {}), ...(q.overdue !== undefined ? { overdue: q.overdue === 'true' } : {}),
      ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}),
    });
  }
  // After the audit (a regulator's query is recorded, answered or not). The operator's own account
  // has cases; a province-limited token gets none for an unknown id, as for another province's provider.
  await mustBeFilterAccount(ctx, p, contentProviderId, 'providers-and-operator');
  // The scope goes into the query, so the page is cut after it: full while more cases follow.
  const scope = p.role === 'regulator' ? { providersIn: await caseAccountsInProvince(ctx, p) } : {};
  // The dates asked for, within a regulator token's own: the later start, the earlier end.
  const dates = p.role === 'regulator' ? { from: later(from, p.from), to: earlier(to, p.to) } : { from, to };
  const now = ctx.clock.now();
  const deadline = q.overdue === undefined ? undefined : { at: now, overdue: q.overdue === 'true' };
  const r = await ctx.store.cases.listCases({ states: states as CaseState[] | undefined, contentProviderId, msisdn, externalRef, deadline, limit, cursor: q.cursor, ...scope, ...dates });
  return { cases: r.cases.map((c) => caseSummary(c, p, now)), nextCursor: r.nextCursor };
}

const later = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
const earlier = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** The complainant's view: reference + access code; no evidence, the number masked. */
export async function publicCaseStatus(ctx: AppContext, reference: string, accessCode: string): Promise<Record<string, unknown>> {
  // The status form posts what was typed: a NUL in it would fail the store's lookup (a 500).
  const c = await ctx.store.cases.getCaseByReference(normalizeReference(storableText(reference, 'reference')));
  if (!c || !c.accessCodeHash || c.accessCodeHash !== hashAccessCode(accessCode.trim())) throw new SmsguardError('not_found', 'no case with this reference and access code');
  const d = deadlineInfo(c, ctx.clock.now());
  return {
    reference: c.reference, state: c.state, msisdn: maskMsisdn(c.msisdn), createdAt: iso(c.createdAt), forwardedAt: iso(c.forwardedAt),
    answeredAt: iso(c.answeredAt), closedAt: iso(c.closedAt), answerText: c.answerText, finding: c.finding,
    deadline: { running: d.running, dueAt: iso(d.dueAt), workingDaysLeft: d.workingDaysLeft, overdue: d.overdue },
    allowedActions: allowedActions(c.state, 'complainant'),
  };
}
