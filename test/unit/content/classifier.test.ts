import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classify, explainCommercial, scoreCommercial, scoreCommercialReference, trainClassifier } from '../../../src/content/classifier.js';
import { defaultClassifier, defaultCorpus } from '../../../src/content/default-classifier.js';
import { evaluateClassifier } from '../../../src/content/evaluate.js';
import { CHAR_TRANSFORMS } from './evasion.js';

const model = defaultClassifier();
const rows = defaultCorpus();

describe('commercial-content classifier', () => {
  test('held-out quality: precision ≥ 0.9, recall ≥ 0.8, false-positive rate ≤ 2 %', () => {
    const m = evaluateClassifier(model, rows.filter((r) => r.split === 'heldout'));
    assert.ok(m.precision >= 0.9, JSON.stringify(m));
    assert.ok(m.recall >= 0.8, JSON.stringify(m));
    assert.ok(m.falsePositiveRate <= 0.02, JSON.stringify(m));
    assert.ok(m.negatives >= 100 && m.positives >= 50);
  });

  test('evasion transforms of the body do not blind it: held-out recall ≥ 0.85 and FPR ≤ 2 % under each', () => {
    const held = rows.filter((r) => r.split === 'heldout');
    for (const t of CHAR_TRANSFORMS) {
      // the signature stays as registered; the evasion is in the body
      const moved = held.map((r) => ({ ...r, text: r.text.replace(/^(【[^】]+】)?([\s\S]*)$/, (_m, sig: string | undefined, body: string) => (sig ?? '') + t.apply(body)) }));
      const m = evaluateClassifier(model, moved);
      assert.ok(m.recall >= 0.85 && m.falsePositiveRate <= 0.02, `${t.name}: recall ${m.recall.toFixed(3)}, FPR ${m.falsePositiveRate.toFixed(3)}`);
    }
  });

  test('a link does not make a notification an advertisement (none of these texts is in the corpus)', () => {
    // Found against `smsguard start`: a parcel notice with a tracking link scored 0.59 and was refused,
    // because every link in the corpus sat in a commercial message. Service messages with links were added.
    const service = [
      '【示例】Your parcel has shipped. Track it at example.com/t/123',
      '【示例】您的快递已由顺丰派送，查看物流 https://t.cn/A6xYz 。',
      '【示例】您的11月账单已出，应还1,250.00元，明细见 bank.example.cn/b/2 。',
      '【示例】Dear customer, your bill for November is 58.00 CNY, due 2026-12-15.',
    ];
    for (const t of service) assert.ok(scoreCommercial(model, t) < model.threshold, `${t}: ${scoreCommercial(model, t).toFixed(3)}`);
    const ads = [
      '【示例】Black Friday: 50% off everything! Shop now at example.com/sale Reply TD to unsubscribe',
      '【示例】双十二全场5折起，点击 example.cn/s 立即抢购，回T退订',
    ];
    for (const t of ads) assert.ok(scoreCommercial(model, t) >= model.threshold, `${t}: ${scoreCommercial(model, t).toFixed(3)}`);
  });

  test('short lures score as ads on their own, full-width and spaced out too; service sentences of the same shapes do not (none is in the corpus)', () => {
    // Known gap of 2026-12-07: a few words of bait with a contact or a short link scored 0.006-0.38, the
    // corpus having no such row. Lures and service messages of the same shapes were added and the model retrained.
    const lures = ['加微信13912345678领取优惠券', '加V：shop888 领福利', '戳 t.cn/A6x 领红包', '加　微　信　13912345678　领　优　惠　券', '戳 ｔ．ｃｎ／Ａ６ｘ 领红包'];
    for (const t of lures) assert.ok(classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
    const service = ['关注微信公众号“示例客服”可查询订单进度', '查看物流 t.cn/A6x', '您购买的优惠券礼包已到账', '【示例】您的红包已提现至微信零钱，金额88.00元。'];
    for (const t of service) assert.ok(!classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
  });

  test('friendly English notices are not ads; short English offers are (none is in the corpus)', () => {
    // Before the short rows of 2026-12-07 a closing courtesy was evidence of an ad: `Thank you for shopping
    // with us!` alone 0.941, after a delivery notice 0.708 (a held-out false positive).
    const service = ['【示例】Thank you for shopping with us!', '【示例】Thanks for choosing DHL!', '【示例】Have a nice flight!', '【示例】Your package was delivered to the front door. Thank you for shopping with us!'];
    for (const t of service) assert.ok(!classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
    const ads = ['【示例】Flash sale today! 50% off everything.', '【示例】Buy one get one free this weekend!'];
    for (const t of ads) assert.ok(classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
  });

  test('an emoji or an asterisk between two Latin letters is a filler, as between two hanzi; . - / there are kept', () => {
    // With more English rows, emoji between letters (kept, as every symbol between ASCII alphanumerics
    // was) made English notices unknown n-grams: 13 of 159 held-out service messages flagged.
    assert.equal(scoreCommercial(model, '【示例】Y😀o😀u😀r p😀a😀r😀c😀e😀l has shipped'), scoreCommercial(model, '【示例】Your parcel has shipped'));
    assert.equal(scoreCommercial(model, '【示例】F*l*a*s*h s*a*l*e today'), scoreCommercial(model, '【示例】Flash sale today'));
    assert.notEqual(scoreCommercial(model, '【示例】Track it at t.cn/A6x'), scoreCommercial(model, '【示例】Track it at tcnA6x'));
  });

  test('training is deterministic', () => {
    const ex = rows.slice(0, 120).map((r) => ({ text: r.text, commercial: r.type === 'commercial' }));
    const a = trainClassifier(ex, { threshold: 0.5, epochs: 30 });
    const b = trainClassifier(ex, { threshold: 0.5, epochs: 30 });
    assert.equal(a.bias, b.bias);
    assert.deepEqual(a.weights, b.weights);
  });

  test('the threshold is configurable', () => {
    const text = '【某某商城】全场5折，满199减50，快来抢购！回T退订';
    assert.equal(classify(model, text).commercial, true);
    assert.equal(classify(model, text, 1.01).commercial, false);
    const bill = '【某某电力】您户号0102本月电费213.60元，请于月底前缴纳。';
    assert.equal(classify(model, bill).commercial, false);
    assert.equal(classify(model, bill, 0).commercial, true);
  });

  test('the signature does not decide the score', () => {
    const body = '您的快递已到达小区驿站，取件码3-2-118，请及时领取。';
    const a = scoreCommercial(model, `【顺丰速运】${body}`);
    const b = scoreCommercial(model, `【某某大促销商城】${body}`);
    assert.equal(a, b);
    assert.equal(scoreCommercial(model, `${body}【顺丰速运】`), a);
  });

  test('traditional characters and full-width digits score like their plain forms', () => {
    const simp = '周年庆全场8折起，会员再享双倍积分，优惠至12月15日止。';
    const trad = '週年慶全場８折起，會員再享雙倍積分，優惠至１２月１５日止。';
    assert.ok(Math.abs(scoreCommercial(model, simp) - scoreCommercial(model, trad)) < 1e-9);
  });

  test('explanations name phrases of the message that pushed towards commercial', () => {
    const text = '【某某银行】您的账单已出。现在办理分期手续费限时7折，点击立即办理。回TD退订';
    const phrases = explainCommercial(model, text, 3);
    assert.ok(phrases.length >= 1 && phrases.length <= 3);
    for (const p of phrases) {
      assert.ok(text.includes(p.phrase), p.phrase);
      assert.ok(p.weight > 0);
    }
    assert.ok(phrases.some((p) => /退订|折|立即/.test(p.phrase)), JSON.stringify(phrases));
    for (let i = 1; i < phrases.length; i++) assert.ok(phrases[i - 1].weight >= phrases[i].weight);
  });

  test('the inlined hot path scores exactly like the reference', () => {
    for (const r of rows.slice(0, 200)) assert.equal(scoreCommercial(model, r.text), scoreCommercialReference(model, r.text));
    for (const t of ['', '【】', '【只有签名】', '  x  ', '\u200b\u200b']) assert.equal(scoreCommercial(model, t), scoreCommercialReference(model, t));
  });

  test('scores are probabilities, also for odd input', () => {
    for (const t of ['', '【】', '\u200b', 'a'.repeat(2000), '😀😀']) {
      const s = scoreCommercial(model, t);
      assert.ok(s >= 0 && s <= 1 && Number.isFinite(s));
    }
  });
});
