/** The store's fold of a stored category (SQLite migration 100) is categoryField's, sample by sample. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldCategory } from '../../../src/store/category-fold.js';
import { categoryField } from '../../../src/app/validate.js';
import { FOLD_SAMPLES } from '../../helpers/category-fold-samples.js';

test('foldCategory folds a stored category as categoryField reads a new one', () => {
  for (const s of FOLD_SAMPLES) assert.equal(foldCategory(s), categoryField(s, 'category'), JSON.stringify(s));
  // and is idempotent: a folded category is its own fold (the migration rewrites only what differs)
  for (const s of FOLD_SAMPLES) assert.equal(foldCategory(foldCategory(s)), foldCategory(s), JSON.stringify(s));
});

test('a category of spaces alone, which categoryField refuses and no message can name, is left as it is', () => {
  for (const s of ['\u3000', ' ', '\u00a0\t']) assert.equal(foldCategory(s), s);
});
