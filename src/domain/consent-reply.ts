/**
 * What a user's reply means: an answer to a consent request (yes / no), a refusal of the sender's
 * commercial messages (opt-out), or something else.
 *
 * Two kinds of refusal wording:
 * - **Keywords** (`R`, `T`, `TD`, `N`, `退订`, `拒收`, from the profile): only the whole reply counts,
 *   folded (NFKC, upper case, no spaces). `TD银行` and `Rabbit` are not refusals.
 * - **Phrases** (`别再发了`, `不要再发`, `取消订阅`, `STOP`, `unsubscribe`…, operator-extensible):
 *   natural language, so they count anywhere in the reply. Chinese phrases match as substrings (after
 *   NFKC, traditional → simplified, spaces removed); Latin phrases match as whole words, so `STOP!`
 *   and `please stop` count but `nonstop` and `STOPPED` do not. A phrase directly preceded by a
 *   negation (`不`, `别`, `不要`, `没`, `don't`, `do not`, `never`…) does not count: `不要取消订阅`.
 *
 * Ambiguity falls towards refusal: a missed refusal is a breach (Art. 18: refusal must be effective
 * and unobstructed), a false one costs the sender one recipient who can consent again. So
 * `不要再发错了` (“don't send it wrong again”) is a refusal, and docs/CONSENT.md lists such cases.
 *
 * For a *pending consent request* the answer words win: `N` (also a spine opt-out keyword) answers
 * the question the request asked ("不同意请回复N") and refuses that request only; it is not a blanket
 * opt-out. Outside a pending request `N` is an opt-out keyword as before.
 */
import * as OpenCC from 'opencc-js/t2cn';
import { foldReply } from './text-fold.js';

/** Replies that grant a pending consent request (folded: width, case and spaces ignored). */
export const GRANT_REPLIES: readonly string[] = ['是', '同意', 'Y', 'YES'];
/** Replies that refuse a pending consent request. */
export const REFUSE_REPLIES: readonly string[] = ['否', '不同意', 'N', 'NO'];
/** Natural-language refusals, matched anywhere in a reply; operators add their own (settings). */
export const DEFAULT_REFUSAL_PHRASES: readonly string[] = [
  '别再发了', '别再发', '不要再发', '别发了', '不要发了', '不要再给我发', '取消订阅', '退订', '拒收', '拒绝接收', '勿扰',
  'STOP', 'UNSUBSCRIBE', 'OPT OUT', 'OPT-OUT',
];

export type ReplyMeaning = 'grant' | 'refuse' | 'opt_out' | 'other';

const toSimplified = (() => {
  const tw = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const hk = OpenCC.Converter({ from: 'hk', to: 'cn' });
  return (s: string) => hk(tw(s));
})();

/** Punctuation a user puts round a one-word answer (`是。`, `Y!`, `“同意”`). */
const EDGE_PUNCT = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

/** Folding for one-word answers: {@link foldReply} plus surrounding punctuation removed. */
export function foldAnswer(text: string): string {
  return foldReply(text).replace(EDGE_PUNCT, '');
}

function inList(folded: string, list: readonly string[]): boolean {
  if (!folded) return false;
  for (const k of list) if (foldAnswer(k) === folded) return true;
  return false;
}

/**
 * A folded answer without the instruction's own verb in front: a message saying `回T退订` or
 * `退订请回复TD` is often answered `回T` or `回复TD`, the instruction typed back (found by the consent
 * audit, 2026-12-07: those were forwarded to the provider as ordinary replies). `回复：“TD”` too: the
 * rest is folded again, so punctuation after the verb goes. Null when the answer does not start so.
 */
function withoutEcho(folded: string): string | null {
  const m = /^回复?/u.exec(folded);
  return m ? foldAnswer(folded.slice(m[0].length)) : null;
}

/** `folded` is in `list`, as it is or with the instruction's verb (`回复`, `回`) in front. */
function answerIn(folded: string, list: readonly string[]): boolean {
  if (inList(folded, list)) return true;
  const rest = withoutEcho(folded);
  return rest !== null && inList(rest, list);
}

/** True when the whole reply is one of the profile's opt-out keywords (or `回复`/`回` and one: `回复TD`). */
export function isOptOutKeyword(text: string, keywords: readonly string[]): boolean {
  return answerIn(foldAnswer(text), keywords);
}

/**
 * True when the whole reply is one of the re-subscribe keywords (`订阅`, `SUBSCRIBE`…, the profile's
 * `resubscribeKeywords`), folded exactly as the opt-out keywords are ({@link foldAnswer}: NFKC, upper
 * case, spaces and surrounding punctuation removed). A reply with more text (`订阅号`, `不订阅`,
 * `取消订阅`) is not one. Callers check refusals first: a refusal always wins (src/app/opt-out-keywords.ts).
 */
export function isResubscribeKeyword(text: string, keywords: readonly string[]): boolean {
  return inList(foldAnswer(text), keywords);
}

const CJK_NEGATORS = ['不要', '不用', '不想', '不必', '无需', '无须', '没有', '不', '别', '没', '勿'];
const LATIN_NEGATION = /(?:\bDON'?T|\bDO NOT|\bNEVER|\bNOT|\bNO NEED TO|\bWON'?T)\s*$/;

function isLatin(p: string): boolean {
  return /^[A-Z][A-Z \-']*$/.test(p);
}

/** Folding for phrases: NFKC, simplified, upper case, curly quotes straightened, runs of space as one. */
function foldPhraseText(text: string): string {
  return toSimplified(text.normalize('NFKC')).replace(/[\u2018\u2019]/g, "'").toUpperCase().replace(/[\s\u200b-\u200d\ufeff]+/gu, ' ').trim();
}

/**
 * The refusal phrase found in `text`, or null. See the module doc for the matching rules. Phrases are
 * folded the same way as the text, so operators may write them in any width or case.
 */
export function findRefusalPhrase(text: string, phrases: readonly string[]): string | null {
  const spaced = foldPhraseText(text);
  if (!spaced) return null;
  const compact = spaced.replace(/ /g, '');
  for (const raw of phrases) {
    const p = foldPhraseText(raw);
    if (!p) continue;
    if (isLatin(p)) {
      const re = new RegExp(`(?<![A-Z0-9])${p.replace(/[-']/g, (c) => `\\${c}`).replace(/ /g, '[ \\-]?')}(?![A-Z0-9])`, 'g');
      for (let m = re.exec(spaced); m; m = re.exec(spaced)) {
        if (!LATIN_NEGATION.test(spaced.slice(0, m.index))) return raw;
      }
    } else {
      const pc = p.replace(/ /g, '');
      for (let i = compact.indexOf(pc); i >= 0; i = compact.indexOf(pc, i + 1)) {
        const before = compact.slice(Math.max(0, i - 2), i);
        // A phrase that itself starts with a negation (不要再发) is not negated by what precedes it.
        const selfNegated = CJK_NEGATORS.some((n) => pc.startsWith(n));
        if (selfNegated || !CJK_NEGATORS.some((n) => before.endsWith(n))) return raw;
      }
    }
  }
  return null;
}

/** True when the reply refuses the sender: a whole-reply keyword or a phrase anywhere. */
export function isRefusal(text: string, keywords: readonly string[], phrases: readonly string[]): boolean {
  return isOptOutKeyword(text, keywords) || findRefusalPhrase(text, phrases) !== null;
}

/**
 * Meaning of a reply to a *pending consent request*: grant and refuse words first (so `N` refuses the
 * request rather than opting out), then refusals of the sender (opt-out), else `other`.
 */
export function classifyConsentReply(text: string, keywords: readonly string[], phrases: readonly string[]): ReplyMeaning {
  const f = foldAnswer(text);
  // Consent stays explicit: only the yes word itself grants (`回复Y` is a question for the provider);
  // a refusal word echoed with its verb (`回复N`) refuses as the word does.
  if (inList(f, GRANT_REPLIES)) return 'grant';
  if (answerIn(f, REFUSE_REPLIES)) return 'refuse';
  if (isRefusal(text, keywords, phrases)) return 'opt_out';
  return 'other';
}
