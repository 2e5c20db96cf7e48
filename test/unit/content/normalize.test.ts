import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeText, normalizeForMatch, foldForClassifier, toSimplified, CLAUSE_END, SENTENCE_END } from '../../../src/content/normalize.js';

describe('normalizeText', () => {
  test('traditional → simplified, full-width → half-width, lower case', () => {
    assert.equal(normalizeText('發票ＡＢＣ'), '发票abc');
  });
  test('separators inside words are removed', () => {
    assert.equal(normalizeText('代 开 发 票'), '代开发票');
    assert.equal(normalizeText('代*开*发*票'), '代开发票');
    assert.equal(normalizeText('代😀开｜发、票'), '代开发票');
  });
  test('zero-width, BOM, soft hyphen and combining marks vanish', () => {
    assert.equal(normalizeText('代\u200b开\u200d发\ufeff票\u00ad'), '代开发票');
    assert.equal(normalizeText('d\u0336k\u0336'), 'dk');
  });
  test('homoglyphs fold onto the letter they imitate', () => {
    assert.equal(normalizeText('рауpаl'), 'paypal'); // Cyrillic р, а, у
    assert.equal(normalizeText('カロ'), '力口');
    assert.equal(normalizeText('café'), 'cafe');
  });
  test('Chinese and circled numerals become digits', () => {
    assert.equal(normalizeText('一三八〇〇一三八〇〇〇'), '13800138000');
    assert.equal(normalizeText('①②③'), '123');
    assert.equal(normalizeText('壹贰叁'), '123');
  });
  test('breaks record where separators stood', () => {
    const f = normalizeForMatch('ab cd');
    assert.equal(f.length, 4);
    assert.deepEqual(Array.from(f.breaks.subarray(0, 5)), [0, 0, 1, 0, 1]);
  });
  test('breaks say how strong the separator was: a comma ends a clause, 。！？； and a line break a sentence', () => {
    // the lexicon's warnings (警惕…) cover terms up to the clause end, never past it
    const f = normalizeForMatch('警惕“甲”、《乙》，丙 ！丁\n戊；己,庚.辛');
    assert.equal(normalizeText('警惕“甲”、《乙》，丙 ！丁\n戊；己,庚.辛'), '警惕甲乙丙丁戊己庚辛');
    assert.deepEqual(Array.from(f.breaks.subarray(0, 11)), [0, 0, 1, 1, CLAUSE_END, SENTENCE_END, SENTENCE_END, SENTENCE_END, CLAUSE_END, 1, 1]);
  });
  test('empty and separator-only input', () => {
    assert.equal(normalizeText(''), '');
    assert.equal(normalizeText(' ，。！'), '');
  });
});

describe('foldForClassifier', () => {
  test('keeps punctuation, folds digits and width', () => {
    assert.equal(foldForClassifier('【银行】验证码８８２１３４！'), '【银行】验证码000000!');
  });
  test('traditional to simplified', () => {
    assert.equal(toSimplified('優惠活動'), '优惠活动');
  });
});
