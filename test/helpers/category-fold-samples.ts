/**
 * Categories whose folding tests compare the store's migrations (src/store/category-fold.ts for
 * SQLite, SQL for PostgreSQL) with categoryField: every kind of width, compatibility form and space
 * a stored category may hold. Each one is a category categoryField accepts (not blank, ≤ 64, no control
 * character left after the trim: `x\u0085`, a NEL that trim keeps, was one until 2026-12-07).
 */
export const FOLD_SAMPLES: readonly string[] = [
  'promo', 'Promo', 'ｐｒｏｍｏ', 'ＰＲＯＭＯ', ' promo ', '\u3000ｐｒｏｍｏ\u3000', '营销', '营销\u3000', '\u00a0营销\u00a0',
  '\tpromo\n', '\u2003promo\u202f', '\u1680promo\u2028', '\ufeffpromo\u2029', '\u000bpromo\f\r', 'pro mo', 'ｐｒｏ\u3000ｍｏ',
  '㍿', '①②', 'ﾌﾟﾛﾓ', 'café', 'cafe\u0301', 'ﬁnance', '²', 'Ⅻ', '\u200bpromo\u200b',
];
