import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/pipeline/runner.js';
import { DEFAULT_STAGES } from '../../../src/pipeline/stages/index.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { createContentStages, withContentStages } from '../../../src/content/stages.js';
import { createContentInspector } from '../../../src/content/inspector.js';
import { defaultLexicon } from '../../../src/content/default-lexicon.js';
import { defaultClassifier } from '../../../src/content/default-classifier.js';
import { TemplateRegistry } from '../../../src/content/template-registry.js';
import { ActionBook, type MonitorEvent } from '../../../src/content/early-warning.js';
import { candidate, facts, NOON } from '../pipeline/fixtures.js';

const profile = resolveProfile('cn-2026');
const inspector = createContentInspector({ lexicon: defaultLexicon(), model: defaultClassifier() });

function setup() {
  const templates = new TemplateRegistry();
  const actions = new ActionBook();
  const seen: MonitorEvent[] = [];
  const cs = createContentStages({ inspector, templates, actions, observe: (e) => seen.push(e) });
  const stages = withContentStages(DEFAULT_STAGES, cs);
  const run = (text: string, type: 'verification' | 'notification' = 'notification') => decide(stages, candidate({ text, type }), facts(), profile, cs.detectors, NOON);
  return { templates, actions, seen, stages, run };
}

describe('content stages in the pipeline', () => {
  test('stage order: admission after sender.active, prohibited and template before content.no-advertising', () => {
    const rules = setup().stages.map((s) => s.rule);
    assert.equal(rules.indexOf('monitor.early-warning'), rules.indexOf('sender.active') + 1);
    assert.equal(rules.indexOf('content.template'), rules.indexOf('content.no-advertising') - 1);
    assert.equal(rules.indexOf('content.prohibited'), rules.indexOf('content.template') - 1);
    assert.equal(withContentStages([], createContentStages({ inspector, templates: new TemplateRegistry(), actions: new ActionBook() })).length, 3);
  });

  test('prohibited content is rejected by category, without echoing the term', () => {
    const { run, seen } = setup();
    const d = run('【示例】代 開 發 票，税点低，详询客服。');
    assert.equal(d.accepted, false);
    assert.equal(d.rejection?.code, 'prohibited_content');
    assert.equal(d.rejection?.rule, 'content.prohibited');
    assert.match(d.rejection!.message, /fake_invoice/);
    assert.doesNotMatch(d.rejection!.message, /代開|代开|税点/);
    assert.equal(seen.at(-1)?.kind, 'content');
    assert.equal((seen.at(-1) as { prohibited: boolean }).prohibited, true);
  });

  test('advertising in a notification is rejected by the classifier with the phrases that drove it', () => {
    const { run } = setup();
    const d = run('【示例】您的账单已出。现在办理账单分期手续费限时7折，点击链接立即办理，回TD退订');
    assert.equal(d.rejection?.code, 'commercial_content_in_non_commercial');
    assert.match(d.rejection!.message, /phrases: .+/);
    const ok = run('【示例】您的快递已到达小区驿站，取件码3-2-118，请及时领取。');
    assert.equal(ok.accepted, true, JSON.stringify(ok.rejection));
    assert.ok(ok.verdicts.some((v) => v.rule === 'content.prohibited' && v.outcome === 'pass'));
  });

  test('an advertisement appended as its own sentence to a code or a notice is rejected; a refusal footer alone is not', () => {
    // Found by an audit: scored whole, the code outweighed the appended offer (0.01-0.16) and these were accepted.
    const { run } = setup();
    const ads: Array<[string, 'verification' | 'notification']> = [
      ['【示例】您的验证码是123456。限时秒杀，全场五折，点击抢购', 'verification'],
      ['【示例】您的验证码是123456。新用户注册即送50元优惠券', 'verification'],
      ['【示例】验证码8888。双11狂欢，满199减100', 'verification'],
      ['【示例】您的快递已到驿站。本店新品上市，买一送一', 'notification'],
    ];
    for (const [text, type] of ads) assert.equal(run(text, type).rejection?.code, 'commercial_content_in_non_commercial', text);
    const service = [
      '【示例】您的快递已到驿站，请凭取件码1234领取。如需退订请回复TD',
      '【示例】您的验证码是123456。5分钟内有效，请勿告知他人。',
      '【示例】您本月话费账单已出，应缴98.50元。请于25日前缴清，逾期将停机。',
    ];
    for (const text of service) assert.equal(run(text).accepted, true, `${text}: ${JSON.stringify(run(text).rejection)}`);
  });

  test('short lures, comma-joined offers and English offers on a code or a notice are rejected; their service twins pass', () => {
    // Known gaps measured on 2026-12-07 (docs/CONTENT.md): scored 0.002-0.38 and accepted, the corpus
    // having no lure (contact, WeChat, short-link bait) and few English offers. Closed by labelled rows of
    // such lures and of service messages with the same shapes; none of these texts is in the corpus.
    const { run } = setup();
    const ads: Array<[string, 'verification' | 'notification']> = [
      ['【示例】您的验证码是123456。加微信13912345678领取优惠券', 'verification'],
      ['【示例】您的验证码是123456。加V：shop888 领福利', 'verification'],
      ['【示例】您的验证码是123456。戳 t.cn/A6x 领红包', 'verification'],
      ['【示例】您的验证码是123456。加　微　信　13912345678　领　优　惠　券', 'verification'],
      ['【示例】您的快递已到驿站，取件码1234。戳 ｔ．ｃｎ／Ａ６ｘ 领红包', 'notification'],
      ['【示例】验证码123456，双11大促全场五折', 'verification'],
      ['【示例】Your verification code is 123456. Flash sale: 50% off all items today, buy now', 'verification'],
      ['【示例】Your order has shipped. SALE 50% OFF everything, shop now at t.cn/x', 'notification'],
    ];
    for (const [text, type] of ads) assert.equal(run(text, type).rejection?.code, 'commercial_content_in_non_commercial', text);
    const service: Array<[string, 'verification' | 'notification']> = [
      ['【示例】您的验证码是123456，如有疑问请关注微信公众号“示例客服”咨询。', 'verification'],
      ['【示例】Your verification code is 123456. Do not share it with anyone.', 'verification'],
      ['【示例】您的快递已到驿站，取件码1234。查看物流 t.cn/A6x', 'notification'],
      ['【示例】您购买的优惠券礼包已到账，可在“我的-卡券”中查看。', 'notification'],
      ['【示例】您的红包已提现至微信零钱，金额88.00元。', 'notification'],
      ['【示例】您的退款已到账，售后问题可在微信搜索“示例客服”公众号咨询。', 'notification'],
      ['【示例】Your order has shipped. Track it at t.cn/x', 'notification'],
    ];
    for (const [text, type] of service) assert.equal(run(text, type).accepted, true, `${text}: ${JSON.stringify(run(text, type).rejection)}`);
  });

  test('a notification of one or two characters is accepted; a short offer is still rejected', () => {
    // With the lure rows of 2026-12-07 the score of a body without evidence (the model's intercept) rose
    // to 0.44 and `【示例】好` scored 0.510: refused as advertising. Closed by labelled short service rows
    // (one-line notices, acknowledgements, friendly English notices) and short offers; none of these texts
    // is in the corpus.
    const { run } = setup();
    for (const text of ['【示例】好', '【示例】收到', '【示例】嗯', '【示例】OK', '【示例】好的', '【示例】谢谢', '【示例】到了']) {
      assert.equal(run(text).accepted, true, `${text}: ${JSON.stringify(run(text).rejection)}`);
    }
    for (const text of ['【示例】全场五折', '【示例】领红包', '【示例】加微信领红包']) {
      assert.equal(run(text).rejection?.code, 'commercial_content_in_non_commercial', text);
    }
  });

  test('anti-fraud warnings, account alerts, subscribed reminders, parcels and bills are accepted; adverts in their shapes are refused (none of these texts is in the corpus)', () => {
    // Before the rows and the warning clause of 2026-12-08 a warning that lists lures scored 0.93-0.97 on
    // its first clause (`警惕加好友领福利、扫码领红包等骗局`) and the reminder with 点击进入直播间 0.710: refused.
    const { run } = setup();
    const wrong: string[] = [];
    for (const [text, type] of [
      ['【示例】提醒您：近期有不法分子冒充客服诈骗，请勿向他人透露验证码、密码，谨防上当受骗。', 'notification'],
      ['【示例】警惕加好友领福利、扫码领红包等骗局，本行不会通过短信发送领奖链接。', 'notification'],
      ['【示例】反诈提醒：警惕刷单返利、点赞领红包、陌生链接领补贴，这些都是诈骗！', 'notification'],
      ['【示例】验证码620417，您正在登录手机银行。谨防诈骗：警惕加群领福利、扫码领红包，验证码切勿告诉他人。', 'verification'],
      ['【示例】您的账户于今日22:14在新设备登录，如非本人操作请立即修改密码。', 'notification'],
      ['【示例】您关注的直播将于今晚8点开始', 'notification'],
      ['【示例】您关注的直播将于今晚8点开始，点击进入直播间', 'notification'],
      ['【示例】您预约的牙科门诊将于明天上午9:30开始，请提前到分诊台签到', 'notification'],
      ['【示例】您的包裹正在派送中，快递员电话13800001111，请保持电话畅通。', 'notification'],
      ['【示例】您本月燃气费86.20元，请于12月25日前缴纳，逾期将产生滞纳金。', 'notification'],
    ] as const) {
      const d = run(text, type);
      if (!d.accepted) wrong.push(`refused: ${text} ${JSON.stringify(d.rejection)}`);
    }
    for (const text of [
      '【示例】温馨提示：近期诈骗高发，请勿向他人透露验证码。现在申请信用卡，首刷送100元立减金，点击 t.cn/Ab1 办理',
      '【示例】账户安全提醒：您的账户已开通短信通知。现在开通快捷贷，最高额度30万，低至3.6%，回TD退订',
      '【示例】您关注的直播将于今晚8点开始，直播间下单满199减100！',
      '【示例】您的包裹已签收。为感谢支持，送您10元无门槛优惠券，戳 t.cn/Yx2 领取',
      '【示例】您本月电费已出账，现在用App缴费领5元红包，限时三天！',
      // a warning word does not excuse an offer: no fraud named, or the lure in a clause of its own
      '【示例】您的快递已到，谨防错过全场5折，请及时取件',
      '【示例】您的验证码是123456，谨防诈骗，加群领福利',
    ]) {
      if (run(text).rejection?.code !== 'commercial_content_in_non_commercial') wrong.push(`accepted: ${text}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('known misses of 2026-12-07 (none of these texts is in the corpus): an offer in a clause of a notice is rejected; a STOP footer or a sale-named product in a remark is not', () => {
    // Measured with the model and scorer before: (a) the notice ending in a two-character offer scored
    // 0.421 and 0.009, (c) the offer in the middle of a clause 0.241: both accepted; (d) the notices with
    // an opt-out footer 0.997-0.999 and (b) the remark 0.931 in its clause: both refused.
    const { run, templates } = setup();
    const wrong: string[] = [];
    for (const text of [
      '【示例】包裹已签收，领券', // (a)
      '【示例】您的快递已到驿站，取件码3-2-118，领券', // (a)
      '【示例】您的快递已到，凭此短信到店全场5折，请及时取件', // (c)
      '【示例】您的会员卡已开通，首单立减20元，请在小程序查看权益。', // (c)
    ]) {
      const d = run(text);
      if (d.rejection?.code !== 'commercial_content_in_non_commercial') wrong.push(`accepted: ${text}`);
    }
    for (const text of [
      '【示例】Your order has shipped. Reply STOP to opt out.', // (d)
      '【示例】Your appointment is confirmed for Monday 10:00. Reply STOP to opt out', // (d)
      '【示例】包裹已签收，请查收',
      '【示例】您的快递已到驿站，凭此短信到店取件，请及时取件',
      '【示例】您的11月账单已出，应还5,000.00元，请按时还款',
    ]) {
      if (!run(text).accepted) wrong.push(`refused: ${text}`);
    }
    // (b) a shipping notice's remark slot naming a product with a promotional word
    templates.set('cp_1', 'required', [{ id: 'tpl_ship', signature: '【示例】', type: 'notification' as const, body: '您的订单已出库，运单号${no:code(15)}。备注：${remark:text(30)}' }]);
    const ok = run('【示例】您的订单已出库，运单号SF123456。备注：双11特惠礼盒已打包');
    assert.ok(ok.verdicts.some((v) => v.rule === 'content.template' && /template tpl_ship/.test(v.note ?? '')));
    if (!ok.accepted) wrong.push(`refused: the remark ${JSON.stringify(ok.rejection)}`);
    assert.deepEqual(wrong, []);
    assert.equal(run('【示例】您的订单已出库，运单号SF123456。备注：进群领红包，全场五折').rejection?.code, 'commercial_content_in_non_commercial');
  });

  test('templates: required rejects a miss, preferred notes it, off skips', () => {
    const { run, templates } = setup();
    const tpl = [{ id: 'tpl_1', signature: '【示例】', body: '您的验证码是${code}。' }];
    templates.set('cp_1', 'required', tpl);
    assert.equal(run('【示例】您的验证码是123456。', 'verification').accepted, true);
    const miss = run('【示例】您的动态密码是123456。', 'verification');
    assert.equal(miss.rejection?.code, 'template_mismatch');
    templates.set('cp_1', 'preferred', tpl);
    const pref = run('【示例】您的动态密码是123456。', 'verification');
    assert.equal(pref.accepted, true);
    assert.ok(pref.verdicts.some((v) => v.rule === 'content.template' && /no approved template/.test(v.note ?? '')));
    templates.set('cp_1', 'off', tpl);
    assert.ok(run('【示例】您的动态密码是123456。', 'verification').verdicts.some((v) => v.rule === 'content.template' && v.outcome === 'skip'));
  });

  test('an offer in a free-text value of an approved template is rejected as advertising; names, products and remarks pass (none is in the corpus)', () => {
    // Known gap of 2026-12-07: a value was judged only inside the whole message, so an offer in a
    // greeting's slot scored 0.266 (`尊敬的全场五折点击抢购，您的订单已发货。`) and passed as the template.
    const { run, templates } = setup();
    const tpl = [
      { id: 'tpl_greet', signature: '【示例】', type: 'notification' as const, body: '尊敬的${name:text(10)}，您的订单已发货。' },
      { id: 'tpl_item', signature: '【示例】', type: 'notification' as const, body: '您购买的${item:text(20)}已发货，运单号${no:code(15)}。' },
      { id: 'tpl_note', signature: '【示例】', type: 'notification' as const, body: '您的预约已确认，时间${date:date(12)}。备注：${remark:text(30)}' },
    ];
    for (const mode of ['required', 'preferred'] as const) {
      templates.set('cp_1', mode, tpl);
      const ads = [
        '【示例】尊敬的全场五折点击抢购，您的订单已发货。',
        '【示例】尊敬的加微信领红包，您的订单已发货。',
        '【示例】您购买的全场五折，速来抢购已发货，运单号SF123456。',
        '【示例】您的预约已确认，时间12月8日。备注：进群领红包，全场五折',
      ];
      for (const text of ads) {
        const d = run(text);
        assert.ok(d.verdicts.some((v) => v.rule === 'content.template' && /template tpl_/.test(v.note ?? '')), `${mode}: ${text} matches its template`);
        assert.equal(d.rejection?.code, 'commercial_content_in_non_commercial', `${mode}: ${text}: ${JSON.stringify(d.verdicts.at(-1))}`);
      }
      const service = [
        '【示例】尊敬的张先生，您的订单已发货。',
        '【示例】尊敬的VIP会员，您的订单已发货。',
        '【示例】您购买的双11特惠礼盒已发货，运单号SF123456。',
        '【示例】您购买的买一赠一装洗衣液已发货，运单号SF123456。',
        '【示例】您的预约已确认，时间12月8日。备注：请携带身份证，提前10分钟到达',
      ];
      for (const text of service) assert.equal(run(text).accepted, true, `${mode}: ${text}: ${JSON.stringify(run(text).rejection)}`);
    }
  });

  test('an early-warning action in force stops the sender before content is judged', () => {
    const { run, actions } = setup();
    const rec = actions.apply({ rule: 'r', metric: 'volume', scope: 'provider', key: 'cp_1', contentProviderId: 'cp_1', severity: 'critical', value: 9, threshold: 6, figures: {}, windowStart: NOON, at: NOON, action: { kind: 'suspend' } })!;
    const d = run('【示例】您的快递已到达。');
    assert.equal(d.rejection?.code, 'sender_suspended');
    assert.equal(d.rejection?.rule, 'monitor.early-warning');
    actions.lift(rec.id, 'op', NOON);
    assert.equal(run('【示例】您的快递已到达小区驿站，请及时领取。').accepted, true);
  });
});
