/**
 * The two doors of rule 10: a user's complaint (public web form, `POST /v1/complaints`, or an SMS to
 * the operator's report port) and the 12321 centre's reports (`POST /v1/reports`, JSON or JSONL,
 * each with the centre's own reference). Every case is matched against the records at intake.
 */
import { randomBytes } from 'node:crypto';
import { SmsguardError } from '../domain/errors.js';
import { normalizeMsisdnLenient } from '../domain/msisdn.js';
import { isOptOutKeyword } from '../domain/consent-reply.js';
import { OPERATOR_ACCOUNT_ID, caseReference, findTransition, type CaseActor, type CaseSource } from '../domain/case.js';
import { addWorkingDays } from '../domain/working-days.js';
import { filedReason, TRAIL_REASONS, type TrailReasonCode } from '../domain/case-notes.js';
import type { CaseEventRow, CaseRow } from '../ports/cases.js';
import type { AppContext } from './context.js';
import type { MoOutcome, Principal } from './types.js';
import type { MoHandler } from './receive-mo.js';
import { str, type TextShape } from './validate.js';
import type { Profile } from '../profiles/types.js';
import { matchEvidence, providerForSender } from './case-evidence.js';
import { actorOf, emitComplaint, hashAccessCode, newEvent, WORKFLOW_REF } from './case-workflow.js';
import { requireRoleIn, ROLES } from './access.js';

/** What a user or the centre tells us about one unwanted message. */
export interface ComplaintInput {
  msisdn: string;
  sender: string | null;
  text: string | null;
  receivedAt: number | null;
  request: string | null;
  screenshot: string | null;
  contentProviderId: string | null;
  externalRef: string | null;
}

/** A screenshot as the complaint form and the API take it: a base64 data URL of a PNG, JPEG or WebP image. */
export const SCREENSHOT = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/;
/** A screenshot is stored inline; 700 KB of base64 is a phone screenshot, not a file store. */
export const SCREENSHOT_MAX = 700_000;

/**
 * The bounds of a complaint's text fields, in characters: one table for the intake and the HTTP
 * schema's descriptions (src/http/routes/complaints.ts; not schema bounds, which would answer 400
 * before the per-address limit counts the request and answers 429).
 */
export const COMPLAINT_LIMITS = {
  msisdn: { min: 1, max: 32 },
  sender: { max: 40 },
  text: { max: 2000 },
  receivedAt: { max: 40 },
  screenshot: { max: SCREENSHOT_MAX },
  request: { max: 500 },
  contentProviderId: { max: 64 },
  /** A report's own reference (the report centre's bulk door). */
  reference: { max: 64 },
} as const;

/** `shape`: the message's text and the user's request are free text, the sender one line (src/app/validate.ts `plainText`). */
function opt(v: unknown, field: string, max: number, shape?: TextShape): string | null {
  if (v === undefined || v === null || v === '') return null;
  const s = str(v, field, { max, shape }).trim();
  return s || null;
}

/**
 * A JSONL line that did not parse: kept in its place among the items so the report at that index
 * fails with the line number and the parser's reason, and the lines around it are still filed.
 */
export class NotJsonLine {
  /** `line`: 1-based, counting blank lines too (as an editor numbers the file). */
  constructor(readonly line: number, readonly reason: string) {}
}

/** The fields of a user's complaint (`POST /v1/complaints`, the web form). */
const COMPLAINT_FIELDS: ReadonlySet<string> = new Set(['msisdn', 'sender', 'text', 'receivedAt', 'request', 'screenshot', 'contentProviderId']);
/** The fields of a 12321 report: a complaint's and the centre's own `reference` (`externalRef`, as a case shows it, is taken for it). */
const REPORT_FIELDS: ReadonlySet<string> = new Set([...COMPLAINT_FIELDS, 'reference', 'externalRef']);

/** The earliest `receivedAt` taken (2000-01-01 UTC), as for a consent's proof: an earlier one is a slip, and no record is that old. */
const MIN_RECEIVED_AT = Date.UTC(2000, 0, 1);
/** `2026-11-30T09:15`, with optional seconds and fraction, and an optional zone (`Z`, `+08:00`, `+0800`); a space for the T too. */
const RECEIVED_AT = /^(\d{4})-(\d\d)-(\d\d)[Tt ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])([01]\d|2[0-3]):?([0-5]\d))?$/;

/**
 * When the user received the message, as the complaint form and the API give it: a date and time with
 * its zone, or without one as Shanghai time (the form's datetime-local field has none). A day the
 * month lacks (`2026-02-30`, which `Date.parse` rolled into 2 March) and any other shape are refused,
 * as is a time before 2000 or more than a day ahead of the gateway's clock.
 */
export function parseReceivedAt(v: unknown, field: string, now: number): number {
  const s = str(v, field, COMPLAINT_LIMITS.receivedAt);
  const m = RECEIVED_AT.exec(s.trim());
  const bad = () => new SmsguardError('invalid_request', `${field}: a date and time (2026-11-30T09:15, Shanghai time, or with its offset, 2026-11-30T09:15:00+08:00) from 2000 on and not in the future`, {}, field);
  if (!m) throw bad();
  const [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
  const sec = m[6] ? +m[6] : 0;
  const ms = m[7] ? +m[7].padEnd(3, '0').slice(0, 3) : 0;
  if (mo < 1 || mo > 12 || d < 1 || new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) throw bad();
  const offsetMin = m[8] ? 0 : m[9] ? (m[9] === '-' ? -1 : 1) * (+m[10] * 60 + +m[11]) : 8 * 60;
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
  if (t < MIN_RECEIVED_AT || t > now + 86_400_000) throw bad();
  return t;
}

/** Validates one complaint or report body; `prefix` names its place in a batch (`reports/3`), and a body with one is a report. */
export function parseComplaint(body: unknown, now: number, prefix = '', profile?: Profile): ComplaintInput {
  const p = prefix ? `${prefix}/` : '';
  if (body instanceof NotJsonLine) throw new SmsguardError('invalid_request', `${prefix || 'body'}: line ${body.line} is not JSON: ${body.reason}`, {}, prefix || 'body', { id: 'report_not_json', params: { line: body.line, reason: body.reason } });
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SmsguardError('invalid_request', `${prefix || 'body'}: must be an object`, {}, prefix || 'body', { id: 'report_not_object' });
  const o = body as Record<string, unknown>;
  // A misspelt field is refused, not dropped: a 12321 report's `recievedAt` filed the case without the
  // time its evidence is matched around (the complaint route's schema refused it; the reports' did not).
  const known = prefix ? REPORT_FIELDS : COMPLAINT_FIELDS;
  const extra = Object.keys(o).find((k) => !known.has(k));
  if (extra !== undefined) throw new SmsguardError('invalid_request', `${p}${extra}: unknown field`, {}, `${p}${extra}`, prefix ? { id: 'report_field_unknown' } : undefined);
  const raw = str(o.msisdn, `${p}msisdn`, COMPLAINT_LIMITS.msisdn);
  const msisdn = normalizeMsisdnLenient(raw);
  // The rule with its article and profile, as every other door's invalid_msisdn (the pages say the article in their language).
  if (!msisdn) throw new SmsguardError('invalid_msisdn', `${p}msisdn: not a mainland mobile number`, { rule: 'recipient.msisdn', article: profile?.rules['recipient.msisdn']?.article, profile: profile?.id }, `${p}msisdn`);
  const sender = opt(o.sender, `${p}sender`, COMPLAINT_LIMITS.sender.max, 'line');
  if (sender && !/^\d{3,21}$/.test(sender) && !/^【[^【】]{1,16}】$/.test(sender)) {
    throw new SmsguardError('invalid_request', `${p}sender: a port (digits) or a signature 【…】`, {}, `${p}sender`, { id: 'sender_shape' });
  }
  const text = opt(o.text, `${p}text`, COMPLAINT_LIMITS.text.max, 'text');
  const receivedAt = o.receivedAt === undefined || o.receivedAt === null || o.receivedAt === '' ? null : parseReceivedAt(o.receivedAt, `${p}receivedAt`, now);
  const screenshot = opt(o.screenshot, `${p}screenshot`, COMPLAINT_LIMITS.screenshot.max);
  if (screenshot && !SCREENSHOT.test(screenshot)) throw new SmsguardError('invalid_request', `${p}screenshot: a data URL of a PNG, JPEG or WebP image`, {}, `${p}screenshot`);
  if (!sender && !text && !screenshot) throw new SmsguardError('invalid_request', `${p}text: say who sent it (sender), what it said (text), or attach a screenshot`, {}, `${p}text`);
  return {
    msisdn, sender, text, receivedAt, screenshot,
    request: opt(o.request, `${p}request`, COMPLAINT_LIMITS.request.max, 'text'),
    contentProviderId: opt(o.contentProviderId, `${p}contentProviderId`, COMPLAINT_LIMITS.contentProviderId.max),
    externalRef: opt(o.reference ?? o.externalRef, `${p}reference`, COMPLAINT_LIMITS.reference.max),
  };
}

export interface FiledCase {
  id: string;
  reference: string;
  state: string;
  /** Given only to the complainant, once: with the reference it opens the status page. */
  accessCode?: string;
  contentProviderId: string | null;
  matchedMessageId: string | null;
  forwardDueAt: string;
  answerDueAt: string;
  /** For centre reports: the centre's own reference. */
  externalRef?: string | null;
}

/** How {@link openCase} files a case beyond the defaults. */
export interface OpenCaseOptions {
  /** Where the input sits in the request, for error fields (`reports/3/`); empty for a single body. */
  fieldPrefix?: string;
  /**
   * Forward the case to its content provider as it is opened, when it names or matches a known one
   * (the 12321 centre's forwarding is the filing). Case, `created` and `forward` commit together.
   */
  forward?: { actor: CaseActor; reason: TrailReasonCode };
}

/**
 * Opens a case: evidence matched, deadlines set in PRC working days, `created` recorded. A named
 * content provider must exist: checked before anything is stored, so a refused input leaves no
 * case behind (a case naming an unknown provider could be neither seen by it nor forwarded).
 */
export async function openCase(ctx: AppContext, input: ComplaintInput, source: CaseSource, actorId: string, opts: OpenCaseOptions = {}): Promise<{ row: CaseRow; accessCode: string | null }> {
  const now = ctx.clock.now();
  if (input.contentProviderId && !(await ctx.store.directory.getContentProvider(input.contentProviderId))) {
    const field = `${opts.fieldPrefix ?? ''}contentProviderId`;
    throw new SmsguardError('invalid_request', `${field}: no content provider ${input.contentProviderId}; name a registered one or leave it out`, {}, field, { id: 'provider_unregistered', params: { id: input.contentProviderId } });
  }
  const named = input.contentProviderId ?? (await providerForSender(ctx, input.sender));
  const evidence = await matchEvidence(ctx, { msisdn: input.msisdn, sender: input.sender, text: input.text, at: input.receivedAt, contentProviderId: named, now });
  const cpId = evidence.match?.contentProviderId ?? named;
  const fwd = ctx.profile.params.complaintForwardWorkingDays.value;
  const ans = ctx.profile.params.complaintAnswerWorkingDays.value;
  const id = ctx.ids.next('case');
  const accessCode = source === 'report-centre' ? null : randomBytes(4).toString('hex');
  const row: CaseRow = {
    id, reference: caseReference(now, randomBytes(4).toString('hex')), externalRef: input.externalRef, source, state: 'received',
    msisdn: input.msisdn, sender: input.sender, contentProviderId: cpId, messageText: input.text, receivedMessageAt: input.receivedAt,
    request: input.request, screenshot: input.screenshot, matchedMessageId: evidence.match?.id ?? null,
    evidence: evidence as unknown as Record<string, unknown>, accessCodeHash: accessCode ? hashAccessCode(accessCode) : null,
    createdAt: now, forwardedAt: null, answeredAt: null, closedAt: null,
    forwardDueAt: addWorkingDays(now, fwd),
    // Provisional until forwarded: the latest the answer can be due if forwarding takes all its days.
    answerDueAt: addWorkingDays(addWorkingDays(now, fwd) - 1, ans),
    finding: null, answerText: null, answerMessageId: null, escalatedReason: null, updatedAt: now,
  };
  const actor = source === 'report-centre' ? 'report-centre' : 'complainant';
  const created = newEvent(ctx, row, 'created', actor, actorId, now, null, 'received', TRAIL_REASONS[filedReason(source)], { source, matchedMessageId: row.matchedMessageId, contentProviderId: cpId, reasonCode: filedReason(source) });
  const more: CaseEventRow[] = [];
  // A provider matched from the evidence may be no registered one (a message on the operator's own
  // account): such a case stays with the centre, who forwards it by hand, to the operator's own
  // handling or to the provider it names if the match was wrong (applyTransition).
  if (opts.forward && cpId && (cpId === named || (await ctx.store.directory.getContentProvider(cpId)))) {
    // The same row of the transition table applyTransition would use, applied before the insert.
    const t = findTransition('received', 'forward');
    if (!t || !t.by.includes(opts.forward.actor)) throw new SmsguardError('forbidden', `'forward' is for ${t?.by.join(', ') ?? 'nobody'}`, WORKFLOW_REF, undefined, { id: 'action_for_roles', params: { action: 'forward', roles: t?.by.join(',') ?? '' } });
    row.state = t.to;
    row.forwardedAt = now;
    row.answerDueAt = addWorkingDays(now, ans);
    more.push(newEvent(ctx, row, 'forward', opts.forward.actor, actorId, now, 'received', t.to, TRAIL_REASONS[opts.forward.reason], { contentProviderId: cpId, answerDueAt: row.answerDueAt, reasonCode: opts.forward.reason }));
  }
  // References are short enough to read out on the phone, so two can collide: draw again.
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.store.cases.createCase(row, created, more);
      break;
    } catch (e) {
      const refTaken = e instanceof SmsguardError && e.code === 'conflict' && attempt < 5 && !(input.externalRef && (await ctx.store.cases.getCaseByExternalRef(input.externalRef)));
      if (!refTaken) throw e;
      row.reference = caseReference(now, randomBytes(4).toString('hex'));
    }
  }
  emitComplaint(ctx, row, 'created', 'received', now);
  if (row.forwardedAt !== null) emitComplaint(ctx, row, 'forward', row.state, now);
  return { row, accessCode };
}

function filed(row: CaseRow, accessCode: string | null): FiledCase {
  const out: FiledCase = {
    id: row.id, reference: row.reference, state: row.state, contentProviderId: row.contentProviderId, matchedMessageId: row.matchedMessageId,
    forwardDueAt: new Date(row.forwardDueAt).toISOString(), answerDueAt: new Date(row.answerDueAt).toISOString(),
  };
  if (accessCode) out.accessCode = accessCode;
  if (row.externalRef) out.externalRef = row.externalRef;
  return out;
}

/** A user's complaint (web form or API; no login needed). */
export async function fileComplaint(ctx: AppContext, p: Principal, body: unknown, source: 'web' | 'api'): Promise<FiledCase> {
  const input = parseComplaint(body, ctx.clock.now(), '', ctx.profile);
  input.externalRef = null;
  const { row, accessCode } = await openCase(ctx, input, source, p.actorId);
  return filed(row, accessCode);
}

/**
 * One report's result: its case (`alreadyFiled` true when the centre's reference was filed before
 * with the same report, an import retried: nothing opened now), or why it opened none.
 */
export type ReportResult = ({ ok: true; alreadyFiled: boolean } & FiledCase) | { ok: false; reference: string | null; error: ReturnType<SmsguardError['toBody']> };

/** Who may file 12321 reports (the centre, or an admin): `forbidden` naming the roles otherwise. Pages that only lead to the import ask it too. */
export function requireReportFiler(p: Principal): void {
  requireRoleIn(p, ROLES.fileReports);
}

/**
 * The 12321 centre's reports, each with the centre's own reference. A report whose reference was
 * already filed returns that case again (imports can be retried). A report that names or matches a
 * content provider is forwarded to it at once (the centre's forwarding is the filing).
 * `onRefused`: each refused report's rejection as raised (the import page says it in its language
 * from the rejection's `why`, which the result's body leaves out).
 */
export async function fileReports(ctx: AppContext, p: Principal, items: readonly unknown[], onRefused?: (index: number, e: SmsguardError) => void): Promise<ReportResult[]> {
  requireReportFiler(p);
  if (items.length > 1000) throw new SmsguardError('invalid_request', 'reports: at most 1000 per request', {}, 'reports', { id: 'reports_too_many', params: { max: 1000 } });
  const out: ReportResult[] = [];
  for (let i = 0; i < items.length; i++) {
    const refGuess = items[i] && typeof items[i] === 'object' ? (items[i] as Record<string, unknown>).reference : null;
    try {
      const input = parseComplaint(items[i], ctx.clock.now(), `reports/${i}`, ctx.profile);
      if (!input.externalRef) throw new SmsguardError('invalid_request', `reports/${i}/reference: each report needs the centre's own reference`, {}, `reports/${i}/reference`, { id: 'report_reference_missing' });
      const existing = await ctx.store.cases.getCaseByExternalRef(input.externalRef);
      if (existing) {
        // The same report again is an import retried: its case. Another report under that reference
        // was answered with the first one's case, counted filed, and never opened: refused instead.
        if (!sameReport(existing, input)) {
          throw new SmsguardError('conflict', `reports/${i}/reference: the centre's reference ${input.externalRef} was already filed as case ${existing.reference} with another report (number, sender, text, time received, request or screenshot differ); give this report its own reference`, {}, `reports/${i}/reference`, { id: 'report_reference_taken', params: { reference: input.externalRef, case: existing.reference } });
        }
        out.push({ ok: true, alreadyFiled: true, ...filed(existing, null) });
        continue;
      }
      // Opened and forwarded in one store transaction: an item that fails leaves no case behind.
      const { row } = await openCase(ctx, input, 'report-centre', p.actorId, { fieldPrefix: `reports/${i}/`, forward: { actor: actorOf(p), reason: 'forwarded_on_import' } });
      out.push({ ok: true, alreadyFiled: false, ...filed(row, null) });
    } catch (e) {
      if (!(e instanceof SmsguardError)) throw e;
      out.push({ ok: false, reference: typeof refGuess === 'string' ? refGuess : null, error: e.toBody() });
      onRefused?.(i, e);
    }
  }
  return out;
}

/**
 * Whether a report is the one a case was opened from: what the user told the centre, as parsed (the
 * number normalised). A provider it names is left out: the case keeps the matched one, not the named.
 */
function sameReport(c: CaseRow, r: ComplaintInput): boolean {
  return c.msisdn === r.msisdn && c.sender === r.sender && c.messageText === r.text && c.receivedMessageAt === r.receivedAt
    && c.request === r.request && c.screenshot === r.screenshot;
}

/**
 * Splits a JSONL body into items, skipping blank lines; a line that is not JSON becomes a
 * {@link NotJsonLine}, which {@link parseComplaint} rejects naming the line and the reason.
 */
export function parseJsonl(text: string): unknown[] {
  const out: unknown[] = [];
  text.split(/\r?\n/).forEach((l, n) => {
    if (l.trim() === '') return;
    try { out.push(JSON.parse(l) as unknown); } catch (e) { out.push(new NotJsonLine(n + 1, (e as Error).message)); }
  });
  return out;
}

/**
 * `举报` + text, or a plain forward, to the report port. An optional port number right after `举报`
 * names the sender; a leading `【…】` in the forwarded text names it too.
 */
export function parseReportSms(text: string): { sender: string | null; text: string | null } {
  let t = text.normalize('NFKC').trim();
  t = t.replace(/^(举报|舉報|jb)\s*[:：,，]?\s*/i, '');
  let sender: string | null = null;
  const port = /^(1\d{4,20}|\d{5,21})(?=[\s:：,，【]|$)\s*[:：,，]?\s*/.exec(t);
  if (port) { sender = port[1]; t = t.slice(port[0].length); }
  const sig = /^【[^【】]{1,16}】/.exec(t);
  if (!sender && sig) sender = sig[0];
  return { sender, text: t.trim() || null };
}

/**
 * The receipt for an SMS report: the case reference (and the access code for the status page), from
 * the report port on the operator's account ({@link OPERATOR_ACCOUNT_ID}), never charged, recorded
 * like every message and noted on the case.
 */
async function sendReportReceipt(ctx: AppContext, c: CaseRow, accessCode: string | null, reportPort: string): Promise<void> {
  const now = ctx.clock.now();
  const id = ctx.ids.next('msg');
  const text = `您的举报已受理，案件编号${c.reference}${accessCode ? `，查询码${accessCode}` : ''}，处理结果将以短信告知。`;
  await ctx.store.messages.recordSystemMessage({ id, contentProviderId: OPERATOR_ACCOUNT_ID, from: reportPort, to: c.msisdn, text, type: 'notification', purpose: 'complaint_receipt', at: now, charged: false });
  ctx.events.emit('outboxReady', { count: 1 });
  await ctx.store.cases.appendEvent(newEvent(ctx, c, 'note', 'system', 'system', now, c.state, c.state, TRAIL_REASONS.receipt_sent, { messageId: id, from: reportPort, reasonCode: 'receipt_sent' }));
}

/** How long the same SMS report from the same number is taken as the one already filed. */
export const SMS_REPORT_REPEAT_MS = 24 * 3_600_000;

/**
 * The case an SMS report repeats: one opened by SMS from the same number in the last 24 hours with the
 * same sender and text as parsed (sent twice, a carrier's redelivery, an auto-reply), or null.
 */
async function sameSmsReport(ctx: AppContext, input: ComplaintInput, at: number): Promise<CaseRow | null> {
  const msisdn = normalizeMsisdnLenient(input.msisdn) ?? input.msisdn;
  const { cases } = await ctx.store.cases.listCases({ msisdn, from: at - SMS_REPORT_REPEAT_MS, limit: 50 });
  return cases.find((c) => c.source === 'sms' && c.sender === input.sender && c.messageText === input.text) ?? null;
}

/** The MO handler for the operator's report port: opens a case linked to the matching record and replies with its reference. */
export function reportPortHandler(reportPort: string): MoHandler {
  return async (ctx, mo): Promise<MoOutcome | null> => {
    if (mo.to !== reportPort) return null;
    const parsed = parseReportSms(mo.text);
    const { sender } = parsed;
    // A refusal keyword alone (T, TD, 退订…: many users answer every SMS so, the receipt included) reports
    // nothing: it opened a case with nothing in it, and sent another receipt.
    const text = !sender && parsed.text !== null && isOptOutKeyword(parsed.text, ctx.profile.params.optOutKeywords.value) ? null : parsed.text;
    const input: ComplaintInput = { msisdn: mo.from, sender, text, receivedAt: null, request: null, screenshot: null, contentProviderId: null, externalRef: null };
    let cpId: string | null = null;
    let action: MoOutcome['action'] = 'report';
    let opened: { row: CaseRow; accessCode: string | null } | null = null;
    const repeated = sender || text ? await sameSmsReport(ctx, input, mo.at) : null;
    if (repeated) {
      // Recorded against the first case: no second case (counted twice in the complaint rate) and no
      // second receipt (an auto-reply answering each receipt with the same words would never stop).
      cpId = repeated.contentProviderId;
    } else if (sender || text) {
      opened = await openCase(ctx, input, 'sms', 'sms');
      cpId = opened.row.contentProviderId;
    } else action = 'ignored';
    await ctx.store.records.recordMo({ id: mo.id, at: mo.at, from: mo.from, to: mo.to, text: mo.text, contentProviderId: cpId, action });
    if (opened) await sendReportReceipt(ctx, opened.row, opened.accessCode, reportPort);
    return cpId ? { id: mo.id, action, contentProviderId: cpId } : { id: mo.id, action };
  };
}
