/**
 * The public pages' rejections in words a complainant can act on, in the page's language. The use
 * cases' messages are written for API clients (`msisdn: not a mainland mobile number`), in English
 * and naming JSON fields; someone filling in the complaint form sees the field by its label instead,
 * and what to change. The code stays in the message, as on every page, so support can match it.
 */
import { SmsguardError } from '../domain/errors.js';
import type { Lang } from './i18n.js';

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
