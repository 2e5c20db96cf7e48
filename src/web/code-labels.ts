/**
 * Every error code (src/domain/errors.ts) as a short label in the page's language, for where a page
 * shows a code a person has to read: a failed rule on the case page's decision trail (whose stored
 * message is the pipeline's English, kept beside the label) and the rejections of the annual report.
 * Exhaustive: a new code fails the type check until it has its label here, as it does in the HTTP
 * and SMPP maps.
 */
import type { ErrorCode } from '../domain/errors.js';
import type { Lang } from './i18n.js';

type Said = readonly [zh: string, en: string];

const LABELS: Readonly<Record<ErrorCode, Said>> = {
  invalid_request: ['请求格式有误', 'request not valid'],
  unauthorized: ['未登录或令牌无效', 'not signed in'],
  forbidden: ['本身份无权操作', 'not allowed for this role'],
  not_found: ['不存在', 'not found'],
  method_not_allowed: ['该地址不接受此请求方法', 'this address does not take that method'],
  conflict: ['与当前状态不符', "does not fit the current state"],
  idempotency_key_reused: ['幂等键已用于另一请求', 'idempotency key used for another request'],
  idempotency_key_in_flight: ['同一幂等键的请求正在处理', 'a request with this idempotency key is in progress'],
  unknown_port: ['发送端口未登记', 'sending port not registered'],
  port_not_owned: ['发送端口不属于该企业', "sending port not the provider's"],
  invalid_msisdn: ['不是中国大陆手机号码', 'not a mainland mobile number'],
  invalid_credit_code: ['统一社会信用代码无效', 'credit code not valid'],
  sender_suspended: ['企业已被暂停发送', 'provider suspended'],
  signature_missing: ['缺少签名', 'signature missing'],
  signature_unregistered: ['签名未登记', 'signature not registered'],
  signature_multiple: ['含多个签名', 'more than one signature'],
  port_kind_mismatch: ['端口类型与短信类别不符', 'port type does not fit the message class'],
  commercial_content_in_non_commercial: ['非商业短信含商业推广内容', 'advertising in a non-commercial message'],
  prohibited_content: ['含禁止发送的内容', 'prohibited content'],
  template_mismatch: ['与已批准的模板不符', 'does not match an approved template'],
  held_for_review: ['暂扣，待运营方审核', "held for the operator's review"],
  message_too_long: ['短信过长', 'message too long'],
  frequency_exceeded: ['超过发送频次限制', 'sending frequency exceeded'],
  duplicate_content: ['短时间内向同一号码重复发送相同内容', 'the same text to the same number again too soon'],
  throttled: ['发送过于频繁，已限速', 'throttled'],
  consent_missing: ['没有用户的同意', 'no consent'],
  consent_expired: ['用户的同意已过期', 'consent expired'],
  consent_frequency_exceeded: ['超过用户同意的发送频次', 'more often than the consent allows'],
  consent_proof_required: ['缺少同意凭证', 'consent proof required'],
  consent_request_incomplete: ['征询同意的短信内容不完整', 'consent request incomplete'],
  charge_not_confirmed: ['用户未确认订购该收费业务', 'charge not confirmed'],
  charged_already_subscribed: ['该号码已订购此收费业务', 'number already subscribed to the charged service'],
  consent_request_repeated: ['被拒绝后重复征询同意', 'consent asked again after a refusal'],
  opted_out: ['用户已退订', 'recipient opted out'],
  quiet_hours: ['在禁止发送商业短信的时段', 'outside the hours commercial messages may be sent'],
  upstream_unavailable: ['运营商通道不可用', 'carrier unavailable'],
  store_unavailable: ['数据库暂时无法访问，请稍后重试', 'database unreachable, try again shortly'],
  internal_error: ['系统内部错误', 'internal error'],
};

/** The code's label in the page's language, or null for a string that is no code of the catalogue. */
export function codeLabel(lang: Lang, code: string): string | null {
  return Object.hasOwn(LABELS, code) ? LABELS[code as ErrorCode][lang === 'en' ? 1 : 0] : null;
}
