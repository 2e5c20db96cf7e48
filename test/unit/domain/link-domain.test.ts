/** Link domains of the content settings: RFC 1123 host names of two labels or more under a letter TLD. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkDomainFault } from '../../../src/domain/link-domain.js';

test('a well-formed domain has no fault; IDN TLDs in punycode and digits in a label are fine', () => {
  for (const d of ['example.com', 'shop.cn', 'a-b.example.com', '1a.example.com', 'a-b.xn--fiqs8s', `${'a'.repeat(63)}.com`, `${'a.'.repeat(125)}com`]) assert.equal(linkDomainFault(d), null, d);
});

test('each malformed host name is refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['-a.com', /starts or ends with "-"/], ['a-.com', /starts or ends with "-"/], ['shop.c-n', /top-level/],
    ['a..com', /empty label/], ['.com', /empty label/], ['a.com.', /empty label/],
    [`${'a'.repeat(64)}.com`, /over 63/], [`${'a.'.repeat(127)}com`, /over 253/],
    ['a b.com', /letters, digits and "-"/], ['a_b.com', /letters, digits and "-"/], ['http://a.com', /letters, digits and "-"/], ['*.a.com', /letters, digits and "-"/],
    ['localhost', /two labels/], ['1.2.3.4', /top-level/], ['a.c', /top-level/], ['例子.中国', /punycode/], ['', /empty/],
  ];
  for (const [d, why] of cases) {
    const f = linkDomainFault(d);
    assert.ok(f !== null, d);
    assert.match(f, why, `${d}: ${f}`);
  }
});
