/**
 * Complaint and report cases (rule 10): the states, the transition table and the measures a
 * provider can take. Pure data and functions; who may act and what gets recorded is decided here,
 * the use cases (src/app/case-workflow.ts) only apply it.
 */

/** received → forwarded → investigating → answered → closed, plus escalated and withdrawn. */
export const CASE_STATES = ['received', 'forwarded', 'investigating', 'answered', 'closed', 'escalated', 'withdrawn'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** Final states: nothing moves a case out of them. */
export const FINAL_STATES: ReadonlySet<CaseState> = new Set(['closed', 'withdrawn']);

/** Doors a case can come through. */
export type CaseSource = 'web' | 'api' | 'sms' | 'report-centre';

/** Who acts on a case. `system` is the deadline sweeper; `complainant` the user who filed it. */
export type CaseActor = 'report-centre' | 'content-provider' | 'admin' | 'regulator' | 'system' | 'complainant';

export type CaseAction = 'forward' | 'investigate' | 'answer' | 'close' | 'reopen' | 'escalate' | 'withdraw';

export interface Transition {
  action: CaseAction;
  from: readonly CaseState[];
  to: CaseState;
  /** Who may take it. */
  by: readonly CaseActor[];
  /** Why it exists, shown in docs/COMPLAINTS.md and on the case page. */
  note: string;
}

const OPEN: readonly CaseState[] = ['received', 'forwarded', 'investigating', 'escalated'];

/**
 * The transition table. Every change of state is one of these rows and is recorded with who took
 * it and why; anything else is refused with `conflict`.
 */
export const TRANSITIONS: readonly Transition[] = [
  { action: 'forward', from: ['received', 'escalated'], to: 'forwarded', by: ['report-centre', 'admin', 'regulator'], note: "hand the case to the content provider that sent the message, or to the operator's own handling when it was the operator's (centre: within 5 working days)" },
  // Not from escalated: its deadline has passed, so the sweeper would escalate it straight back; the provider answers.
  { action: 'investigate', from: ['forwarded'], to: 'investigating', by: ['content-provider', 'admin'], note: 'the provider acknowledges and verifies' },
  { action: 'answer', from: ['forwarded', 'investigating', 'escalated'], to: 'answered', by: ['content-provider', 'admin'], note: 'the provider answers the user (by SMS) with its finding and measures (within 15 working days)' },
  { action: 'close', from: ['answered'], to: 'closed', by: ['report-centre', 'admin', 'regulator'], note: 'the answer is accepted; a confirmed complaint enters the credit file' },
  { action: 'reopen', from: ['answered'], to: 'investigating', by: ['report-centre', 'admin', 'regulator'], note: 'the answer is insufficient; the provider must look again (the answer deadline stands; the answer\'s finding no longer does)' },
  { action: 'escalate', from: ['received', 'forwarded', 'investigating'], to: 'escalated', by: ['system', 'report-centre', 'regulator', 'admin'], note: 'a deadline passed (system) or the centre or regulator takes the case up' },
  { action: 'withdraw', from: OPEN, to: 'withdrawn', by: ['complainant', 'report-centre', 'admin'], note: 'the user withdraws the complaint' },
];

/** The row for `action` from `state`, or null when the table has none. */
export function findTransition(state: CaseState, action: CaseAction): Transition | null {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(state)) ?? null;
}

/**
 * Who may take `action`, whatever the case's state: each action is one row of the table, so this is
 * known from the action alone, before the case is read or the rest of a request looked at.
 */
export function actionActors(action: CaseAction): readonly CaseActor[] {
  return TRANSITIONS.find((t) => t.action === action)!.by;
}

/** Actions an actor may take from a state, in table order (drives the buttons on the case page). */
export function allowedActions(state: CaseState, actor: CaseActor): CaseAction[] {
  return TRANSITIONS.filter((t) => t.from.includes(state) && t.by.includes(actor)).map((t) => t.action);
}

/**
 * Actions an actor may take on this case now: the table's for its state, less a forward once it was
 * forwarded (an escalated case is forwarded only if it never was). Drives the case's `allowedActions`,
 * its page's forms and what a refused action is told it may do instead.
 */
export function caseActions(c: { state: CaseState; forwardedAt: number | null }, actor: CaseActor): CaseAction[] {
  return allowedActions(c.state, actor).filter((a) => !(a === 'forward' && c.forwardedAt !== null));
}

export function isCaseState(x: unknown): x is CaseState {
  return typeof x === 'string' && (CASE_STATES as readonly string[]).includes(x);
}

export function isCaseAction(x: unknown): x is CaseAction {
  return typeof x === 'string' && TRANSITIONS.some((t) => t.action === x);
}

/** What the provider found. `confirmed` complaints count against it and enter its credit file. */
export type Finding = 'confirmed' | 'unfounded' | 'partly_confirmed';
export const FINDINGS: readonly Finding[] = ['confirmed', 'partly_confirmed', 'unfounded'];

/**
 * Measures the provider (or the operator on its behalf) can take and record. Opt-out and suspend act
 * on the gateway at once; throttle and block_template act through content governance when it is
 * installed (else they are recorded); refund and other are recorded (smsguard does not bill).
 */
export const MEASURES = ['opt_out', 'block_template', 'throttle', 'suspend', 'refund', 'other'] as const;
export type MeasureKind = (typeof MEASURES)[number];
/** Measures only the operator (admin) may take: they act on the content provider itself. */
export const OPERATOR_MEASURES: ReadonlySet<MeasureKind> = new Set(['throttle', 'suspend']);

export function isMeasure(x: unknown): x is MeasureKind {
  return typeof x === 'string' && (MEASURES as readonly string[]).includes(x);
}

/** Which deadline is running in a state (null: none). */
export function runningDeadline(state: CaseState): 'forward' | 'answer' | null {
  if (state === 'received') return 'forward';
  if (state === 'forwarded' || state === 'investigating') return 'answer';
  return null;
}

/**
 * The deadline a case still owes, shown on the case (API and pages): the running one, and in
 * `escalated` the one it was escalated with or before: the forward when it was never forwarded,
 * else the answer. An escalated case stays the centre's to forward or the provider's to answer
 * (the table allows both), so its deadline is not gone; it has passed or still runs. The sweeper
 * escalates on `runningDeadline` only (an escalated case is not escalated again); once the owed
 * deadline passes, it enters it in the credit file (`escalatedOverdueReason`).
 */
export function owedDeadline(c: { state: CaseState; forwardedAt: number | null }): 'forward' | 'answer' | null {
  if (c.state === 'escalated') return c.forwardedAt === null ? 'forward' : 'answer';
  return runningDeadline(c.state);
}

/**
 * Whether an answer given at `at` (or none yet, null) missed the answer deadline. An answer given in
 * time stays in time: a case the centre reopens after the deadline was still answered within it.
 */
export function answerMissed(c: { answerDueAt: number; answeredAt: number | null }, at: number): boolean {
  if (c.answeredAt !== null && c.answeredAt < c.answerDueAt) return false;
  return at >= c.answerDueAt;
}

/** Why the sweeper escalates a case at `now`, or null when it is on time. */
export function overdueReason(c: { state: CaseState; forwardDueAt: number; answerDueAt: number }, now: number): 'forward_overdue' | 'answer_overdue' | null {
  const d = runningDeadline(c.state);
  if (d === 'forward' && now >= c.forwardDueAt) return 'forward_overdue';
  if (d === 'answer' && now >= c.answerDueAt) return 'answer_overdue';
  return null;
}

/**
 * The deadline an escalated case owes and has missed at `now`, which the sweeper enters in a credit
 * file (it does not escalate such a case again): the forward when it was never forwarded, else the
 * answer, unless it was answered within it (a case reopened after an answer in time) or names no one
 * to answer for it. Null when nothing is owed and missed. The store's `escalatedOverdue` selects the
 * same cases (those whose entry is not in a file yet).
 */
export function escalatedOverdueReason(
  c: { state: CaseState; contentProviderId: string | null; forwardedAt: number | null; forwardDueAt: number; answerDueAt: number; answeredAt: number | null },
  now: number,
): 'forward_overdue' | 'answer_overdue' | null {
  if (c.state !== 'escalated') return null;
  if (c.forwardedAt === null) return now >= c.forwardDueAt ? 'forward_overdue' : null;
  return c.contentProviderId !== null && answerMissed(c, now) ? 'answer_overdue' : null;
}

/**
 * The dedup key of a case's missed-deadline credit entry: one entry per case and deadline, whoever
 * wrote it (the sweeper escalating or revisiting the case, a late forward or answer). The store's
 * `escalatedOverdue` looks entries up by these keys; they never change (entries written under them
 * are in files already).
 */
export function overdueEntryKey(caseId: string, reason: 'forward_overdue' | 'answer_overdue'): string {
  return reason === 'forward_overdue' ? `case:${caseId}:forward-overdue` : `case:${caseId}:overdue`;
}

/** A complaint counts toward the complaint rate unless withdrawn or found unfounded. */
export function countsAsComplaint(c: { state: CaseState; finding: Finding | null }): boolean {
  return c.state !== 'withdrawn' && c.finding !== 'unfounded';
}

/** `YYYY-MM` of an instant in Asia/Shanghai (months for rates and reports are Shanghai months). */
export function shanghaiMonth(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** Start (inclusive) and end (exclusive) of a Shanghai month `YYYY-MM`, as epoch ms. */
export function monthBounds(month: string): { from: number; to: number } {
  const [y, m] = month.split('-').map(Number);
  const from = Date.UTC(y, m - 1, 1) - 8 * 3_600_000;
  const to = Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1) - 8 * 3_600_000;
  return { from, to };
}

/** Public references: `C` + Shanghai date + 8 hex characters, easy to read out on the phone. */
export function caseReference(at: number, rand: string): string {
  return `C${new Date(at + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '')}${rand.toUpperCase().slice(0, 8)}`;
}

/** Masks a mobile number for anything public or logged: `138****8000`. */
export function maskMsisdn(msisdn: string): string {
  const d = msisdn.replace(/\D/g, '').slice(-11);
  return d.length === 11 ? `${d.slice(0, 3)}****${d.slice(7)}` : '****';
}

/** Removes personal data (mobile numbers) from free text that will be published. */
export function scrubPersonalData(text: string): string {
  return text.replace(/(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}/g, (m) => maskMsisdn(m));
}

/**
 * The account the operator's own messages are recorded under (the receipt for an SMS report, sent
 * from the report port): a reserved content-provider id no registered provider can have (their ids
 * are generated as `cp_…`), never charged. The same id names the operator's credit file.
 */
export const OPERATOR_ACCOUNT_ID = 'operator';
