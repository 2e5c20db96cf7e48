/**
 * The text of a consent request (Art. 18: a request states the type, frequency and duration of the
 * messages to be sent). smsguard writes it in plain Chinese when the sender gives none, and checks a
 * sender's own text for the same four facts:
 *
 * - **category**: the category name appears in the text (width, case and spaces ignored);
 * - **frequency**: a clause `每<period>…<count>条` whose period and count match the declared
 *   frequency (`每月不超过4条`, `每周最多两条`, `每天1条`; Arabic or Chinese numerals);
 * - **duration**: `有效期<n>天`, `<n>天内有效`, or the same in weeks (`周`/`星期`, ×7), months (×30)
 *   or years (×365) that equals the declared number of days; `半年` is 180 days (6 months), `半个月` 15;
 * - **answer**: how to answer: `回复` (or `回`) followed directly by a reply the gateway reads as yes
 *   ({@link GRANT_REPLIES}: `是`, `同意`, `Y`, `YES`; quotes or a colon between them allowed), so a
 *   user who does as told grants. `回复1同意`, `同意请回复“好”` or a text saying only `不同意请回复N`
 *   name no such reply: the user's `1` or `好` would leave the request pending until silence refused
 *   it, and the provider could never ask again.
 *
 * Pure: no clock, no I/O.
 */
import type { ConsentFrequency } from './consent.js';
import { GRANT_REPLIES } from './consent-reply.js';

export type RequestFact = 'category' | 'frequency' | 'duration' | 'answer';

const PER_ZH: Record<ConsentFrequency['per'], string> = { day: '天', week: '周', month: '月' };
const PER_WORDS: Record<ConsentFrequency['per'], string> = { day: '(?:天|日)', week: '(?:周|星期|礼拜)', month: '(?:个)?月' };

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Parses Arabic numerals or simple Chinese numerals up to 9999 (`四`, `十二`, `一百八十`, `一百零五`); NaN otherwise. */
export function parseNumeral(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十百千]+$/.test(s)) return NaN;
  let total = 0;
  let digit = -1;
  for (const ch of s) {
    if (ch in DIGITS) {
      digit = DIGITS[ch];
      continue;
    }
    const unit = ch === '十' ? 10 : ch === '百' ? 100 : 1000;
    total += (digit < 0 ? 1 : digit) * unit;
    digit = -1;
  }
  if (digit > 0) total += digit;
  return total;
}

/** A count as senders write it: Arabic digits or Chinese numerals. */
const NUMERAL_BODY = '\\d+|[零〇一二两三四五六七八九十百千]+';
const NUMERAL = `(${NUMERAL_BODY})`;

function fold(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b-\u200d\ufeff]+/gu, '').toUpperCase();
}

function statesFrequency(t: string, f: ConsentFrequency): boolean {
  const re = new RegExp(`每${PER_WORDS[f.per]}[^，。,.;；！!？?]{0,8}?${NUMERAL}(?:条|次|则)`, 'gu');
  for (const m of t.matchAll(re)) if (parseNumeral(m[1]) === f.count) return true;
  return false;
}

// A duration's number: a numeral, or `半` (half: `半年` is 6 months, `半个月` 15 days), as a sender writes it.
const DURATION_NUMBER = `(${NUMERAL_BODY}|半)`;
const DURATION_UNIT = '(天|日|周|星期|个月|月|年)';

function durationDays(n: string, unit: string): number {
  if (n === '半') return unit === '年' ? 180 : unit === '个月' || unit === '月' ? 15 : NaN;
  const k = parseNumeral(n);
  return unit === '天' || unit === '日' ? k : unit === '周' || unit === '星期' ? k * 7 : unit === '年' ? k * 365 : k * 30;
}

function statesDuration(t: string, days: number): boolean {
  const forms = [
    new RegExp(`(?:有效期|期限)(?:为|是)?${DURATION_NUMBER}${DURATION_UNIT}`, 'gu'),
    new RegExp(`${DURATION_NUMBER}${DURATION_UNIT}内有效`, 'gu'),
  ];
  for (const re of forms) {
    for (const m of t.matchAll(re)) if (durationDays(m[1], m[2]) === days) return true;
  }
  return false;
}

// `回复` then the reply itself, after optional quotes, brackets or a colon (the text is folded: NFKC,
// upper case, no spaces). A yes word must be the whole reply named: not `是否` ("whether"), not `YO`.
const GRANT_WORDS = [...GRANT_REPLIES].sort((a, b) => b.length - a.length).map((w) => (w === '是' ? '是(?!否)' : w));
const ANSWER = new RegExp(`回复?[“”"'‘’「」『』《》<(:]*(?:${GRANT_WORDS.join('|')})(?![A-Z0-9])`, 'u');

function statesAnswer(t: string): boolean {
  return ANSWER.test(t);
}

/** The facts a request text fails to state; empty when it is complete. */
export function missingRequestFacts(text: string, req: { category: string; frequency: ConsentFrequency; durationDays: number }): RequestFact[] {
  const t = fold(text);
  const missing: RequestFact[] = [];
  if (!t.includes(fold(req.category))) missing.push('category');
  if (!statesFrequency(t, req.frequency)) missing.push('frequency');
  if (!statesDuration(t, req.durationDays)) missing.push('duration');
  if (!statesAnswer(t)) missing.push('answer');
  return missing;
}

/**
 * The request smsguard sends when the sender gives no text: signature, category, frequency,
 * duration, how to answer, and how to refuse (a request is itself a commercial approach, so it
 * carries the refusal notice too).
 */
export function buildConsentRequestText(req: { signature: string; category: string; frequency: ConsentFrequency; durationDays: number; refusalNotice: string }): string {
  const f = `每${PER_ZH[req.frequency.per]}不超过${req.frequency.count}条`;
  return `${req.signature}邀请您订阅“${req.category}”类商业短信，${f}，有效期${req.durationDays}天。同意请回复“是”或Y，不同意请回复“否”或N。${req.refusalNotice}`;
}
