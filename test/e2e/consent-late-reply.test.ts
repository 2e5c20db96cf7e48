/**
 * A late answer to a consent request (src/app/consent-late-reply.ts, docs/CONSENT.md "Late answers"):
 * a 是 or 否 after the request closed (its window over, or answered already) changes nothing, and the
 * user is told so once, in one free message; the reply is recorded as an answer and the provider told.
 * Before (found 2026-12-08) the user got nothing, the reply went to the provider as an ordinary one,
 * and a user who had done what the request said believed they had subscribed.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, type TestGateway, type Provider } from '../helpers/gateway.js';
import { lateReplyBody } from '../../src/app/consent-late-reply.js';

const HOUR = 3_600_000;
const EXPIRED = '【示例】“会员促销”类商业短信的订阅邀请已过期，您的回复未生效，我们没有为您订阅。本条免费。';
const ANSWERED = '【示例】“会员促销”类商业短信的订阅邀请已结束（您此前已拒绝），您的回复未生效，我们没有为您订阅。本条免费。';
type Json = Record<string, any>;

async function ask(g: TestGateway, cp: Provider, to: string, extra: Record<string, unknown> = {}) {
  const r = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180, ...extra } });
  assert.equal(r.statusCode, 202, r.body);
  return r.json().id as string;
}
async function reply(g: TestGateway, from: string, text: string, to = '10690002'): Promise<Json> {
  return (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to, text } })).json();
}
/** What the phone got, after the request itself. */
async function received(g: TestGateway, to: string): Promise<string[]> {
  await g.worker.drain();
  return ((await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages as { text: string }[]).map((m) => m.text).slice(1);
}
/** Past the request's reply window (48 h), to the same time of day (the suite starts at noon, Shanghai). */
async function windowOver(g: TestGateway): Promise<void> {
  await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 72 * 3600 } });
  await g.sweeper.idle();
}

describe('a late answer to a consent request is told it changed nothing (cn-2015)', () => {
  const { g, cp } = gatewaySuite();

  test('是 after the window closed: one free answer saying the request expired and nothing was subscribed; recorded; the provider told; a second 是 is an ordinary reply', async () => {
    const to = '13800138501';
    const id = await ask(g, cp, to);
    await windowOver(g);
    const told: Json[] = [];
    const off = g.app.events.on('moForward', (e) => told.push({ text: e.text, action: e.notice?.action ?? null, consentRequestId: e.notice?.consentRequestId ?? null }));
    const mo = await reply(g, to, '是');
    assert.equal(mo.action, 'consent_reply_late');
    assert.deepEqual(await received(g, to), [EXPIRED]);
    const view = (await g.http.inject({ method: 'GET', url: `/v1/consent-requests/${id}`, headers: cp.auth })).json();
    assert.equal(view.status, 'deemed_refused', 'nothing changed');
    assert.equal(view.consentId, null);
    const last = view.history.at(-1);
    assert.equal(last.event, 'consent_reply');
    assert.equal(last.evidence.late, 'expired');
    assert.equal(last.evidence.moId, mo.id);
    const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}`, headers: g.admin })).json().records as Json[];
    assert.equal(recs.find((r) => r.id === mo.id)?.body.action, 'consent_reply_late');
    const answer = recs.find((r) => r.kind === 'mt' && r.body.purpose === 'consent_late_reply');
    assert.equal(answer?.body.charged, false);
    assert.equal(answer?.body.from, '10690002');
    // the user is not subscribed: a promotion is still refused
    const promo = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】会员日全场满减', type: 'commercial', category: '会员促销' } });
    assert.equal(promo.json().error.code, 'consent_missing');
    // answered once: the next 是 goes to the provider as an ordinary reply, with no second answer
    const again = await reply(g, to, 'Y');
    assert.equal(again.action, 'forwarded');
    assert.deepEqual(await received(g, to), [EXPIRED]);
    off();
    assert.deepEqual(told, [
      { text: '是', action: 'consent_reply_late', consentRequestId: id },
      { text: 'Y', action: null, consentRequestId: null },
    ]);
  });

  test('是 after the deadline but before the sweep ran: the request is settled, then the reply is told it came too late', async () => {
    const to = '13800138502';
    const id = await ask(g, cp, to);
    g.clock.advance(72 * HOUR); // no sweep awaited: the reply settles the request itself
    assert.equal((await reply(g, to, '同意')).action, 'consent_reply_late');
    assert.equal((await g.store.consents.getConsentRequest(id))?.request.status, 'deemed_refused');
    assert.deepEqual(await received(g, to), [EXPIRED]);
  });

  test('是 after the user refused: told the request is over (refused before), nothing subscribed; 否 likewise once', async () => {
    const to = '13800138503';
    await ask(g, cp, to);
    assert.equal((await reply(g, to, '否')).action, 'consent_refused');
    const refusal = await received(g, to);
    assert.equal(refusal.length, 1);
    assert.match(refusal[0], /您已拒绝“会员促销”类商业短信/);
    assert.equal((await reply(g, to, '是')).action, 'consent_reply_late');
    assert.deepEqual((await received(g, to)).slice(1), [ANSWERED]);
    const other = '13800138504';
    await ask(g, cp, other);
    await windowOver(g);
    assert.equal((await reply(g, other, '不同意')).action, 'consent_reply_late');
    assert.deepEqual(await received(g, other), [EXPIRED]);
  });

  test('not a late answer, handled as before: after a grant, an opt-out keyword (a 是 after it is), any other text, a 是 to a later promotion', async () => {
    // granted: the user did subscribe and was told so
    const a = '13800138505';
    await ask(g, cp, a);
    assert.equal((await reply(g, a, '是')).action, 'consent_granted');
    const granted = await received(g, a);
    assert.equal((await reply(g, a, '是')).action, 'forwarded');
    assert.deepEqual(await received(g, a), granted);
    // N outside a pending request is an opt-out keyword
    const b = '13800138506';
    await ask(g, cp, b);
    await windowOver(g);
    assert.equal((await reply(g, b, 'N')).action, 'opt_out');
    // (its confirmation is the gateway's own: a 是 after it is still about the request, and told so)
    assert.equal((await reply(g, b, '是')).action, 'consent_reply_late');
    assert.equal((await received(g, b)).at(-1), EXPIRED);
    // any other text
    const c = '13800138507';
    await ask(g, cp, c);
    await windowOver(g);
    assert.equal((await reply(g, c, '几点开门')).action, 'forwarded');
    assert.deepEqual(await received(g, c), []);
    // the number holds another consent, and the provider sent it a promotion after the request: a
    // 是 answers that promotion, and reaches the provider
    const d = '13800138508';
    const proof = { channel: 'web', reference: 'form 1', capturedAt: new Date(g.clock.now() - 60_000).toISOString() };
    const con = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: d, category: 'promo', frequency: { count: 5, per: 'day' }, expiresAt: new Date(g.clock.now() + 300 * 24 * HOUR).toISOString(), proof } });
    assert.equal(con.statusCode, 201, con.body);
    await ask(g, cp, d);
    await windowOver(g);
    const promo = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: d, text: '【示例】会员日回复是领取优惠券', type: 'commercial', category: 'promo' } });
    assert.equal(promo.statusCode, 202, promo.body);
    const before = await received(g, d);
    assert.equal((await reply(g, d, '是')).action, 'forwarded');
    assert.deepEqual(await received(g, d), before);
  });
});

test('a charged service\'s notice answered late: no subscription, no charge, in the charged confirmations\' words', () => {
  assert.equal(lateReplyBody({ category: '彩铃', status: 'deemed_refused', chargedServiceId: 'svc_1' }), '收费业务“彩铃”的订购邀请已过期，您的回复未生效，我们没有为您订购，不会收取任何费用。本条免费。');
  assert.equal(lateReplyBody({ category: '彩铃', status: 'refused', chargedServiceId: 'svc_1' }), '收费业务“彩铃”的订购邀请已结束（您此前已拒绝），您的回复未生效，我们没有为您订购，不会收取任何费用。本条免费。');
  assert.equal(lateReplyBody({ category: '会员促销', status: 'lapsed' }), EXPIRED.replace('【示例】', ''));
});
