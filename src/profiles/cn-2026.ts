/**
 * MIIT Order No. 74 (issued 2026-02-09, in force 2026-05-01), known only from public summaries:
 * article numbers are not known, so rules cite the section and a Chinese key phrase, and every value
 * not confirmed is `unverified` (docs/REGULATION.md, "What is not known").
 */
import type { Profile, RuleSource } from './types.js';
import { CN_2015 } from './cn-2015.js';

const u = (article: string, articleZh: string, summary: string): RuleSource => ({ article, articleZh, summary, unverified: true });

/** A source that cites an article number or a draft: a claim about one particular text. */
const CITES_TEXT = /\bArt\. \d|\bdraft\b/;

/**
 * An Order 31 source as cn-2026 states it: Order 74 replaces Order 31 and its article numbers were
 * not read, so a rule it carries over names the Order 31 article it came from as such, never as
 * Order 74's (a rejection under `cn-2026` citing a bare `Art. 18` named a provision of the old
 * edition as the one in force), and is unverified.
 */
function carried(s: { article: string; articleZh?: string }): { article: string; articleZh: string } {
  return { article: `Order 74 (article not known; as Order 31 ${s.article})`, articleZh: `工信部令第74号（条款序号未知；同第31号令${s.articleZh ?? s.article}）` };
}

/**
 * cn-2015's rules as cn-2026 inherits them: vendor practice and the gateway's own as they are, the
 * rules cited by an Order 31 article or a draft carried over (see {@link carried}).
 */
const INHERITED: Record<string, RuleSource> = Object.fromEntries(
  Object.entries(CN_2015.rules).map(([id, r]): [string, RuleSource] => [id, CITES_TEXT.test(r.article) ? { ...r, ...carried(r), unverified: true } : r]),
);

const RULES: Record<string, RuleSource> = {
  ...INHERITED,
  'port.separation': u('Order 74, ports section (“端口…不得用于发送商业性短信息”)', '工信部令第74号，端口部分（“端口…不得用于发送商业性短信息”）', 'A service port must not carry commercial messages.'),
  'content.no-advertising': u('Order 74, commercial SMS section (“不得在非商业性短信息中夹带广告”)', '工信部令第74号，商业性短信息部分（“不得在非商业性短信息中夹带广告”）', 'No advertising in non-commercial messages.'),
  'commercial.consent': u('Order 74, commercial SMS section (“明示同意”)', '工信部令第74号，商业性短信息部分（“明示同意”）', 'Only explicit consent counts.'),
  'consent.proof': u('Order 74, commercial SMS section (“同意的证明材料”)', '工信部令第74号，商业性短信息部分（“同意的证明材料”）', 'The sender holds proof of consent and hands it over for review.'),
  'consent.no-reply': u('Order 74 (“明示同意”): silence is never consent', '工信部令第74号（“明示同意”）：未回复绝不视为同意', 'No reply is never consent.'),
  'records.retention': u('Order 74, records section (“至少保存六个月”, one source)', '工信部令第74号，记录部分（“至少保存六个月”，仅一处来源）', 'Records are kept at least six months.'),
  'charging.notice': u('Order 74 (article not known; docs/REGULATION.md rule 8: before charging, the user is told the service, tariff, charging method and how to unsubscribe)', '工信部令第74号（条款序号未知；要点第8项：收费前须告知用户服务内容、资费标准、收费方式及退订方式）', CN_2015.rules['charging.notice'].summary),
  'supervision.province-scope': u('Order 74, general provisions (“省、自治区、直辖市通信管理局…本行政区域内”) and supervision section (“监督检查”)', '工信部令第74号，总则（“省、自治区、直辖市通信管理局…本行政区域内”）及监督检查部分（“监督检查”）', CN_2015.rules['supervision.province-scope'].summary),
};

export const CN_2026: Profile = {
  id: 'cn-2026',
  title: 'Regulations on the Management of Communication Short Message Service (MIIT Order No. 74)',
  inForce: '2026-05-01',
  rules: RULES,
  params: {
    ...CN_2015.params,
    // Set under a rule carried over from Order 31: they cite cn-2026's wording of it.
    refusalNotice: { ...CN_2015.params.refusalNotice, article: RULES['commercial.refusal-notice'].article, articleZh: RULES['commercial.refusal-notice'].articleZh, unverified: true },
    optOutKeywords: { ...CN_2015.params.optOutKeywords, article: RULES['refusal.opt-out-reply'].article, articleZh: RULES['refusal.opt-out-reply'].articleZh, unverified: true },
    optOutScope: { ...CN_2015.params.optOutScope, article: RULES['commercial.opt-out'].article, articleZh: RULES['commercial.opt-out'].articleZh, unverified: true },
    resubscribeKeywords: { ...CN_2015.params.resubscribeKeywords, ...carried(CN_2015.params.resubscribeKeywords), unverified: true },
    refusalNoticeSeparator: { ...CN_2015.params.refusalNoticeSeparator, article: 'convention, not regulation (Chinese punctuation between clauses; the regulation asks only that the way to refuse be stated)', articleZh: '书写习惯，并非法规规定（分句之间用中文标点；法规只要求写明拒绝方式）' },
    noReplyMeansRefusal: { value: true, article: RULES['consent.no-reply'].article, articleZh: RULES['consent.no-reply'].articleZh, basis: 'law', unverified: true },
    consentRepeatBanDays: { ...CN_2015.params.consentRepeatBanDays, article: `${RULES['consent.no-repeat'].article}; no period known: 0 = no end`, articleZh: `${RULES['consent.no-repeat'].articleZh}；期限不详：0 表示不设期限`, unverified: true },
    explicitConsentOnly: { value: true, article: RULES['commercial.consent'].article, articleZh: RULES['commercial.consent'].articleZh, basis: 'law', unverified: true },
    consentProofRequired: { value: true, article: RULES['consent.proof'].article, articleZh: RULES['consent.proof'].articleZh, basis: 'law', unverified: true },
    noAdvertisingInNonCommercial: { value: true, article: RULES['content.no-advertising'].article, articleZh: RULES['content.no-advertising'].articleZh, basis: 'law', unverified: true },
    portSeparation: { value: true, article: RULES['port.separation'].article, articleZh: RULES['port.separation'].articleZh, basis: 'law', unverified: true },
    retentionMonths: { value: 6, article: RULES['records.retention'].article, articleZh: RULES['records.retention'].articleZh, basis: 'law', unverified: true },
    subscriptionRetentionMonths: { value: 6, article: 'Order 74, records section (subscription records after the relationship ends)', articleZh: '工信部令第74号，记录部分（服务关系终止后的订阅记录）', basis: 'law', unverified: true },
    complaintForwardWorkingDays: { value: 5, article: 'Order 74, complaints section (not read in the original)', articleZh: '工信部令第74号，投诉部分（未查阅原文）', basis: 'law', unverified: true },
    complaintAnswerWorkingDays: { value: 15, article: 'Order 74, complaints section (not read in the original)', articleZh: '工信部令第74号，投诉部分（未查阅原文）', basis: 'law', unverified: true },
  },
};
