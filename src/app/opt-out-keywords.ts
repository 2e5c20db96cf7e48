/**
 * Is a reply a refusal of the sender's commercial messages? Two lists:
 * - the profile's keywords (`R`, `T`, `TD`, `N`, `退订`, `拒收`): the whole reply only, folded (NFKC,
 *   upper case, spaces and surrounding punctuation removed), so `ｔｄ`, ` td `, `退 订`, `R。` count
 *   but `TD银行` and `Rabbit` do not: a user who writes more than the keyword is saying something else;
 * - refusal phrases in natural language (`别再发了`, `取消订阅`, `STOP`, `unsubscribe`…, defaults plus
 *   the operator's own list, see consent-settings.ts), matched anywhere in the reply unless negated.
 * The rules and the measured false positives are in src/domain/consent-reply.ts and docs/CONSENT.md.
 */
import { findRefusalPhrase, isOptOutKeyword, isResubscribeKeyword } from '../domain/consent-reply.js';

/** Keyword-only check (the spine's rule). */
export function isOptOutReply(text: string, keywords: readonly string[]): boolean {
  return isOptOutKeyword(text, keywords);
}

/** What made a reply a refusal (`keyword` or the phrase), or null when it is none. */
export function refusalMatch(text: string, keywords: readonly string[], phrases: readonly string[]): { by: 'keyword' } | { by: 'phrase'; phrase: string } | null {
  if (isOptOutKeyword(text, keywords)) return { by: 'keyword' };
  const p = findRefusalPhrase(text, phrases);
  return p === null ? null : { by: 'phrase', phrase: p };
}

/**
 * What a reply to a provider's port asks of the gateway: a refusal (opt-out keyword or phrase), a
 * re-subscription (the whole reply one of the profile's `resubscribeKeywords`), or nothing (null).
 * A refusal always wins: a reply that is both (an operator listing `T` among the re-subscribe
 * keywords, a phrase inside one) opts out, since a missed refusal is a breach (Art. 18) and a missed
 * re-subscription costs the user one more reply.
 */
export function moKeyword(
  text: string, optOutKeywords: readonly string[], phrases: readonly string[], resubscribeKeywords: readonly string[],
): { kind: 'refusal'; match: { by: 'keyword' } | { by: 'phrase'; phrase: string } } | { kind: 'resubscribe' } | null {
  const refusal = refusalMatch(text, optOutKeywords, phrases);
  if (refusal) return { kind: 'refusal', match: refusal };
  return isResubscribeKeyword(text, resubscribeKeywords) ? { kind: 'resubscribe' } : null;
}
