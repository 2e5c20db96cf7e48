/**
 * Regulators read charged services (docs/REGULATION.md rules 8 and 11), as they read other provider
 * data: read only; a token limited to a province sees only services of providers registered there
 * (another's service by id: 404 as if absent, as a consent request or a message; naming another's
 * provider in the list filter: 403 supervision.province-scope), one limited to dates only the
 * subscriptions started within them; every read of a service's subscriptions (they hold numbers) is
 * audited `charged_subscriptions.read`, a refused one with no rows.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, onboard, type Provider } from '../helpers/gateway.js';

describe('charged services: a regulator reads them', () => {
  const { g, cp } = gatewaySuite();
  let bj: Provider;
  let fjService = '';
  let bjService = '';
  let secondStart = 0;
  const tok: Record<string, Record<string, string>> = {};
  const get = (url: string, auth: Record<string, string>) => g.http.inject({ method: 'GET', url, headers: auth });
  const subscribe = async (p: Provider, serviceId: string, msisdn: string, port: string) => {
    const r = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: p.auth, payload: { msisdn } });
    assert.equal(r.statusCode, 202, r.body);
    const y = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: msisdn, to: port, text: 'Y' } })).json();
    assert.equal(y.action, 'consent_granted', JSON.stringify(y));
  };
  const audits = async () => (await get('/v1/records?kind=audit&type=charged_subscriptions.read&limit=1000', g.admin)).json().records as { body: Record<string, any> }[];

  before(async () => {
    bj = await onboard(g, { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10698001' } });
    const reg = async (cpId: string, port: string) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: cpId, name: '天气早知道', port, tariff: { amountFen: 200, per: 'month' } } });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };
    fjService = await reg(cp.id, '10690001');
    bjService = await reg(bj.id, '10698001');
    await subscribe(cp, fjService, '13800138201', '10690001');
    g.clock.advance(3_600_000);
    secondStart = g.clock.now();
    await subscribe(cp, fjService, '13800138202', '10690001');
    await subscribe(bj, bjService, '13800138203', '10698001');
    const bearer = async (label: string, scope: Record<string, unknown> = {}) => ({ authorization: `Bearer ${(await g.app.auth.createToken('regulator', label, null, scope)).token}` });
    tok.national = await bearer('national');
    tok.fujian = await bearer('fujian', { province: '35' });
    tok.later = await bearer('later', { from: secondStart - 60_000 });
  });

  test('an unlimited regulator lists every provider\'s services and reads a service\'s subscriptions, audited', async () => {
    const list = await get('/v1/charged-services', tok.national);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().items.map((s: { id: string }) => s.id), [fjService, bjService]);
    assert.deepEqual((await get(`/v1/charged-services?contentProviderId=${bj.id}`, tok.national)).json().items.map((s: { id: string }) => s.id), [bjService]);
    const before = (await audits()).length;
    const subs = await get(`/v1/charged-services/${fjService}/subscriptions`, tok.national);
    assert.equal(subs.statusCode, 200, subs.body);
    assert.deepEqual(subs.json().items.map((x: { msisdn: string }) => x.msisdn), ['+8613800138201', '+8613800138202']);
    const after = await audits();
    assert.equal(after.length, before + 1, 'one audit record per read');
    const last = after.find((r) => r.body.serviceId === fjService && r.body.rows === 2);
    assert.ok(last, JSON.stringify(after.map((r) => r.body)));
    assert.equal(last.body.action, 'charged_subscriptions.read');
  });

  test('a regulator reads only: no registering, subscribing or ending', async () => {
    const post = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: tok.national, payload: { contentProviderId: cp.id, name: '另一项', port: '10690001', tariff: { amountFen: 100, per: 'month' } } });
    assert.equal(post.statusCode, 403, post.body);
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/charged-services/${fjService}/subscriptions`, headers: tok.national, payload: { msisdn: '13800138209' } })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${fjService}/subscriptions/13800138201`, headers: tok.national })).statusCode, 403);
  });

  test('limited to a province: only services of providers registered there; another\'s is 404 (audited, no rows) or 403 by provider', async () => {
    assert.deepEqual((await get('/v1/charged-services', tok.fujian)).json().items.map((s: { id: string }) => s.id), [fjService]);
    const byProvider = await get(`/v1/charged-services?contentProviderId=${bj.id}`, tok.fujian);
    assert.equal(byProvider.statusCode, 403, byProvider.body);
    assert.deepEqual([byProvider.json().error.code, byProvider.json().error.rule], ['forbidden', 'supervision.province-scope']);
    assert.equal((await get(`/v1/charged-services/${fjService}/subscriptions`, tok.fujian)).json().items.length, 2);
    const outside = await get(`/v1/charged-services/${bjService}/subscriptions`, tok.fujian);
    assert.equal(outside.statusCode, 404, outside.body);
    assert.equal(outside.json().error.code, 'not_found');
    assert.ok((await audits()).some((r) => r.body.serviceId === bjService && r.body.rows === 0), 'the refused read is recorded with no rows');
    // filed under no provider, as every staff read (docs/RECORDS.md): the provider does not see who looked
    const own = (await get('/v1/records?kind=audit&limit=1000', cp.auth)).json().records as { body: { action?: string } }[] | undefined;
    assert.ok(!(own ?? []).some((r) => r.body.action === 'charged_subscriptions.read'), 'not among the provider\'s records');
  });

  test('limited to dates: only the subscriptions started within them, pages cut after the limit', async () => {
    const r = await get(`/v1/charged-services/${fjService}/subscriptions`, tok.later);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().items.map((x: { msisdn: string }) => x.msisdn), ['+8613800138202']);
    const page = await get(`/v1/charged-services/${fjService}/subscriptions?limit=1`, tok.later);
    assert.deepEqual([page.json().items.map((x: { msisdn: string }) => x.msisdn), page.json().nextCursor], [['+8613800138202'], null]);
    // the services list is registry data: a token's dates do not limit it (as GET /v1/content-providers)
    assert.equal((await get('/v1/charged-services', tok.later)).json().items.length, 2);
  });
});
