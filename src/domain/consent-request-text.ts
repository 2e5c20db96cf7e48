/**
 * The text of a consent request (Art. 18: a request states the type, frequency and duration of the
 * messages to be sent). smsguard writes it in plain Chinese when the sender gives none, and checks a
 * sender's own text for the same four facts:
 *
 * - **category**: the category name appears in the text (width, case and spaces ignored);
 * - **frequency**: a clause `每<period>…<count>条` whose period and count match the declared
 *   frequency (`每月不超过4条`, `每周最多两条`, `每天1条`; Arabic or Chinese numerals);
 * - **duration**: `有效期<n>天`, `<n>天内有效`, or the same in months (×30) or years (×365) that
 *   equals the declared number of days;
 * - **answer**: how to answer, i.e. `回复` together with a yes word (`是`, `同意`, `Y`).
 *
 * Pure: no clock, no I/O.
 */
import type { ConsentFrequency } from './consent.js';

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

const NUMERAL = '(\\d+|[零〇一二两三四五六七八九十百千]+)';

function fold(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b-\u200d\ufeff]+/gu, '').toUpperCase();
}

function statesFrequency(t: string, f: ConsentFrequency): boolean {
  const re = new RegExp(`每${PER_WORDS[f.per]}[^，。,.;；！!？?]{0,8}?${NUMERAL}(?:条|次|则)`, 'gu');
  for (const m of t.matchAll(re)) if (parseNumeral(m[1]) === f.count) return true;
  return false;
}

function statesDuration(t: string, days: number): boolean {
  const forms = [
    new RegExp(`(?:有效期|期限)(?:为|是)?${NUMERAL}(天|日|个月|月|年)`, 'gu'),
    new RegExp(`${NUMERAL}(天|日|个月|月|年)内有效`, 'gu'),
  ];
  for (const re of forms) {
    for (const m of t.matchAll(re)) {
      const n = parseNumeral(m[1]);
      const unit = m[2];
      const d = unit === '天' || unit === '日' ? n : unit === '年' ? n * 365 : n * 30;
      if (d === days) return true;
    }
  }
  return false;
}

function statesAnswer(t: string): boolean {
  return /回复?[^，。,.;；！!？?]{0,6}(?:是|同意|Y)/u.test(t) || /(?:是|同意|Y)[^，。,.;；！!？?]{0,4}请?回复/u.test(t);
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
