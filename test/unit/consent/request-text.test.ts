/** A consent request states category, frequency, duration and how to answer (consent_request_incomplete otherwise). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildConsentRequestText, missingRequestFacts, parseNumeral } from '../../../src/domain/consent-request-text.js';
import type { ConsentPeriod } from '../../../src/domain/consent.js';

const req = { category: '会员促销', frequency: { count: 4, per: 'month' as ConsentPeriod }, durationDays: 180 };

describe('consent request text', () => {
  test('Chinese numerals', () => {
    assert.equal(parseNumeral('四'), 4);
    assert.equal(parseNumeral('十二'), 12);
    assert.equal(parseNumeral('两'), 2);
    assert.equal(parseNumeral('一百八十'), 180);
    assert.equal(parseNumeral('一百零五'), 105);
    assert.equal(parseNumeral('三千'), 3000);
    assert.equal(parseNumeral('180'), 180);
    assert.ok(Number.isNaN(parseNumeral('abc')));
  });
  test('a complete text in several wordings', () => {
    for (const t of [
      '【示例】邀请您订阅会员促销短信，每月不超过4条，有效期180天，同意请回复“是”',
      '【示例】会员促销：每月最多四条，一百八十天内有效。回复Y同意',
      '【示例】是否同意接收“会员 促销”信息？每个月至多4条，有效期6个月，同意请回复是',
      '【示例】ＶＩＰ会员促销每月不超过４条，有效期为180天，同意回复Y',
    ]) assert.deepEqual(missingRequestFacts(t, t.includes('ＶＩＰ') ? req : req), [], t);
  });
  test('each missing fact is named', () => {
    assert.deepEqual(missingRequestFacts('【示例】邀请您接收优惠信息，同意请回复是', req), ['category', 'frequency', 'duration']);
    assert.deepEqual(missingRequestFacts('【示例】会员促销，每月不超过4条，有效期180天', req), ['answer']);
    assert.deepEqual(missingRequestFacts('【示例】会员促销，每周不超过4条，有效期180天，同意请回复是', req), ['frequency'], 'wrong period');
    assert.deepEqual(missingRequestFacts('【示例】会员促销，每月不超过5条，有效期180天，同意请回复是', req), ['frequency'], 'wrong count');
    assert.deepEqual(missingRequestFacts('【示例】会员促销，每月不超过4条，有效期90天，同意请回复是', req), ['duration'], 'wrong duration');
    assert.deepEqual(missingRequestFacts('【示例】会员促销，每月不超过4条，长期有效，同意请回复是', req), ['duration'], 'no number');
  });
  test('a duration in half years, half months or weeks counts (found walking docs/CONSENT.md, 2026-12-08)', () => {
    // `有效期半年` was incomplete ("does not state: duration") for 180 days, though 6个月 passed.
    const text = (d: string) => `【示例】会员促销，每月不超过4条，${d}，同意请回复是`;
    assert.deepEqual(missingRequestFacts(text('有效期半年'), req), []);
    assert.deepEqual(missingRequestFacts(text('半年内有效'), req), []);
    assert.deepEqual(missingRequestFacts(text('有效期半个月'), { ...req, durationDays: 15 }), []);
    assert.deepEqual(missingRequestFacts(text('有效期12周'), { ...req, durationDays: 84 }), []);
    assert.deepEqual(missingRequestFacts(text('四星期内有效'), { ...req, durationDays: 28 }), []);
    // Still the declared number of days.
    assert.deepEqual(missingRequestFacts(text('有效期半年'), { ...req, durationDays: 365 }), ['duration']);
    assert.deepEqual(missingRequestFacts(text('有效期12周'), { ...req, durationDays: 90 }), ['duration']);
  });
  test('how to answer names a reply the gateway reads as yes (found by the consent audit)', () => {
    // These passed: the text held 回复 and 同意 (or 不同意), but the user doing as told (`1`, `好`) or
    // only told how to refuse never granted; the request went pending, silence refused it and the
    // provider could never ask again (consent_request_repeated).
    const base = '【示例】邀请您订阅会员促销短信，每月最多4条，有效期180天。';
    for (const t of ['回复1同意，回复2拒绝', '同意请回复“好”', '不同意请回复N', '同意请回复', '请回复是否同意', '回复YO同意', '回复不同意'])
      assert.deepEqual(missingRequestFacts(base + t, req), ['answer'], t);
    for (const t of ['回复Y同意，回复N拒绝', '同意请回复：是', '如同意，请回复“Y”', '回复同意即可订阅', '请回复「是」或「否」', '回复YES确认', '回Y订阅', '同意回复ｙ', '回复 是'])
      assert.deepEqual(missingRequestFacts(base + t, req), [], t);
  });
  test('the generated text always states all four facts (property)', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0),
      fc.integer({ min: 1, max: 1000 }), fc.constantFrom<ConsentPeriod>('day', 'week', 'month'), fc.integer({ min: 1, max: 3650 }),
      (category, count, per, durationDays) => {
        const r = { category, frequency: { count, per }, durationDays };
        const text = buildConsentRequestText({ ...r, signature: '【示例】', refusalNotice: '拒收请回复R' });
        return missingRequestFacts(text, r).length === 0;
      }), { numRuns: 300 });
  });
});
