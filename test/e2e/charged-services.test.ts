/**
 * Charged services end to end (docs/REGULATION.md rule 8: before charging, the user is told the
 * service, tariff, charging method and how to unsubscribe): the registry, the notice smsguard sends,
 * the user's Y / N / TD / silence, charged messages refused until confirmed, and the ends of a
 * subscription (the provider's DELETE, the user's opt-out); a second notice to a subscribed number
 * refused with its own code and rule; a service's subscriptions listed a page at a time; notices,
 * like consent requests, only within the sending hours.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, withGateway, NOON_SHANGHAI, OTHER_PROVIDER, type TestGateway, type Provider } from '../helpers/gateway.js';
import { roundTrip } from '../helpers/schema-coverage.js';
import { listChargedSubscriptions } from '../../src/app/charged-services.js';

const PORT = '10690001';

async function register(g: TestGateway, cpId: string, extra: Record<string, unknown> = {}) {
  return g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: cpId, name: '天气早知道', port: PORT, tariff: { amountFen: 200, per: 'month' }, ...extra } });
}
async function subscribe(g: TestGateway, cp: Provider, serviceId: string, msisdn: string) {
  return g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: cp.auth, payload: { msisdn } });
}
async function reply(g: TestGateway, from: string, text: string, to = PORT) {
  return (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to, text } })).json();
}
async function charge(g: TestGateway, cp: Provider, to: string, chargedServiceId: string) {
  return g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: PORT, to, text: '【示例】今日天气：晴，15至22度', type: 'notification', chargedServiceId } });
}
async function status(g: TestGateway, cp: Provider, id: string) {
  return (await g.http.inject({ method: 'GET', url: `/v1/consent-requests/${id}`, headers: cp.auth })).json();
}
async function outbox(g: TestGateway, to: string): Promise<{ text: string }[]> {
  await g.worker.drain();
  return (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages;
}
/**
 * Refused by the pipeline's charging.notice stage: a message id, its record and its verdicts like
 * any other compliance rejection (shared/DESIGN.md; issue 2), not an id-less request error.
 */
async function refusedNotConfirmed(g: TestGateway, cp: Provider, r: { statusCode: number; body: string; json(): any }, serviceId: string) {
  assert.equal(r.statusCode, 422, r.body);
  const { id, error } = r.json();
  assert.equal(error.code, 'charge_not_confirmed');
  assert.equal(error.rule, 'charging.notice');
  assert.match(error.article, /rule 8/);
  assert.equal(error.profile, 'cn-2015');
  assert.match(String(id), /^msg_/, r.body);
  const view = await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth });
  assert.equal(view.statusCode, 200, view.body);
  assert.equal(view.json().chargedServiceId, serviceId, view.body);
  const failed = view.json().verdicts.find((v: { outcome: string }) => v.outcome === 'fail');
  assert.equal(failed?.rule, 'charging.notice', view.body);
  assert.equal(failed?.code, 'charge_not_confirmed', view.body);
  assert.match(failed?.article ?? '', /rule 8/);
  const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?kind=mt&rule=charging.notice&contentProviderId=${cp.id}&limit=1000`, headers: g.admin })).json().records as any[];
  const rec = recs.find((x) => x.ref === id);
  assert.ok(rec, `the refusal is in /v1/records: ${JSON.stringify(recs.map((x) => x.ref))}`);
  assert.equal(rec.decision, 'rejected');
  assert.equal(rec.code, 'charge_not_confirmed');
  assert.equal(rec.body.chargedServiceId, serviceId);
}

describe('charged services (rule 8)', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });
  let serviceId = '';

  test('registry: the admin registers a service on the provider\'s port; a provider lists its own only', async () => {
    const r = await register(g, cp.id);
    assert.equal(r.statusCode, 201, r.body);
    serviceId = r.json().id;
    const notOwned = await register(g, other.id);
    assert.equal(notOwned.statusCode, 422, notOwned.body);
    assert.equal(notOwned.json().error.code, 'port_not_owned');
    const badTariff = await register(g, cp.id, { tariff: { amountFen: 1.5, per: 'month' } });
    assert.equal(badTariff.statusCode, 400, badTariff.body);
    const byProvider = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: cp.auth, payload: { contentProviderId: cp.id, name: 'x', port: PORT, tariff: { amountFen: 1, per: 'message' } } });
    assert.equal(byProvider.statusCode, 403);
    const own = (await g.http.inject({ method: 'GET', url: '/v1/charged-services', headers: cp.auth })).json().items;
    assert.deepEqual(own.map((s: { id: string }) => s.id), [serviceId]);
    assert.deepEqual(own[0].tariff, { amountFen: 200, per: 'month' });
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/charged-services', headers: other.auth })).json().items.length, 0);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/charged-services?contentProviderId=${cp.id}`, headers: other.auth })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/charged-services?contentProviderId=${cp.id}`, headers: g.admin })).json().items.length, 1);
  });

  test('the notice names service, tariff, charging method and how to unsubscribe; the charge is refused before Y and accepted after', async () => {
    const to = '13800138101';
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
    const r = await subscribe(g, cp, serviceId, to);
    assert.equal(r.statusCode, 202, r.body);
    const { id, status: st, text } = r.json();
    assert.equal(st, 'pending');
    assert.match(text, /^【示例】/);
    assert.match(text, /天气早知道/, 'the service');
    assert.match(text, /2元\/月/, 'the tariff in yuan');
    assert.match(text, /包月/, 'how it is charged');
    assert.match(text, /回复Y/, 'how to confirm');
    assert.match(text, /不回复.*不收费/, 'silence charges nothing');
    assert.match(text, /回复TD退订/, 'how to unsubscribe');
    assert.deepEqual((await outbox(g, to)).map((m) => m.text), [text], 'smsguard sent the notice itself');
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
    assert.equal((await reply(g, `+86${to}`, 'Y')).action, 'consent_granted');
    const s = await status(g, cp, id);
    assert.equal(s.status, 'granted');
    assert.equal(s.chargedServiceId, serviceId);
    const started = s.history.find((h: { event: string }) => h.event === 'charged_subscription_started');
    assert.ok(started, JSON.stringify(s.history));
    assert.equal(started.evidence.proof.requestId, id);
    assert.equal(started.evidence.proof.requestText, text);
    assert.equal(started.evidence.proof.reply, 'Y');
    assert.ok(started.evidence.proof.moId);
    const ok = await charge(g, cp, to, serviceId);
    assert.equal(ok.statusCode, 202, ok.body);
    const view = (await g.http.inject({ method: 'GET', url: `/v1/messages/${ok.json().id}`, headers: cp.auth })).json();
    assert.equal(view.chargedServiceId, serviceId, 'the message\'s record names the service');
    assert.ok((await outbox(g, to)).some((m) => m.text.includes('您已订购收费业务“天气早知道”') && m.text.includes('本条免费')));
    // a message without the field is untouched by all this
    const plain = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: PORT, to, text: '【示例】您的验证码是1234', type: 'verification' } });
    assert.equal(plain.statusCode, 202, plain.body);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/messages/${plain.json().id}`, headers: cp.auth })).json().chargedServiceId, undefined);
  });

  test('N refuses: no subscription, the charge is still refused', async () => {
    const to = '13800138102';
    const r = await subscribe(g, cp, serviceId, to);
    assert.equal(r.statusCode, 202, r.body);
    assert.equal((await reply(g, to, 'N')).action, 'consent_refused');
    assert.equal((await status(g, cp, r.json().id)).status, 'refused');
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
    assert.ok((await outbox(g, to)).some((m) => m.text.includes('您未订购收费业务“天气早知道”')));
  });

  test('TD while the notice is pending: refused and opted out; no new notice to that number', async () => {
    const to = '13800138103';
    const r = await subscribe(g, cp, serviceId, to);
    assert.equal(r.statusCode, 202, r.body);
    assert.equal((await reply(g, to, 'TD')).action, 'opt_out');
    assert.equal((await status(g, cp, r.json().id)).status, 'refused');
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
    const again = await subscribe(g, cp, serviceId, to);
    assert.equal(again.statusCode, 422, again.body);
    assert.equal(again.json().error.code, 'opted_out');
  });

  test('an opt-out ends the provider\'s live subscriptions of the number, recorded', async () => {
    const to = '13800138104';
    const r = await subscribe(g, cp, serviceId, to);
    assert.equal((await reply(g, to, '是')).action, 'consent_granted');
    assert.equal((await charge(g, cp, to, serviceId)).statusCode, 202);
    assert.equal((await reply(g, to, '退订')).action, 'opt_out');
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
    const ended = (await status(g, cp, r.json().id)).history.find((h: { event: string }) => h.event === 'charged_subscription_ended');
    assert.ok(ended, 'recorded under the subscription');
    assert.equal(ended.evidence.reason, 'opt_out');
    // the subscriber view shows the notice as one, with its service
    const view = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.equal(view.requests.find((q: { id: string }) => q.id === r.json().id)?.chargedServiceId, serviceId, JSON.stringify(view.requests));
    assert.ok(view.events.some((e: { kind?: string; event?: string }) => (e.kind ?? e.event) === 'charged_subscription_ended'), JSON.stringify(view.events));
  });

  test('the provider ends a subscription (DELETE): the charge is refused after', async () => {
    const to = '13800138105';
    await subscribe(g, cp, serviceId, to);
    assert.equal((await reply(g, to, 'yes')).action, 'consent_granted');
    assert.equal((await charge(g, cp, to, serviceId)).statusCode, 202);
    const byOther = await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${serviceId}/subscriptions/${to}`, headers: other.auth });
    assert.equal(byOther.statusCode, 403);
    const d = await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${serviceId}/subscriptions/${to}`, headers: cp.auth });
    assert.equal(d.statusCode, 200, d.body);
    assert.equal(d.json().status, 'ended');
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
    assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${serviceId}/subscriptions/${to}`, headers: cp.auth })).statusCode, 404);
  });

  test('a provider cannot use another\'s service, nor an unknown one; a batch item is refused alone', async () => {
    const to = '13800138106';
    const sub = await subscribe(g, other, serviceId, to);
    assert.equal(sub.statusCode, 403, sub.body);
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10698001', to: '13800138101', text: '【别家】今日天气：晴', type: 'notification', chargedServiceId: serviceId } });
    assert.equal(m.statusCode, 403, m.body);
    assert.equal(m.json().error.code, 'forbidden');
    const unknown = await charge(g, cp, to, 'chs_nope');
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal((await subscribe(g, cp, 'chs_nope', to)).statusCode, 404);
    const batch = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [
      { from: PORT, to, text: '【示例】今日天气：晴', type: 'notification', chargedServiceId: serviceId },
      { from: PORT, to, text: '【示例】今日天气：晴', type: 'notification' },
    ] } });
    const results = batch.json().results;
    assert.equal(results[0].error.code, 'charge_not_confirmed', batch.body);
    assert.equal(results[0].error.rule, 'charging.notice', batch.body);
    // a compliance rejection, recorded: an id, no field (the request itself was well formed)
    assert.match(String(results[0].id), /^msg_/, batch.body);
    assert.equal(results[0].error.field, undefined, batch.body);
    const view = (await g.http.inject({ method: 'GET', url: `/v1/messages/${results[0].id}`, headers: cp.auth })).json();
    assert.equal(view.verdicts.find((v: { outcome: string }) => v.outcome === 'fail')?.rule, 'charging.notice', JSON.stringify(view));
    assert.equal(results[1].status, 'accepted', batch.body);
  });

  test('one open question per provider and number, across consent requests and notices', async () => {
    const to = '13800138107';
    const c = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.equal(c.statusCode, 202, c.body);
    const n = await subscribe(g, cp, serviceId, to);
    assert.equal(n.statusCode, 409, n.body);
    assert.equal(n.json().error.rule, 'consent.one-pending');
    const to2 = '13800138108';
    assert.equal((await subscribe(g, cp, serviceId, to2)).statusCode, 202);
    const c2 = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to: to2, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.equal(c2.statusCode, 409, c2.body);
    assert.equal(c2.json().error.rule, 'consent.one-pending');
  });

  test('silence: the notice\'s window closes and the subscription is refused; the charge stays refused', async () => {
    const to = '13800138109';
    const r = await subscribe(g, cp, serviceId, to);
    assert.equal(r.statusCode, 202, r.body);
    const deadline = Date.parse(r.json().deadlineAt);
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: Math.ceil((deadline - g.clock.now()) / 1000) + 60 } });
    assert.match((await status(g, cp, r.json().id)).status, /^(deemed_refused|lapsed)$/);
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
    // a late Y is no confirmation
    await reply(g, to, 'Y');
    await refusedNotConfirmed(g, cp, await charge(g, cp, to, serviceId), serviceId);
  });
  test('a notice to a number already subscribed is refused charged_already_subscribed, naming its rule', async () => {
    const to = '13800138110';
    await subscribe(g, cp, serviceId, to);
    assert.equal((await reply(g, to, 'Y')).action, 'consent_granted');
    const again = await subscribe(g, cp, serviceId, to);
    assert.equal(again.statusCode, 409, again.body);
    const e = again.json().error;
    assert.equal(e.code, 'charged_already_subscribed');
    assert.equal(e.rule, 'charging.one-subscription');
    assert.match(e.article, /^gateway rule, not a regulation/);
    assert.equal(e.profile, 'cn-2015');
    assert.equal(e.field, 'msisdn');
    // ended, it may be asked again
    assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${serviceId}/subscriptions/${to}`, headers: cp.auth })).statusCode, 200);
    assert.equal((await subscribe(g, cp, serviceId, to)).statusCode, 202);
  });

  test('GET …/subscriptions: the service\'s subscriptions, live and ended, oldest first, a page at a time; a provider its own only', async () => {
    const list = (auth: Record<string, string>, q = '', id = serviceId) => g.http.inject({ method: 'GET', url: `/v1/charged-services/${id}/subscriptions${q}`, headers: auth });
    const all = await list(cp.auth, '?limit=1000');
    assert.equal(all.statusCode, 200, all.body);
    const items = all.json().items as { id: string; msisdn: string; status: string; startedAt: string; endedAt?: string; endReason?: string }[];
    assert.equal(all.json().nextCursor, null);
    const of = (m: string) => items.filter((x) => x.msisdn === `+86${m}`);
    // confirmed by Y, never ended
    assert.deepEqual(of('13800138101').map((x) => [x.status, x.endedAt, x.endReason]), [['active', undefined, undefined]]);
    assert.deepEqual(of('13800138104').map((x) => [x.status, x.endReason]), [['ended', 'opt_out']]);
    assert.deepEqual(of('13800138105').map((x) => [x.status, x.endReason]), [['ended', 'unsubscribed']]);
    assert.ok(of('13800138105')[0]!.endedAt! >= of('13800138105')[0]!.startedAt);
    // refused, lapsed or pending: no subscription
    for (const m of ['13800138102', '13800138103', '13800138108', '13800138109']) assert.deepEqual(of(m), [], m);
    // its id is the notice's: the subscription's history is there
    assert.equal((await status(g, cp, of('13800138101')[0]!.id)).status, 'granted');
    const starts = items.map((x) => x.startedAt);
    assert.deepEqual(starts, [...starts].sort(), 'oldest first');
    // pages of 2: together the whole list, each once
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await list(cp.auth, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(r.json().items.length <= 2);
      paged.push(...r.json().items.map((x: { id: string }) => x.id));
      cursor = r.json().nextCursor;
    } while (cursor);
    assert.deepEqual(paged, items.map((x) => x.id));
    assert.ok(items.length >= 4, JSON.stringify(items));
    assert.equal((await list(cp.auth, '?cursor=zzz')).statusCode, 400);
    // the body is the use case's value, every key of it in the OpenAPI document (an ended one's too)
    const principal = { role: 'admin', actorId: 'test' } as const;
    await roundTrip(g.http, `/v1/charged-services/${serviceId}/subscriptions?limit=1000`, g.admin, await listChargedSubscriptions(g.app.ctx, principal, serviceId, { limit: 1000 }), '/v1/charged-services/{id}/subscriptions');
    // the admin reads any; another provider none of it; an unknown service is 404
    assert.deepEqual((await list(g.admin, '?limit=1000')).json().items, items);
    const forbidden = await list(other.auth);
    assert.equal(forbidden.statusCode, 403, forbidden.body);
    assert.equal(forbidden.json().error.rule, 'access.own-data');
    assert.equal((await list(cp.auth, '', 'chs_nope')).statusCode, 404);
    assert.equal((await list(g.admin, '', 'chs_nope')).statusCode, 404);
  });
});

describe('charged services: the notice keeps the sending hours (as a consent request)', () => {
  test('at 22:00 Shanghai a notice is refused quiet_hours (rule commercial.quiet-hours), as a consent request is; at 08:00 it goes', () => withGateway({ now: NOON_SHANGHAI + 10 * 3_600_000 }, async (g, cp) => {
    const s = await register(g, cp.id);
    assert.equal(s.statusCode, 201, s.body);
    const id = s.json().id;
    const to = '13800138120';
    const night = await subscribe(g, cp, id, to);
    assert.equal(night.statusCode, 422, night.body);
    assert.equal(night.json().error.code, 'quiet_hours');
    assert.equal(night.json().error.rule, 'commercial.quiet-hours');
    const request = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.deepEqual([request.json().error.code, request.json().error.rule], [night.json().error.code, night.json().error.rule], 'the same rule as a consent request');
    assert.deepEqual(await outbox(g, to), [], 'nothing sent');
    // nothing opened either: at 08:00 the notice goes
    g.clock.set(NOON_SHANGHAI + 20 * 3_600_000);
    const day = await subscribe(g, cp, id, to);
    assert.equal(day.statusCode, 202, day.body);
  }));
});
