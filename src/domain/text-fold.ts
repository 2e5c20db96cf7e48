/**
 * Folding for keyword replies: Unicode NFKC (full-width → half-width, compatibility forms), upper
 * case, and no white space anywhere (users type `ｔ d`, ` TD `, `退 订`).
 */
export function foldReply(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b-\u200d\ufeff]+/gu, '').toUpperCase();
}
