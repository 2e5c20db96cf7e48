/** Consent requests end to end: HTTP, the simulator SMSC and the simulated clock. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';

const HOUR = 3_600_000;

async function ask(g: TestGateway, cp: Provider, to: string, extra: Record<string, unknown> = {}) {
  return g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180, ...extra } });
}
async function reply(g: TestGateway, from: string, text: string, to = '10690002') {
  return (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to, text } })).json();
}
async function send(g: TestGateway, cp: Provider, to: string, category = '会员促销', text = '【示例】会员日全场满减') {
  return g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text, type: 'commercial', category } });
}
async function status(g: TestGateway, cp: Provider, id: string) {
  return (await g.http.inject({ method: 'GET', url: `/v1/consent-requests/${id}`, headers: cp.auth })).json();
}
async function outbox(g: TestGateway, to: string): Promise<{ text: string }[]> {
  await g.worker.drain();
  return (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages;
}

describe('consent requests (cn-2015)', () => {
  let g: TestGateway;
  let cp: Provider;
  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
  });
  after(async () => g.close());

  test('grant: the request reaches the phone stating category, frequency and duration; 是 grants; sends pass', async () => {
    const to = '13800138001';
    const r = await ask(g, cp, to);
    assert.equal(r.statusCode, 202, r.body);
    const body = r.json();
    assert.equal(body.status, 'pending');
    assert.match(body.text, /会员促销/);
    assert.match(body.text, /每月不超过4条/);
    assert.match(body.text, /有效期180天/);
    const out = await outbox(g, to);
    assert.equal(out.length, 1);
    assert.equal(out[0].text, body.text);
    const before = await send(g, cp, to);
    assert.equal(before.json().error.code, 'consent_missing');
    const mo = await reply(g, `+86${to}`, ' ｙｅｓ ');
    assert.equal(mo.action, 'consent_granted');
    const s = await status(g, cp, body.id);
    assert.equal(s.status, 'granted');
    assert.ok(s.consentId);
    assert.deepEqual(s.history.map((h: { event: string }) => h.event), ['consent_requested', 'consent_granted']);
    const ok = await send(g, cp, to);
    assert.equal(ok.statusCode, 202, ok.body);
    const texts = (await outbox(g, to)).map((m) => m.text);
    assert.ok(texts.some((t) => t.includes('您已同意接收“会员促销”类商业短信')));
  });

  test('refuse: 否 refuses; a request with the same category is rejected as repeated', async () => {
    const to = '13800138002';
    const r = await ask(g, cp, to);
    assert.equal(r.statusCode, 202, r.body);
    assert.equal((await reply(g, to, '否')).action, 'consent_refused');
    assert.equal((await status(g, cp, r.json().id)).status, 'refused');
    const again = await ask(g, cp, to, { frequency: { count: 2, per: 'week' }, durationDays: 30 });
    assert.equal(again.statusCode, 422);
    assert.equal(again.json().error.code, 'consent_request_repeated');
    assert.equal(again.json().error.rule, 'consent.no-repeat');
    const other = await ask(g, cp, to, { category: '新品上市' });
    assert.equal(other.statusCode, 202, other.body);
  });

  test('no reply: deemed refused when the window closes (sweeper on clock change)', async () => {
    const to = '13800138003';
    const r = await ask(g, cp, to);
    const id = r.json().id;
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 47 * 3600 } });
    await g.sweeper.idle();
    assert.equal((await status(g, cp, id)).status, 'pending');
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 3600 } });
    await g.sweeper.idle();
    const row = await g.store.consents.getConsentRequest(id);
    assert.equal(row?.request.status, 'deemed_refused');
    assert.equal(row?.request.resolvedAt, row?.request.deadlineAt);
    // a late yes does not grant
    const late = await reply(g, to, '是');
    assert.notEqual(late.action, 'consent_granted');
    // back to daytime for the rest of the suite
    g.clock.advance(24 * HOUR - (g.clock.now() - Date.parse('2026-11-30T04:00:00Z')) % (24 * HOUR));
  });
});
