/**
 * Every rule id a rejection or a decision trail can name, as a short label in the page's language:
 * a clerk or a regulator's staff reads `商业短信须经用户同意（commercial.consent）`, not the id alone.
 * The ids are the profiles' rules (src/profiles: the pipeline's stages and the app's consent, refusal,
 * records and supervision rules) and the gateway's own rules its use cases name without a profile
 * (src/app: the report port, complaints, fines, one pending consent request).
 *
 * Exhaustive over {@link RULE_IDS}: an id added there fails the type check until it has its label.
 * The ids are written where they are used (profiles key them by string), so the unit test
 * test/unit/web/rule-labels.test.ts collects every id the code can name and checks it is listed here.
 */
import type { RuleRef } from '../domain/errors.js';
import { PROFILES, type Profile, type ProfileId, type RuleSource } from '../profiles/index.js';
import type { Lang } from './i18n.js';
import { gatewayArticleZh } from '../domain/gateway-articles.js';

type Said = readonly [zh: string, en: string];

export const RULE_IDS = [
  // the pipeline's stages (src/pipeline/stages, src/content/stages.ts)
  'sender.port-exists', 'sender.port-owned', 'sender.active', 'sender.signature', 'recipient.msisdn',
  'port.separation', 'content.length', 'content.no-advertising', 'content.prohibited', 'content.template', 'content.duplicate',
  'monitor.early-warning', 'commercial.opt-out', 'commercial.consent', 'commercial.consent-frequency',
  'commercial.quiet-hours', 'commercial.refusal-notice', 'verification.frequency',
  // consent, refusal and records (profiles; src/app/consent-*.ts, receive-mo.ts)
  'refusal.opt-out-reply', 'consent.request-content', 'consent.no-reply', 'consent.no-repeat', 'consent.proof',
  'consent.one-pending', 'records.retention',
  // charged services (profiles; src/app/charged-services.ts)
  'charging.notice', 'charging.one-subscription',
  // the registry (profiles; src/app/onboarding.ts)
  'registry.credit-code',
  // a regulator token's limits (src/app/records-scope.ts)
  'supervision.province-scope', 'supervision.date-scope',
  // the gateway's own, named by use cases without a profile
  'supervision.penalties', 'supervision.credit-withdrawal', 'ports.reserved',
  'complaints.public-intake', 'complaints.status-lookup', 'complaints.workflow', 'complaints.measure',
  // the HTTP door's per-provider throughput (src/app/http-throughput.ts)
  'provider.throughput',
  // API hygiene (src/domain/idempotency.ts: the Idempotency-Key header)
  'api.idempotency',
  // who may (src/app/access.ts): a role's operations, a provider's own data
  'access.role', 'access.own-data',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** English starts in lower case: it follows `Rule: ` in a sentence. */
const LABELS: Readonly<Record<RuleId, Said>> = {
  'sender.port-exists': ['发送端口须已登记', 'the sending port must be registered'],
  'sender.port-owned': ['企业只能用本企业的端口发送', "a provider sends only from its own ports"],
  'sender.active': ['被暂停的企业不得发送', 'a suspended provider may not send'],
  'sender.signature': ['短信须以企业已登记的签名开头', "a message starts with the sender's registered signature"],
  'recipient.msisdn': ['接收号码须为中国大陆手机号码', 'the recipient must be a mainland mobile number'],
  'port.separation': ['端口类型须与短信类别相符', "the port's type must fit the kind of message"],
  'content.length': ['短信不得超过规定长度', 'a message may not exceed the maximum length'],
  'content.duplicate': ['同一号码在规定时间内不得重复发送相同内容', 'the same text to one number at most once per window'],
  'content.no-advertising': ['验证码和通知短信不得夹带广告', 'verification codes and notifications must not advertise'],
  'content.prohibited': ['不得发送违法违禁内容', 'no prohibited content'],
  'content.template': ['短信须与已批准的模板相符', 'a message must match an approved template'],
  'monitor.early-warning': ['预警监测：异常发送被限速、暂扣或暂停', 'early warning: unusual sending is throttled, held or suspended'],
  'commercial.opt-out': ['用户拒收后不得再发商业短信', 'no commercial messages after the user refused them'],
  'commercial.consent': ['商业短信须经用户同意', "commercial messages need the user's consent"],
  'commercial.consent-frequency': ['商业短信不得超过用户同意的频次', 'no more commercial messages than the consent allows'],
  'commercial.quiet-hours': ['商业短信只能在允许的时段发送', 'commercial messages only in the permitted hours'],
  'commercial.refusal-notice': ['商业短信须写明拒收方式', 'a commercial message states how to refuse it'],
  'verification.frequency': ['验证码发送次数有上限', 'verification codes to one number are capped'],
  'refusal.opt-out-reply': ['回复退订立即生效且免费', 'a refusal reply opts the number out at once, free of charge'],
  'consent.request-content': ['征询同意须写明短信类型、频次和期限', 'a consent request states the type, frequency and duration'],
  'consent.no-reply': ['未回复不算同意', 'no reply is not consent'],
  'consent.no-repeat': ['被拒绝后不得重复征询同意', 'no repeated consent request after a refusal'],
  'consent.proof': ['同意须有凭证', 'consent needs proof'],
  'consent.one-pending': ['同一企业对同一号码只能有一条待答复的同意征询', 'one open consent request per provider and number'],
  'charging.one-subscription': ['同一号码对同一收费业务只有一项有效订购', 'one live subscription per charged service and number'],
  'charging.notice': ['收费前须告知业务、资费、收费方式及退订方式并经用户确认', 'a charge needs the user told the service, tariff, method and how to unsubscribe, and their Y'],
  'records.retention': ['记录须保存规定的期限', 'records are kept for the required period'],
  'supervision.province-scope': ['限于一省的监管令牌只涉及本省企业', "a regulator token limited to a province reaches only that province's providers"],
  'supervision.date-scope': ['限定日期的监管令牌只涉及这些日期', 'a regulator token limited to dates reaches only those dates'],
  'supervision.penalties': ['违规罚款', 'fines for violations'],
  'supervision.credit-withdrawal': ['信用档案记录由监管部门撤回，须说明理由，且只撤回一次', 'a credit-file entry is withdrawn by the regulator, with a reason, once'],
  'registry.credit-code': ['企业须有有效的统一社会信用代码', 'a provider needs a valid unified social credit code'],
  'ports.reserved': ['举报端口保留，不能登记给企业', 'the report port is reserved, not for a provider'],
  'api.idempotency': ['同一幂等键只用于同一请求，保留24小时', 'an idempotency key names one request, for 24 hours'],
  'complaints.public-intake': ['网上投诉有频次限制', 'complaints from one address are limited per minute'],
  'complaints.status-lookup': ['投诉查询码错误次数有限制', 'wrong access codes from one address are limited'],
  'complaints.workflow': ['投诉案件须按办理流程处理', 'a complaint case follows its workflow'],
  'complaints.measure': ['投诉处理措施', 'a measure taken on a complaint'],
  'access.role': ['每种身份只能使用其职责内的操作', 'each role may use only the operations of its duties'],
  'access.own-data': ['企业只能查看和处理本企业的数据', "a content provider sees and acts on its own data only"],
  'provider.throughput': ['企业经 HTTP 发送不得超过约定速率（每秒条数）', "a provider sends over HTTP at most its agreed rate (messages a second)"],
};

export function isRuleId(x: string): x is RuleId {
  return Object.hasOwn(LABELS, x);
}

/** The rule's label in the page's language, or null for an id the table does not know. */
export function ruleLabel(lang: Lang, rule: string): string | null {
  return isRuleId(rule) ? LABELS[rule][lang === 'en' ? 1 : 0] : null;
}

/**
 * The rule as a person reads it, its id in brackets so support can match it:
 * `商业短信须经用户同意（commercial.consent）` / `commercial messages need the user's consent (commercial.consent)`;
 * an id without a label as it is.
 */
export function ruleName(lang: Lang, rule: string): string {
  const label = ruleLabel(lang, rule);
  return label === null ? rule : withId(lang, label, rule);
}

/** A label with its id after it in the page's brackets: `label (id)`, `label（id）` (both already escaped for HTML where they go there). */
export function withId(lang: Lang, label: string, id: string): string {
  return lang === 'en' ? `${label} (${id})` : `${label}（${id}）`;
}

/**
 * The profiles whose own source for `ref.rule` is the article `ref` states: the profile named, else any
 * profile that states this article for the rule. None when the article is not a profile's for that
 * rule (the gateway's own wording, e.g. `rule 10` for the case workflow), or names no rule or article.
 */
function ownSources(ref: RuleRef): { profile: Profile; source: RuleSource }[] {
  const { rule, article } = ref;
  if (rule === undefined || article === undefined) return [];
  const named = ref.profile !== undefined && Object.hasOwn(PROFILES, ref.profile) ? [PROFILES[ref.profile as ProfileId]] : Object.values(PROFILES);
  return named.flatMap((p) => {
    const source = Object.hasOwn(p.rules, rule) ? p.rules[rule] : undefined;
    return source?.article === article ? [{ profile: p, source }] : [];
  });
}

/**
 * Whether the profile marks the source of this rule's article unverified (not read in the original,
 * docs/REGULATION.md): the rule itself, or a parameter it sets under the same article. Only when
 * the article shown is the profile's own for that rule (an article from elsewhere is not the
 * profile's to qualify), in the profile named, else in any profile that states this article.
 */
export function ruleUnverified(ref: RuleRef): boolean {
  return ownSources(ref).some(({ profile, source }) => source.unverified === true || Object.values(profile.params).some((x) => x.article === ref.article && x.unverified === true));
}

/**
 * The article as the page's language states it. English pages: as the rejection or trail names it
 * (the API's `article`, the profile's English). Chinese pages: the profile's Chinese for it
 * (`articleZh`, e.g. `第十八条（用户同意或请求）`) when the article is the profile's own for that rule,
 * found as {@link ruleUnverified} finds it; else the Chinese of one of the gateway's own articles
 * (src/domain/gateway-articles.ts: complaints, fines, the operational limits); else as named. Undefined when
 * there is no article.
 */
export function ruleArticle(lang: Lang, ref: RuleRef): string | undefined {
  if (lang === 'en' || ref.article === undefined) return ref.article;
  return ownSources(ref).find(({ source }) => source.articleZh !== undefined)?.source.articleZh ?? gatewayArticleZh(ref.article) ?? ref.article;
}

/**
 * The article as a rule line or a decision trail shows it: {@link ruleArticle} in the page's language,
 * then {@link unverifiedNote} where the profile marks its source unverified. Empty when there is none.
 */
export function articleText(lang: Lang, ref: RuleRef): string {
  return `${ruleArticle(lang, ref) ?? ''}${ruleUnverified(ref) ? unverifiedNote(lang) : ''}`;
}

/** What a line adds after an unverified article (see {@link ruleUnverified}). */
export function unverifiedNote(lang: Lang): string {
  return lang === 'en' ? ' (source not verified in the original)' : '（出处未经原文核实）';
}
