/** The README walkthrough, end to end through HTTP and the simulator. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';

describe('walkthrough: onboard, send a code, see it in the simulator', () => {
  const { g, cp } = gatewaySuite();

  test('a verification code is accepted, reaches the simulator and is delivered', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】您的验证码是123456，5分钟内有效。', type: 'verification' } });
    assert.equal(r.statusCode, 202, r.body);
    const body = r.json();
    assert.equal(body.status, 'accepted');
    assert.equal(body.segments, 1);
    await g.worker.drain();
    const out = await g.http.inject({ method: 'GET', url: '/v1/simulator/outbox?to=%2B8613800138000' });
    const msgs = out.json().messages;
    assert.equal(msgs.length, 1);
    assert.equal(out.json().count, 1, 'every submit received, as the standalone simulator counts them');
    assert.equal(msgs[0].text, '【示例】您的验证码是123456，5分钟内有效。');
    // the receipt arrives on setImmediate
    await new Promise((r) => setTimeout(r, 20));
    const m = await g.http.inject({ method: 'GET', url: `/v1/messages/${body.id}`, headers: cp.auth });
    assert.equal(m.statusCode, 200);
    assert.equal(m.json().status, 'delivered');
    assert.deepEqual(m.json().history.map((h: { status: string }) => h.status), ['accepted', 'submitted', 'delivered']);
    assert.ok(m.json().verdicts.length >= 10);
  });

  test('a rejection names code, rule, article and profile, is recorded, and never reaches the SMSC', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13900139000', text: '您的验证码是123456', type: 'verification' } });
    assert.equal(r.statusCode, 422);
    const { error, id } = r.json();
    assert.equal(error.code, 'signature_missing');
    assert.equal(error.rule, 'sender.signature');
    assert.match(error.article, /Art\. 19/);
    assert.equal(error.profile, 'cn-2015');
    await g.worker.drain();
    const out = await g.http.inject({ method: 'GET', url: '/v1/simulator/outbox?to=13900139000' });
    assert.equal(out.json().messages.length, 0);
    const rec = await g.http.inject({ method: 'GET', url: '/v1/records?msisdn=13900139000', headers: g.admin });
    const rows = rec.json().records;
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, id);
    assert.equal(rows[0].body.decision, 'rejected');
    assert.equal(rows[0].body.code, 'signature_missing');
  });

  test('opt-out by reply: recorded, confirmed once, blocks commercial but not notifications', async () => {
    const to = '13700137000';
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' } } });
    assert.equal(c.statusCode, 201, c.body);
    const ok = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'promo' } });
    assert.equal(ok.statusCode, 202, ok.body);
    assert.equal(ok.json().text, '【示例】双十二会员日全场满减拒收请回复R');
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: `+86${to}`, to: '10690002', text: ' ｔｄ ' } });
    assert.equal(mo.json().action, 'opt_out');
    const no = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】再次优惠', type: 'commercial', category: 'promo' } });
    assert.equal(no.statusCode, 422);
    assert.equal(no.json().error.code, 'opted_out');
    const notif = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的订单已发货，单号SF123。', type: 'notification' } });
    assert.equal(notif.statusCode, 202, notif.body);
    await g.worker.drain();
    const out = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages;
    assert.equal(out.filter((m: { text: string }) => m.text === '【示例】双十二会员日全场满减拒收请回复R').length, 1);
    assert.equal(out.filter((m: { text: string }) => m.text.includes('您已成功退订')).length, 1);
  });
});
