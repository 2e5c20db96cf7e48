/**
 * Which consent governs a commercial message, and what its frequency counts (found by QA): the
 * steps of the QA report through HTTP, the simulator and the simulated clock (cn-2015).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, type TestGateway, type Provider } from '../helpers/gateway.js';

const DAY = 86_400_000;
const proof = { channel: 'web', reference: 'form-1', capturedAt: '2026-11-29T00:00:00Z' };

function consent(g: TestGateway, cp: Provider, msisdn: string, frequency: { count: number; per: string }, expiresAt: string) {
  return g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn, category: 'promo', frequency, expiresAt, proof } });
}
// each send a text of its own: the same text to a number again within 30 s is duplicate_content
// (rule content.duplicate), which these tests are not about
let sent = 0;
async function send(g: TestGateway, cp: Provider, to: string): Promise<string> {
  const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: `【示例】本周会员日满减第${++sent}期`, type: 'commercial', category: 'promo' } });
  return r.statusCode === 202 ? 'accepted' : `${r.statusCode} ${r.json().error?.code}`;
}

test('re-recording a consent does not reset its frequency: one a day stays one a day (QA, cn-2015)', async () => {
  await withGateway(async (g, cp) => {
    const to = '13700137602';
    assert.equal((await consent(g, cp, to, { count: 1, per: 'day' }, '2027-12-01T00:00:00Z')).statusCode, 201);
    assert.equal(await send(g, cp, to), 'accepted');
    assert.equal(await send(g, cp, to), '422 consent_frequency_exceeded');
    assert.equal((await consent(g, cp, to, { count: 1, per: 'day' }, '2027-12-02T00:00:00Z')).statusCode, 201);
    assert.equal(await send(g, cp, to), '422 consent_frequency_exceeded');
    assert.equal((await consent(g, cp, to, { count: 1, per: 'day' }, '2027-12-03T00:00:00Z')).statusCode, 201);
    assert.equal(await send(g, cp, to), '422 consent_frequency_exceeded');
    g.clock.advance(DAY);
    assert.equal(await send(g, cp, to), 'accepted');
    assert.equal(await send(g, cp, to), '422 consent_frequency_exceeded');
  });
});

test('the latest grant governs: a 5-a-day consent given after a 1-a-day one that expires later allows 5 (QA)', async () => {
  await withGateway(async (g, cp) => {
    const to = '13700137603';
    assert.equal((await consent(g, cp, to, { count: 1, per: 'day' }, '2027-12-01T00:00:00Z')).statusCode, 201);
    g.clock.advance(1000);
    assert.equal((await consent(g, cp, to, { count: 5, per: 'day' }, '2027-06-01T00:00:00Z')).statusCode, 201);
    for (let i = 0; i < 5; i++) assert.equal(await send(g, cp, to), 'accepted', `send ${i + 1}`);
    assert.equal(await send(g, cp, to), '422 consent_frequency_exceeded');
    // The user's latest agreement is 1 a day again: the five sent today already exceed it.
    g.clock.advance(1000);
    assert.equal((await consent(g, cp, to, { count: 1, per: 'day' }, '2027-03-01T00:00:00Z')).statusCode, 201);
    assert.equal(await send(g, cp, to), '422 consent_frequency_exceeded');
  });
});

test('after an opt-out is lifted, the consents given before it no longer count, and the subscriber view says so (QA)', async () => {
  await withGateway(async (g, cp) => {
    const to = '13700137604';
    const first = await consent(g, cp, to, { count: 10, per: 'day' }, '2027-12-01T00:00:00Z');
    assert.equal(first.statusCode, 201);
    assert.equal(await send(g, cp, to), 'accepted');
    g.clock.advance(1000);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } })).json().action, 'opt_out');
    g.clock.advance(1000);
    const lift = await g.http.inject({ method: 'POST', url: `/v1/subscribers/${to}/lift-opt-out`, headers: g.admin, payload: { contentProviderId: cp.id, reason: 'user asked', evidence: { channel: 'phone', reference: 'call-center ticket 7', capturedAt: new Date(g.clock.now()).toISOString() } } });
    assert.equal(lift.statusCode, 200, lift.body);
    assert.equal(await send(g, cp, to), '422 consent_missing');
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.equal(sub.relationships[0].endReason, 'opt_out');
    assert.deepEqual(sub.consents.map((c: { id: string; state: string }) => [c.id, c.state]), [[first.json().id, 'withdrawn']]);
    const optOut = sub.events.find((e: { event: string }) => e.event === 'opt_out');
    assert.equal(sub.consents[0].withdrawnAt, optOut.at);
    assert.ok(sub.events.some((e: { event: string; evidence: { consentId?: string; reason?: string } }) => e.event === 'consent_withdrawn' && e.evidence.consentId === first.json().id && e.evidence.reason === 'opt_out'));
    // A consent given after the opt-out counts, and reopens the relationship.
    g.clock.advance(1000);
    assert.equal((await consent(g, cp, to, { count: 10, per: 'day' }, '2027-12-01T00:00:00Z')).statusCode, 201);
    assert.equal(await send(g, cp, to), 'accepted');
    const after = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.equal(after.relationships[0].endedAt, null);
  });
});
