/**
 * The profile chosen decides what the gateway answers over HTTP, and every compliance rejection says
 * which rule, which article of which edition and which profile: {code, rule, article, profile}, the
 * article the profile's own for that rule. Under cn-2026 no rejection gives an Order 31 article number
 * as Order 74's (Order 74's were not read: docs/REGULATION.md), and the differences REGULATION.md
 * names between the editions show: proof of consent, retention months.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { PROFILES, type ProfileId } from '../../src/profiles/index.js';

type Json = Record<string, any>;

for (const id of ['cn-2015', 'cn-2026'] as ProfileId[]) {
  describe(`rejections over HTTP under --profile ${id}`, () => {
    const profile = PROFILES[id];
    const { g, cp } = gatewaySuite({ profile: id });
    const post = (url: string, payload: Json, headers: Record<string, string> = cp.auth) => g.http.inject({ method: 'POST', url, headers, payload });
    const send = (payload: Json) => post('/v1/messages', payload);

    /** A 4xx compliance rejection: code, rule, the profile's article for the rule, the profile. */
    function rejected(r: { statusCode: number; body: string; json(): Json }, code: string, rule: string): void {
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${code}: ${r.statusCode} ${r.body}`);
      const e = r.json().error;
      assert.deepEqual({ code: e.code, rule: e.rule, profile: e.profile }, { code, rule, profile: id }, r.body);
      assert.equal(e.article, profile.rules[rule].article, `${code}: the profile's article for ${rule}`);
      if (id === 'cn-2026' && /\bArt\. \d/.test(e.article)) assert.match(e.article, /^Order 74 \(article not known; as Order 31 /, `${code}: ${e.article}`);
      if (id === 'cn-2015') assert.doesNotMatch(e.article, /Order 74/);
    }

    test('identity, content, volume and consent rejections, and the registry\'s', async () => {
      rejected(await post('/v1/content-providers', { name: '另一公司', creditCode: '91350100M000100Y44' }, g.admin), 'invalid_credit_code', 'registry.credit-code');
      rejected(await send({ from: '10699999', to: '13800138000', text: '【示例】您好', type: 'notification' }), 'unknown_port', 'sender.port-exists');
      rejected(await send({ from: '10690001', to: '13800138000', text: '您好', type: 'notification' }), 'signature_missing', 'sender.signature');
      rejected(await send({ from: '10690001', to: '12345', text: '【示例】您好', type: 'notification' }), 'invalid_msisdn', 'recipient.msisdn');
      rejected(await send({ from: '10690001', to: '13800138000', text: '【示例】会员日全场八折', type: 'commercial', category: 'promo' }), 'port_kind_mismatch', 'port.separation');
      rejected(await send({ from: '10690001', to: '13800138000', text: '【示例】限时特惠全场五折，点击领取优惠券，立即抢购！', type: 'notification' }), 'commercial_content_in_non_commercial', 'content.no-advertising');
      rejected(await send({ from: '10690002', to: '13800138000', text: '【示例】会员日全场八折', type: 'commercial', category: 'promo' }), 'consent_missing', 'commercial.consent');
      const code = { from: '10690001', to: '13800138001', text: '【示例】您的验证码是123456。', type: 'verification' };
      assert.equal((await send(code)).statusCode, 202);
      rejected(await send(code), 'frequency_exceeded', 'verification.frequency');
      rejected(await post('/v1/consent-requests', { from: '10690002', to: '13900139005', category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180, text: '【示例】欢迎订阅' }), 'consent_request_incomplete', 'consent.request-content');
    });

    test('a consent without proof: taken under cn-2015, refused under cn-2026', async () => {
      const consent = { msisdn: '13800138002', category: 'promo', frequency: { count: 1, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z' };
      const r = await post('/v1/consents', consent);
      if (id === 'cn-2015') assert.equal(r.statusCode, 201, r.body);
      else rejected(r, 'consent_proof_required', 'consent.proof');
    });

    test('with proof: the frequency, then the refusal, each with its article', async () => {
      const c = await post('/v1/consents', { msisdn: '13800138003', category: 'promo', frequency: { count: 1, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T10:00:00Z' } });
      assert.equal(c.statusCode, 201, c.body);
      const promo = { from: '10690002', to: '13800138003', text: '【示例】会员日全场八折', type: 'commercial', category: 'promo' };
      const ok = await send(promo);
      assert.equal(ok.statusCode, 202, ok.body);
      assert.equal(ok.json().text, `【示例】会员日全场八折${profile.params.refusalNotice.value}`);
      rejected(await send(promo), 'consent_frequency_exceeded', 'commercial.consent-frequency');
      const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13800138003', to: '10690002', text: 'TD' } });
      assert.equal(mo.json().action, 'opt_out', mo.body);
      rejected(await send(promo), 'opted_out', 'commercial.opt-out');
      // The subscription records are kept the profile's months after the relationship ended.
      const sub = await g.http.inject({ method: 'GET', url: '/v1/subscribers/13800138003', headers: g.admin });
      assert.equal(sub.json().relationships[0].keepRecordsMonthsAfterEnd, id === 'cn-2015' ? 5 : 6, sub.body);
    });
  });
}
