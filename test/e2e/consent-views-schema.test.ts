/**
 * The subscriber views, the refusal phrases and the simulator's outbox and clock declare their 200
 * bodies and errors, and the schema serializer drops whatever a schema does not list: so each read
 * must come back over HTTP exactly as its use case builds it, for data that fills every field
 * (consents with proof, a request answered, an opt-out with its signature, the do-not-disturb list,
 * a relationship that ended), and /docs/json must list every key those values hold.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, ADMIN_TOKEN } from '../helpers/gateway.js';
import { documentedResponse, roundTrip } from '../helpers/schema-coverage.js';
import { getSubscriber, getSubscriberConsents } from '../../src/app/consent-subscribers.js';
import { getRefusalPhrases } from '../../src/app/consent-settings.js';

type Json = Record<string, any>;

describe('subscriber, refusal-phrase and simulator reads: response schemas', () => {
  const { g, cp, other } = gatewaySuite({ other: { name: '别家科技', signature: '【别家】', ports: { service: '10698001', commercial: '10698002' } } });
  let regulator: Record<string, string>;
  const user = '13800138555';

  const post = async (url: string, h: Record<string, string> | undefined, payload: object, want = 200) => {
    const r = await g.http.inject({ method: 'POST', url, headers: h, payload });
    assert.equal(r.statusCode, want, `${url}: ${r.body}`);
    return r.json() as Json;
  };
  const principal = (h: Record<string, string>) => g.app.auth.principalFor(h.authorization.slice(7));

  before(async () => {
    regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector')).token}` };
    await post('/v1/consents', cp.auth, { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-9', capturedAt: '2026-11-01T00:00:00Z' } }, 201);
    const gone = await post('/v1/consents', cp.auth, { msisdn: user, category: 'tips', frequency: { count: 1, per: 'week' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-10', capturedAt: '2026-11-01T00:00:00Z' } }, 201);
    const w = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${gone.id}`, headers: cp.auth, payload: { proof: { channel: 'call-centre', reference: 'ticket-7', capturedAt: '2026-11-30T03:00:00Z' } } });
    assert.equal(w.statusCode, 204, w.body);
    await post('/v1/consent-requests', cp.auth, { from: '10690002', to: user, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 }, 202);
    await g.worker.drain();
    await post('/v1/simulator/mo', undefined, { from: user, to: '10690002', text: '是' });
    await post('/v1/consents', other.auth, { msisdn: user, category: 'news', frequency: { count: 2, per: 'week' }, expiresAt: '2027-01-01T00:00:00Z', proof: { channel: 'app', reference: 'tap-1', capturedAt: '2026-11-02T00:00:00Z' } }, 201);
    await post('/v1/messages', other.auth, { from: '10698002', to: user, text: '【别家】本周新闻速递', type: 'commercial', category: 'news' }, 202);
    await g.worker.drain();
    await post('/v1/simulator/mo', undefined, { from: user, to: '10698002', text: 'TD' });
    await post('/v1/dnd', g.admin, { msisdns: [user], source: '12321 list' });
    await g.http.inject({ method: 'PUT', url: '/v1/refusal-phrases', headers: g.admin, payload: { phrases: ['不要再发了', '别再打扰'] } });
    await g.worker.drain();
  });


  test('GET /v1/subscribers/{msisdn} round-trips whole for the operator and a regulator', async () => {
    for (const h of [g.admin, regulator]) {
      const v = await roundTrip(g.http, `/v1/subscribers/${user}`, h, await getSubscriber(g.app.ctx, await principal(h), user), '/v1/subscribers/{msisdn}');
      // the view holds what the schema must carry
      assert.equal(v.doNotDisturb.source, '12321 list');
      assert.deepEqual(v.optOuts.map((o: Json) => [o.contentProviderId, o.signatures]), [[other.id, ['*']]]);
      assert.equal(v.consents.length, 4);
      assert.ok(v.consents.every((c: Json) => Object.keys(c.proof).length > 0 && c.frequency.count > 0), JSON.stringify(v.consents));
      // withdrawn by the provider with proof of the refusal, and by the number's TD
      assert.deepEqual(v.consents.filter((c: Json) => c.withdrawal).map((c: Json) => [c.category, c.withdrawal.evidence.proof?.reference ?? c.withdrawal.evidence.reason]), [['tips', 'ticket-7'], ['news', 'opt_out']]);
      assert.deepEqual(v.requests.map((r: Json) => r.status), ['granted']);
      assert.ok(v.requests[0].consentId && v.requests[0].resolvedAt);
      assert.ok(v.relationships.some((r: Json) => r.endedAt && r.endReason), JSON.stringify(v.relationships));
      assert.ok(v.events.length >= 6 && v.events.every((e: Json) => e.channel && Object.keys(e.evidence).length > 0), JSON.stringify(v.events));
    }
  });

  test('GET /v1/subscribers/{msisdn}/consents round-trips whole for the provider', async () => {
    for (const p of [cp, other]) {
      const v = await roundTrip(g.http, `/v1/subscribers/${user}/consents`, p.auth, await getSubscriberConsents(g.app.ctx, await principal(p.auth), user), '/v1/subscribers/{msisdn}/consents');
      assert.deepEqual(v.doNotDisturb?.source, 'platform');
      assert.ok(v.consents.length > 0 && v.consents.every((c: Json) => c.contentProviderId === p.id));
    }
  });

  test('GET /v1/refusal-phrases round-trips whole', async () => {
    for (const h of [g.admin, regulator]) {
      const v = await roundTrip(g.http, '/v1/refusal-phrases', h, await getRefusalPhrases(g.app.ctx, await principal(h)), '/v1/refusal-phrases');
      assert.deepEqual(v.operator, ['不要再发了', '别再打扰']);
      assert.ok(v.defaults.length > 0 && v.keywords.length > 0);
    }
  });

  test('GET /v1/simulator/outbox and /v1/simulator/clock round-trip whole', async () => {
    const all = await roundTrip(g.http, '/v1/simulator/outbox', undefined, { messages: g.simulator.outbox(), count: g.simulator.count }, '/v1/simulator/outbox');
    assert.ok(all.messages.length >= 2);
    const mine = await roundTrip(g.http, `/v1/simulator/outbox?to=${user}`, undefined, { messages: g.simulator.outbox(`+86${user}`), count: g.simulator.count }, '/v1/simulator/outbox');
    assert.ok(mine.messages.length >= 2 && mine.messages.every((m: Json) => m.upstreamId && m.messageId && m.text && m.receivedAt > 0));
    g.clock.advance(90_000);
    const c = await roundTrip(g.http, '/v1/simulator/clock', undefined, { now: new Date(g.clock.now()).toISOString() }, '/v1/simulator/clock');
    assert.equal(Date.parse(c.now), g.clock.now());
  });

  test('errors answer in the error shape, and /docs/json lists them', async () => {
    const errors: [url: string, h: Record<string, string> | undefined, status: number, doc: string][] = [
      [`/v1/subscribers/${user}`, undefined, 401, '/v1/subscribers/{msisdn}'],
      [`/v1/subscribers/${user}`, cp.auth, 403, '/v1/subscribers/{msisdn}'],
      ['/v1/subscribers/12345', g.admin, 422, '/v1/subscribers/{msisdn}'],
      [`/v1/subscribers/${user}/consents`, undefined, 401, '/v1/subscribers/{msisdn}/consents'],
      [`/v1/subscribers/${user}/consents`, g.admin, 403, '/v1/subscribers/{msisdn}/consents'],
      ['/v1/subscribers/12345/consents', cp.auth, 422, '/v1/subscribers/{msisdn}/consents'],
      ['/v1/refusal-phrases', undefined, 401, '/v1/refusal-phrases'],
      ['/v1/refusal-phrases', cp.auth, 403, '/v1/refusal-phrases'],
      ['/v1/simulator/outbox?to=123', undefined, 422, '/v1/simulator/outbox'],
    ];
    for (const [url, h, status, doc] of errors) {
      const r = await g.http.inject({ method: 'GET', url, headers: h });
      assert.equal(r.statusCode, status, `${url}: ${r.body}`);
      assert.equal(typeof r.json().error?.code, 'string', `${url}: ${r.body}`);
      assert.ok((await documentedResponse(g.http, doc, String(status)))?.properties?.error, `${doc} documents ${status} in the error shape`);
    }
    void ADMIN_TOKEN;
  });
});
