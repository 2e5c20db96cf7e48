/**
 * Is a reply a refusal? The profile lists exact keywords (`R`, `T`, `TD`, `N`, `退订`, `拒收`); the
 * reply is folded (NFKC, upper case, spaces removed) before comparing, so `ｔｄ`, ` td `, `退 订` count.
 * Only the whole reply counts: `TD银行` or `Rabbit` are not refusals, because a user who writes
 * more than the keyword is saying something else and a false opt-out silences a sender for good.
 */
import { foldReply } from '../domain/text-fold.js';

export function isOptOutReply(text: string, keywords: readonly string[]): boolean {
  const f = foldReply(text);
  if (!f) return false;
  for (const k of keywords) if (foldReply(k) === f) return true;
  return false;
}
