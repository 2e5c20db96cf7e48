import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nfkc } from '../../../src/domain/text-fold.js';

test('nfkc folds full-width digits, plus, letters and the ideographic space to ASCII', () => {
  assert.equal(nfkc('＋８６１３８００１３８０００'), '+8613800138000');
  assert.equal(nfkc('ｍａｒｋｅｔｉｎｇ'), 'marketing');
  assert.equal(nfkc('营销\u3000'), '营销 ');
});

test('property: nfkc is String.prototype.normalize("NFKC"), and an ASCII string is returned as it is', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => assert.equal(nfkc(s), s.normalize('NFKC'))), { numRuns: 2000 });
  fc.assert(fc.property(fc.string({ maxLength: 20 }).filter((s) => /^[\x00-\x7f]*$/.test(s)), (s) => assert.equal(nfkc(s), s)));
});
