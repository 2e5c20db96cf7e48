/** Commercial-message stages (Art. 18): refusal respected, consent held, frequency kept, daytime only, refusal notice. */
import type { Facts, Stage } from '../types.js';
import { leadingSignature } from '../../domain/signature.js';
import { proofSuffices } from '../../domain/consent.js';

/**
 * Does an opt-out block this message? Scope `content-provider` (default): any opt-out from the
 * provider does. Scope `signature`: only an opt-out that answered this message's signature, or one
 * whose signature is unknown (`*`), does; without per-signature facts every opt-out counts (safe side).
 */
export function optOutApplies(facts: Facts, scope: 'content-provider' | 'signature', signature: string | null): boolean {
  if (!facts.optedOut) return false;
  if (scope === 'content-provider' || !facts.optOutSignatures) return true;
  return facts.optOutSignatures.includes('*') || (signature !== null && facts.optOutSignatures.includes(signature));
}

/** The user refused (opt-out) or is on the do-not-disturb list. */
export const notOptedOut: Stage = {
  rule: 'commercial.opt-out',
  codes: ['opted_out'],
  run: ({ candidate, facts, profile, text }) => {
    if (candidate.type !== 'commercial') return { outcome: 'skip' };
    const scope = profile.params.optOutScope.value;
    if (optOutApplies(facts, scope, leadingSignature(text))) {
      return { outcome: 'fail', code: 'opted_out', message: scope === 'signature' ? 'the number refused commercial messages under this signature' : 'the number refused commercial messages from this content provider' };
    }
    if (facts.dnd) return { outcome: 'fail', code: 'opted_out', message: 'the number is on the do-not-disturb list' };
    return facts.optedOut ? { outcome: 'pass', note: 'opted out of another signature only' } : { outcome: 'pass' };
  },
};

/** `at` as Shanghai time with its offset, to the second: `2026-12-08T08:16:55+08:00`. */
const shanghaiIso = (at: number): string => `${new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;

/**
 * What `consent_missing` adds when the number's consent of the category was withdrawn (and none is
 * live or expired): which one and when, and that a lifted opt-out restores none (docs/CONSENT.md,
 * "Refusal"). The store knows a withdrawal by DELETE with proof of the user's refusal (`byUser`);
 * one without proof and one by an opt-out look the same there, so those are named together.
 */
function withdrawnSaid(w: Facts['withdrawnConsent']): string {
  if (!w) return '';
  const how = w.byUser ? "at the user's request, by DELETE /v1/consents/{id} with proof" : "by DELETE /v1/consents/{id} or the number's refusal";
  return `: consent ${w.id} was withdrawn at ${shanghaiIso(w.withdrawnAt)} (withdrawn ${how}); a lifted opt-out restores no consent: record a new one (POST /v1/consents)`;
}

/**
 * An unexpired consent for the message's category; where the profile requires proof of consent
 * (cn-2026), one recorded with proof. The proof rule is checked when a consent is recorded
 * (`consent_proof_required`), but a consent recorded without proof under cn-2015 is still in the
 * store when the operator switches to cn-2026: it must not count then either, or the switch would
 * leave every old proof-less consent sending. Refused `consent_missing` (there is no consent that
 * counts under the profile; the message names the proof rule's article and the remedy).
 */
export const consentHeld: Stage = {
  rule: 'commercial.consent',
  codes: ['consent_missing', 'consent_expired'],
  run: ({ candidate, facts, profile, now }) => {
    if (candidate.type !== 'commercial') return { outcome: 'skip' };
    const c = facts.consent;
    if (!c) return { outcome: 'fail', code: 'consent_missing', message: `no consent from this number for category ${candidate.category ?? '(none)'}${withdrawnSaid(facts.withdrawnConsent)}` };
    if (c.expiresAt <= now) {
      return { outcome: 'fail', code: 'consent_expired', message: `consent ${c.id} expired at ${new Date(c.expiresAt).toISOString()}` };
    }
    if (!proofSuffices(c.hasProof, profile.params.consentProofRequired.value)) {
      const article = profile.rules['consent.proof']?.article ?? profile.params.consentProofRequired.article;
      return { outcome: 'fail', code: 'consent_missing', message: `consent ${c.id} was recorded without proof; profile ${profile.id} counts only a consent with proof (rule consent.proof, ${article}): record it again with proof` };
    }
    return { outcome: 'pass', note: c.id };
  },
};

/** No more messages than the consent declared in its calendar period (day, week, month in Asia/Shanghai: src/domain/frequency-period.ts). */
export const consentFrequency: Stage = {
  rule: 'commercial.consent-frequency',
  codes: ['consent_frequency_exceeded'],
  run: ({ candidate, facts }) => {
    if (candidate.type !== 'commercial' || !facts.consent) return { outcome: 'skip' };
    const { count, per } = facts.consent.frequency;
    if (facts.consent.usedInPeriod < count) return { outcome: 'pass', note: `${facts.consent.usedInPeriod + 1}/${count} per ${per}` };
    return { outcome: 'fail', code: 'consent_frequency_exceeded', message: `consent allows ${count} per ${per} (calendar ${per}, Asia/Shanghai); ${facts.consent.usedInPeriod} already sent in this one` };
  },
};

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const fmtCache = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in `timeZone`; Asia/Shanghai has had no DST since 1991, so a fixed offset is exact. */
export function localMinutes(now: number, timeZone: string): number {
  if (timeZone === 'Asia/Shanghai') {
    const ms = (now + SHANGHAI_OFFSET_MS) % 86_400_000;
    return Math.floor(ms / 60_000);
  }
  let f = fmtCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    fmtCache.set(timeZone, f);
  }
  const [h, m] = f.format(new Date(now)).split(':').map(Number);
  return h * 60 + m;
}

const hhmmCache = new Map<string, number>();
/** Minutes after midnight of `HH:MM` (memoised: the profile has two such values, read per message). */
function hhmm(s: string): number {
  let v = hhmmCache.get(s);
  if (v === undefined) {
    const [h, m] = s.split(':').map(Number);
    v = h * 60 + m;
    hhmmCache.set(s, v);
  }
  return v;
}

/** Whether `now` is inside the sending hours `q` (local time in its zone, start inclusive, end exclusive). */
export function inSendingHours(now: number, q: { start: string; end: string; timeZone: string }): boolean {
  const t = localMinutes(now, q.timeZone);
  return t >= hhmm(q.start) && t < hhmm(q.end);
}

/**
 * When the next sending window opens after `now` (a commercial message found outside it while
 * waiting in the queue is due again then: src/app/send-time-check.ts). The start of the local minute
 * the window starts at; exact for Asia/Shanghai (no DST), within a DST shift elsewhere, where the
 * claim then judges the hours again and waits on.
 */
export function nextSendingWindow(now: number, q: { start: string; end: string; timeZone: string }): number {
  const t = localMinutes(now, q.timeZone);
  const start = hhmm(q.start);
  const wait = t < start ? start - t : 1440 - t + start;
  return now - (now % 60_000) + wait * 60_000;
}

/** Commercial messages only inside the daytime window (vendor/carrier practice). */
export const withinSendingHours: Stage = {
  rule: 'commercial.quiet-hours',
  codes: ['quiet_hours'],
  run: ({ candidate, profile, now }) => {
    if (candidate.type !== 'commercial') return { outcome: 'skip' };
    const q = profile.params.quietHours.value;
    if (inSendingHours(now, q)) return { outcome: 'pass' };
    return { outcome: 'fail', code: 'quiet_hours', message: `commercial messages may be sent only ${q.start}–${q.end} ${q.timeZone}` };
  },
};

/**
 * Texts that already tell the user how to refuse: a reply keyword together with what it does, in
 * either order (`回复TD退订`, `回T退订`, `回复R拒收`, `退订回T`, `拒收请回复R`, `退订请回复TD`,
 * `Reply STOP to unsubscribe`). 退订 or 拒收 alone is not enough (`货到付款订单拒收需承担运费`
 * says nothing about refusing messages), nor is a reply keyword alone (`详情回复N了解`). Matched
 * on the NFKC form, so full-width `回复ＴＤ退订` counts too.
 *
 * The keyword must be one the gateway acts on (the profile's `optOutKeywords`), standing alone as the
 * reply would: `回复0退订`, `退订请回复0000` or `TDX` name a reply that the MO handler forwards to the
 * provider instead of opting the number out, so such a text gets the profile's notice too.
 */
const QUOTE = String.raw`["'“”‘’「」]`;
const REFUSE = String.raw`(?:退订|拒收|退定|取消订阅|退出订阅)`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function refusalStatedRe(keywords: readonly string[]): RegExp {
  // Longest first, so `TD` is tried before `T`; no keywords at all matches nothing.
  const alts = [...new Set(keywords.map((k) => k.normalize('NFKC').trim()).filter(Boolean))].sort((a, b) => b.length - a.length).map(escapeRe);
  const word = alts.length ? `(?:${alts.join('|')})(?![A-Za-z0-9])` : '(?!)';
  const key = String.raw`${QUOTE}?\s*${word}\s*${QUOTE}?`;
  return new RegExp(
    [
      // 回复TD退订, 回T退订, 回复R拒收, 回复TD即可退订, 短信回复T退订
      String.raw`回复?\s*${key}\s*(?:即可|可|以|来)?\s*${REFUSE}`,
      // 退订回T, 拒收请回复R, 退订请回复TD, 如需退订请直接回复T
      String.raw`${REFUSE}\s*[,，:：]?\s*(?:请|可)?\s*(?:直接)?\s*(?:回复?|发送?|编辑短信|短信)\s*${key}`,
      // Reply STOP to unsubscribe, reply TD to opt out, text STOP
      String.raw`\b(?:reply|text|send|sms)\s+["']?(?:STOP|UNSUBSCRIBE)\b`,
      String.raw`\b(?:reply|text|send|sms)\s+["']?${word}["']?\s+to\s+(?:unsubscribe|opt[\s-]?out|stop|refuse)\b`,
    ].join('|'),
    'iu',
  );
}

/** One expression per keyword list (a profile's, or an operator's override of it). */
const STATED = new WeakMap<readonly string[], RegExp>();
function refusalStated(keywords: readonly string[]): RegExp {
  let re = STATED.get(keywords);
  if (!re) STATED.set(keywords, (re = refusalStatedRe(keywords)));
  return re;
}

/**
 * What every alternative of the refusal expression needs somewhere (回, one of the refusal words, or
 * an English verb), with the same flags: most commercial texts have none, and this test costs a
 * fraction of the whole expression's (~0.4 µs on a 30-character text, once per commercial message).
 */
const REFUSAL_NEEDS = /[回退拒取]|reply|text|send|sms/iu;

/** True when the text already tells the user how to refuse with one of `keywords` (`拒收请回复R`, `回T退订`…). */
export function statesRefusal(text: string, keywords: readonly string[]): boolean {
  const n = text.normalize('NFKC');
  return REFUSAL_NEEDS.test(n) && refusalStated(keywords).test(n);
}

/** The same reading without the prefilter (tests compare the two). */
export const statesRefusalUnfiltered = (text: string, keywords: readonly string[]): boolean => refusalStated(keywords).test(text.normalize('NFKC'));

/** A text end that already parts it from what follows: any punctuation, or a space. */
const ENDS_APART = /[\p{P}\s]$/u;

/**
 * `text` with the refusal `notice` appended: as it is by default (issue 2; the profile's
 * `refusalNoticeSeparator` is empty), or after the separator an operator configured (e.g. `，`, so it
 * reads `…欢迎选购，拒收请回复R`) unless the text already ends in punctuation or a space. The result is the
 * final text: the length limit and the segment count are judged on it, separator included (the stage
 * runs before them).
 */
export function withRefusalNotice(text: string, notice: string, separator: string): string {
  return separator === '' || ENDS_APART.test(text) ? `${text}${notice}` : `${text}${separator}${notice}`;
}

/** Every commercial message states how to refuse; append the profile's notice if the text lacks one. */
export const refusalNotice: Stage = {
  rule: 'commercial.refusal-notice',
  codes: [],
  run: ({ candidate, text, profile }) => {
    if (candidate.type !== 'commercial') return { outcome: 'skip' };
    if (statesRefusal(text, profile.params.optOutKeywords.value)) return { outcome: 'pass', note: 'refusal method stated by sender' };
    return { outcome: 'pass', text: withRefusalNotice(text, profile.params.refusalNotice.value, profile.params.refusalNoticeSeparator.value), note: 'refusal notice appended' };
  },
};
