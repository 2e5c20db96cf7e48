/**
 * The pages' rejections in words the person at the form can act on, in the page's language. The use
 * cases' messages are written for API clients (`msisdn: not a mainland mobile number`), in English
 * and naming JSON fields; someone filling in a form sees the field by its label instead, and what to
 * change. The code stays in the message, as on every page, so support can match it.
 *
 * Two tables, one mechanism: the public complaint and status forms say what to type; the staff forms
 * (case actions, evidence, credit entries, annual report) name the form's own label with a short
 * explanation for that field and code.
 */
import { SmsguardError } from '../domain/errors.js';
import { t, type Lang, type TextKey } from './i18n.js';

type Said = readonly [zh: string, en: string];

/** By field (the error's `field`), then by code when one field has more than one refusal. */
const BY_FIELD: Record<string, Said> = {
  msisdn: ['请填写收到短信的中国大陆手机号码（11 位，例如 13800138000）。', 'Give the mainland mobile number that received the message (11 digits, e.g. 13800138000).'],
  sender: ['发送号码只填数字（例如 10690002），签名请连同【】一起填写（例如 【示例】），也可以不填。', 'Give the sender port as digits (e.g. 10690002), or the signature with its 【】 brackets (e.g. 【示例】), or leave it empty.'],
  text: ['请至少填写发送号码或签名、短信内容，或附上截图中的一项。', 'Give at least one of: the sender, the message text, or a screenshot.'],
  receivedAt: ['收到时间无法识别或晚于现在，请检查日期和时间。', 'The time received is not a date and time, or is in the future: check it.'],
  request: ['诉求请不超过 500 字。', 'Keep what you want to 500 characters or fewer.'],
  screenshot: ['截图无法读取：请选择 PNG、JPEG 或 WebP 图片，500 KB 以内。', 'The screenshot could not be read: choose a PNG, JPEG or WebP image up to 500 KB.'],
};
const TEXT_TOO_LONG: Said = ['短信内容请不超过 2000 字。', 'Keep the message text to 2000 characters or fewer.'];
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
  let said: Said | undefined;
  if (e.field === 'text' && e.code === 'invalid_request' && /at most|too long|characters/i.test(e.message)) said = TEXT_TOO_LONG;
  else if (e.field !== undefined && e.field in BY_FIELD) said = BY_FIELD[e.field];
  else said = BY_CODE[e.code];
  return said ? `${said[i]} (${e.code})` : null;
}

/**
 * A staff form's field: the label the form shows it under, and what to change, by code (`*` for any
 * code without its own). Keyed by the error's `field` with list indexes dropped (`measures/0/kind` → `measures`).
 */
const STAFF_FIELDS: Record<string, { label: TextKey; by: Record<string, Said> }> = {
  amountYuan: { label: 'amount', by: { invalid_request: ['罚款须填写大于 0 的金额（元），不超过 1 亿元。', 'A fine needs an amount in yuan above 0 (at most 100 million).'] } },
  notes: { label: 'notes', by: { invalid_request: ['约谈须填写内部备注（约谈情况）。', 'A supervision talk needs notes on what was said.'] } },
  kind: { label: 'kind', by: { invalid_request: ['请从列表中选择类别。', 'Choose a kind from the list.'] } },
  publicSummary: { label: 'publicSummary', by: { invalid_request: ['公示内容填写有误，请检查（不得含个人信息）。', 'Check the public summary (no personal data).'] } },
  contentProviderId: { label: 'provider', by: { invalid_request: ['请从列表中选择已登记的企业。', 'Choose a registered provider from the list.'] } },
  text: { label: 'answerText', by: { invalid_request: ['请填写发给用户的答复内容（不超过 300 字）。', 'Write the answer to the user (up to 300 characters).'] } },
  finding: { label: 'finding', by: { invalid_request: ['请选择一项核查结论。', 'Choose a finding.'] } },
  measures: { label: 'measuresLegend', by: { invalid_request: ['所选措施不适用于本案件，请检查。', 'A measure chosen does not apply to this case: check them.'] } },
  reason: { label: 'reason', by: { invalid_request: ['理由请不超过 1000 字。', 'Keep the reason to 1000 characters or fewer.'] } },
  sender: { label: 'sender', by: { invalid_request: ['发送号码只填数字（例如 10690002），签名请连同【】一起填写（例如 【示例】）。', 'Give the sender port as digits (e.g. 10690002), or the signature with its 【】 brackets (e.g. 【示例】).'] } },
  year: { label: 'year', by: { invalid_request: ['请填写 2000 至 2200 年之间的年份。', 'Give a year from 2000 to 2200.'], forbidden: ['该年份不完全在本令牌可查看的日期范围内。', "The year is not wholly inside this token's dates."] } },
};

/** What any code means on a staff form, when the field has no words of its own for it. */
const STAFF_CODES: Record<string, Said> = {
  invalid_request: ['填写有误，请检查。', 'is not valid: check it.'],
  forbidden: ['本身份无权这样填写。', 'is not allowed for this role.'],
  not_found: ['所选项不存在。', 'names something that does not exist.'],
  conflict: ['与案件当前状态不符，请刷新后再试。', "does not fit the case's state now: reload and try again."],
};

/**
 * The message for a rejection on a staff form, by the field's label with what to change and the code;
 * `null` when the rejection names no field the staff forms have (the page then shows the use case's own).
 */
export function staffErrorText(lang: Lang, e: SmsguardError): string | null {
  const key = e.field?.replace(/\/\d+(\/.*)?$/, '');
  const f = key !== undefined ? STAFF_FIELDS[key] : undefined;
  if (!f) return null;
  const said = f.by[e.code] ?? STAFF_CODES[e.code];
  if (!said) return null;
  const i = lang === 'en' ? 1 : 0;
  return `${t(lang, f.label)}${lang === 'en' ? ': ' : '：'}${said[i]} (${e.code})`;
}
