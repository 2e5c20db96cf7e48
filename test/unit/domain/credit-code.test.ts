import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { creditCodeCheckChar, isValidCreditCode } from '../../../src/domain/credit-code.js';

test('GB 32100-2015 check character: the issue’s vectors', () => {
  assert.equal(isValidCreditCode('91350100M000100Y43'), true);
  assert.equal(isValidCreditCode('91350100M000100Y44'), false);
});

test('malformed codes are rejected', () => {
  for (const s of ['', '91350100M000100Y4', '91350100M000100Y433', '91350100m000100y43', '91350100I000100Y43', 91350100, null]) {
    assert.equal(isValidCreditCode(s), false, String(s));
  }
});

test('property: exactly one check character is valid for any 17-character body', () => {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('');
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 17, maxLength: 17 }), (chars) => {
      const body = chars.join('');
      const check = creditCodeCheckChar(body)!;
      assert.equal(isValidCreditCode(body + check), true);
      const valid = alphabet.filter((c) => isValidCreditCode(body + c));
      assert.deepEqual(valid, [check]);
    }),
  );
});
