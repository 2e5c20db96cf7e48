/**
 * What the system writes into a case's trail, as stable codes with parameters: the reasons of the
 * events it records (`filed via web`, a deadline passed…) and what a measure did (throttled at a rate,
 * a template rejected…). A record keeps the English sentence as before (an event's `reason`, a
 * measure's `detail.applied`: what API clients read) and, beside it, the code (`detail.reasonCode`,
 * `detail.appliedCode`); the parameters are the detail's own keys (`perSecond`, `actionId`,
 * `templateId`, `templateVia`). Pages show the code in their language (src/web/trail-text.ts) and
 * read records written before the codes existed back from the sentences here, so these sentences
 * never change: a new wording is a new code.
 */
import type { CaseSource } from './case.js';

/** Reasons the system writes on an event, by code. */
export const TRAIL_REASONS = {
  filed_via_web: 'filed via web',
  filed_via_api: 'filed via api',
  filed_via_sms: 'filed via sms',
  'filed_via_report-centre': 'filed via report-centre',
  answer_sent: 'answer sent to the user by SMS',
  receipt_sent: 'receipt sent to the user by SMS from the report port',
  forwarded_on_import: '12321 report forwarded on import',
  withdrawn_on_status_page: 'withdrawn by the complainant on the status page',
  forward_overdue: 'deadline passed: forward_overdue',
  answer_overdue: 'deadline passed: answer_overdue',
} as const satisfies Record<string, string>;
export type TrailReasonCode = keyof typeof TRAIL_REASONS;

export const filedReason = (source: CaseSource): TrailReasonCode => `filed_via_${source}`;

/** How `block_template` found the template it rejected (`detail.templateVia`). */
export const TEMPLATE_VIA = {
  measure: 'named in the measure',
  trail: 'noted by the template stage when the message was sent',
  text: 'matched by the message text',
} as const satisfies Record<string, string>;
export type TemplateVia = keyof typeof TEMPLATE_VIA;

/** What a measure did, by code; `{name}` is the detail's key of that name. */
export const MEASURE_RESULTS = {
  opted_out: "number opted out of the provider's commercial messages",
  suspended: 'content provider suspended',
  throttled: 'content provider throttled to {perSecond} messages a second until an operator lifts action {actionId}',
  throttle_not_enforced: 'recorded only: content governance is not installed, so nothing enforces a throttle',
  refund_recorded: 'recorded (smsguard does not bill)',
  recorded: 'recorded',
  template_no_registry: 'recorded only: content governance is not installed, so there is no template registry to block it in',
  template_not_found: 'recorded only: no approved template of the content provider matches the complained-of message',
  template_blocked: 'template {templateId} ({templateVia}) rejected: the content provider can no longer send it',
  template_not_approved: 'recorded only: {templateId} is not an approved template of the content provider',
} as const satisfies Record<string, string>;
export type MeasureResultCode = keyof typeof MEASURE_RESULTS;

export type NoteParams = Record<string, unknown>;

/** A measure result's English sentence with its parameters filled in (`templateVia` by its words). */
export function measureResultText(code: MeasureResultCode, params: NoteParams = {}): string {
  return MEASURE_RESULTS[code].replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    return k === 'templateVia' && isKey(TEMPLATE_VIA, v) ? TEMPLATE_VIA[v] : String(v ?? '');
  });
}

const isKey = <T extends object>(o: T, k: unknown): k is keyof T => typeof k === 'string' && Object.prototype.hasOwnProperty.call(o, k);
export const isTrailReasonCode = (x: unknown): x is TrailReasonCode => isKey(TRAIL_REASONS, x);
export const isMeasureResultCode = (x: unknown): x is MeasureResultCode => isKey(MEASURE_RESULTS, x);

const reRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const VIA_WORDS = new Map<string, string>(Object.entries(TEMPLATE_VIA).map(([k, v]) => [v, k]));
/** Each result's sentence as a pattern: its parameters captured, `templateVia` as one of its phrases. */
const RESULT_PATTERNS = (Object.keys(MEASURE_RESULTS) as MeasureResultCode[]).map((code) => {
  const names: string[] = [];
  const source = MEASURE_RESULTS[code].split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    if (!m) return reRegex(part);
    names.push(m[1]);
    return m[1] === 'templateVia' ? `(${[...VIA_WORDS.keys()].map(reRegex).join('|')})` : '(\\S+)';
  }).join('');
  return { code, names, re: new RegExp(`^${source}$`) };
});

/**
 * A measure's result as recorded: its code and parameters, from `detail.appliedCode` or, for a
 * record written before the codes, read back from `detail.applied`; null when neither is the
 * system's (the text is then shown as it is).
 */
export function measureResult(detail: NoteParams): { code: MeasureResultCode; params: NoteParams } | null {
  if (isMeasureResultCode(detail.appliedCode)) return { code: detail.appliedCode, params: detail };
  if (typeof detail.applied !== 'string') return null;
  for (const p of RESULT_PATTERNS) {
    const m = p.re.exec(detail.applied);
    if (!m) continue;
    const params: NoteParams = {};
    p.names.forEach((n, i) => { params[n] = n === 'templateVia' ? VIA_WORDS.get(m[i + 1]) : m[i + 1]; });
    return { code: p.code, params };
  }
  return null;
}

const REASON_BY_TEXT = new Map(Object.entries(TRAIL_REASONS).map(([k, v]) => [v as string, k as TrailReasonCode]));

/**
 * An event's reason as the system wrote it: `detail.reasonCode`, or for an older record the
 * sentence read back; null for a reason a person typed.
 */
export function trailReason(reason: string | null, detail: NoteParams): TrailReasonCode | null {
  if (isTrailReasonCode(detail.reasonCode)) return detail.reasonCode;
  return reason === null ? null : REASON_BY_TEXT.get(reason) ?? null;
}
