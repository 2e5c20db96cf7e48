/**
 * The pages' rejections in words the person at the form can act on, in the page's language. The use
 * cases' messages are written for API clients (`msisdn: not a mainland mobile number`), in English
 * and naming JSON fields; someone filling in a form sees the field by its label instead, and what to
 * change. The code stays in the message, as on every page, so support can match it.
 *
 * One mechanism, three uses: the public complaint and status forms say what to type; the staff forms
 * (case actions, evidence, credit entries, annual report) name the form's own label with a short
 * explanation for that field and code, and then the use case's own reason (its `why`, from the table
 * of every id, else its message as it is); the 12321 import names each refused line's key with that
 * reason.
 */
import { SmsguardError, type RuleRef, type Why, type WhyId } from '../domain/errors.js';
import { colon, t, tkOr, type Lang, type TextKey } from './i18n.js';
import { articleText, isRuleId, ruleName } from './rule-labels.js';
import { codeLabel } from './code-labels.js';
import { ACCESS_OWN_DATA_RULE, ACCESS_ROLE_RULE } from '../app/access.js';

type Said = readonly [zh: string, en: string];

/** Every reason a use case gives (src/domain/errors.ts `WHY_IDS`), `{name}` its parameter. */
const WHY: Record<WhyId, Said> = {
  not_text: ['须为文字。', 'must be text.'],
  too_short: ['至少需要 {min} 个字。', 'needs at least {min} characters.'],
  too_long: ['不能超过 {max} 个字。', 'may have at most {max} characters.'],
  bad_pattern: ['格式不对。', 'is not in the form expected.'],
  not_storable: ['含有无法保存的字符（空字符或残缺的 Unicode 字符），请删去后再提交。', 'holds a character that cannot be stored (a NUL or a broken Unicode character): remove it and send again.'],
  control_char: ['含有控制字符 {char}（除制表符和换行外，控制字符不能填写；常见于从终端或其他程序复制的内容），请删去后再提交。', 'holds the control character {char} (no control character but tab and line breaks is taken; they come with text copied from a terminal or another program): remove it and send again.'],
  control_char_line: ['只能填写一行文字，不能含有换行、制表符等控制字符（此处有 {char}），请删去后再提交。', 'is one line and takes no line break, tab or other control character (it holds {char}): remove it and send again.'],
  body_not_utf8: ['提交的内容不是 UTF-8 编码（例如 GBK），中文会变成乱码：请以 UTF-8 编码提交。', 'what was sent is not UTF-8 (GBK, say), which garbles every Chinese character: send it as UTF-8.'],
  role_required: ['这项操作需要以下身份之一：{roles}。', 'This needs one of these roles: {roles}.'],
  sender_shape: ['发送号码只能是数字，签名须连同【】一起填写。', 'a sender is a port (digits) or a signature with its 【】 brackets.'],
  report_not_json: ['第 {line} 行不是有效的 JSON（{reason}）。', 'line {line} is not JSON ({reason}).'],
  report_not_object: ['每行须是一个 JSON 对象 {…}。', 'each line must be one JSON object {…}.'],
  report_field_unknown: ['举报没有这一项（可用的项：reference、msisdn、sender、text、receivedAt、request、screenshot、contentProviderId），请检查拼写。', 'a report has no such field (the fields are reference, msisdn, sender, text, receivedAt, request, screenshot, contentProviderId): check the spelling.'],
  // said after the key's label (importErrorText), which names the centre's reference already
  report_reference_missing: ['每条举报都须填写此项。', 'every report needs one.'],
  report_reference_taken: ['{reference} 已作为案件 {case} 受理过另一条举报（号码、发送方、内容、收到时间、诉求或截图不同）；请为这条举报另编一个编号。', '{reference} was already filed as case {case} with another report (number, sender, text, time received, request or screenshot differ): give this report its own reference.'],
  reports_too_many: ['一次最多导入 {max} 条举报，请分批导入。', 'at most {max} reports at a time: import them in parts.'],
  provider_unregistered: ['没有已登记的企业 {id}；请填写已登记的企业，或不填。', 'there is no registered provider {id}: name a registered one, or leave it out.'],
  case_not_found: ['没有案件 {id}，或本身份无权查看。', 'There is no case {id}, or this role may not see it.'],
  case_other_provider: ['案件 {id} 涉及的不是本企业。', 'Case {id} is not about this provider.'],
  case_final: ['案件{state}，不能再这样办理；现在可进行的操作：{allowed}。', 'The case is {state}, so this cannot be done; what can be done now: {allowed}.'],
  action_not_allowed: ['案件处于“{state}”状态，不能“{action}”；现在可进行的操作：{allowed}。', 'The case is {state}: “{action}” cannot be done now; what can be done now: {allowed}.'],
  action_for_roles: ['“{action}”只能由以下身份办理：{roles}。', '“{action}” is for: {roles}.'],
  action_field_misplaced: ['“{action}”不需要填写这一项，请清空后再提交。', '“{action}” does not take this: clear it and send again.'],
  action_unknown: ['没有这项操作。', 'There is no such action.'],
  case_already_forwarded: ['案件已经转交，由企业答复。', 'The case was already forwarded; the provider answers it.'],
  case_no_provider: ['案件还没有对应的企业，无法答复：请先重新匹配证据或转交给企业。', 'The case has no provider to answer for: match the evidence again or forward it first.'],
  case_changed: ['案件刚被其他人更改，请刷新页面后再办理。', 'The case changed meanwhile: reload it and try again.'],
  evidence_case_final: ['案件{state}，不能再重新匹配证据。', 'The case is {state}: its evidence cannot be matched again.'],
  state_unknown: ['请从列表中选择状态。', 'Choose a state from the list.'],
  cursor_invalid: ['翻页链接已失效，请从第一页重新打开。', 'The page link is out of date: open the first page again.'],
  forward_no_provider: ['案件没有可识别的企业，请选择要转交的企业。', 'the case names no known provider: choose the one to forward it to.'],
  forward_other_provider: ['本案件涉及的企业是 {id}（按记录匹配）：请直接转交，不要另选企业。', 'the case is about provider {id} (matched from the records): forward it without naming another.'],
  forward_operator_provider_unregistered: ['没有已登记的企业 {id}；请选择已登记的企业，或选“运营方自行处理”。', "there is no registered provider {id}: choose a registered one, or the operator's own handling."],
  answer_blank: ['答复内容不能为空。', 'the answer must not be blank.'],
  finding_unknown: ['核查结论须为“属实”“部分属实”或“不属实”。', 'the finding must be Confirmed, Partly confirmed or Unfounded.'],
  measures_too_many: ['最多选择 {max} 项措施。', 'at most {max} measures.'],
  measure_kind_unknown: ['没有这种措施。', 'there is no such measure.'],
  measure_operator_case: ['“{kind}”作用于企业的发送，而本案件涉及的是运营方自己的短信：请把运营方的做法记为“其他”（或“退还费用”）。', "“{kind}” acts on a provider's sending, and this case is about the operator's own message: record what the operator did as “Other” (or “Refund a charge”)."],
  measure_operator_only: ['“{kind}”作用于企业本身，只有运营方可以采取。', '“{kind}” acts on the provider itself: only the operator takes it.'],
  measure_amount: ['金额须为不小于 0 的数。', 'the amount must be a number of 0 or more.'],
  measure_param_misplaced: ['这一项只用于“{kind}”措施。', 'this applies to the “{kind}” measure only.'],
  measure_rate: ['速率须大于 0，且不超过每秒 100000 条。', 'the rate must be above 0 and at most 100000 messages a second.'],
  credit_kind_unknown: ['类别须为警告、罚款、约谈、责令改正或记录。', 'the kind must be a warning, a fine, a supervision talk, an order to correct or a note.'],
  fine_amount: ['罚款金额须大于 0。', 'a fine needs an amount above 0.'],
  amount_fen: ['罚款金额最多精确到分（小数点后两位），例如 12.5。', 'a fine is in yuan and fen: at most two decimal places, e.g. 12.5.'],
  amount_not_fine: ['只有罚款填写金额：请清空金额，或把类别选为罚款。', 'only a fine has an amount: clear the amount, or choose the kind Fine.'],
  talk_needs_notes: ['约谈须记录约谈情况。', 'a supervision talk needs notes.'],
  year_range: ['年份须在 {min} 至 {max} 之间。', 'the year must be from {min} to {max}.'],
  year_outside_dates: ['{year} 年不完全在本令牌可查看的日期范围内。', "{year} is not wholly inside this token's dates."],
  range_outside_dates: ['所选日期不在本令牌可查看的日期范围内。', "The dates asked for are outside this token's dates."],
  month_outside_dates: ['{month} 不完全在本令牌可查看的日期范围内。', "{month} is not wholly inside this token's dates."],
  provider_not_found: ['没有已登记的企业 {id}。', 'There is no registered provider {id}.'],
  provider_other_province: ['企业 {id} 不在本令牌所限的省份内。', "Provider {id} is outside this token's province."],
  operator_file_province: ['运营方不属于任何省份：限于一个省份的令牌可以查看运营方的信用档案，但不能新增或公示（不限省份的监管令牌可以）。', "The operator belongs to no province: a token limited to a province reads the operator's credit file but does not add to it or publish from it (a regulator token not limited to a province does)."],
  today_outside_dates: ['今天不在本令牌可查看的日期范围内：只能查看这些日期的记录，不能新建。', "Today is outside this token's dates: it reads those dates only and cannot create anything now."],
  entry_not_found: ['没有档案记录 {id}，或本身份无权查看。', 'There is no credit-file entry {id}, or this role may not see it.'],
  entry_published: ['该档案记录已经公示。', 'The entry is already published.'],
  entry_withdrawn: ['该档案记录已经撤回。', 'The entry is already withdrawn.'],
  entry_not_admins: ['运营方只能撤回系统自动记录的企业档案；监管部门录入的记录及关于运营方本身的记录须由监管部门撤回。', "The operator's admin withdraws only entries the gateway made about a provider; a regulator's entry, or one about the operator, is withdrawn by a regulator."],
  annual_own_only: ['企业只能查看本企业的年度检查报告。', 'A provider reads only its own annual report.'],
  provider_own_only: ['企业只能查看本企业的登记信息。', 'A provider reads only its own registration.'],
  provider_filter_own_only: ['企业只能查看本企业的数据：请填写本企业的编号，或不填。', 'A provider lists only its own data: give its own id, or leave it empty.'],
  provider_status_unknown: ['请从列表中选择状态（正常或已暂停）。', 'Choose a status from the list (active or suspended).'],
  signature_not_found: ['企业 {id} 没有签名 {signatureId}（可能已被撤销或页面已过期），请刷新页面。', 'Provider {id} has no signature {signatureId} (revoked meanwhile, or the page is out of date): reload the page.'],
  port_not_found: ['企业 {id} 没有端口 {number}（可能已停用或页面已过期），请刷新页面。', 'Provider {id} has no port {number} (retired meanwhile, or the page is out of date): reload the page.'],
  link_not_found: ['没有名为 {name} 的运营商链路（可能配置已更改或页面已过期），请刷新页面。', 'There is no carrier link named {name} (the configuration changed, or the page is out of date): reload the page.'],
  msisdn_not_mainland: ['不是中国大陆手机号码（应为 11 位，例如 13800138000）。', 'not a mainland China mobile number (11 digits, e.g. 13800138000).'],
  range_reversed: ['截止日期早于起始日期：请把较早的日期填在“起始日期”，较晚的填在“截止日期”。', 'the end day is before the start day: put the earlier day in “From” and the later one in “To”.'],
  reason_required: ['请填写理由。', 'a reason is required.'],
  filter_port_digits: ['端口只能填写数字（最多 21 位）。', 'a port is digits only (at most 21).'],
  filter_value_unknown: ['不是可选的值；可选：{values}。', 'not one of the values it takes: {values}.'],
  filter_value_meant: ['不是可选的值，是否想填 {meant}？可选：{values}。', 'not one of the values it takes (did you mean {meant}?): {values}.'],
  day_format: ['不是日历上的日期（例如 2026-11-30）。', 'not a day of the calendar (e.g. 2026-11-30).'],
  month_format: ['不是日历上的月份（例如 2026-11）。', 'not a month of the calendar (e.g. 2026-11).'],
  datetime_format: ['不是有效的日期和时间，请重新选择（例如 2026-11-30 12:00）。', 'is not a date and time: choose it again (e.g. 2026-11-30 12:00).'],
  field_required: ['此项必须填写。', 'must be filled in.'],
  template_not_found: ['没有模板 {id}（可能已被处理或页面已过期），请刷新页面。', 'There is no template {id} (decided meanwhile, or the page is out of date): reload the page.'],
  template_status_unknown: ['请从列表中选择状态（待审核、已通过或未通过）。', 'Choose a status from the list (pending, approved or rejected).'],
  action_not_in_force: ['没有正在执行的措施 {id}（可能已被解除），请刷新页面。', 'There is no action {id} in force (lifted meanwhile?): reload the page.'],
  held_not_found: ['没有暂扣的短信 {id}（可能已被放行、拒绝或已过期），请刷新页面。', 'There is no held message {id} (released, rejected or expired meanwhile): reload the page.'],
  not_opted_out: ['该号码没有退订该企业，或退订已被取消（例如刚才已提交过一次）：请查看下方的退订记录。', 'this number has no opt-out from this provider, or it was lifted already (e.g. the form was just sent once): see the history below.'],
  governance_off: ['本网关未启用内容治理（模板审核、预警措施），这里没有可显示或办理的内容。', 'Content governance (template review, early-warning actions) is not enabled on this gateway: there is nothing here to show or act on.'],
  baseline_not_found: ['预警监测尚无{scope} {key} 的基线（可能刚重启、还未统计到其发送），没有可重置的基线。', 'The early-warning monitor has no baseline for {scope} {key} yet (restarted, and none of its traffic counted since): there is nothing to reset.'],
  consent_not_found: ['没有同意记录 {id}（可能页面已过期），请重新查询该号码。', 'There is no consent {id} (the page may be out of date): search the number again.'],
  form_already_sent: ['这份表单已经提交过，但还没有得到上一次提交的结果（可能仍在办理，也可能中途中断）。为免重复办理，没有再次提交：请先核实是否已经办理（投诉请留意是否收到案件编号），确有需要，10 分钟后再重新提交。', 'This form was sent already and its first sending has not answered yet (it may still be in progress, or it was cut off). So that it is not done twice it was not sent again: check whether it was done (for a complaint: whether you got a case reference) before sending it again, after 10 minutes if need be.'],
};

/**
 * A parameter as a person reads it: roles, measures, case states and actions by their labels (the
 * action as its form's button says it), a list of actions (`allowed`) joined, or “none”; anything
 * else (ids, numbers) as given.
 */
function param(lang: Lang, name: string, v: string | number): string {
  const list = (prefix: string) => {
    const items = String(v).split(',').filter(Boolean).map((x) => tkOr(lang, `${prefix}${x}`) ?? x);
    return items.length ? items.join(lang === 'en' ? ', ' : '、') : lang === 'en' ? 'none' : '无';
  };
  if (name === 'roles') return list('ar_');
  if (name === 'allowed') return list('ac_');
  if (name === 'kind') return tkOr(lang, `ms_${v}`) ?? String(v);
  // In a sentence: `the case is closed` (the English labels are capitalised as they stand alone).
  if (name === 'state') return (tkOr(lang, `st_${v}`) ?? String(v)).toLowerCase();
  if (name === 'action') return tkOr(lang, `ac_${v}`) ?? String(v);
  if (name === 'scope') return tkOr(lang, `rvScope_${v}`) ?? String(v);
  // a JSONL line's parse error is the JSON parser's English (`Unexpected token b in JSON at position 1`):
  // on a Chinese page where in the line, or that it ends too soon
  if (name === 'reason' && lang === 'zh') return jsonReasonZh(String(v));
  return String(v);
}

function jsonReasonZh(reason: string): string {
  const at = /at position (\d+)/.exec(reason);
  if (at) return `第 ${Number(at[1]) + 1} 个字符处有误，请检查引号、逗号和括号`;
  if (/end of (JSON|data)/i.test(reason)) return '内容不完整，可能缺少结尾的 } 或引号';
  return '格式有误，请检查引号、逗号和括号';
}

/** The use case's reason in the page's language, or null when it gave none the table knows. */
export function whyText(lang: Lang, why: Why | undefined): string | null {
  // at least one character is a field left empty: said so, not as a count (`needs at least 1 characters`)
  if (why?.id === 'too_short' && Number(why.params?.min) === 1) return whyText(lang, { id: 'field_required' });
  const said = why && (WHY as Record<string, Said>)[why.id];
  if (!said) return null;
  return said[lang === 'en' ? 1 : 0].replace(/\{(\w+)\}/g, (m, k: string) => (why.params?.[k] === undefined ? m : param(lang, k, why.params[k])));
}

/** By field (the error's `field`), then by code when one field has more than one refusal. */
const BY_FIELD: Record<string, Said> = {
  msisdn: ['请填写收到短信的中国大陆手机号码（11 位，例如 13800138000）。', 'Give the mainland mobile number that received the message (11 digits, e.g. 13800138000).'],
  sender: ['发送号码只填数字（例如 10690002），签名请连同【】一起填写（例如 【示例】），也可以不填。', 'Give the sender port as digits (e.g. 10690002), or the signature with its 【】 brackets (e.g. 【示例】), or leave it empty.'],
  text: ['请至少填写发送号码或签名、短信内容，或附上截图中的一项。', 'Give at least one of: the sender, the message text, or a screenshot.'],
  receivedAt: ['收到时间无法识别、早于 2000 年或晚于现在，请检查日期和时间。', 'The time received is not a date and time, is before 2000 or is in the future: check it.'],
  request: ['诉求请不超过 500 字。', 'Keep what you want to 500 characters or fewer.'],
  screenshot: ['截图无法读取：请选择 PNG、JPEG 或 WebP 图片，500 KB 以内。', 'The screenshot could not be read: choose a PNG, JPEG or WebP image up to 500 KB.'],
};
/** The complaint form's fields by the label it shows them under. */
const PUBLIC_LABELS: Record<string, TextKey> = { msisdn: 'fMsisdn', sender: 'fSender', text: 'fText', receivedAt: 'fReceivedAt', request: 'fRequest', screenshot: 'fScreenshot', reference: 'fReference', accessCode: 'fAccessCode' };
/** Reasons about a character in what was typed, said after the field's label as they are. */
const CHARACTER_WHYS: ReadonlySet<WhyId> = new Set<WhyId>(['not_storable', 'control_char', 'control_char_line']);
const TEXT_TOO_LONG: Said = ['短信内容请不超过 2000 字。', 'Keep the message text to 2000 characters or fewer.'];
const STATUS_LOOKUP_SPENT: Said = ['案件编号或查询码错误次数过多，请 15 分钟后再查询。', 'Too many wrong references or access codes from this connection: try again in 15 minutes.'];
const BY_CODE: Record<string, Said> = {
  throttled: ['提交过于频繁，请稍等一分钟再提交。', 'Too many complaints from this connection: wait a minute and submit again.'],
  not_found: ['案件编号或查询码不正确，请核对投诉受理页上显示的编号和查询码。', 'The case reference or access code is wrong: check them against the receipt shown when you complained.'],
};

/**
 * The message for a rejection on the complaint or status page, with its code; `null` when the
 * rejection is not one a complainant can cause by what they typed (the page then shows the use case's own).
 */
export function publicErrorText(lang: Lang, e: SmsguardError): string | null {
  const i = lang === 'en' ? 1 : 0;
  // a character that is no one's words: the field by its label and what to remove, not the field's general advice
  const label = e.field !== undefined ? PUBLIC_LABELS[e.field] : undefined;
  if (label && e.why && CHARACTER_WHYS.has(e.why.id)) return `${t(lang, label)}${colon(lang)}${whyText(lang, e.why)} (${e.code})`;
  let said: Said | undefined;
  if (e.ref.rule === 'complaints.status-lookup') said = STATUS_LOOKUP_SPENT;
  else if (e.field === 'text' && e.why?.id === 'too_long') said = TEXT_TOO_LONG;
  else if (e.field !== undefined && e.field in BY_FIELD) said = BY_FIELD[e.field];
  else said = BY_CODE[e.code];
  return said ? `${said[i]} (${e.code})` : null;
}

/**
 * A form's field as a refusal names it: the label the form shows it under (none for a tick box, whose
 * label is a sentence), and what to change, by code.
 */
interface FieldWords {
  label?: TextKey;
  by: Readonly<Record<string, Said>>;
}

/** The field's label and the page's colon, to lead a refusal with; empty without one. */
const fieldLead = (lang: Lang, f: FieldWords | undefined): string => (f?.label ? `${t(lang, f.label)}${colon(lang)}` : '');

/** The records search's number, whichever way it is refused (not a number at all, or not a mainland one). */
const NUMBER_OR_EMPTY: Said = ['请填写中国大陆手机号码（例如 13800138000），或不填。', 'Give a mainland China mobile number (e.g. 13800138000), or leave it empty.'];
/** The records search's two days, each optional. */
const DAY_OR_EMPTY: Said = ['请选择日期（年-月-日），或不填。', 'Choose a day (year-month-day), or leave it empty.'];

/**
 * A staff form's field: the label the form shows it under, and what to change, by code. Keyed by the
 * error's `field` with list indexes dropped (`measures/0/kind` → `measures`).
 */
const STAFF_FIELDS: Record<string, FieldWords> = {
  amountYuan: { label: 'amount', by: { invalid_request: ['罚款须填写大于 0 的金额（元），不超过 1 亿元。', 'A fine needs an amount in yuan above 0 (at most 100 million).'] } },
  notes: { label: 'notes', by: { invalid_request: ['约谈须填写内部备注（约谈情况）。', 'A supervision talk needs notes on what was said.'] } },
  kind: { label: 'kind', by: { invalid_request: ['请从列表中选择类别。', 'Choose a kind from the list.'] } },
  publicSummary: { label: 'publicSummary', by: { invalid_request: ['公示内容填写有误，请检查（不得含个人信息）。', 'Check the public summary (no personal data).'] } },
  contentProviderId: { label: 'provider', by: { invalid_request: ['请从列表中选择已登记的企业。', 'Choose a registered provider from the list.'] } },
  text: { label: 'answerText', by: { invalid_request: ['请填写发给用户的答复内容（不超过 300 字）。', 'Write the answer to the user (up to 300 characters).'] } },
  finding: { label: 'finding', by: { invalid_request: ['请选择一项核查结论。', 'Choose a finding.'] } },
  measures: { label: 'measuresLegend', by: { invalid_request: ['所选措施不适用于本案件，请检查。', 'A measure chosen does not apply to this case: check them.'] } },
  // a blank reason where one is required (rejecting a held message) as well as a long one
  reason: { label: 'reason', by: { invalid_request: ['请填写理由，不超过 1000 字。', 'Give a reason of up to 1000 characters.'] } },
  sender: { label: 'sender', by: { invalid_request: ['发送号码只填数字（例如 10690002），签名请连同【】一起填写（例如 【示例】）。', 'Give the sender port as digits (e.g. 10690002), or the signature with its 【】 brackets (e.g. 【示例】).'] } },
  msisdn: { label: 'mlNumber', by: { invalid_request: ['请填写中国大陆手机号码（例如 13800138000）；不填号码时，请填写客户参考号并选择日期。', 'Give a mainland China mobile number (e.g. 13800138000); without one, your reference and a day.'] } },
  date: { label: 'mlDate', by: { invalid_request: ['请选择日期（年-月-日）。', 'Choose a day (year-month-day).'] } },
  // the records page (/web/records): its search form and the month to verify
  number: { label: 'recNumber', by: { invalid_request: NUMBER_OR_EMPTY, invalid_msisdn: NUMBER_OR_EMPTY } },
  port: { label: 'recPort', by: { invalid_request: ['端口号只填数字（例如 10690001），或不填。', 'Give the port as digits (e.g. 10690001), or leave it empty.'] } },
  rule: { label: 'recRule', by: { invalid_request: ['请从列表中选择规则。', 'Choose a rule from the list.'] } },
  type: { label: 'recType', by: { invalid_request: ['请填写列表中的类型、事件或操作，或不填。', 'Give a type, event or action of the list, or leave it empty.'] } },
  decision: { label: 'recDecision', by: { invalid_request: ['请从列表中选择判定。', 'Choose a decision from the list.'] } },
  from: { label: 'recFrom', by: { invalid_request: DAY_OR_EMPTY } },
  to: { label: 'recTo', by: { invalid_request: DAY_OR_EMPTY } },
  month: { label: 'recMonth', by: { invalid_request: ['请选择月份（年-月）。', 'Choose a month (year-month).'], forbidden: ['该月份不完全在本令牌可查看的日期范围内。', "The month is not wholly inside this token's dates."] } },
  year: { label: 'year', by: { invalid_request: ['请填写 2000 至 2200 年之间的年份。', 'Give a year from 2000 to 2200.'], forbidden: ['该年份不完全在本令牌可查看的日期范围内。', "The year is not wholly inside this token's dates."] } },
};

/**
 * Reasons that already say what to change in the field: shown after its label, without the field's
 * general words (a number not a mainland one says the form a number takes, with the same example the
 * field's words give: `请填写中国大陆手机号码（例如 13800138000）…原因：不是中国大陆手机号码（…例如 13800138000）` said it twice).
 */
const SAYS_WHAT_TO_CHANGE: ReadonlySet<WhyId> = new Set<WhyId>(['msisdn_not_mainland', 'provider_filter_own_only', 'range_reversed', 'reason_required', 'field_required', 'amount_not_fine', 'amount_fen', 'not_storable', 'control_char', 'control_char_line']);
/**
 * Fields whose general words are about something else than a length (a reason's limit differs by form:
 * 500 to revoke, 1000 to reject; notes are required only for a supervision talk): a length refused is
 * said by the reason alone, not after words that contradict it.
 */
const LENGTH_SAID_ALONE: ReadonlySet<string> = new Set(['reason', 'notes']);
const saysAlone = (key: string | undefined, why: Why | undefined): boolean =>
  !!why && (SAYS_WHAT_TO_CHANGE.has(why.id) || (key !== undefined && LENGTH_SAID_ALONE.has(key) && (why.id === 'too_long' || why.id === 'too_short')));

/** What any code means on a staff form, when the field has no words of its own for it. */
const STAFF_CODES: Record<string, Said> = {
  invalid_request: ['填写有误，请检查。', 'is not valid: check it.'],
  forbidden: ['本身份无权这样填写。', 'is not allowed for this role.'],
  not_found: ['所选项不存在。', 'names something that does not exist.'],
  conflict: ['与案件当前状态不符，请刷新后再试。', "does not fit the case's state now: reload and try again."],
};

/**
 * The message for a rejection on a staff form: the field's label with what to change, then the use
 * case's own reason (in the page's language where the table has its `why`, else its message as it
 * is), and the code. Without a field of the staff forms, the reason alone where the table has it;
 * `null` otherwise (the page then shows the use case's message).
 */
export function staffErrorText(lang: Lang, e: SmsguardError): string | null {
  const key = e.field?.replace(/\/\d+(\/.*)?$/, '');
  const f = key !== undefined ? STAFF_FIELDS[key] : undefined;
  const why = whyText(lang, e.why);
  const en = lang === 'en';
  const said = f && !saysAlone(key, e.why) && (f.by[e.code] ?? STAFF_CODES[e.code]);
  if (!f || !said) return why === null ? null : `${fieldLead(lang, f)}${why} (${e.code})`;
  return `${fieldLead(lang, f)}${said[en ? 1 : 0]}${en ? ' Reason: ' : '原因：'}${why ?? e.message} (${e.code})`;
}

/**
 * A 12321 report's keys by the labels the case page shows them under; the key itself follows in
 * brackets, as it is what the clerk corrects in the line.
 */
const IMPORT_LABELS: Readonly<Record<string, TextKey>> = {
  reference: 'impReference', msisdn: 'complainant', sender: 'sender', text: 'text', receivedAt: 'receivedAt', request: 'request',
  screenshot: 'impScreenshot', contentProviderId: 'provider',
};

/**
 * A refused 12321 report (or the whole import) on the import page: the line's key by its label with
 * the key as the line writes it (`投诉人号码（msisdn）：`), a key no report has as it was written (it
 * is what to correct), then why in the page's language: the use case's reason from the table, else
 * the complaint form's words for that key, else the message as it is; with the code.
 */
export function importErrorText(lang: Lang, e: SmsguardError): string {
  const key = (e.field ?? '').replace(/^reports(\/\d+)?\/?/, '');
  const field = BY_FIELD[key];
  const why = whyText(lang, e.why) ?? (field ? field[lang === 'en' ? 1 : 0] : e.message);
  const label = Object.hasOwn(IMPORT_LABELS, key) ? t(lang, IMPORT_LABELS[key]) : undefined;
  const named = !key ? '' : label === undefined ? key : lang === 'en' ? `${label} (${key})` : `${label}（${key}）`;
  return withRule(lang, e.ref, `${named ? `${named}${colon(lang)}` : ''}${why} (${e.code})`);
}

/**
 * Rules the API's body names (for a client to tell a refusal by role or ownership from a scope or a
 * workflow step) that the pages leave unsaid: the page's own sentence already says who may
 * (`role_required`, `provider_own_only`…), and the article is the deployment's division of duties,
 * nothing a person at the form could cite.
 */
const PAGE_SILENT_RULES: ReadonlySet<string> = new Set([ACCESS_ROLE_RULE, ACCESS_OWN_DATA_RULE]);

/**
 * Which rule refused, and under which article, as the API's body names them (`rule`, `article`): the
 * person at the form learns what to cite or ask about, and support can match it to the profile. The
 * rule by its label with the id in brackets (src/web/rule-labels.ts), the article as the profile
 * states it (on Chinese pages its Chinese, `ruleArticle`; the API's body keeps the English), and a
 * note where the profile marks that source unverified:
 * `依据：商业短信须经用户同意（commercial.consent）— 第十八条（用户同意或请求）` /
 * `Rule: commercial messages need the user's consent (commercial.consent) — Art. 18 (…)`.
 * An article that is not the profile's own for the rule (a use case's, e.g. `rule 10`) is shown as named.
 * Null for a rejection that names no rule (most bad input), so nothing is added there.
 */
export function ruleText(lang: Lang, ref: RuleRef | undefined): string | null {
  if (!ref?.rule || PAGE_SILENT_RULES.has(ref.rule)) return null;
  const en = lang === 'en';
  // A full-width bracket closes the Chinese label, so no space before the dash there.
  const dash = en || !isRuleId(ref.rule) ? ' — ' : '— ';
  const article = ref.article ? `${dash}${articleText(lang, ref)}` : '';
  return `${en ? 'Rule: ' : '依据：'}${ruleName(lang, ref.rule)}${article}`;
}

/** A page's words for a rejection followed by {@link ruleText}, when the rejection names a rule. */
export function withRule(lang: Lang, ref: RuleRef | undefined, said: string): string {
  const rule = ruleText(lang, ref);
  return rule === null ? said : `${said} ${rule}`;
}

/**
 * A query or path parameter of a page's address refused by the shared hook (src/http/storable-params.ts):
 * the parameter named, with the reason, for a link that was edited or pasted with a `%00` in it.
 */
export function addressErrorText(lang: Lang, e: SmsguardError): string | null {
  const why = whyText(lang, e.why);
  if (why === null || e.field === undefined) return null;
  // The parameter's name may itself hold the NUL or broken character: shown as �, never sent in the page.
  const name = e.field.replace(/[\0\uD800-\uDFFF]/gu, '\uFFFD');
  return lang === 'en' ? `The address's parameter “${name}” ${why} (${e.code})` : `地址中的参数“${name}”${why} (${e.code})`;
}

/**
 * The subscriber page's acts (src/web/pages/subscribers.ts), by the use case's field: the label the
 * form shows it under. A lift's `evidence/…` and a withdrawal's `proof/…` are the forms' evidence fields.
 */
const SUBSCRIBER_FIELDS: Record<string, TextKey> = {
  msisdn: 'sbNumber',
  contentProviderId: 'provider',
  reason: 'liftReason',
  evidence: 'liftTitle',
  'evidence/channel': 'liftChannel',
  'evidence/reference': 'liftReference',
  'evidence/capturedAt': 'liftCapturedAt',
  proof: 'withdrawTitle',
  'proof/channel': 'withdrawChannel',
  'proof/reference': 'withdrawReference',
  'proof/capturedAt': 'withdrawCapturedAt',
};

/**
 * A refusal on a page whose forms name their fields (the subscriber and charged-services pages): the
 * form's field by its label when the refusal names one, then the page's words for it (its own, or the
 * use case's reason from the table), the code, and the rule when one refused. The code's label leads
 * only where the page has no words of its own, before the use case's message as it is: elsewhere it
 * says what the words after it say (`发送端口不属于该企业：发送端口：该端口不属于…`,
 * `不是中国大陆手机号码：手机号码：…中国大陆手机号码`).
 */
function refusalLine(lang: Lang, e: SmsguardError, fieldLabel: string | undefined, words: string | null): string {
  const c = colon(lang);
  const lead = `${words === null ? `${codeLabel(lang, e.code) ?? e.code}${c}` : ''}${fieldLabel ? `${fieldLabel}${c}` : ''}`;
  return withRule(lang, e.ref, `${lead}${words ?? e.message} (${e.code})`);
}

/**
 * A refused lift or withdrawal on the subscriber page ({@link refusalLine}): the form's field by its
 * label, then the use case's reason in the page's language where the table has its `why`, else the
 * code's label and its message as it is (e.g. that the evidence predates the opt-out it lifts).
 */
export function subscriberErrorText(lang: Lang, e: SmsguardError): string {
  const key = e.field !== undefined ? SUBSCRIBER_FIELDS[e.field] : undefined;
  return refusalLine(lang, e, key ? t(lang, key) : undefined, whyText(lang, e.why));
}

/**
 * The charged-services pages' forms (src/web/pages/charged-services.ts), by the use case's field: the
 * label the form shows it under, and what to change, by code. The register form takes the tariff in
 * yuan; the use case's `tariff/amountFen` is that field.
 */
const CHARGED_FIELDS: Record<string, FieldWords> = {
  contentProviderId: { label: 'provider', by: {
    invalid_request: ['请从列表中选择企业。', 'Choose a provider from the list.'],
    not_found: ['没有这个已登记的企业，请从列表中选择。', 'There is no such registered provider: choose one from the list.'],
  } },
  name: { label: 'chName', by: { invalid_request: ['请填写业务名称（一行，不超过 40 字）。', 'Give the service a name (one line, up to 40 characters).'] } },
  port: { label: 'chPort', by: {
    invalid_request: ['端口号只填数字（例如 10690001）。', 'Give the port as digits (e.g. 10690001).'],
    unknown_port: ['该端口未登记或已停用，请填写该企业使用中的端口。', "The port is not registered, or is retired: give one of the provider's ports in use."],
    port_not_owned: ['该端口不属于所选企业，请填写该企业自己的端口。', "The port is another provider's: give one of this provider's own."],
  } },
  'tariff/amountFen': { label: 'chAmount', by: { invalid_request: ['请填写 0.01 至 10000 元之间的金额，最多精确到分（例如 2 或 0.1）。', 'Give an amount from 0.01 to 10,000 yuan, to the fen at most (e.g. 2 or 0.1).'] } },
  'tariff/per': { label: 'chMethod', by: { invalid_request: ['请选择包月或按条。', 'Choose monthly or per message.'] } },
  msisdn: { label: 'sbNumber', by: {
    invalid_msisdn: ['不是中国大陆手机号码，请刷新页面后再办理。', 'Not a mainland mobile number: reload the page and try again.'],
    not_found: ['该号码对此业务没有有效的订购（可能已经终止，例如刚才已提交过一次）：请查看下方的订购记录。', 'The number has no live subscription to this service (it was ended already, e.g. the form was just sent once): see the subscriptions below.'],
  } },
  // the tick box's label is a sentence (确认终止该号码的订购), no name to lead a refusal with: the words say which box
  confirm: { by: { invalid_request: ['请先勾选“确认终止”，再终止订购。', 'Tick the “Yes, end” box first, then end the subscription.'] } },
};

/** A refusal of the charged-services pages that names no field of theirs, by code. */
const CHARGED_CODES: Record<string, Said> = {
  forbidden: ['企业只能查看和办理本企业的收费业务。', 'A provider sees and acts on its own charged services only.'],
  not_found: ['没有这项收费业务，地址可能有误或已过期。', 'There is no such charged service: the address may be mistyped or out of date.'],
};

/**
 * The subscribe form's (a service's page; POST /v1/charged-services/{id}/subscriptions): its number is
 * typed, not the row's, so said as what to type; and the refusals of a notice, which name no field.
 */
const SUBSCRIBE_FIELDS: Record<string, FieldWords> = {
  msisdn: { label: 'chSubscribeNumber', by: {
    invalid_request: ['请填写要订购的中国大陆手机号码（例如 13800138000）。', 'Give the mainland mobile number to subscribe (e.g. 13800138000).'],
    invalid_msisdn: ['请填写中国大陆手机号码：11 位，以 1 开头（例如 13800138000），也可以带 +86。', 'Give a mainland mobile number: 11 digits starting with 1 (e.g. 13800138000), +86 allowed.'],
    charged_already_subscribed: ['该号码对此业务的订购仍然有效，无需再次发送通知：见下方的订购记录。', "The number's subscription to this service is live: no notice is needed; see the subscriptions below."],
  } },
};
const SUBSCRIBE_CODES: Record<string, Said> = {
  opted_out: ['该号码已向本企业退订，或在免打扰名单中：不能向其发送订购通知。', 'The number refused your messages (opted out), or is on the do-not-disturb list: no notice is sent to it.'],
  quiet_hours: ['订购通知和商业短信一样，只在允许发送的时段内发送：请在该时段内再发送。', 'A notice goes, as a commercial message does, only within the sending hours: send it again then.'],
  conflict: ['发给该号码的另一条询问（订购通知或同意请求）正在等待答复：答复或过期后才能再发送。', 'Another question to this number (a notice or a consent request) is awaiting its answer: send again once it is answered or has lapsed.'],
  sender_suspended: ['本企业已被暂停发送，不能发送订购通知。', 'Your sending is suspended: no notice can be sent.'],
  signature_missing: ['本企业没有已审核通过的签名，订购通知无法署名。', 'You have no approved signature to sign the notice with.'],
  unknown_port: ['该业务的发送端口已停用或未登记，请联系运营方。', "The service's port is retired or no longer registered: contact the operator."],
  port_not_owned: ['该业务的发送端口已不属于本企业，请联系运营方。', "The service's port is no longer yours: contact the operator."],
  message_too_long: ['业务名称过长，订购通知超出一条短信的长度，请联系运营方。', "The service's name makes the notice too long for one message: contact the operator."],
};

/**
 * A refusal on the charged-services pages ({@link refusalLine}): the form's field by its label, then
 * what to change (or the use case's own reason where it gives one the table knows: a character that
 * cannot be stored, a role, a form already sent). `form: 'subscribe'`: the subscribe form's words first.
 */
export function chargedErrorText(lang: Lang, e: SmsguardError, form?: 'subscribe'): string {
  const why = whyText(lang, e.why);
  const f = e.field !== undefined ? (form === 'subscribe' ? SUBSCRIBE_FIELDS[e.field] : undefined) ?? CHARGED_FIELDS[e.field] : undefined;
  const said = f ? f.by[e.code] : (form === 'subscribe' ? SUBSCRIBE_CODES[e.code] : undefined) ?? CHARGED_CODES[e.code];
  const whyWins = !said || (e.why && CHARACTER_WHYS.has(e.why.id)) || e.why?.id === 'role_required' || e.why?.id === 'form_already_sent';
  const words = why !== null && whyWins ? why : said ? said[lang === 'en' ? 1 : 0] : null;
  return refusalLine(lang, e, f?.label ? t(lang, f.label) : undefined, words);
}
