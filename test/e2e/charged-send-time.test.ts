/**
 * A charged message judged again when it is sent (docs/REGULATION.md rule 8; src/app/send-time-check.ts):
 * one that waited in the queue (scheduled) or for review (held) is not sent once the number's
 * subscription ended meanwhile (TD, the provider's DELETE): stopped `rejected` with
 * charge_not_confirmed and rule charging.notice, as a submission after the end would be. A
 * replacement (PATCH /v1/messages/{id}) and a release from review judge it with its service too.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, withGateway, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { ActionRecord } from '../../src/content/actions.js';

const PORT = '10690001';
const MIN = 60_000;
const TEXT = '【示例】今日天气：晴，15至22度';

async function service(g: TestGateway, cp: Provider): Promise<string> {
  const r = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: cp.id, name: '天气早知道', port: PORT, tariff: { amountFen: 200, per: 'month' } } });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().id;
}
/** The number's confirmed subscription: the notice, the user's Y. */
async function subscribed(g: TestGateway, cp: Provider, serviceId: string, msisdn: string): Promise<void> {
  const r = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: cp.auth, payload: { msisdn } });
  assert.equal(r.statusCode, 202, r.body);
  const mo = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: msisdn, to: PORT, text: 'Y' } })).json();
  assert.equal(mo.action, 'consent_granted', JSON.stringify(mo));
  await g.worker.drain();
}
const unsubscribe = async (g: TestGateway, cp: Provider, serviceId: string, msisdn: string) =>
  assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${serviceId}/subscriptions/${msisdn}`, headers: cp.auth })).statusCode, 200);
const view = async (g: TestGateway, cp: Provider, id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
const sent = async (g: TestGateway, to: string): Promise<string[]> =>
  ((await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages as { text: string }[]).map((m) => m.text);

/** Stopped at send time: `rejected`, its history naming charging.notice; nothing of it reached the carrier. */
async function stoppedAtSendTime(g: TestGateway, cp: Provider, id: string, to: string, text = TEXT) {
  const v = await view(g, cp, id);
  assert.equal(v.status, 'rejected', JSON.stringify(v.history));
  const last = v.history.at(-1);
  assert.equal(last.rejection?.code, 'charge_not_confirmed', JSON.stringify(last));
  assert.equal(last.rejection?.rule, 'charging.notice');
  assert.match(last.rejection?.article ?? '', /rule 8/);
  assert.equal((await sent(g, to)).includes(text), false, 'not handed to the carrier');
}

describe('charged messages at send time (rule 8)', () => {
  const { g, cp } = gatewaySuite();
  let serviceId = '';
  const charge = (to: string, extra: Record<string, unknown> = {}) =>
    g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: PORT, to, text: TEXT, type: 'notification', chargedServiceId: serviceId, ...extra } });
  const later = () => new Date(g.clock.now() + 30 * MIN).toISOString();
  const advance = async (ms: number) => {
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: ms / 1000 } });
    await g.worker.drain();
  };

  test('a scheduled charged message whose subscription the provider ended while it waited is not sent', async () => {
    serviceId = await service(g, cp);
    const to = '13800138201';
    await subscribed(g, cp, serviceId, to);
    const r = await charge(to, { scheduledAt: later() });
    assert.equal(r.statusCode, 202, r.body);
    await unsubscribe(g, cp, serviceId, to);
    await advance(31 * MIN);
    await stoppedAtSendTime(g, cp, r.json().id, to);
  });

  test('nor one whose number opted out (TD) while it waited; one still subscribed goes', async () => {
    const to = '13800138202';
    const kept = '13800138203';
    await subscribed(g, cp, serviceId, to);
    await subscribed(g, cp, serviceId, kept);
    const r = await charge(to, { scheduledAt: later() });
    const ok = await charge(kept, { scheduledAt: later() });
    assert.equal(r.statusCode, 202, r.body);
    assert.equal(ok.statusCode, 202, ok.body);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: PORT, text: 'TD' } })).json().action, 'opt_out');
    await advance(31 * MIN);
    await stoppedAtSendTime(g, cp, r.json().id, to);
    assert.notEqual((await view(g, cp, ok.json().id)).status, 'rejected');
    assert.ok((await sent(g, kept)).includes(TEXT), 'the subscribed number gets its message');
  });

  test('a replacement keeps the service: judged with it (refused once unsubscribed) and stopped at send time', async () => {
    const to = '13800138204';
    await subscribed(g, cp, serviceId, to);
    const r = await charge(to, { scheduledAt: later() });
    assert.equal(r.statusCode, 202, r.body);
    const id = r.json().id;
    const text2 = '【示例】今日天气：多云，14至20度';
    const p = await g.http.inject({ method: 'PATCH', url: `/v1/messages/${id}`, headers: cp.auth, payload: { text: text2 } });
    assert.equal(p.statusCode, 200, p.body);
    assert.equal((await view(g, cp, id)).chargedServiceId, serviceId, 'still the charged message it was');
    await unsubscribe(g, cp, serviceId, to);
    // replaced after the end: judged with its service, refused, the message as it was
    const refused = await g.http.inject({ method: 'PATCH', url: `/v1/messages/${id}`, headers: cp.auth, payload: { text: '【示例】今日天气：小雨，12至18度' } });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().error.code, 'charge_not_confirmed');
    assert.equal(refused.json().error.rule, 'charging.notice');
    await advance(31 * MIN);
    await stoppedAtSendTime(g, cp, id, to, text2);
  });
});

describe('charged messages already handed to a waiting link (rule 8)', () => {
  test('the provider\'s DELETE and a TD answering a pending notice announce a refusal of the number, so in-flight charged messages are given back and judged again', () => withGateway(async (g, cp) => {
    const refusals: { contentProviderId?: string; msisdns?: readonly string[] }[] = [];
    g.app.events.on('refusal', (e) => refusals.push(e));
    const a = await service(g, cp);
    const to = '13800138221';
    await subscribed(g, cp, a, to);
    await unsubscribe(g, cp, a, to);
    assert.deepEqual(refusals, [{ contentProviderId: cp.id, msisdns: [`+86${to}`] }], 'the DELETE');
    // subscribed again, then a second service's notice pending: TD answers it, opts out, ends the first
    await subscribed(g, cp, a, to);
    const b = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: cp.id, name: '笑话大全', port: PORT, tariff: { amountFen: 10, per: 'message' } } });
    const notice = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${b.json().id}/subscriptions`, headers: cp.auth, payload: { msisdn: to } });
    assert.equal(notice.statusCode, 202, notice.body);
    refusals.length = 0;
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: PORT, text: 'TD' } })).json().action, 'opt_out');
    assert.deepEqual(refusals, [{ contentProviderId: cp.id, msisdns: [`+86${to}`] }], 'the TD to the pending notice');
  }));
});

/** A gateway whose provider is under an early-warning hold: every message it sends is held. */
async function holdAll(g: TestGateway, cp: Provider): Promise<void> {
  const contentStore = new SqliteContentStore(g.store.db);
  const gov = await installContentGovernance(g.app, contentStore);
  const hold: ActionRecord = { id: 'alert_hold_charged', scope: 'provider', key: cp.id, contentProviderId: cp.id, action: { kind: 'hold' }, rule: 'volume_spike', figures: {}, at: g.clock.now() };
  await contentStore.addAction(hold);
  gov.actions.restore(hold);
}

describe('held charged messages (rule 8)', () => {
  test('a release after the subscription ended is refused charge_not_confirmed; one released while subscribed is stopped at send time if it ends before its time', () => withGateway(async (g, cp) => {
    const serviceId = await service(g, cp);
    const to = '13800138211';
    const to2 = '13800138212';
    await subscribed(g, cp, serviceId, to);
    await subscribed(g, cp, serviceId, to2);
    await holdAll(g, cp);
    const send = (n: string, extra: Record<string, unknown> = {}) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: PORT, to: n, text: TEXT, type: 'notification', chargedServiceId: serviceId, ...extra } });
    const a = await send(to);
    // scheduled: released, it waits in the queue for its time
    const b = await send(to2, { scheduledAt: new Date(g.clock.now() + 30 * MIN).toISOString() });
    assert.equal(a.json().error?.code, 'held_for_review', a.body);
    assert.equal(b.json().error?.code, 'held_for_review', b.body);
    await unsubscribe(g, cp, serviceId, to);
    const rel = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${a.json().id}/release`, headers: g.admin, payload: {} });
    assert.equal(rel.statusCode, 422, rel.body);
    assert.equal(rel.json().error.code, 'charge_not_confirmed');
    assert.equal(rel.json().error.rule, 'charging.notice');
    assert.equal((await view(g, cp, a.json().id)).status, 'held', 'stays held, for the operator to reject');
    // released while subscribed, the subscription ends before the worker takes it: not sent
    const ok = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${b.json().id}/release`, headers: g.admin, payload: {} });
    assert.equal(ok.statusCode, 200, ok.body);
    await unsubscribe(g, cp, serviceId, to2);
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 31 * 60 } });
    await g.worker.drain();
    await stoppedAtSendTime(g, cp, b.json().id, to2);
  }));
});
