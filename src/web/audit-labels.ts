/**
 * Every audit action (src/domain/audit-actions.ts) as a short label in the page's language, for the
 * records page, which lists audit records and filters by their action: a person reads 查询法定记录, not
 * `records.query`. Exhaustive: an action added to the list fails the type check until it has its label
 * here, as an error code does in code-labels.ts.
 */
import type { AuditAction } from '../domain/audit-actions.js';
import type { Lang } from './i18n.js';

type Said = readonly [zh: string, en: string];

const LABELS: Readonly<Record<AuditAction, Said>> = {
  'content_provider.create': ['登记企业', 'provider registered'],
  'content_provider.status': ['更改企业状态', "provider's status changed"],
  'content_provider.http_throughput': ['更改企业的接口发送速率', "provider's API sending rate changed"],
  'content_provider.callbacks': ['更改企业的回调设置', "provider's callbacks changed"],
  'signature.submit': ['提交签名', 'signature submitted'],
  'signature.register': ['登记签名', 'signature registered'],
  'signature.review': ['审核签名', 'signature reviewed'],
  'signature.reassign': ['签名转给另一企业', 'signature moved to another provider'],
  'signature.revoke': ['撤销签名', 'signature revoked'],
  'port.register': ['登记端口', 'port registered'],
  'port.reassign': ['端口转给另一企业', 'port moved to another provider'],
  'port.retire': ['停用端口', 'port retired'],
  'smpp_credential.create': ['创建 SMPP 账号', 'SMPP account created'],
  'smpp_credential.revoke': ['撤销 SMPP 账号', 'SMPP account revoked'],
  'api_key.create': ['创建接口密钥', 'API key created'],
  'token.revoke': ['撤销令牌', 'token revoked'],
  'charged_service.created': ['登记收费业务', 'charged service registered'],
  'consent.refusal_phrases.set': ['设置拒绝用语', 'refusal words set'],
  'dnd.remove': ['移出免打扰名单', 'taken off the do-not-disturb list'],
  'consent_request.rejected': ['拒绝征求同意的短信', 'consent request refused'],
  'consent_requests.read': ['查看征求同意的短信', 'consent requests read'],
  'subscribers.read': ['查看号码的同意与退订', "a number's consents and opt-outs read"],
  'charged_subscriptions.read': ['查看收费业务的订购', 'charged subscriptions read'],
  'template.submit': ['提交短信模板', 'template submitted'],
  'template.review': ['审核短信模板', 'template reviewed'],
  'content.settings': ['更改内容设置', 'content settings changed'],
  'early_warning.place': ['预警措施生效', 'early-warning action placed'],
  'early_warning.lift': ['解除预警措施', 'early-warning action lifted'],
  'early_warning.baseline_reset': ['重置预警基线', 'early-warning baseline reset'],
  'review_queue.release': ['放行暂扣短信', 'held message released'],
  'review_queue.reject': ['拒绝暂扣短信', 'held message rejected'],
  'review_queue.expire': ['暂扣短信过期', 'held message expired'],
  'case.view': ['查看案件', 'case read'],
  'case.query': ['查询案件', 'cases searched'],
  'credit.add': ['新增信用档案记录', 'credit-file entry added'],
  'credit.publish': ['公示信用档案记录', 'credit-file entry published'],
  'credit.withdraw': ['撤回信用档案记录', 'credit-file entry withdrawn'],
  'credit.query': ['查询信用档案', 'credit file searched'],
  'complaint_rate.read': ['查看投诉率', 'complaint rate read'],
  'report.annual': ['查看年度检查报告', 'annual report read'],
  'records.query': ['查询法定记录', 'records searched'],
  'records.verify': ['核验记录完整性', 'records verified'],
  'records.purge': ['清除过期记录', 'records purged'],
  'records.hold': ['保全记录', 'records put on hold'],
  'records.hold_release': ['解除记录保全', 'records hold released'],
  'records.rotate-key': ['更换记录签名密钥', 'records signing key rotated'],
  'records.uncommitted': ['发现中断前写入、未能完成的记录', 'records found written just before an interruption'],
  'holds.query': ['查询记录保全', 'records holds searched'],
  'inspect.export': ['检查导出', 'inspection export'],
  'messages.list': ['查询短信', 'messages searched'],
  'messages.get': ['查看短信', 'message read'],
  'web.sign_in': ['网页登录', 'web sign-in'],
  'web.sign_out': ['网页退出', 'web sign-out'],
  'web.sign_in_refused': ['网页登录被拒绝', 'web sign-in refused'],
  'upstream_link.stop': ['停用运营商链路', 'carrier link stopped'],
  'upstream_link.start': ['启用运营商链路', 'carrier link started'],
};

/** The audit action's label in the page's language, or null for a name the list does not hold (an older record's, say). */
export function auditLabel(lang: Lang, action: string): string | null {
  return Object.hasOwn(LABELS, action) ? LABELS[action as AuditAction][lang === 'en' ? 1 : 0] : null;
}
