/**
 * consent_missing after a withdrawal: the refusal keeps its start (clients match on it) and names the
 * consent withdrawn last, when (Shanghai time), how where the store knows, and that a lifted opt-out
 * restores none (docs/CONSENT.md). A provider's developer who had recorded a consent read the bare
 * `no consent from this number for category promo` as a bug.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../helpers/gateway.js';

const port = '10690002';
const START = 'no consent from this number for category promo';
const shanghai = (at: number) => `${new Date(at + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;

test('consent → R opts out (withdrawing it) → 订阅 lifts → a promotion is 422 consent_missing naming the withdrawn consent', async () => {
  await withGateway(async (g, cp) => {
    const to = '13900139451';
    const mo = async (text: string) => (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: port, text } })).json();
    const send = () => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: port, to, text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'promo' } });
    const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: new Date(g.clock.now() + 90 * 86_400_000).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(g.clock.now()).toISOString() } } });
    assert.equal(r.statusCode, 201, r.body);
    const id = r.json().id as string;
    assert.equal((await send()).statusCode, 202);

    await g.clock.advance(60_000);
    const optOutAt = g.clock.now();
    assert.equal((await mo('R')).action, 'opt_out');
    await g.clock.advance(60_000);
    assert.equal((await mo('订阅')).action, 'opt_in');

    const res = await send();
    assert.equal(res.statusCode, 422, res.body);
    const e = res.json().error;
    assert.equal(e.code, 'consent_missing');
    assert.ok(e.message.startsWith(`${START}: `), e.message);
    assert.equal(e.message, `${START}: consent ${id} was withdrawn at ${shanghai(optOutAt)} (withdrawn by DELETE /v1/consents/{id} or the number's refusal); a lifted opt-out restores no consent: record a new one (POST /v1/consents)`);
  });
});

test('withdrawn by DELETE with the user\'s proof: said so; a number never asked: the message as before', async () => {
  await withGateway(async (g, cp) => {
    const to = '13900139452';
    const send = (n: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: port, to: n, text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'promo' } });
    const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: new Date(g.clock.now() + 90 * 86_400_000).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(g.clock.now()).toISOString() } } });
    const id = r.json().id as string;
    await g.clock.advance(60_000);
    const at = g.clock.now();
    const d = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${id}`, headers: cp.auth, payload: { proof: { channel: 'call-centre', reference: 'ticket 1', capturedAt: new Date(at).toISOString() } } });
    assert.equal(d.statusCode, 204, d.body);
    const e = (await send(to)).json().error;
    assert.equal(e.code, 'consent_missing');
    assert.ok(e.message.startsWith(`${START}: consent ${id} was withdrawn at ${shanghai(at)} (withdrawn at the user's request, by DELETE /v1/consents/{id} with proof)`), e.message);
    const never = (await send('13900139453')).json().error;
    assert.equal(never.code, 'consent_missing');
    assert.equal(never.message, START);
  });
});
