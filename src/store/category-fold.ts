/**
 * The one form a stored consent category is held in, for the store's migrations: Unicode NFKC, then
 * trimmed, exactly as `categoryField` (src/app/validate.ts) reads every category given since that
 * folding was introduced. Categories written before it keep the form they were typed in (`ｐｒｏｍｏ`,
 * ` promo `), and categories are compared exactly, so the migrations (SQLite 100, PostgreSQL 091)
 * rewrite them with this. Both read through `categoryForm` (src/domain/text-fold.ts); a test
 * (test/unit/store/category-fold.test.ts) holds the two equal on the inputs that matter.
 */
import { categoryForm } from '../domain/text-fold.js';

/**
 * `category` folded as `categoryField` folds it; a category that would fold to nothing (spaces alone,
 * which `categoryField` refuses and no message can name) is returned as it is rather than blanked.
 */
export function foldCategory(category: string): string {
  const c = categoryForm(category);
  return c === '' ? category : c;
}
