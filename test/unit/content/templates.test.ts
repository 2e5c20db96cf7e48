import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkTemplate, compileTemplates, findLinks, parseTemplate, splitSignature, type TemplateDraft } from '../../../src/content/templates.js';

const ctx = { approvedSignatures: new Set(['【某某银行】', '【某某商城】']), linkDomains: ['example.com', 'shop.cn'] };
const rules = (d: TemplateDraft): string[] => checkTemplate(d, ctx).map((v) => v.rule).sort();

describe('template rules', () => {
  test('a good verification template passes', () => {
    assert.deepEqual(rules({ signature: '【某某银行】', type: 'verification', body: '您的验证码为${code}，5分钟内有效，请勿泄露。' }), []);
  });

  test('every broken rule is reported together', () => {
    const got = rules({ signature: '【无名】', type: 'verification', body: '【广告】您好${name}，请访问 http://evil.example.org/x 完成操作' });
    assert.deepEqual(got, ['brackets_in_body', 'link_domain_not_allowed', 'signature_unregistered', 'verification_code_variable_missing', 'verification_code_word_missing']);
  });

  test('verification code variable must be at most 8 characters', () => {
    assert.deepEqual(rules({ signature: '【某某银行】', type: 'verification', body: '动态码${code:code(8)}，勿告知他人' }), []);
    assert.deepEqual(rules({ signature: '【某某银行】', type: 'verification', body: '动态码${code:code(10)}，勿告知他人' }), ['verification_code_variable_missing']);
    assert.deepEqual(rules({ signature: '【某某银行】', type: 'verification', body: '校验码${otp}' }), []);
  });

  test('whole-variable bodies are refused', () => {
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'notification', body: '${content}' }), ['whole_variable_body']);
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'notification', body: '${a}，${b}！' }), ['whole_variable_body']);
  });

  test('links: allow-listed domains and subdomains pass, variables are refused in marketing links', () => {
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'commercial', body: '全场8折 https://m.shop.cn/sale 回T退订' }), []);
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'commercial', body: '全场8折 https://m.shop.cn/s/${id} 回T退订' }), ['variable_in_link']);
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'notification', body: '订单详情 https://example.com/o/${id}' }), []);
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'notification', body: '请访问 https://${host}/o' }), ['variable_in_link']);
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'notification', body: '您的订单金额3.5元，版本v1.2已更新' }), []);
  });

  test('placeholder syntax errors are reported', () => {
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'notification', body: '您好${name，订单${x:weird}已发货' }).sort(), ['placeholder_syntax', 'placeholder_syntax']);
    assert.deepEqual(rules({ signature: '【某某商城】', type: 'notification', body: '${a}和${a}已发货' }), ['placeholder_syntax']);
  });

  test('parse and link helpers', () => {
    const { parsed } = parseTemplate('金额${amount}元，时间${time}，${name}');
    assert.deepEqual(parsed.variables.map((v) => v.kind), ['money', 'time', 'text']);
    assert.deepEqual(findLinks('戳 3.cn/aB12x 或 www.Example.com').map((l) => l.host), ['3.cn', 'www.example.com']);
    assert.deepEqual(splitSignature('正文【签名在后】'), { signature: '【签名在后】', body: '正文' });
  });
});

describe('compiled template matcher', () => {
  const tpls = [
    { id: 't1', signature: '【某某银行】', body: '您的验证码为${code}，5分钟内有效，请勿泄露。' },
    { id: 't2', signature: '【某某银行】', body: '您尾号${last4:number(4)}的账户${date}入账${amount}元，余额${balance:money}元。' },
    { id: 't3', signature: '【某某商城】', body: '您的订单${order:code(20)}已发货，快递单号${tracking:code(20)}。' },
    { id: 't4', signature: '【某某商城】', body: '亲爱的${name}，您的订单已签收。' },
  ];
  const m = compileTemplates(tpls);

  test('matches and extracts variables', () => {
    assert.deepEqual(m.match('【某某银行】您的验证码为882134，5分钟内有效，请勿泄露。'), { templateId: 't1', variables: { code: '882134' } });
    const r = m.match('【某某银行】您尾号1234的账户11月28日入账12,850.00元，余额15,302.17元。');
    assert.equal(r?.templateId, 't2');
    assert.equal(r?.variables.amount, '12,850.00');
    assert.equal(m.match('【某某商城】您的订单A123已发货，快递单号SF99。')?.templateId, 't3');
    assert.equal(m.match('您的订单已签收。【某某商城】') , undefined); // no variable value
    assert.equal(m.match('亲爱的张三，您的订单已签收。【某某商城】')?.templateId, 't4');
  });

  test('refuses altered text, wrong signature, oversize and link-smuggling variables', () => {
    assert.equal(m.match('【某某银行】您的验证码为882134，5分钟内有效，请点击 http://x.cn 领奖。'), undefined);
    assert.equal(m.match('【某某商城】您的验证码为882134，5分钟内有效，请勿泄露。'), undefined);
    assert.equal(m.match('【某某银行】您的验证码为123456789，5分钟内有效，请勿泄露。'), undefined);
    assert.equal(m.match('【某某商城】亲爱的 http://spam.cn ，您的订单已签收。'), undefined);
    // a link without a scheme is a link too (as the template check counts them): a free-text value
    // that is one, or holds one, would let an approved template carry any address
    for (const smuggled of ['spam.cn', 't.cn/abc', '张三 evil.com/x', 'bit.ly/x?y=1', 'WWW-1.Evil.Top']) {
      assert.equal(m.match(`【某某商城】亲爱的${smuggled}，您的订单已签收。`), undefined, smuggled);
    }
    assert.equal(m.match('【某某商城】亲爱的张三 No.5，您的订单已签收。')?.templateId, 't4', 'a dot is not a link');
    assert.equal(m.match('您的验证码为882134，5分钟内有效，请勿泄露。'), undefined);
  });

  test('gives each free-text value in its clause of the message and that clause without it (the advertising check reads them)', () => {
    const t = compileTemplates([
      { id: 't5', signature: '【某某商城】', body: '您购买的${item:text(20)}已发货，单号${no:code(12)}。备注：${remark:text(30)}' },
      { id: 't6', signature: '【Shop】', body: 'Dear ${name:text(20)}, your order has shipped. Note: ${note:text(30)}' },
    ]);
    assert.deepEqual(t.match('【某某商城】您购买的羽绒服，黑色已发货，单号SF1。备注：放门口')?.freeText, [
      { clause: '您购买的羽绒服，黑色已发货', fixed: '您购买的已发货' },
      { clause: '备注：放门口', fixed: '备注：' },
    ]);
    assert.deepEqual(t.match('【Shop】Dear Bob. Sale 50% off, your order has shipped. Note: leave it at the door')?.freeText, [
      { clause: 'Dear Bob. Sale 50% off', fixed: 'Dear ' },
      { clause: 'Note: leave it at the door', fixed: 'Note: ' },
    ]);
    // a commercial message's advertising is never judged, so its match carries no clauses (work saved)
    const commercial = t.match('【某某商城】您购买的羽绒服已发货，单号SF1。备注：放门口', 'commercial');
    assert.equal(commercial?.templateId, 't5');
    assert.equal(commercial?.freeText, undefined);
    // templates without free text carry none
    assert.equal(m.match('【某某银行】您的验证码为882134，5分钟内有效，请勿泄露。')?.freeText, undefined);
  });

  test('scales to many templates (one automaton, candidates confirmed individually)', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ id: `m${i}`, signature: '【某某商城】', body: `活动${i}号：尊敬的\${name}，您的第${i}号券已到账。` }));
    const big = compileTemplates([...tpls, ...many]);
    assert.equal(big.size, 2004);
    assert.equal(big.match('【某某商城】活动1500号：尊敬的李四，您的第1500号券已到账。')?.templateId, 'm1500');
    assert.equal(big.match('【某某银行】您的验证码为882134，5分钟内有效，请勿泄露。')?.templateId, 't1');
    assert.equal(big.match('【某某商城】活动1500号：尊敬的李四，您的第1501号券已到账。'), undefined);
  });
});
