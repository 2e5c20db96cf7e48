import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { maskMsisdn, normalizeMsisdn, normalizeMsisdnLenient } from '../../../src/domain/msisdn.js';

test('the three accepted forms give one canonical E.164 number', () => {
  for (const s of ['13800138000', '+8613800138000', '8613800138000', ' 13800138000 ', '\t+8613800138000\n']) {
    assert.equal(normalizeMsisdn(s), '+8613800138000', s);
  }
});

test('issue 2: any other form is rejected (0086, spaces or dashes inside, other punctuation)', () => {
  for (const s of ['008613800138000', '138 0013 8000', '138-0013-8000', '+86 138 0013 8000', '+86-13800138000', '(+86)13800138000', '+008613800138000', '++8613800138000', '１３８００１３８０００']) {
    assert.equal(normalizeMsisdn(s), null, s);
  }
});

test('full-width digits and plus (a Chinese input method): refused by the strict forms (issue 2), read after NFKC by the lenient one', () => {
  for (const s of ['１３８００１３８０００', '＋８６１３８００１３８０００', '８６１３８００１３８０００', '+86１３８００１３８０００', '\u3000１３８００１３８０００\u3000', '００８６１３８００１３８０００', '１３８\u3000００１３\u3000８０００', '１３８－００１３－８０００', '＋８６\u3000１３８００１３８０００']) {
    assert.equal(normalizeMsisdn(s), null, s);
    assert.equal(normalizeMsisdnLenient(s), '+8613800138000', s);
  }
  // NFKC maps no other script's digits to ASCII (Arabic-Indic ١٣٨…): still not a number
  assert.equal(normalizeMsisdnLenient('١٣٨٠٠١٣٨٠٠٠'), null);
  // validity is still the library's: a full-width non-mobile range stays invalid
  assert.equal(normalizeMsisdnLenient('１２０００１３８０００'), null);
});

test('the lenient reading (typed forms, carrier MO senders) also takes 0086, spaces and dashes, same canonical form', () => {
  for (const s of ['13800138000', '+8613800138000', '8613800138000', '008613800138000', '138 0013 8000', '138-0013-8000', '+86 138 0013 8000']) {
    assert.equal(normalizeMsisdnLenient(s), '+8613800138000', s);
  }
  for (const s of ['1380013800', '+14155550100', '23800138000', '12000138000', '', 'abc', null]) assert.equal(normalizeMsisdnLenient(s), null, String(s));
});

test('anything but a mainland mobile number is rejected', () => {
  for (const s of ['1380013800', '138001380001', '+14155550100', '01012345678', '+861012345678', '23800138000', '', 'abc', '+86 10 1234 5678', '12000138000', null, 13800138000]) {
    assert.equal(normalizeMsisdn(s), null, String(s));
  }
});

test('property: normalising is idempotent and never throws', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (s) => {
      const n = normalizeMsisdn(s);
      if (n !== null) assert.equal(normalizeMsisdn(n), n);
    }),
  );
  // a number written in full-width digits reads as the same number written in ASCII
  const wide = (s: string) => s.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  fc.assert(
    fc.property(fc.stringMatching(/^(\+?86)?1[3-9]\d{9}$/), (s) => {
      assert.equal(normalizeMsisdnLenient(wide(s)), normalizeMsisdn(s), wide(s));
    }),
  );
  fc.assert(
    fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (s) => {
      const n = normalizeMsisdn(s);
      if (n) assert.equal(normalizeMsisdn(`+86${s}`), n);
    }),
  );
});

test('property: the remembered answer per 7-digit prefix is the library\'s for every number, in any order of prefixes', () => {
  const library = (national: string): boolean => {
    const p = parsePhoneNumberFromString(`+86${national}`);
    const t = p?.isValid() ? p.getType() : undefined;
    return t === 'MOBILE' || t === 'FIXED_LINE_OR_MOBILE';
  };
  // numbers 1 + ten digits, both valid and invalid ranges (10x, 11x, 12x are not mobile), often sharing prefixes
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 9999 })), { minLength: 1, maxLength: 50 }), (xs) => {
      for (const [a, b, c] of xs) {
        const national = `1${String(a).padStart(2, '0')}${String(b).padStart(4, '0')}${String(c).padStart(4, '0')}`;
        assert.equal(normalizeMsisdn(national), library(national) ? `+86${national}` : null, national);
      }
    }),
    { numRuns: 300 },
  );
});

test('masking keeps the first three and last four digits only', () => {
  assert.equal(maskMsisdn('+8613800138000'), '138****8000');
});
