/**
 * MIIT Order No. 31 (2015), the edition smsguard was specified from. docs/REGULATION.md names Arts.
 * 6–7, 30 and 31; the other article numbers (3, 18, 19, 20, 26) are the product's reading of Order 31,
 * and those whose wording it takes from a draft or a secondary source are `unverified`. Values that
 * are vendor practice or the gateway's own are marked `practice`.
 */
import type { Profile } from './types.js';
import { CONTENT_RULES } from './content-rules.js';

const RULES = {
  ...CONTENT_RULES,
  'registry.credit-code': { article: 'Art. 6 (licence), Art. 7 (access registry); GB 32100-2015', articleZh: '第六条（经营许可）、第七条（接入登记）；GB 32100-2015', summary: 'A content provider is registered with a unified social credit code whose GB 32100-2015 check character is right.' },
  'sender.port-exists': { article: 'Art. 7 (access code recorded; true sender)', articleZh: '第七条（登记接入代码；真实发送者）', summary: 'The sending port must be a registered access code.' },
  'sender.port-owned': { article: 'Art. 7 (access code recorded; true sender)', articleZh: '第七条（登记接入代码；真实发送者）', summary: 'A content provider sends only from its own ports.' },
  'recipient.msisdn': { article: 'Art. 20 (records of receiving number)', articleZh: '第二十条（记录接收号码）', summary: 'The recipient is a mainland mobile number.' },
  'sender.active': { article: 'Art. 6 (licence); Art. 31 (supervision)', articleZh: '第六条（经营许可）；第三十一条（监督）', summary: 'A suspended content provider may not send.' },
  'sender.signature': { article: 'Art. 19 (port-type messages carry the sender’s real identity)', articleZh: '第十九条（端口类短信息须标明发送者的真实身份）', summary: 'Messages start with a signature 【…】 registered to the sender and carry no other 【…】.' },
  'port.separation': { article: 'Art. 18 practice; 2020 draft (business ports not for commercial messages)', articleZh: '第十八条相关的行业做法；2020年征求意见稿（业务类端口不得用于发送商业性短信息）', summary: 'No commercial message on a service port, no service message on a commercial port, only public-welfare messages on a public-welfare port.', unverified: true },
  'content.length': { article: 'practice (Tencent Cloud: 500 characters incl. signature)', articleZh: '行业惯例（腾讯云：含签名不超过500个字符）', summary: 'At most 500 characters including the signature.' },
  'content.no-advertising': { article: 'Art. 18 (commercial messages only with consent)', articleZh: '第十八条（商业性短信息须经用户同意方可发送）', summary: 'A verification or notification message must not advertise.' },
  'commercial.opt-out': { article: 'Art. 18 (stop once the user refuses)', articleZh: '第十八条（用户拒绝后即停止发送）', summary: 'No commercial message after the user refused.' },
  'commercial.consent': { article: 'Art. 18 (consent or request of the user)', articleZh: '第十八条（用户同意或请求）', summary: 'Commercial messages need the user’s unexpired consent for their category.' },
  'commercial.consent-frequency': { article: 'Art. 18 (type, frequency and duration stated in the request)', articleZh: '第十八条（征求同意时须说明短信息的类型、频次和期限）', summary: 'No more commercial messages than the consent’s declared frequency.' },
  'commercial.quiet-hours': { article: 'practice (carriers: 08:00–21:00)', articleZh: '行业惯例（运营商：08:00–21:00）', summary: 'Commercial messages only in the daytime window.' },
  'verification.frequency': { article: 'practice (Alibaba Cloud: 1/min, 5/h, 10/day)', articleZh: '行业惯例（阿里云：每分钟1条、每小时5条、每天10条）', summary: 'Verification codes per content provider per number are capped.' },
  'content.duplicate': { article: 'practice (Tencent Cloud: identical content to one number at most once per 30 s)', articleZh: '行业惯例（腾讯云：相同内容对同一号码30秒内至多发送一次）', summary: 'A content provider sends the same text to one number at most once per window (30 s).' },
  'commercial.refusal-notice': { article: 'Art. 18 (state a convenient, effective way to refuse)', articleZh: '第十八条（须注明便捷、有效的拒绝方式）', summary: 'Every commercial message states how to refuse.' },
  'refusal.opt-out-reply': { article: 'Art. 18 (refusal must not be obstructed and costs nothing)', articleZh: '第十八条（不得阻碍用户拒绝，拒绝不收取费用）', summary: 'A refusal reply opts the number out at once, free of charge.' },
  'consent.request-content': { article: 'Art. 18 (request states type, frequency, duration)', articleZh: '第十八条（征求同意须说明类型、频次、期限）', summary: 'A consent request states the type, frequency and duration.' },
  'consent.no-reply': { article: 'Art. 18 (2014 draft: no reply counts as refusal)', articleZh: '第十八条（2014年征求意见稿：未回复视为拒绝）', summary: 'No reply within the window counts as refusal.', unverified: true },
  'consent.no-repeat': { article: 'Art. 18 (2014 draft: no repeated request after refusal)', articleZh: '第十八条（2014年征求意见稿：用户拒绝后不得重复征求同意）', summary: 'After refusal the same or a similar request must not be sent again.', unverified: true },
  'consent.proof': { article: 'Art. 18 (consent evidence)', articleZh: '第十八条（同意的凭证）', summary: 'Consents granted through the API carry evidence.' },
  // Charged services (src/app/charged-services.ts). docs/REGULATION.md states the duty (rule 8) but
  // not the article it comes from, so the rule cites the list's rule and is unverified.
  'charging.notice': { article: 'docs/REGULATION.md rule 8 (before charging, the user is told the service, tariff, charging method and how to unsubscribe; article not known)', articleZh: '要点第8项（收费前须告知用户服务内容、资费标准、收费方式及退订方式；条款序号未知）', summary: 'A charged message needs the number’s confirmed subscription to the service, given after a notice of the service, tariff, charging method and how to unsubscribe.', unverified: true },
  'records.retention': { article: 'Art. 20 (records kept at least 5 months)', articleZh: '第二十条（记录至少保存五个月）', summary: 'Records are kept at least five months.' },
  // A regulator token's limits (src/app/records-scope.ts). The province is the law's: MIIT supervises
  // the whole country, a provincial administration its own region (Art. 3), and inspects there
  // (Art. 30). The dates are not: an operator issues a token for the period an inspection asks about.
  // Art. 3 is not in docs/REGULATION.md; its wording was read off an unofficial copy, so unverified.
  'supervision.province-scope': { article: 'Art. 3 (a provincial administration supervises SMS services in its own region); Art. 30 (inspection)', articleZh: '第三条（省级通信管理局监督管理本行政区域内的短信息服务）；第三十条（监督检查）', summary: 'A regulator token limited to a province reaches the content providers registered there (and reads the operator, who is no province’s), and writes only about them.', unverified: true },
  'supervision.date-scope': { article: 'operational, not regulation (the period an inspection asks about, for which the operator issued the token)', articleZh: '运营安排，并非法规规定（检查所涉的期间，运营方为该期间签发令牌）', summary: 'A regulator token limited to dates reaches what came about inside them, and creates nothing once today is outside them.' },
} as const;

/** How long a consent request waits for its answer: a gateway default in both editions. */
const REPLY_WINDOW = {
  article: 'gateway default, not regulation (how long a consent request waits for its answer; the regulation as known names no time)',
  articleZh: '网关默认值，并非法规规定（征求同意的请求等待答复的时长；已知条文未规定时限）',
} as const;

export const CN_2015: Profile = {
  id: 'cn-2015',
  title: 'Regulations on the Management of Communication Short Message Service (MIIT Order No. 31)',
  inForce: '2015-06-30',
  rules: RULES,
  params: {
    verificationLimits: { value: { perMinute: 1, perHour: 5, perDay: 10 }, article: RULES['verification.frequency'].article, articleZh: RULES['verification.frequency'].articleZh, basis: 'practice' },
    duplicateContentWindowSeconds: { value: 30, article: RULES['content.duplicate'].article, articleZh: RULES['content.duplicate'].articleZh, basis: 'practice' },
    quietHours: { value: { start: '08:00', end: '21:00', timeZone: 'Asia/Shanghai' }, article: RULES['commercial.quiet-hours'].article, articleZh: RULES['commercial.quiet-hours'].articleZh, basis: 'practice' },
    maxLength: { value: 500, article: RULES['content.length'].article, articleZh: RULES['content.length'].articleZh, basis: 'practice' },
    // The law asks that a way to refuse be stated; this wording is market practice (Huawei).
    refusalNotice: { value: '拒收请回复R', article: RULES['commercial.refusal-notice'].article, articleZh: RULES['commercial.refusal-notice'].articleZh, basis: 'practice' },
    // None by default: issue 2 has the notice appended to the text as it is, so the final text and its
    // 500-character boundary are the text plus the notice, as providers and outside checks count them.
    // An operator who wants it set apart configures one (a full-width comma reads best in Chinese; a
    // space reads as a stray gap); a text already ending in punctuation or a space then gets none.
    refusalNoticeSeparator: { value: '', article: 'convention, not regulation (Chinese punctuation between clauses; Art. 18 asks only that the way to refuse be stated)', articleZh: '书写习惯，并非法规规定（分句之间用中文标点；第十八条只要求写明拒绝方式）', basis: 'practice' },
    optOutKeywords: { value: ['R', 'T', 'TD', 'N', '退订', '拒收'], article: RULES['refusal.opt-out-reply'].article, articleZh: RULES['refusal.opt-out-reply'].articleZh, basis: 'practice' },
    // On by default (docs/CONSENT.md, "Re-subscribing by SMS"): the user's own reply from the number to
    // the provider's port is the user's own request, the same evidence a refusal rests on; the lift
    // restores no consent given before the opt-out, so commercial messages still need the user's word.
    resubscribeKeywords: { value: ['订阅', '重新订阅', 'SUBSCRIBE', 'START'], article: 'Art. 18 (commercial messages only with the user\'s consent; a lift of the user\'s own refusal at the user\'s own request is gateway practice)', articleZh: '第十八条（商业短信须经用户同意；应用户本人请求撤销其退订为网关惯例）', basis: 'practice' },
    // The draft's "no reply" names no time to reply in: how long to wait is the gateway's to choose.
    consentReplyWindowHours: { value: 48, article: REPLY_WINDOW.article, articleZh: REPLY_WINDOW.articleZh, basis: 'practice' },
    noReplyMeansRefusal: { value: true, article: RULES['consent.no-reply'].article, articleZh: RULES['consent.no-reply'].articleZh, basis: 'draft', unverified: true },
    // The draft says a refused or unanswered request "must not be sent again" (不得再次发送) and names
    // no period, so by default the ban has no end (0); an operator who reads a period into the final
    // text, or is told one, sets it in days without a code change.
    consentRepeatBanDays: { value: 0, article: `${RULES['consent.no-repeat'].article}; names no period: 0 = no end`, articleZh: `${RULES['consent.no-repeat'].articleZh}；未规定期限：0 表示不设期限`, basis: 'draft', unverified: true },
    explicitConsentOnly: { value: false, article: RULES['commercial.consent'].article, articleZh: RULES['commercial.consent'].articleZh, basis: 'law' },
    consentProofRequired: { value: false, article: RULES['consent.proof'].article, articleZh: RULES['consent.proof'].articleZh, basis: 'law' },
    optOutScope: { value: 'content-provider', article: RULES['commercial.opt-out'].article, articleZh: RULES['commercial.opt-out'].articleZh, basis: 'practice' },
    noAdvertisingInNonCommercial: { value: true, article: RULES['content.no-advertising'].article, articleZh: RULES['content.no-advertising'].articleZh, basis: 'law' },
    portSeparation: { value: true, article: RULES['port.separation'].article, articleZh: RULES['port.separation'].articleZh, basis: 'draft', unverified: true },
    retentionMonths: { value: 5, article: RULES['records.retention'].article, articleZh: RULES['records.retention'].articleZh, basis: 'law' },
    subscriptionRetentionMonths: { value: 5, article: 'Art. 20 (subscription records: 5 months after the relationship ends)', articleZh: '第二十条（订阅记录：服务关系终止后保存五个月）', basis: 'law' },
    complaintForwardWorkingDays: { value: 5, article: 'Art. 26 (12321 forwards within 5 working days; secondary source)', articleZh: '第二十六条（12321中心在5个工作日内转交；据二手资料）', basis: 'law', unverified: true },
    complaintAnswerWorkingDays: { value: 15, article: 'Art. 26 (provider answers within 15 working days; secondary source)', articleZh: '第二十六条（服务提供者在15个工作日内答复；据二手资料）', basis: 'law', unverified: true },
    complaintRateThresholdPerMillion: { value: 0.25, article: 'practice (Huawei: 0.25 per million per month)', articleZh: '行业惯例（华为：每月每百万条0.25件投诉）', basis: 'practice' },
  },
};
