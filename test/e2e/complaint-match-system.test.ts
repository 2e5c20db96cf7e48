/**
 * A complaint that names only the sender and the complainant's number lands on the provider's latest
 * message from that sender, not on what the gateway itself sent on the provider's port afterwards
 * (the confirmation of the user's own 退订, of a consent answer): the user who replied T gets the
 * confirmation last. A consent request is the provider's message (its text, its request). With
 * only the gateway's messages from that port, the complaint stays unmatched.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, promotionThenOptOut } from '../helpers/gateway.js';

type Json = Record<string, any>;

describe('complaint matching skips the gateway\'s own messages', () => {
  const { g, cp } = gatewaySuite();
  let centre: Record<string, string>;

  const mo = async (from: string, text: string, to = '10690002') => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to, text } });
    assert.ok(r.statusCode < 300, r.body);
    return r.json();
  };
  const outbox = async (to: string): Promise<{ from: string; text: string }[]> => {
    await g.worker.drain();
    return (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages;
  };
  const complain = async (payload: Json): Promise<Json> => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload });
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  };
  const evidenceOf = async (id: string): Promise<Json> => (await g.http.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: centre })).json().evidence;

  before(async () => {
    centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'centre clerk')).token}` };
  });

  test('after 退订, a complaint naming the port lands on the promotion, not on the opt-out confirmation (API and 12321 import)', async () => {
    const user = '13800138501';
    const promoId = await promotionThenOptOut(g, cp, user);
    const out = await outbox(user);
    assert.match(out[out.length - 1].text, /退订/, 'the confirmation is the latest message from the port');

    const f = await complain({ msisdn: user, sender: '10690002', request: '不要再发' });
    assert.equal(f.matchedMessageId, promoId);
    assert.equal(f.contentProviderId, cp.id);
    const ev = await evidenceOf(f.id);
    const conf = ev.candidates.find((x: Json) => x.purpose === 'opt_out_confirmation');
    assert.ok(conf, JSON.stringify(ev.candidates));
    assert.equal(ev.candidates.find((x: Json) => x.id === promoId).purpose, null);
    // By the signature alone too (the confirmation carries it).
    assert.equal((await complain({ msisdn: user, sender: '【示例】' })).matchedMessageId, promoId);
    // The 12321 centre's import goes through the same matching.
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: centre, payload: [{ reference: '12321-2026-0501', msisdn: user, sender: '10690002' }] });
    assert.equal(r.statusCode, 200, r.body);
    const id = r.json().results[0].id as string;
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: centre })).json().matchedMessageId, promoId);
    // Quoted, the confirmation itself is still the message complained about.
    assert.equal((await complain({ msisdn: user, sender: '10690002', text: '您已成功退订，将不再收到本号码的商业短信' })).matchedMessageId, conf.id);
  });

  test('after a refused consent request, a complaint naming the port lands on the request (the provider\'s), not on the refusal\'s confirmation', async () => {
    const user = '13800138502';
    const rq = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to: user, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.equal(rq.statusCode, 202, rq.body);
    await g.worker.drain();
    assert.equal((await mo(user, '否')).action, 'consent_refused');
    const out = await outbox(user);
    assert.equal(out.length, 2, JSON.stringify(out));
    const f = await complain({ msisdn: user, sender: '10690002' });
    assert.equal(f.matchedMessageId, rq.json().messageId);
    assert.equal(f.contentProviderId, cp.id);
  });

  test('with only the gateway\'s messages from the port, the complaint stays unmatched (the port still names its provider)', async () => {
    const user = '13800138503';
    assert.equal((await mo(user, 'TD')).action, 'opt_out');
    assert.equal((await outbox(user)).length, 1);
    const f = await complain({ msisdn: user, sender: '10690002' });
    assert.equal(f.matchedMessageId, null);
    assert.equal(f.contentProviderId, cp.id);
    const ev = await evidenceOf(f.id);
    assert.equal(ev.match, null);
    assert.equal(ev.candidates.length, 1);
  });
});
