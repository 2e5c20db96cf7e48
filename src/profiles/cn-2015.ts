/**
 * MIIT Order No. 31 (2015), the edition smsguard was specified from. Article numbers per
 * shared/REGULATION.md; values that are vendor practice are marked `practice`.
 */
import type { Profile } from './types.js';
import { CONTENT_RULES } from './content-rules.js';

const RULES = {
  ...CONTENT_RULES,
  'sender.port-exists': { article: 'Art. 7 (access code recorded; true sender)', summary: 'The sending port must be a registered access code.' },
  'sender.port-owned': { article: 'Art. 7 (access code recorded; true sender)', summary: 'A content provider sends only from its own ports.' },
  'recipient.msisdn': { article: 'Art. 20 (records of receiving number)', summary: 'The recipient is a mainland mobile number.' },
  'sender.active': { article: 'Art. 6 (licence); Art. 31 (supervision)', summary: 'A suspended content provider may not send.' },
  'sender.signature': { article: 'Art. 19 (port-type messages carry the sender’s real identity)', summary: 'Messages start with a signature 【…】 registered to the sender.' },
  'port.separation': { article: 'Art. 18 practice; 2020 draft (business ports not for commercial messages)', summary: 'No commercial message on a service port, no service message on a commercial port, only public-welfare messages on a public-welfare port.', unverified: true },
  'content.length': { article: 'practice (Tencent Cloud: 500 characters incl. signature)', summary: 'At most 500 characters including the signature.' },
  'content.no-advertising': { article: 'Art. 18 (commercial messages only with consent)', summary: 'A verification or notification message must not advertise.' },
  'commercial.opt-out': { article: 'Art. 18 (stop once the user refuses)', summary: 'No commercial message after the user refused.' },
  'commercial.consent': { article: 'Art. 18 (consent or request of the user)', summary: 'Commercial messages need the user’s unexpired consent for their category.' },
  'commercial.consent-frequency': { article: 'Art. 18 (type, frequency and duration stated in the request)', summary: 'No more commercial messages than the consent’s declared frequency.' },
  'commercial.quiet-hours': { article: 'practice (carriers: 08:00–21:00)', summary: 'Commercial messages only in the daytime window.' },
  'verification.frequency': { article: 'practice (Alibaba Cloud: 1/min, 5/h, 10/day)', summary: 'Verification codes per content provider per number are capped.' },
  'commercial.refusal-notice': { article: 'Art. 18 (state a convenient, effective way to refuse)', summary: 'Every commercial message states how to refuse.' },
  'refusal.opt-out-reply': { article: 'Art. 18 (refusal must not be obstructed and costs nothing)', summary: 'A refusal reply opts the number out at once, free of charge.' },
  'consent.request-content': { article: 'Art. 18 (request states type, frequency, duration)', summary: 'A consent request states the type, frequency and duration.', unverified: true },
  'consent.no-reply': { article: 'Art. 18 (2014 draft: no reply counts as refusal)', summary: 'No reply within the window counts as refusal.', unverified: true },
  'consent.no-repeat': { article: 'Art. 18 (2014 draft: no repeated request after refusal)', summary: 'After refusal the same or a similar request must not be sent again.', unverified: true },
  'consent.proof': { article: 'Art. 18 (consent evidence)', summary: 'Consents granted through the API carry evidence.' },
  'records.retention': { article: 'Art. 20 (records kept at least 5 months)', summary: 'Records are kept at least five months.' },
  // A regulator token's limits (src/app/records-scope.ts). The province is the law's: MIIT supervises
  // the whole country, a provincial administration its own region (Art. 3), and inspects there
  // (Art. 30). The dates are not: an operator issues a token for the period an inspection asks about.
  // Art. 3 is not in shared/REGULATION.md; its wording was read off an unofficial copy, so unverified.
  'supervision.province-scope': { article: 'Art. 3 (a provincial administration supervises SMS services in its own region); Art. 30 (inspection)', summary: 'A regulator token limited to a province reaches the content providers registered there (and reads the operator, who is no province’s), and writes only about them.', unverified: true },
  'supervision.date-scope': { article: 'operational, not regulation (the period an inspection asks about, for which the operator issued the token)', summary: 'A regulator token limited to dates reaches what came about inside them, and creates nothing once today is outside them.' },
} as const;

export const CN_2015: Profile = {
  id: 'cn-2015',
  title: 'Regulations on the Management of Communication Short Message Service (MIIT Order No. 31)',
  inForce: '2015-06-30',
  rules: RULES,
  params: {
    verificationLimits: { value: { perMinute: 1, perHour: 5, perDay: 10 }, article: RULES['verification.frequency'].article, basis: 'practice' },
    quietHours: { value: { start: '08:00', end: '21:00', timeZone: 'Asia/Shanghai' }, article: RULES['commercial.quiet-hours'].article, basis: 'practice' },
    maxLength: { value: 500, article: RULES['content.length'].article, basis: 'practice' },
    refusalNotice: { value: '拒收请回复R', article: RULES['commercial.refusal-notice'].article, basis: 'law' },
    // None by default: issue 2 has the notice appended to the text as it is, so the final text and its
    // 500-character boundary are the text plus the notice, as providers and outside checks count them.
    // An operator who wants it set apart configures one (a full-width comma reads best in Chinese; a
    // space reads as a stray gap); a text already ending in punctuation or a space then gets none.
    refusalNoticeSeparator: { value: '', article: 'convention, not regulation (Chinese punctuation between clauses; Art. 18 asks only that the way to refuse be stated)', basis: 'practice' },
    optOutKeywords: { value: ['R', 'T', 'TD', 'N', '退订', '拒收'], article: RULES['refusal.opt-out-reply'].article, basis: 'practice' },
    consentReplyWindowHours: { value: 48, article: RULES['consent.no-reply'].article, basis: 'draft', unverified: true },
    noReplyMeansRefusal: { value: true, article: RULES['consent.no-reply'].article, basis: 'draft', unverified: true },
    explicitConsentOnly: { value: false, article: RULES['commercial.consent'].article, basis: 'law' },
    consentProofRequired: { value: false, article: RULES['consent.proof'].article, basis: 'law' },
    optOutScope: { value: 'content-provider', article: RULES['commercial.opt-out'].article, basis: 'practice' },
    noAdvertisingInNonCommercial: { value: true, article: RULES['content.no-advertising'].article, basis: 'law' },
    portSeparation: { value: true, article: RULES['port.separation'].article, basis: 'draft', unverified: true },
    retentionMonths: { value: 5, article: RULES['records.retention'].article, basis: 'law' },
    subscriptionRetentionMonths: { value: 5, article: 'Art. 20 (subscription records: 5 months after the relationship ends)', basis: 'law' },
    complaintForwardWorkingDays: { value: 5, article: 'Art. 26 (12321 forwards within 5 working days; secondary source)', basis: 'law', unverified: true },
    complaintAnswerWorkingDays: { value: 15, article: 'Art. 26 (provider answers within 15 working days; secondary source)', basis: 'law', unverified: true },
    complaintRateThresholdPerMillion: { value: 0.25, article: 'practice (Huawei: 0.25 per million per month)', basis: 'practice' },
  },
};
