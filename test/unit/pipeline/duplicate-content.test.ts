/**
 * Rule content.duplicate (docs/REGULATION.md "Market practice": identical content to the same number
 * at most once per 30 s, Tencent Cloud): the stage judges the final text against the facts'
 * `recentTexts` around the send's time, on both profiles; the store's memory of them
 * (src/store/recent-texts.ts) expires, is bounded and takes an entry back.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/pipeline/runner.js';
import { DEFAULT_STAGES } from '../../../src/pipeline/stages/index.js';
import { ruleBasedDetectors } from '../../../src/pipeline/ad-detector.js';
import { PROFILE_IDS, resolveProfile } from '../../../src/profiles/index.js';
import type { Candidate, Facts } from '../../../src/pipeline/types.js';
import { RecentTexts } from '../../../src/store/recent-texts.js';
import { textHash } from '../../../src/domain/text-hash.js';
import { SlotTable } from '../../../src/store/slot-table.js';
import { NOON, candidate, commercialPort, consent, facts } from './fixtures.js';

const NOTICE = '【示例】您的快递已到驿站，取件码 8-2-1034。';
const notice = (over: Partial<Candidate> = {}) => candidate({ type: 'notification', text: NOTICE, ...over });

for (const id of PROFILE_IDS) {
  describe(`content.duplicate (${id})`, () => {
    const profile = resolveProfile(id);
    const run = (c: Candidate, f: Facts, now = NOON, p = profile) => decide(DEFAULT_STAGES, c, f, p, ruleBasedDetectors, now);

    test('the profile carries the 30 s window as practice, with its article in both languages', () => {
      const w = profile.params.duplicateContentWindowSeconds;
      assert.equal(w.value, 30);
      assert.equal(w.basis, 'practice');
      assert.match(w.article, /Tencent Cloud: identical content to one number at most once per 30 s/);
      assert.equal(w.article, profile.rules['content.duplicate'].article);
      assert.ok(w.articleZh && /30秒/.test(w.articleZh));
    });

    test('the same text to the same number within 30 s is refused, with rule and article', () => {
      const d = run(notice(), facts({ recentTexts: [{ hash: textHash(NOTICE), at: NOON - 1_000 }] }));
      assert.equal(d.accepted, false);
      assert.equal(d.rejection!.code, 'duplicate_content');
      assert.equal(d.rejection!.rule, 'content.duplicate');
      assert.match(d.rejection!.article, /Tencent Cloud/);
      assert.equal(d.rejection!.profile, id);
      // refused for good, not "retry later"
      assert.equal(d.retryAfterMs, undefined);
    });

    test('30 s after it, another text, or none remembered: accepted', () => {
      assert.equal(run(notice(), facts({ recentTexts: [{ hash: textHash(NOTICE), at: NOON - 30_000 }] })).accepted, true);
      assert.equal(run(notice(), facts({ recentTexts: [{ hash: textHash(`${NOTICE} `), at: NOON - 1_000 }] })).accepted, true);
      assert.equal(run(notice(), facts()).accepted, true);
      const d = run(notice(), facts());
      assert.equal(d.verdicts.find((v) => v.rule === 'content.duplicate')?.outcome, 'skip');
    });

    test('a send scheduled just ahead counts against one now, either side of the send time (send-window.ts)', () => {
      assert.equal(run(notice(), facts({ recentTexts: [{ hash: textHash(NOTICE), at: NOON + 20_000 }] })).rejection?.code, 'duplicate_content');
      assert.equal(run(notice(), facts({ recentTexts: [{ hash: textHash(NOTICE), at: NOON + 30_000 }] })).accepted, true);
    });

    test('every type: a verification code resent identically is refused (its per-minute limit lifted)', () => {
      const loose = resolveProfile(id, { verificationLimits: { perMinute: 100, perHour: 100, perDay: 100 } });
      const code = candidate();
      const d = run(code, facts({ recentTexts: [{ hash: textHash(code.text), at: NOON - 5_000 }] }), NOON, loose);
      assert.equal(d.rejection?.code, 'duplicate_content');
      // under the default limit the earlier rule answers as before
      assert.equal(run(code, facts({ verificationSends: { minute: 1, hour: 1, day: 1 }, recentTexts: [{ hash: textHash(code.text), at: NOON - 5_000 }] })).rejection?.code, 'frequency_exceeded');
    });

    test('the final text is compared: a commercial text counts with its appended refusal notice', () => {
      const promo = candidate({ type: 'commercial', category: 'promo', from: commercialPort.number, text: '【示例】年终大促全场五折' });
      const f = (recent: string) => facts({ port: commercialPort, consent: consent(), recentTexts: [{ hash: textHash(recent), at: NOON - 1_000 }] });
      const final = run(promo, facts({ port: commercialPort, consent: consent() })).text;
      assert.notEqual(final, promo.text);
      assert.equal(run(promo, f(final)).rejection?.code, 'duplicate_content');
      assert.equal(run(promo, f(promo.text)).accepted, true);
    });

    test('0 turns it off (an operator override)', () => {
      const off = resolveProfile(id, { duplicateContentWindowSeconds: 0 });
      assert.equal(run(notice(), facts({ recentTexts: [{ hash: textHash(NOTICE), at: NOON - 1_000 }] }), NOON, off).accepted, true);
      const longer = resolveProfile(id, { duplicateContentWindowSeconds: 120 });
      assert.equal(run(notice(), facts({ recentTexts: [{ hash: textHash(NOTICE), at: NOON - 60_000 }] }), NOON, longer).rejection?.code, 'duplicate_content');
    });
  });
}

describe('RecentTexts (the stores\' memory of accepted texts)', () => {
  test('per provider and number; expires after its window from its time; a scheduled one lives to its schedule plus the window', () => {
    const r = new RecentTexts();
    r.add('cp_1', '+8613800138000', 'm1', 'a', NOON, NOON);
    r.add('cp_1', '+8613800138000', 'm2', 'b', NOON + 3_600_000, NOON);
    assert.deepEqual(r.of('cp_1', '+8613800138000', NOON)?.map((e) => e.hash), ['a', 'b'].map(textHash));
    assert.equal(r.of('cp_2', '+8613800138000', NOON), undefined);
    assert.equal(r.of('cp_1', '+8613900139000', NOON), undefined);
    // the next decision 30 s on forgets the first, not the scheduled one
    r.add('cp_9', '+8613700137000', 'm3', 'c', NOON + 30_000, NOON + 30_000);
    assert.deepEqual(r.of('cp_1', '+8613800138000', NOON + 30_000)?.map((e) => e.hash), [textHash('b')]);
    assert.deepEqual(r.of('cp_1', '+8613800138000', NOON + 30_000, 'm2') ?? [], [], 'a replacement does not see its own text');
  });

  test('bounded: past the bound the older entries go at once (never more than the bound + 1 held), and it is counted', () => {
    const r = new RecentTexts(3);
    for (let i = 0; i < 4; i++) r.add('cp_1', `+861380013800${i}`, `m${i}`, 't', NOON + i, NOON + i);
    assert.equal(r.size, 4);
    assert.equal(r.shed, 0);
    // every entry still there until the next one
    for (let i = 0; i < 4; i++) assert.equal(r.of('cp_1', `+861380013800${i}`, NOON + 4)?.length, 1);
    r.add('cp_1', '+8613800138004', 'm4', 't', NOON + 4, NOON + 4);
    assert.equal(r.size, 1);
    assert.equal(r.shed, 1);
    assert.equal(r.of('cp_1', '+8613800138000', NOON + 4), undefined);
    assert.equal(r.of('cp_1', '+8613800138004', NOON + 4)?.length, 1);
    let max = 0;
    const big = new RecentTexts(100);
    for (let i = 0; i < 1000; i++) {
      big.add('cp_1', `+8613800${String(i).padStart(6, '0')}`, `m${i}`, 't', NOON + i, NOON + i);
      max = Math.max(max, big.size);
    }
    assert.equal(max, 101);
  });

  test('a scheduled entry lives to its schedule plus the window, apart from the tables that turn', () => {
    const r = new RecentTexts();
    r.add('cp_1', '+8613800138000', 'later', 'a', NOON + 3_600_000, NOON);
    for (let i = 1; i <= 5; i++) r.add('cp_1', '+8613900139000', `n${i}`, 'b', NOON + i * 30_000, NOON + i * 30_000);
    // one provider's entries are not another's
    assert.equal(r.of('cp_2', '+8613900139000', NOON + 150_000), undefined);
    assert.deepEqual(r.of('cp_1', '+8613900139000', NOON + 150_000)?.map((e) => e.at), [NOON + 150_000]);
    assert.deepEqual(r.of('cp_1', '+8613800138000', NOON + 3_600_000 + 29_999)?.map((e) => e.at), [NOON + 3_600_000]);
    assert.equal(r.of('cp_1', '+8613800138000', NOON + 3_600_000 + 30_000), undefined);
  });

  test('an entry taken back (a rolled-back transaction) is forgotten; keepMs 0 keeps nothing', () => {
    const r = new RecentTexts();
    const e = r.add('cp_1', '+8613800138000', 'm1', 'a', NOON, NOON)!;
    r.remove(e);
    assert.equal(r.of('cp_1', '+8613800138000', NOON), undefined);
    r.keepMs = 0;
    assert.equal(r.add('cp_1', '+8613800138000', 'm2', 'a', NOON, NOON), undefined);
    assert.equal(r.of('cp_1', '+8613800138000', NOON), undefined);
  });

  test('numbers are keyed apart, whatever their form; the first entry kept can be taken back', () => {
    const r = new RecentTexts();
    const h = r.add('cp_1', '+8613800138000', 'm1', 'a', NOON, NOON)!;
    r.add('cp_1', '8613800138001', 'm2', 'a', NOON, NOON);
    r.add('cp_1', 'not-a-number', 'm3', 'a', NOON, NOON);
    assert.equal(r.of('cp_1', '+8613800138000', NOON)?.length, 1);
    assert.equal(r.of('cp_1', '8613800138001', NOON)?.length, 1);
    assert.equal(r.of('cp_1', 'not-a-number', NOON)?.length, 1);
    assert.equal(r.of('cp_1', '+8613800138002', NOON), undefined);
    assert.equal(r.of('cp_1', 'not-a-numbe', NOON), undefined);
    r.remove(h);
    assert.equal(r.of('cp_1', '+8613800138000', NOON), undefined);
    assert.equal(r.of('cp_1', '8613800138001', NOON)?.length, 1);
  });

  test('a replaced message\'s text is let go by its id; another message of the number stays', () => {
    const r = new RecentTexts();
    r.add('cp_1', '+8613800138000', 'm1', 'a', NOON, NOON);
    r.add('cp_1', '+8613800138000', 'm2', 'b', NOON, NOON);
    r.add('cp_1', '+8613800138000', 'm3', 'c', NOON + 60_000, NOON);
    r.removeId('cp_1', '+8613800138000', 'm1');
    r.removeId('cp_1', '+8613800138000', 'm3');
    r.removeId('cp_2', '+8613800138000', 'm2');
    assert.deepEqual(r.of('cp_1', '+8613800138000', NOON)?.map((e) => e.hash), [textHash('b')]);
  });
});

describe('textHash and the slot table under the recent texts', () => {
  test('texts that differ by one character, their order or their length hash apart', () => {
    const seen = new Set<number>();
    const base = '【示例】您的验证码是123456，5分钟内有效。';
    const variants = [base, `${base} `, base.slice(1), base.replace('1', '2'), base.replace('12', '21'), '', 'a', 'b', 'ab', 'ba'];
    for (let i = 0; i < 20_000; i++) variants.push(`${base}${i}`);
    for (const v of variants) seen.add(textHash(v));
    assert.equal(seen.size, variants.length);
    for (const h of seen) assert.ok(Number.isSafeInteger(h) && h >= 0);
  });

  test('a slot table holds a value per key through collisions of its cells, and forgets all at once', () => {
    const t = new SlotTable(1_000);
    for (let k = 1; k <= 1_000; k++) t.set(k * 4096, k); // alike in their low bits
    t.set(8192, -1);
    assert.equal(t.size, 1_000);
    assert.equal(t.get(4096, 0), 1);
    assert.equal(t.get(8192, 0), -1);
    assert.equal(t.get(1_000 * 4096, 0), 1_000);
    assert.equal(t.get(1_001 * 4096, 0), 0);
    t.clear();
    assert.equal(t.size, 0);
    assert.equal(t.get(4096, 0), 0);
  });
});
