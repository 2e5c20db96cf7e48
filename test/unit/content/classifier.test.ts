import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classify, explainCommercial, scoreCommercial, scoreCommercialReference, scoreCommercialText, scoreCommercialTextReference, trainClassifier } from '../../../src/content/classifier.js';
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

  test('an English offer after a notice or a code, past ". ", is an ad; English notices of two sentences are not (none is in the corpus)', () => {
    // Known gap of 2026-12-07: `.` was no sentence end, so an English lure after a notice was scored with the
    // notice and passed (0.03-0.18; `Add me on WeChat for a 20% off coupon!` after a code 0.081).
    const ads = [
      '【示例】Your appointment is confirmed for Monday 10:00. Reply now for 50% off your next visit',
      '【示例】Your parcel was delivered. Limited time offer, visit example.com/deals',
      '【示例】Your bill is ready. Upgrade today and save 20% on your plan',
      '【示例】Your verification code is 123456. Add me on WeChat for a 20% off coupon!',
      '【示例】Your table for 4 is booked for Friday 19:00. Bring a friend and get 50% off your second meal',
      '【示例】your code is 552017. limited time offer: 30% off everything at shop.example.com',
    ];
    for (const t of ads) assert.ok(classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
    const service = [
      '【示例】Your order W52210 has shipped. Track it at example.com/t/9.',
      '【示例】Your driver has arrived. Have a safe trip!',
      '【示例】Your login code is 448210. Do not reply to this message.',
      '【示例】Your library book is due on Dec 12. Renew it online at lib.example.org.',
      '【示例】Your appointment is confirmed for Monday 10:00. Reply 1 to confirm or 2 to cancel.',
      '【示例】Your payment of 50.00 CNY was received. Thank you for your payment.',
      '【示例】Your refund was issued. Visit example.com/orders for details.',
      '【示例】Your appointment with Dr. Wang is on Monday at 10:00. Please arrive 15 minutes early.',
      '【示例】Your package is at the front desk. Pick it up before 18:00 today.',
      '【示例】Your coupon was applied. You saved 5.00 CNY on this order.',
    ];
    for (const t of service) assert.ok(!classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
  });

  test('a short offer carried by one offer character (送, 赠, 折, 惠) is clearly an ad; notices with 送达, 折叠, 赠品… are clearly not (none is in the corpus)', () => {
    // Known gap of 2026-12-07: such offers were barely over the threshold (充100送50 0.651, 进店有礼，消费即赠
    // 0.622) and a notice of a gift sent near it from below (赠品已随包裹寄出 0.304).
    const offers = ['【示例】充100送50', '【示例】满199赠好礼', '【示例】新品8折', '【示例】会员惠享价', '【示例】到店即送', '【示例】进店有礼，消费即赠'];
    for (const t of offers) assert.ok(classify(model, t).score >= 0.75, `${t}: ${classify(model, t).score.toFixed(3)}`);
    const service = [
      '【示例】您的包裹已送达',
      '【示例】折叠屏手机维修完成，请到店取机',
      '【示例】您的优惠券已使用',
      '【示例】赠品已随包裹寄出',
      '【示例】退款已按比例折算到原支付账户',
      '【示例】领取成功',
      '【示例】惠民保已生效',
      '【示例】您的报告已送检',
    ];
    for (const t of service) assert.ok(classify(model, t).score <= 0.4, `${t}: ${classify(model, t).score.toFixed(3)}`);
  });

  test('known misses of 2026-12-07 (none of these texts is in the corpus): one character alone decides nothing; a run of one character counts three times at most', () => {
    // Before: `惠` alone 0.534, `送` 0.552, `折` 0.634 (their 1-gram weight over the intercept: refused as
    // advertising), and every repetition added its n-grams again: `【示例】` + 40 × `测` 0.999.
    const empty = scoreCommercial(model, '【示例】');
    assert.ok(empty < model.threshold, `${empty}`);
    for (const ch of ['惠', '送', '折', '领', '抢', '赠', '好', 'A', '5']) {
      for (const t of [ch, `【示例】${ch}`, `【示例】${ch}！`]) {
        assert.equal(scoreCommercial(model, t), empty, t);
        assert.ok(!classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
      }
    }
    for (const ch of ['测', '好', '哈', 'a']) {
      assert.equal(scoreCommercial(model, `【示例】${ch.repeat(40)}`), scoreCommercial(model, `【示例】${ch.repeat(3)}`), ch);
      assert.ok(!classify(model, `【示例】${ch.repeat(40)}`).commercial, `${ch} × 40: ${classify(model, `【示例】${ch.repeat(40)}`).score.toFixed(3)}`);
    }
    // a code's digits are not cut: its length is evidence
    assert.notEqual(scoreCommercial(model, '【示例】验证码888888'), scoreCommercial(model, '【示例】验证码888'));
    // two characters are a text: a two-character offer is still one
    for (const t of ['【示例】五折', '【示例】领券']) assert.ok(classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
  });

  test('known misses of 2026-12-07 (none of these texts is in the corpus): an offer named as what was booked, and 充值返利, are ads; the bookings and top-ups themselves are not', () => {
    // Before: the booked sale 0.210 (the notice's 您预约的…将于…开始 outweighing 全场五折 and 点击抢购), 充值返利
    // 0.611 alone and 0.037 after a top-up notice (a clause under CLAUSE_BAR, scored whole).
    const ads = ['【示例】您预约的全场五折点击抢购将于12月1日开始', '【示例】缴费成功，充值返利', '【示例】您的流量已到账，充值返利'];
    for (const t of ads) assert.ok(classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
    assert.ok(classify(model, '【示例】充值返利').score >= 0.75, `充值返利: ${classify(model, '【示例】充值返利').score.toFixed(3)}`);
    const service = [
      '【示例】您预约的疫苗接种将于12月5日上午9点开始，请携带接种本',
      '【示例】您预约的维修将于明天下午2点开始',
      '【示例】您的话费充值已到账，余额56.20元',
      '【示例】返利已到账',
    ];
    for (const t of service) assert.ok(!classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
  });

  test('known cases of 2026-12-08 (none of these texts is in the corpus but p092): anti-fraud warnings that list lures and subscribed reminders pass clearly; adverts borrowing their shapes do not', () => {
    // Before: the held-out anti-fraud notice p092 0.975 (its first clause), `您关注的直播将于今晚8点开始` 0.449
    // against a threshold of 0.536, with `，点击进入直播间` 0.710.
    const p092 = rows.find((r) => r.id === 'p092')!;
    const clearly = 0.3;
    for (const t of [
      p092.text,
      '【示例】警惕加好友领福利、扫码领红包等骗局，本行不会通过短信发送领奖链接。',
      '【示例】提醒：当心刷单返佣、加群领福利，陌生人让您转账一律拒绝。',
      '【示例】您关注的直播将于今晚8点开始',
      '【示例】您关注的直播将于今晚8点开始，点击进入直播间',
      '【示例】您预约的新品发布会直播将于今晚19:30开始',
    ]) assert.ok(classify(model, t).score < clearly, `${t}: ${classify(model, t).score.toFixed(3)}`);
    for (const t of [
      '【示例】安全提醒：请勿透露验证码。年终特惠，信用卡分期手续费5折，详询客服。回TD退订',
      '【示例】您关注的主播今晚8点开播，直播间福利多多，9.9元秒杀爆款，速来！',
      '【示例】今晚8点直播间全场五折',
      '【示例】加群领福利，谨防诈骗',
    ]) assert.ok(classify(model, t).commercial, `${t}: ${classify(model, t).score.toFixed(3)}`);
  });

  test('cross-validated false-positive rate on the training split (5 folds, threshold 0.5, as the gateway scores) stays ≤ 1.4 %', () => {
    // 0.014 on the 878 training rows before the clause rows of 2026-12-07, 0.019 (12 of 634) after them.
    // 0.014 (9 of 666) after the rows of 'Repeated and single characters', 0.013 (9 of 700) after those of 2026-12-08.
    const train = rows.filter((r) => r.split === 'train');
    let fp = 0;
    let negatives = 0;
    for (let k = 0; k < 5; k++) {
      const fold = trainClassifier(train.filter((_, i) => i % 5 !== k).map((r) => ({ text: r.text, commercial: r.type === 'commercial' })), { threshold: 0.5 });
      for (const r of train.filter((_, i) => i % 5 === k)) {
        if (r.type === 'commercial') continue;
        negatives++;
        if (classify(fold, r.text).commercial) fp++;
      }
    }
    assert.ok(fp / negatives <= 0.014, `${fp} / ${negatives}`);
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

  test('sentences are found and scored in place exactly as splitting the text would', () => {
    for (const r of rows) assert.equal(scoreCommercialText(model, r.text), scoreCommercialTextReference(model, r.text), r.id);
    const odd = [
      '', '。', '。。！', '【示例】。限时秒杀全场五折。', '限时秒杀全场五折【示例】。您的验证码是123456', '您的验证码是123456。\u3000全场五折点击抢购\u3000。回T退订', '您的验证码是123456。\u3000\u3000全场五折！',
      'Your code is 1. Sale 50% off now', 'Your order has shipped.. \t\nReply now for 50% off', 'No. 5 is ready. 3.5 CNY. t.cn/x. Reply now', '. . a. b', 'x.   ', 'Ends with a dot. ',
      '【示例】Your order has shipped。 . Flash sale today only, buy now', '您的快递已到驿站，请凭取件码1234领取。如需退订请回复TD', '短。也短。STOP now please。Reply STOP to unsubscribe',
      '【示例】您好】。【全场五折点击抢购【。【示例', 'a\u2028Flash sale today only\u2029buy now. Hello there',
      // clauses: commas full-width and ASCII, `5,000` whole, empty and one-character clauses, a refusal footer after a comma
      '，', ',,', '您的快递已到，凭此短信到店全场5折，请及时取件', '已签收，领券', '，全场五折，', '金额5,000.00元,全场五折,回T退订', '1,2,3', 'a, b,c ,全场五折 。限时秒杀，点击抢购！',
      '【示例】您的快件已到，，全场五折', 'Order shipped, flash sale 50% off today, Reply STOP to opt out.', '全场五折，\u3000，领红包',
      // warning clauses (not scored alone in a text that names fraud) and offers next to them
      '警惕加好友领福利、扫码领红包，这些都是诈骗！', '谨防诈骗，加群领福利', '谨防错过全场5折，请及时取件', '警惕“加群领福利”，陌生链接别点，全场五折，领红包',
    ];
    for (const t of odd) assert.equal(scoreCommercialText(model, t), scoreCommercialTextReference(model, t), JSON.stringify(t));
  });

  test('scores are probabilities, also for odd input', () => {
    for (const t of ['', '【】', '\u200b', 'a'.repeat(2000), '😀😀']) {
      const s = scoreCommercial(model, t);
      assert.ok(s >= 0 && s <= 1 && Number.isFinite(s));
    }
  });
});
