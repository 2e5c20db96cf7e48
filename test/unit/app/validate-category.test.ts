import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryField, validateSubmitInput } from '../../../src/app/validate.js';
import { SmsguardError } from '../../../src/domain/errors.js';

const field = (v: unknown) => {
  try {
    categoryField(v, 'category');
    return null;
  } catch (e) {
    assert.ok(e instanceof SmsguardError);
    return [e.code, e.field, e.message];
  }
};

test('a category is held in one form: NFKC (full-width → ASCII) and trimmed, so equal-looking categories are equal', () => {
  for (const v of ['marketing', 'ｍａｒｋｅｔｉｎｇ', ' marketing ', '\u3000ｍａｒｋｅｔｉｎｇ\u3000']) assert.equal(categoryField(v, 'category'), 'marketing', v);
  for (const v of ['营销', '营销 ', '\u3000营销\u3000', ' 营销']) assert.equal(categoryField(v, 'category'), '营销', v);
  // width is folded, case is not: Promo and promo may be meant as two categories
  assert.equal(categoryField('Ｐｒｏｍｏ', 'category'), 'Promo');
  // the submission's category goes through the same function as the consent's
  assert.equal(validateSubmitInput({ from: '10690002', to: '13800138000', text: '【示例】x', type: 'commercial', category: 'ｍａｒｋｅｔｉｎｇ ' }).category, 'marketing');
});

test('a category blank after folding, or longer than 64 characters once folded, is refused naming the field', () => {
  assert.deepEqual(field('\u3000\u3000'), ['invalid_request', 'category', 'category: must not be blank']);
  // ㍿ is one character, 株式会社 after NFKC: 20 of them are 80 characters as stored
  assert.deepEqual(field('㍿'.repeat(20)), ['invalid_request', 'category', 'category: must have at most 64 characters']);
  assert.equal(categoryField('㍿'.repeat(16), 'category'), '株式会社'.repeat(16));
  assert.deepEqual(field('x'.repeat(65)), ['invalid_request', 'category', 'category: must have at most 64 characters']);
  assert.deepEqual(field('pro\u0000mo'), ['invalid_request', 'category', 'category: must not contain NUL characters']);
});
