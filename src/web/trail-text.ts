/**
 * The case page's trails in the page's language: the reasons the system writes on events, what a
 * measure did (both by their codes, src/domain/case-notes.ts, read back from the English sentence for
 * records written before the codes), and the notes the compliance stages leave in a message's
 * decision trail (kept in the statutory records as the pipeline wrote them, so read by pattern).
 * Text a person typed, and anything no table knows, is shown as it is.
 */
import { measureResult, trailReason, type MeasureResultCode, type NoteParams, type TemplateVia, type TrailReasonCode } from '../domain/case-notes.js';
import type { Lang } from './i18n.js';

type Said = readonly [zh: string, en: string];
const said = (lang: Lang, s: Said) => s[lang === 'en' ? 1 : 0];
const fill = (text: string, params: NoteParams, value: (k: string, v: unknown) => string = (_k, v) => String(v ?? '')) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => value(k, params[k]));

const REASONS: Record<TrailReasonCode, Said> = {
  filed_via_web: ['通过网页投诉', 'filed on the web form'],
  filed_via_api: ['通过接口受理', 'filed through the API'],
  filed_via_sms: ['通过短信举报受理', 'filed by SMS report'],
  'filed_via_report-centre': ['由 12321 中心转来', 'filed by the 12321 centre'],
  answer_sent: ['答复已以短信发送给用户', 'answer sent to the user by SMS'],
  receipt_sent: ['受理回执已从举报端口以短信发送给用户', 'receipt sent to the user by SMS from the report port'],
  forwarded_on_import: ['12321 举报导入时一并转交', '12321 report forwarded on import'],
  withdrawn_on_status_page: ['投诉人在查询页撤回', 'withdrawn by the complainant on the status page'],
  forward_overdue: ['转交期限已过', 'deadline passed: not forwarded in time'],
  answer_overdue: ['答复期限已过', 'deadline passed: not answered in time'],
};

const RESULTS: Record<MeasureResultCode, Said> = {
  opted_out: ['该号码已退订该企业的商业短信', "number opted out of the provider's commercial messages"],
  suspended: ['已暂停企业发送', 'content provider suspended'],
  throttled: ['已限制企业发送速率为每秒 {perSecond} 条，直至运营方解除措施 {actionId}', 'content provider throttled to {perSecond} messages a second until an operator lifts action {actionId}'],
  throttle_not_enforced: ['仅记录：未启用内容治理，限速无法执行', 'recorded only: content governance is not installed, so nothing enforces a throttle'],
  refund_recorded: ['已记录（smsguard 不计费）', 'recorded (smsguard does not bill)'],
  recorded: ['已记录', 'recorded'],
  template_no_registry: ['仅记录：未启用内容治理，无模板库可屏蔽', 'recorded only: content governance is not installed, so there is no template registry to block it in'],
  template_not_found: ['仅记录：该企业没有与被投诉短信相符的已批准模板', 'recorded only: no approved template of the content provider matches the complained-of message'],
  template_blocked: ['模板 {templateId}（{templateVia}）已停用：企业不能再用它发送', 'template {templateId} ({templateVia}) rejected: the content provider can no longer send it'],
  template_not_approved: ['仅记录：{templateId} 不是该企业已批准的模板', 'recorded only: {templateId} is not an approved template of the content provider'],
};

const VIA: Record<TemplateVia, Said> = {
  measure: ['措施中指定', 'named in the measure'],
  trail: ['发送时由模板检查记下', 'noted by the template stage when the message was sent'],
  text: ['按被投诉短信的内容匹配', 'matched by the message text'],
};

/** An event's reason: the system's by its code, a person's as typed. */
export function trailReasonText(lang: Lang, reason: string | null, detail: NoteParams): string {
  const code = trailReason(reason, detail);
  return code ? said(lang, REASONS[code]) : reason ?? '';
}

/** What a measure did, from its code and parameters; a text no code matches as it is. */
export function measureResultLabel(lang: Lang, detail: NoteParams): string {
  const r = measureResult(detail);
  if (!r) return typeof detail.applied === 'string' ? detail.applied : '';
  return fill(said(lang, RESULTS[r.code]), r.params, (k, v) => (k === 'templateVia' && typeof v === 'string' && v in VIA ? said(lang, VIA[v as TemplateVia]) : String(v ?? '')));
}

const PERIOD: Record<string, Said> = { day: ['天', 'day'], week: ['周', 'week'], month: ['月', 'month'] };

/**
 * A decision-trail note as the stages write it (src/pipeline/stages, src/content/stages.ts, the
 * runner's `held:`), each with a label; ids, signatures and what no pattern knows stay as written.
 */
const NOTES: readonly [RegExp, Said | ((lang: Lang, m: RegExpExecArray) => string)][] = [
  [/^opted out of another signature only$/, ['用户仅退订了该企业的其他签名', 'opted out of another signature only']],
  [/^refusal method stated by sender$/, ['短信已写明退订方式', 'refusal method stated by sender']],
  [/^refusal notice appended$/, ['已附加退订提示', 'refusal notice appended']],
  [/^rule off in profile$/, ['规则版本未启用此规则', 'rule off in profile']],
  [/^port separation off$/, ['未启用端口分离', 'port separation off']],
  [/^templates off for this content provider$/, ['该企业未启用模板', 'templates off for this content provider']],
  [/^no approved template matched \(templates preferred\)$/, ['没有相符的已批准模板（该企业为"优先使用模板"）', 'no approved template matched (templates preferred)']],
  [/^score (\S+)$/, ['广告评分 {1}', 'score {1}']],
  [/^template (\S+)$/, ['模板 {1}', 'template {1}']],
  [/^(\d+)\/(\d+) per (day|week|month)$/, (lang, m) => (lang === 'en' ? m[0] : `每${said(lang, PERIOD[m[3]])} ${m[2]} 条中的第 ${m[1]} 条`)],
  [/^(.+) \(leading whitespace removed\)$/, ['{1}（已去除开头的空白）', '{1} (leading whitespace removed)']],
  [/^flagged: (.+)$/, ['已标记：{1}', 'flagged: {1}']],
  [/^content needs operator review: (.+)$/, ['内容需运营方审核：{1}', 'content needs operator review: {1}']],
  [/^early-warning hold (\S+): held for operator review \(released messages are sent, others rejected\)$/, ['预警暂扣 {1}：待运营方审核（放行的发送，其余拒绝）', 'early-warning hold {1}: held for operator review (released messages are sent, others rejected)']],
];

/** A decision-trail note in the page's language (`…; held: …` part by part). */
export function verdictNoteText(lang: Lang, note: string): string {
  const held = /^(?:(.*); )?held: (.*)$/s.exec(note);
  if (held) {
    const head = held[1] !== undefined ? `${verdictNoteText(lang, held[1])}${lang === 'en' ? '; ' : '；'}` : '';
    return `${head}${lang === 'en' ? 'held: ' : '暂扣：'}${verdictNoteText(lang, held[2])}`;
  }
  for (const [re, out] of NOTES) {
    const m = re.exec(note);
    if (!m) continue;
    return typeof out === 'function' ? out(lang, m) : fill(said(lang, out), Object.fromEntries(m.map((x, i) => [String(i), x])));
  }
  return note;
}
