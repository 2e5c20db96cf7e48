/**
 * Unicode NFKC, the compatibility folding of what people type: full-width `１３８`, `＋`, `ｍａｒｋｅｔｉｎｇ`
 * and the ideographic space become ASCII (also superscript and circled digits and other compatibility
 * forms). A string of ASCII alone is returned as it is without asking ICU: NFKC leaves ASCII
 * unchanged, and numbers and categories on the message path are almost always ASCII.
 */
export function nfkc(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return s.normalize('NFKC');
  return s;
}

/**
 * The one form a category is compared in: NFKC, then trimmed (`ｐｒｏｍｏ`, ` promo ` → `promo`). Read
 * this way from every caller (categoryField, src/app/validate.ts) and applied to categories stored
 * before that (src/store/category-fold.ts, the store's migrations).
 */
export function categoryForm(s: string): string {
  return nfkc(s).trim();
}

/**
 * Folding for keyword replies: Unicode NFKC (full-width → half-width, compatibility forms), upper
 * case, and no white space anywhere (users type `ｔ d`, ` TD `, `退 订`).
 */
export function foldReply(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b-\u200d\ufeff]+/gu, '').toUpperCase();
}
