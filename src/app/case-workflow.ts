/**
 * Moving cases through the transition table (src/domain/case.ts): every change is checked against
 * the table, applied only if nobody moved the case meanwhile, recorded with who and why, and
 * announced as a `complaint` event. Answers carry the provider's finding and measures and go to the
 * user by SMS from the provider's service port.
 */
import { createHash } from 'node:crypto';
import { SmsguardError, type RuleRef } from '../domain/errors.js';
import { measureResultText, TRAIL_REASONS, type MeasureResultCode, type TemplateVia, type TrailReasonCode } from '../domain/case-notes.js';
import {
  FINAL_STATES, OPERATOR_ACCOUNT_ID, actionActors, OPERATOR_MEASURES, caseActions, findTransition, isCaseAction, isMeasure, owedDeadline, answerMissed, escalatedOverdueReason, overdueEntryKey, shanghaiMonth,
  FINDINGS, type CaseAction, type CaseActor, type CaseState, type Finding, type MeasureKind,
} from '../domain/case.js';
import { addWorkingDays, calendarCovers, workingDaysBetween } from '../domain/working-days.js';
import type { CaseEventRow, CasePatch, CaseRow, MeasureRow } from '../ports/cases.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { storableText, str, type TextShape } from './validate.js';
import { addSystemCreditEntry } from './credit.js';
import { inDateRange, inProvince, providersInProvince } from './records-scope.js';
import { matchEvidence, providerForSender } from './case-evidence.js';
import { contentGovernanceOf, type ContentGovernance } from './content-governance.js';
import { GATEWAY_ARTICLES } from '../domain/gateway-articles.js';
import { ROLES, requireRoleIn, OWN_DATA_REF } from './access.js';

/**
 * The body fields each action reads besides `action` itself (`reason` every one; `accessCode` is how
 * the complainant's withdrawal is authorised). Others are refused by {@link applyTransition}.
 */
const ACTION_FIELDS: Readonly<Record<CaseAction, ReadonlySet<string>>> = {
  forward: new Set(['reason', 'contentProviderId']),
  investigate: new Set(['reason']),
  answer: new Set(['reason', 'text', 'finding', 'measures']),
  close: new Set(['reason', 'finding']),
  reopen: new Set(['reason']),
  escalate: new Set(['reason', 'escalatedReason']),
  withdraw: new Set(['reason', 'accessCode']),
};
/** A field given as nothing: absent, null, empty text or an empty list (the case page posts `measures: []` with every action). */
/** The `{rule, article}` of a refusal by the case workflow's table (a step not allowed now, or not the actor's). */
export const WORKFLOW_REF: Readonly<RuleRef> = Object.freeze({ rule: 'complaints.workflow', article: GATEWAY_ARTICLES.complaints.en });

const isNone = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * Refuses staff an action whose row of the table is not theirs (403 `action_for_roles`), from the
 * action alone: before its fields are read or the case is looked up, so a provider sending a forward
 * is told the forward is not its own, not which fields a forward takes. Also the HTTP route's
 * preValidation (src/http/routes/cases.ts), before the schema reads the other fields. The
 * complainant (public) is not checked here: its withdrawal is authorised by the access code first.
 */
export function requireCaseAction(p: Principal, action: CaseAction): void {
  if (p.role === 'public') return;
  const by = actionActors(action);
  if (!by.includes(actorOf(p))) throw new SmsguardError('forbidden', `'${action}' is for ${by.join(', ')}`, WORKFLOW_REF, undefined, { id: 'action_for_roles', params: { action, roles: by.join(',') } });
}

/** Which row of the table a principal acts as. */
export function actorOf(p: Principal): CaseActor {
  return p.role === 'public' ? 'complainant' : p.role;
}

/** Staff may see a case: the centre, the operator and regulators see all; a provider only its own. */
export function canSee(p: Principal, c: CaseRow): boolean {
  if (p.role === 'admin' || p.role === 'report-centre') return true;
  // A regulator's token may be limited to a date range (issue 6): cases filed in it.
  if (p.role === 'regulator') return inDateRange(p, c.createdAt);
  return p.role === 'content-provider' && c.contentProviderId === p.contentProviderId;
}

/**
 * A case reference as a person types it back (lower case, full-width characters from an input method,
 * spaces around it): references are `C`, digits and upper-case hex, so each is the same reference.
 */
/** A case's public reference (`C20261130A1B2C3D4`: `C`, the Shanghai day, 8 hex characters), as {@link normalizeReference} gives it. */
export const CASE_REFERENCE = /^C\d{8}[0-9A-F]{8}$/;

export function normalizeReference(reference: string): string {
  return reference.normalize('NFKC').trim().toUpperCase();
}

export function hashAccessCode(code: string): string {
  // Codes are lower-case hex: as a person types one back (a phone capitalising the first letter, an
  // input method's full-width characters, spaces from a copy) it is the same code, not a miss.
  return createHash('sha256').update(`smsguard-case:${code.normalize('NFKC').trim().toLowerCase()}`).digest('hex');
}

export function newEvent(ctx: AppContext, c: Pick<CaseRow, 'id'>, kind: CaseEventRow['kind'], actor: CaseActor, actorId: string, at: number, from: CaseState | null, to: CaseState | null, reason: string | null, detail: Record<string, unknown> = {}): CaseEventRow {
  return { id: `cev_${ctx.ids.next('case').slice(5)}`, caseId: c.id, at, kind, fromState: from, toState: to, actor, actorId, reason, detail };
}

/**
 * Who complained, as the early-warning monitor keys them: a hash of the number, so the event carries
 * no number while one person's repeated complaints are still told apart from several people's.
 */
export function complainantKey(msisdn: string): string {
  return createHash('sha256').update(`smsguard-complainant:${msisdn}`).digest('hex').slice(0, 32);
}

export function emitComplaint(ctx: AppContext, c: CaseRow, action: CaseAction | 'created', state: CaseState, at: number): void {
  ctx.events.emit('complaint', { caseId: c.id, reference: c.reference, contentProviderId: c.contentProviderId, complainant: complainantKey(c.msisdn), action, state, at, month: shanghaiMonth(c.createdAt) });
}

export async function loadVisible(ctx: AppContext, p: Principal, id: string): Promise<CaseRow> {
  // Staff are given the reference (the complainant reads it out, a credit-file entry and the status
  // page name it), not the internal id: either opens the case. It was 404 `no case C…` for a case there.
  let c = await ctx.store.cases.getCase(id);
  if (!c && CASE_REFERENCE.test(normalizeReference(id))) c = await ctx.store.cases.getCaseByReference(normalizeReference(id));
  // A provider touching another provider's case: forbidden (issue 2); scopes of other roles stay not_found.
  if (c && p.role === 'content-provider' && !canSee(p, c)) throw new SmsguardError('forbidden', `case ${id} is not about this content provider`, OWN_DATA_REF, undefined, { id: 'case_other_provider', params: { id } });
  if (!c || !canSee(p, c) || !(await caseInProvince(ctx, p, c))) throw new SmsguardError(p.role === 'public' ? 'unauthorized' : 'not_found', `no case ${id}`, {}, undefined, { id: 'case_not_found', params: { id } });
  return c;
}

/**
 * For a regulator limited to a province: whether a case is about one of the providers registered
 * there, or about the operator's own message ({@link OPERATOR_ACCOUNT_ID}): the operator belongs to
 * no province and its cases are seen in every one, as its credit-file entries are. A case naming no
 * provider is in none. Unlimited principals always pass.
 */
async function caseInProvince(ctx: AppContext, p: Principal, c: CaseRow): Promise<boolean> {
  return c.contentProviderId === OPERATOR_ACCOUNT_ID || (await inProvince(ctx, p, c.contentProviderId));
}

/**
 * The accounts whose cases a regulator limited to a province lists (as {@link caseInProvince}
 * decides one): the province's providers and the operator's account. Undefined without such a limit.
 */
export async function caseAccountsInProvince(ctx: AppContext, p: Principal): Promise<string[] | undefined> {
  const inside = await providersInProvince(ctx, p);
  return inside && [...inside, OPERATOR_ACCOUNT_ID];
}

/**
 * The bounds of a case action's text fields, in characters: one table for the transitions, the
 * evidence rematch and their HTTP schemas (src/http/routes/cases.ts).
 */
export const CASE_LIMITS = {
  reason: { max: 1000 },
  contentProviderId: { max: 64 },
  /** An answer's text, sent to the user by SMS. */
  text: { min: 1, max: 300 },
  measureNote: { max: 500 },
  templateId: { max: 64 },
  sender: { max: 40 },
} as const;

/** `shape`: a reason or note is free text; an id or a sender is one line (src/app/validate.ts `plainText`). */
function optText(v: unknown, field: string, max: number, shape: TextShape): string | null {
  if (v === undefined || v === null || v === '') return null;
  return str(v, field, { max, shape }).trim() || null;
}

/**
 * Applies one transition of the table on behalf of `p` (or the sweeper when `actor` is `system`).
 * Side effects that belong to the transition (deadlines, answer SMS, credit entries) happen here.
 * `reasonCode`: the reason is the system's own (a deadline passed, the status page's withdraw): its
 * sentence is recorded as the reason and the code beside it (src/domain/case-notes.ts); a door
 * passes it, never a request body.
 */
export async function applyTransition(ctx: AppContext, p: Principal | 'system', caseId: string, actionIn: unknown, body: Record<string, unknown> = {}, opts: { reasonCode?: TrailReasonCode } = {}): Promise<CaseRow> {
  if (!isCaseAction(actionIn)) throw new SmsguardError('invalid_request', 'action: must be one of forward, investigate, answer, close, reopen, escalate, withdraw', {}, 'action', { id: 'action_unknown' });
  const action: CaseAction = actionIn;
  if (p !== 'system') requireCaseAction(p, action);
  // A field of another action is refused, not dropped: measures sent with a forward were never
  // applied, a text with a close never sent, and the caller was told the action succeeded.
  const takes = ACTION_FIELDS[action];
  const misplaced = Object.keys(body).find((k) => k !== 'action' && !takes.has(k) && !isNone(body[k]));
  if (misplaced !== undefined) {
    throw new SmsguardError('invalid_request', `${misplaced}: '${action}' does not take ${misplaced} (it takes ${[...takes].filter((k) => k !== 'accessCode').join(', ')})`, {}, misplaced, { id: 'action_field_misplaced', params: { action } });
  }
  const actor: CaseActor = p === 'system' ? 'system' : actorOf(p);
  const actorId = p === 'system' ? 'system' : p.actorId;
  const now = ctx.clock.now();
  let c: CaseRow | null;
  if (p === 'system') c = await ctx.store.cases.getCase(caseId);
  else if (p.role === 'public') {
    // The complainant acts with the reference and the access code they were given.
    // The status page posts the reference as typed: a NUL in it would fail the store's lookup (a 500).
    c = await ctx.store.cases.getCaseByReference(normalizeReference(storableText(caseId, 'reference')));
    const code = typeof body.accessCode === 'string' ? body.accessCode : '';
    if (!c || !c.accessCodeHash || c.accessCodeHash !== hashAccessCode(code)) throw new SmsguardError('not_found', 'no case with this reference and access code');
  } else c = await loadVisible(ctx, p, caseId);
  if (!c) throw new SmsguardError('not_found', `no case ${caseId}`, {}, undefined, { id: 'case_not_found', params: { id: caseId } });
  const t = findTransition(c.state, action);
  if (!t) {
    const final = FINAL_STATES.has(c.state);
    const why = final ? `the case is ${c.state}` : `no transition '${action}' from ${c.state}`;
    const allowed = caseActions(c, actor).join(',');
    throw new SmsguardError('conflict', `${why}; allowed: ${allowed.replace(/,/g, ', ') || 'none'}`, WORKFLOW_REF, undefined,
      final ? { id: 'case_final', params: { state: c.state, allowed } } : { id: 'action_not_allowed', params: { action, state: c.state, allowed } });
  }
  if (!t.by.includes(actor)) throw new SmsguardError('forbidden', `'${action}' is for ${t.by.join(', ')}`, WORKFLOW_REF, undefined, { id: 'action_for_roles', params: { action, roles: t.by.join(',') } });
  const reason = opts.reasonCode ? TRAIL_REASONS[opts.reasonCode] : optText(body.reason, 'reason', CASE_LIMITS.reason.max, 'text');
  const patch: CasePatch = { state: t.to };
  const detail: Record<string, unknown> = opts.reasonCode ? { reasonCode: opts.reasonCode } : {};
  let measures: ParsedMeasure[] = [];

  if (action === 'forward') {
    const named = optText(body.contentProviderId, 'contentProviderId', CASE_LIMITS.contentProviderId.max, 'line');
    // Evidence matched to the operator's own message (a report receipt from the report port) names
    // the operator's account, no provider: forwarded as it is, the operator handles the case
    // itself (an admin answers it); a registered provider named with the forward corrects a match
    // that picked the operator's message over the provider's.
    const operatorCase = c.contentProviderId === OPERATOR_ACCOUNT_ID;
    // A case its evidence tied to a provider goes to that provider: another named with the forward
    // was dropped in silence (the centre believed it forwarded to the one it named), so it is refused.
    if (!operatorCase && c.contentProviderId && named && named !== c.contentProviderId) {
      throw new SmsguardError('invalid_request', `contentProviderId: this case is about content provider ${c.contentProviderId} (its evidence, matched from the records); forward it without naming another`, {}, 'contentProviderId', { id: 'forward_other_provider', params: { id: c.contentProviderId } });
    }
    const cpId = operatorCase ? named ?? OPERATOR_ACCOUNT_ID : c.contentProviderId ?? named;
    if (!cpId || (!(operatorCase && cpId === OPERATOR_ACCOUNT_ID) && !(await ctx.store.directory.getContentProvider(cpId)))) {
      throw new SmsguardError('invalid_request', operatorCase
        ? `contentProviderId: no content provider ${cpId}; name a registered one, or leave it out to hand the case to the operator's own handling (the matched message is the operator's)`
        : 'contentProviderId: the case names no known content provider; say which one to forward to', {}, 'contentProviderId',
      operatorCase ? { id: 'forward_operator_provider_unregistered', params: { id: String(cpId) } } : { id: 'forward_no_provider' });
    }
    if (c.forwardedAt !== null) throw new SmsguardError('conflict', 'the case was already forwarded; the provider answers it', {}, undefined, { id: 'case_already_forwarded' });
    patch.contentProviderId = cpId;
    patch.forwardedAt = now;
    patch.answerDueAt = addWorkingDays(now, ctx.profile.params.complaintAnswerWorkingDays.value);
    detail.contentProviderId = cpId;
    detail.answerDueAt = patch.answerDueAt;
  } else if (action === 'answer') {
    // Left out, it was `text: must be a string`, which did not say an answer needs one.
    if (body.text === undefined || body.text === null) throw new SmsguardError('invalid_request', `text: required: an answer needs the text the user receives by SMS (at most ${CASE_LIMITS.text.max} characters), with its finding`, {}, 'text', { id: 'answer_blank' });
    const text = str(body.text, 'text', { ...CASE_LIMITS.text, shape: 'text' }).trim();
    if (!text) throw new SmsguardError('invalid_request', 'text: the answer to the user must not be blank', {}, 'text', { id: 'answer_blank' });
    const finding = body.finding;
    if (!FINDINGS.includes(finding as Finding)) throw new SmsguardError('invalid_request', `finding: ${finding === undefined || finding === null ? 'required: an answer says what was found, ' : ''}must be one of ${FINDINGS.join(', ')}`, {}, 'finding', { id: 'finding_unknown' });
    measures = parseMeasures(body.measures, p === 'system' ? 'system' : p.role);
    if (!c.contentProviderId) throw new SmsguardError('conflict', 'the case has no content provider to answer for', {}, undefined, { id: 'case_no_provider' });
    if (c.contentProviderId === OPERATOR_ACCOUNT_ID) {
      // Opt-out, template, throttle and suspension act on a content provider's sending; the
      // operator's own messages (receipts, answers) are none of those.
      const i = measures.findIndex((m) => m.kind !== 'refund' && m.kind !== 'other');
      if (i >= 0) throw new SmsguardError('invalid_request', `measures/${i}: '${measures[i].kind}' acts on a content provider; this case is about the operator's own message: record what the operator did as 'other' (or 'refund')`, {}, `measures/${i}/kind`, { id: 'measure_operator_case', params: { kind: measures[i].kind } });
    }
    patch.finding = finding as Finding;
    patch.answerText = text;
    patch.answeredAt = now;
    detail.finding = finding;
    detail.measures = measures.map((m) => m.kind);
  } else if (action === 'close') {
    if (body.finding !== undefined && body.finding !== null && body.finding !== '') {
      if (!FINDINGS.includes(body.finding as Finding)) throw new SmsguardError('invalid_request', `finding: must be one of ${FINDINGS.join(', ')}`, {}, 'finding', { id: 'finding_unknown' });
      patch.finding = body.finding as Finding;
      detail.finding = body.finding;
    }
    patch.closedAt = now;
  } else if (action === 'reopen') {
    // The centre did not accept the answer: its finding no longer stands (an `unfounded` one kept the
    // open complaint out of the provider's complaint rate). The answer event keeps it in the trail.
    patch.finding = null;
  } else if (action === 'escalate') {
    const r = optText(body.escalatedReason, 'escalatedReason', 100, 'text') ?? reason ?? 'taken up';
    patch.escalatedReason = r;
    detail.escalatedReason = r;
  }

  const event = newEvent(ctx, c, action, actor, actorId, now, c.state, t.to, reason, detail);
  const ok = await ctx.store.cases.transition(c.id, c.state, patch, event, now);
  if (!ok) throw new SmsguardError('conflict', 'the case changed meanwhile; reload it', {}, undefined, { id: 'case_changed' });
  const after = { ...c, ...patch, updatedAt: now } as CaseRow;

  if (action === 'answer') {
    for (const m of measures) await applyMeasure(ctx, after, m, actorId, now);
    const msgId = await sendAnswer(ctx, after, now);
    if (msgId) {
      await ctx.store.cases.transition(c.id, 'answered', { answerMessageId: msgId }, newEvent(ctx, c, 'note', actor, actorId, now, 'answered', 'answered', TRAIL_REASONS.answer_sent, { messageId: msgId, reasonCode: 'answer_sent' }), now);
      after.answerMessageId = msgId;
    }
  }
  if (action === 'close' && after.contentProviderId && (after.finding === 'confirmed' || after.finding === 'partly_confirmed')) {
    await addSystemCreditEntry(ctx, {
      ...creditSubject(after.contentProviderId), kind: 'confirmed_complaint', at: now, dedupKey: `case:${c.id}:confirmed`,
      summary: { key: after.finding === 'confirmed' ? 'complaint_confirmed' : 'complaint_partly_confirmed', params: { reference: c.reference } },
      evidence: { caseId: c.id, reference: c.reference, matchedMessageId: c.matchedMessageId, finding: after.finding },
    });
  }
  // A missed deadline enters the file when the sweeper escalates the case for it, or when the case is
  // forwarded or answered after it without that (escalated by hand before it, or acted on before the
  // sweeper's next round): the deadline is the case's, whoever took it up. The dedup keys make it once.
  // An answer given in time stays in time: a case reopened after the deadline was answered within it.
  const answerLate = after.contentProviderId !== null && c.forwardedAt !== null && answerMissed(c, now)
    && ((action === 'escalate' && actor === 'system' && after.escalatedReason === 'answer_overdue') || action === 'answer');
  if (answerLate) await recordAnswerOverdue(ctx, c, after.contentProviderId!, now);
  if ((action === 'escalate' && actor === 'system' && after.escalatedReason === 'forward_overdue') || (action === 'forward' && now >= c.forwardDueAt)) {
    await recordForwardOverdue(ctx, c, now);
  }
  emitComplaint(ctx, after, action, t.to, now);
  return after;
}

/** The provider's (or, for a case about the operator's own message, the operator's) `overdue_answer` entry, once per case. */
async function recordAnswerOverdue(ctx: AppContext, c: CaseRow, contentProviderId: string, now: number): Promise<boolean> {
  return addSystemCreditEntry(ctx, {
    ...creditSubject(contentProviderId), kind: 'overdue_answer', at: now, dedupKey: overdueEntryKey(c.id, 'answer_overdue'),
    summary: { key: 'answer_overdue', params: { days: ctx.profile.params.complaintAnswerWorkingDays.value, reference: c.reference } },
    evidence: { caseId: c.id, reference: c.reference, answerDueAt: c.answerDueAt, forwardedAt: c.forwardedAt },
  });
}

/**
 * The operator's `overdue_forward` entry, once per case. Forwarding is the operator's (or the
 * centre's) job: a late forward goes into the operator's file, as its own kind: no answer deadline
 * was running (it starts at the forward), so `overdue_answer` (written here until 2026-12) named an
 * obligation the case never reached. Same dedup key as then.
 */
async function recordForwardOverdue(ctx: AppContext, c: CaseRow, now: number): Promise<boolean> {
  return addSystemCreditEntry(ctx, {
    subjectType: 'operator', subjectId: 'operator', kind: 'overdue_forward', at: now, dedupKey: overdueEntryKey(c.id, 'forward_overdue'),
    summary: { key: 'forward_overdue', params: { days: ctx.profile.params.complaintForwardWorkingDays.value, reference: c.reference } },
    evidence: { caseId: c.id, reference: c.reference, forwardDueAt: c.forwardDueAt, source: c.source },
  });
}

/**
 * The sweeper's second look at an escalated case, one escalated by hand before its deadline and
 * neither forwarded nor answered since (the sweeper escalates only running deadlines, so it would
 * not come back to it): enters the deadline the case owes and missed (`escalatedOverdueReason`) as
 * the late forward or answer would, the same entry under the same dedup key, so once per case
 * whichever comes first. Returns what it entered, or null when nothing is owed and missed or the
 * entry was there already (another process's sweeper, a forward or answer just made).
 */
export async function recordEscalatedOverdue(ctx: AppContext, c: CaseRow, now: number): Promise<'forward_overdue' | 'answer_overdue' | null> {
  const reason = escalatedOverdueReason(c, now);
  if (reason === 'forward_overdue') return (await recordForwardOverdue(ctx, c, now)) ? reason : null;
  if (reason === 'answer_overdue') return (await recordAnswerOverdue(ctx, c, c.contentProviderId!, now)) ? reason : null;
  return null;
}

/** Whose credit file a case's entry goes into: the provider's, or the operator's for a case about its own message. */
function creditSubject(contentProviderId: string): { subjectType: 'content-provider' | 'operator'; subjectId: string } {
  return contentProviderId === OPERATOR_ACCOUNT_ID ? { subjectType: 'operator', subjectId: OPERATOR_ACCOUNT_ID } : { subjectType: 'content-provider', subjectId: contentProviderId };
}

/** One measure as given with an answer. `perSecond` is the throttle's rate; `templateId` names the template to block. */
interface ParsedMeasure { kind: MeasureKind; note: string | null; amountYuan: number | null; perSecond: number | null; templateId: string | null }

/** Rate of a `throttle` measure when none is given (messages a second). */
export const DEFAULT_THROTTLE_PER_SECOND = 1;

/** The measure parameters, each with the one kind that takes it. */
const MEASURE_PARAMS: readonly (readonly [string, MeasureKind])[] = [['amountYuan', 'refund'], ['perSecond', 'throttle'], ['templateId', 'block_template']];

function parseMeasures(v: unknown, role: string): ParsedMeasure[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 10) throw new SmsguardError('invalid_request', 'measures: must be a list of up to 10 measures', {}, 'measures', { id: 'measures_too_many', params: { max: 10 } });
  return v.map((m, i) => {
    const o = (typeof m === 'string' ? { kind: m } : m) as Record<string, unknown>;
    if (!o || !isMeasure(o.kind)) throw new SmsguardError('invalid_request', `measures/${i}/kind: must be one of opt_out, block_template, throttle, suspend, refund, other`, {}, `measures/${i}/kind`, { id: 'measure_kind_unknown' });
    // A parameter belongs to one kind: on another it was dropped in silence (an amount on an opt-out,
    // a rate on a refund), the actor believing it recorded what it typed.
    for (const [param, kind] of MEASURE_PARAMS) {
      if (o[param] !== undefined && o[param] !== null && o.kind !== kind) {
        throw new SmsguardError('invalid_request', `measures/${i}/${param}: only a ${kind} measure takes ${param} (this one is ${o.kind})`, {}, `measures/${i}/${param}`, { id: 'measure_param_misplaced', params: { kind } });
      }
    }
    if (OPERATOR_MEASURES.has(o.kind) && role !== 'admin') throw new SmsguardError('forbidden', `measures/${i}: '${o.kind}' acts on the content provider itself; only the operator (admin) takes it`, { rule: 'complaints.measure', article: GATEWAY_ARTICLES.complaints.en }, undefined, { id: 'measure_operator_only', params: { kind: o.kind } });
    const amount = o.amountYuan === undefined || o.amountYuan === null || o.amountYuan === '' ? null : Number(o.amountYuan);
    if (amount !== null && (!Number.isFinite(amount) || amount < 0 || amount > 1e7)) throw new SmsguardError('invalid_request', `measures/${i}/amountYuan: must be a non-negative amount`, {}, `measures/${i}/amountYuan`, { id: 'measure_amount' });
    // Yuan and fen, as a fine's (credit.ts): 0.001 is no sum anyone was refunded, and pages show two places.
    if (amount !== null && Math.abs(amount * 100 - Math.round(amount * 100)) > 1e-6) throw new SmsguardError('invalid_request', `measures/${i}/amountYuan: at most two decimal places (yuan and fen)`, {}, `measures/${i}/amountYuan`);
    const rate = o.perSecond === undefined || o.perSecond === null || o.perSecond === '' ? null : Number(o.perSecond);
    if (rate !== null && (!Number.isFinite(rate) || rate <= 0 || rate > 100_000)) throw new SmsguardError('invalid_request', `measures/${i}/perSecond: a rate above 0 and at most 100000 messages a second`, {}, `measures/${i}/perSecond`, { id: 'measure_rate' });
    return { kind: o.kind, note: optText(o.note, `measures/${i}/note`, CASE_LIMITS.measureNote.max, 'text'), amountYuan: amount, perSecond: rate, templateId: optText(o.templateId, `measures/${i}/templateId`, CASE_LIMITS.templateId.max, 'line') };
  });
}

/** Carries out a measure where the gateway can, and records it either way. */
async function applyMeasure(ctx: AppContext, c: CaseRow, m: ParsedMeasure, actorId: string, now: number): Promise<void> {
  const cpId = c.contentProviderId!;
  const detail: Record<string, unknown> = { note: m.note };
  const gov = contentGovernanceOf(ctx);
  if (m.kind === 'opt_out') {
    await ctx.store.consents.optOut(cpId, c.msisdn, now, 'complaint', { caseId: c.id, reference: c.reference, rule: 'complaints.measure', article: GATEWAY_ARTICLES.complaints.en });
    ctx.events.emit('refusal', { contentProviderId: cpId, msisdns: [c.msisdn] });
    applied(detail, 'opted_out');
  } else if (m.kind === 'suspend') {
    await ctx.store.directory.setContentProviderStatus(cpId, 'suspended', now, actorId, `complaint ${c.reference}`);
    ctx.events.emit('refusal', { contentProviderId: cpId });
    applied(detail, 'suspended');
  } else if (m.kind === 'throttle') {
    const perSecond = m.perSecond ?? DEFAULT_THROTTLE_PER_SECOND;
    detail.perSecond = perSecond;
    if (gov) {
      // The same action book as early warning: enforced by `monitor.early-warning`, lifted by an operator.
      const a = await gov.placeAction(actorId, { contentProviderId: cpId, action: { kind: 'throttle', perSecond }, rule: `complaint:${c.id}`, figures: { perSecond } });
      detail.actionId = a.id;
      applied(detail, 'throttled');
    } else {
      applied(detail, 'throttle_not_enforced');
    }
  } else if (m.kind === 'block_template') {
    await blockTemplate(ctx, gov, c, m, actorId, detail);
  } else if (m.kind === 'refund') {
    detail.amountYuan = m.amountYuan;
    applied(detail, 'refund_recorded');
  } else {
    applied(detail, 'recorded');
  }
  const row: MeasureRow = { id: `msr_${ctx.ids.next('case').slice(5)}`, caseId: c.id, contentProviderId: cpId, kind: m.kind, at: now, actorId, detail };
  await ctx.store.cases.addMeasure(row);
  await ctx.store.cases.appendEvent(newEvent(ctx, c, 'measure', 'content-provider', actorId, now, null, null, m.kind, detail));
}

/**
 * The `block_template` measure: rejects the provider's approved template the complained-of message
 * used: the one named in the measure, else the one the template stage noted in the matched
 * message's decision trail, else the one its text matches now. Without content governance, or when
 * no approved template is found, the measure is recorded with what the user quoted.
 */
async function blockTemplate(ctx: AppContext, gov: ContentGovernance | null, c: CaseRow, m: ParsedMeasure, actorId: string, detail: Record<string, unknown>): Promise<void> {
  const cpId = c.contentProviderId!;
  const ev = c.evidence as { match?: { id?: string; text?: string }; verdicts?: { rule?: string; note?: string }[] };
  detail.template = m.note ?? c.messageText ?? ev.match?.text ?? null;
  if (!gov) {
    applied(detail, 'template_no_registry');
    return;
  }
  let id = m.templateId;
  let via: TemplateVia = 'measure';
  if (!id && c.matchedMessageId) {
    const note = (ev.verdicts ?? []).find((v) => v.rule === 'content.template' && /^template \S+$/.test(v.note ?? ''))?.note;
    if (note) { id = note.slice('template '.length); via = 'trail'; }
  }
  if (!id && c.matchedMessageId) {
    const msg = await ctx.store.messages.getMessage(c.matchedMessageId);
    const t = msg?.text !== undefined ? await gov.approvedTemplateFor(cpId, msg.text) : null;
    if (t) { id = t.id; via = 'text'; }
  }
  if (!id) {
    applied(detail, 'template_not_found');
    return;
  }
  detail.templateId = id;
  const blocked = await gov.blockTemplate(actorId, cpId, id, `blocked by complaint case ${c.reference} (${c.id})`);
  if (blocked) detail.templateVia = via;
  applied(detail, blocked ? 'template_blocked' : 'template_not_approved');
}

/**
 * What a measure did, on its detail: the code pages show in their language (`appliedCode`, its
 * parameters the detail's own keys) and the English sentence API clients read (`applied`).
 */
function applied(detail: Record<string, unknown>, code: MeasureResultCode): void {
  detail.appliedCode = code;
  detail.applied = measureResultText(code, detail);
}

/**
 * The answer to the user: one free SMS from the provider's service port, recorded like every
 * message. A case about the operator's own message is answered from the port that message came
 * from (the report port, for a receipt), on the operator's account, without a signature as the
 * receipt has none.
 */
async function sendAnswer(ctx: AppContext, c: CaseRow, now: number): Promise<string | null> {
  const cpId = c.contentProviderId!;
  let from: string | null;
  let sig = '';
  if (cpId === OPERATOR_ACCOUNT_ID) {
    const match = (c.evidence as { match?: { contentProviderId?: unknown; from?: unknown } | null }).match;
    from = match?.contentProviderId === OPERATOR_ACCOUNT_ID && typeof match.from === 'string' && match.from ? match.from : null;
  } else {
    // a port in use: a retired one (DELETE /v1/ports/{number}) sends nothing more on the provider's behalf
    const ports = (await ctx.store.directory.listPorts(cpId)).filter((p) => p.retiredAt == null);
    from = (ports.find((p) => p.kind === 'service') ?? ports[0])?.number ?? null;
    sig = (await ctx.store.directory.listSignatures(cpId)).find((s) => s.status === 'approved')?.signature ?? '';
  }
  if (!from) return null;
  const text = `${sig}您的投诉（编号${c.reference}）处理结果：${c.answerText}`;
  const id = ctx.ids.next('msg');
  await ctx.store.messages.recordSystemMessage({ id, contentProviderId: cpId, from, to: c.msisdn, text, type: 'notification', purpose: 'complaint_answer', at: now, charged: false });
  ctx.events.emit('outboxReady', { count: 1 });
  return id;
}

/**
 * Runs the evidence matching again (staff only; e.g. the centre learnt the sender, or records
 * arrived later), keeping the case's state. A case that named no provider takes the matched one.
 */
export async function rematchEvidence(ctx: AppContext, p: Principal, caseId: string, body: Record<string, unknown> = {}): Promise<CaseRow> {
  requireRoleIn(p, ROLES.rematchEvidence);
  const c = await loadVisible(ctx, p, caseId);
  if (FINAL_STATES.has(c.state)) throw new SmsguardError('conflict', `the case is ${c.state}`, {}, undefined, { id: 'evidence_case_final', params: { state: c.state } });
  const sender = optText(body.sender, 'sender', CASE_LIMITS.sender.max, 'line') ?? c.sender;
  if (sender && !/^\d{3,21}$/.test(sender) && !/^【[^【】]{1,16}】$/.test(sender)) throw new SmsguardError('invalid_request', 'sender: a port (digits) or a signature 【…】', {}, 'sender', { id: 'sender_shape' });
  const now = ctx.clock.now();
  const named = c.contentProviderId ?? (await providerForSender(ctx, sender));
  const ev = await matchEvidence(ctx, { msisdn: c.msisdn, sender, text: c.messageText, at: c.receivedMessageAt, contentProviderId: named, now });
  const patch: CasePatch = { evidence: ev as unknown as Record<string, unknown>, matchedMessageId: ev.match?.id ?? c.matchedMessageId };
  if (!c.contentProviderId) patch.contentProviderId = ev.match?.contentProviderId ?? named;
  const event = newEvent(ctx, c, 'evidence', actorOf(p), p.actorId, now, c.state, c.state, optText(body.reason, 'reason', CASE_LIMITS.reason.max, 'text'), { matchedMessageId: patch.matchedMessageId, contentProviderId: patch.contentProviderId ?? c.contentProviderId, sender });
  if (!(await ctx.store.cases.transition(c.id, c.state, patch, event, now))) throw new SmsguardError('conflict', 'the case changed meanwhile; reload it', {}, undefined, { id: 'case_changed' });
  return { ...c, ...patch, updatedAt: now } as CaseRow;
}

/** Deadline facts for pages and the API: due time, working days left (negative: overdue). */
export function deadlineInfo(c: CaseRow, now: number): { running: 'forward' | 'answer' | null; dueAt: number | null; workingDaysLeft: number | null; overdue: boolean; calendarCovered: boolean } {
  const running = owedDeadline(c);
  const dueAt = running === 'forward' ? c.forwardDueAt : running === 'answer' ? c.answerDueAt : null;
  if (dueAt === null) return { running, dueAt, workingDaysLeft: null, overdue: false, calendarCovered: true };
  // False when the deadline reaches a year the holiday data does not cover yet (Monday–Friday less the statutory holidays assumed).
  const calendarCovered = calendarCovers(c.createdAt, dueAt);
  const overdue = now >= dueAt;
  // Whole working days after today up to the due day (0: the deadline ends today).
  const left = overdue ? -workingDaysBetween(dueAt - 1, now) : workingDaysBetween(now, dueAt - 1);
  return { running, dueAt, workingDaysLeft: left, overdue, calendarCovered };
}
