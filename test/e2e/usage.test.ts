/**
 * GET /v1/usage: usage figures from the counters kept with every decision and status. Two providers,
 * `cp` in Fujian (35) and `other` in Beijing (11), send through the simulator SMSC, whose receipts
 * (DELIVRD) come back; the figures are then read as the operator, each provider, regulators and a
 * report centre see them. Before: no such route (404), and no figures short of scanning the records.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, OTHER_PROVIDER } from '../helpers/gateway.js';
import { documentedResponse, unlisted } from '../helpers/schema-coverage.js';
import { waitFor } from '../helpers/wait.js';

describe('GET /v1/usage', () => {
  const { g, cp, other } = gatewaySuite({ other: { ...OTHER_PROVIDER, name: '北京别家公司', province: '11' } });
  const tok: Record<'fujian' | 'national' | 'centre', Record<string, string>> = {} as never;
  const get = (url: string, headers?: Record<string, string>) => g.http.inject({ method: 'GET', url, headers });
  // 2026-11-30 in Shanghai (the gateway's clock)
  const DAY = '2026-11-30';
  const q = `from=${DAY}&to=${DAY}`;

  const send = async (auth: Record<string, string>, from: string, to: string, text: string, status = 202) => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from, to, text, type: 'notification', registeredDelivery: true } });
    assert.equal(r.statusCode, status, r.body);
    return r.json().id as string;
  };
  const delivered = (id: string, auth: Record<string, string>) =>
    waitFor(async () => ((await get(`/v1/messages/${id}`, auth)).json().status === 'delivered' ? true : undefined), 8000, `${id} delivered`);

  before(async () => {
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    tok.fujian = bearer((await g.app.auth.createToken('regulator', 'fujian', null, { province: '35' })).token);
    tok.national = bearer((await g.app.auth.createToken('regulator', 'national', null, {})).token);
    tok.centre = bearer((await g.app.auth.createToken('report-centre', 'centre')).token);
    // cp: two short and one long (71 characters: 2 segments) notification, one refused (another's port)
    const ids = [
      await send(cp.auth, '10690001', '13900139201', '【示例】您的订单已发货'),
      await send(cp.auth, '10690001', '13900139202', '【示例】您的订单已签收'),
      await send(cp.auth, '10690001', '13900139203', `【示例】${'好'.repeat(67)}`),
    ];
    await send(cp.auth, '10698001', '13900139204', '【示例】您的订单已发货', 422);
    const theirs = await send(other.auth, '10698001', '13900139205', '【别家】您的订单已发货');
    for (const id of ids) await delivered(id, cp.auth);
    await delivered(theirs, other.auth);
  });

  const mine = {
    contentProviderId: '', period: DAY, submitted: 4, accepted: 3, rejected: 1, rejectedByCode: { port_not_owned: 1 }, held: 0, released: 0, reviewRejected: 0,
    segments: 4, sent: 3, delivered: 3, undeliverable: 0, expired: 0, failed: 0, rejectedUpstream: 0, stopped: 0, cancelled: 0,
  };
  const theirs = { ...mine, contentProviderId: '', submitted: 1, accepted: 1, rejected: 0, rejectedByCode: {}, segments: 1, sent: 1, delivered: 1 };

  test('a provider reads its own figures by default: submitted, accepted, rejected by code, segments, sent and delivered from the simulator\'s receipts', async () => {
    const r = await get(`/v1/usage?${q}`, cp.auth);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { usage: [{ ...mine, contentProviderId: cp.id }] });
    // naming itself is the same
    assert.deepEqual((await get(`/v1/usage?${q}&contentProviderId=${cp.id}`, cp.auth)).json(), r.json());
    // the default range (this month up to today) holds today
    assert.deepEqual((await get('/v1/usage', cp.auth)).json(), r.json());
  });

  test('a provider naming another is 403 forbidden; a report centre 403; no token 401', async () => {
    const r = await get(`/v1/usage?${q}&contentProviderId=${other.id}`, cp.auth);
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'forbidden');
    assert.ok(!r.body.includes('"delivered"'));
    // an id that does not exist: forbidden too (no id is confirmed to another provider)
    assert.equal((await get(`/v1/usage?contentProviderId=cp_nobody`, cp.auth)).statusCode, 403);
    assert.equal((await get(`/v1/usage?${q}`, tok.centre)).statusCode, 403);
    assert.equal((await get(`/v1/usage?${q}`)).statusCode, 401);
  });

  test('the operator reads every provider, or one; by month; an unknown provider is 404', async () => {
    const all = await get(`/v1/usage?${q}`, g.admin);
    assert.equal(all.statusCode, 200, all.body);
    const expected = [{ ...mine, contentProviderId: cp.id }, { ...theirs, contentProviderId: other.id }].sort((a, b) => (a.contentProviderId < b.contentProviderId ? -1 : 1));
    assert.deepEqual(all.json().usage, expected);
    assert.deepEqual((await get(`/v1/usage?${q}&contentProviderId=${other.id}`, g.admin)).json().usage, [{ ...theirs, contentProviderId: other.id }]);
    const month = await get(`/v1/usage?from=2026-11-01&to=2026-11-30&granularity=month&contentProviderId=${cp.id}`, g.admin);
    assert.deepEqual(month.json().usage, [{ ...mine, contentProviderId: cp.id, period: '2026-11' }]);
    // a range with nothing counted: no entries
    assert.deepEqual((await get('/v1/usage?from=2026-10-01&to=2026-10-31', g.admin)).json().usage, []);
    const unknown = await get('/v1/usage?contentProviderId=cp_nobody', g.admin);
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'not_found');
  });

  test('a regulator reads as the registry: every provider, or limited to a province only those registered there (another is 403)', async () => {
    assert.deepEqual(((await get(`/v1/usage?${q}`, tok.national)).json().usage as { contentProviderId: string }[]).map((u) => u.contentProviderId).sort(), [cp.id, other.id].sort());
    assert.deepEqual((await get(`/v1/usage?${q}`, tok.fujian)).json().usage, [{ ...mine, contentProviderId: cp.id }]);
    const r = await get(`/v1/usage?${q}&contentProviderId=${other.id}`, tok.fujian);
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'forbidden');
    assert.equal(r.json().error.rule, 'supervision.province-scope');
    // an unknown id: refused the same way, not 404 (which told such a token the id exists nowhere)
    const unknown = await get(`/v1/usage?${q}&contentProviderId=cp_nobody`, tok.fujian);
    assert.equal(unknown.statusCode, 403, unknown.body);
    assert.equal(unknown.json().error.rule, 'supervision.province-scope');
  });

  test('bad days, from after to, more than 366 days, an unknown granularity: 400 invalid_request naming the field', async () => {
    const bad = async (query: string, field: string) => {
      const r = await get(`/v1/usage?${query}`, g.admin);
      assert.equal(r.statusCode, 400, `${query}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.equal(r.json().error.field, field, query);
    };
    await bad('from=2026-02-30&to=2026-03-01', 'from');
    // a month or day no calendar has is no instant at all: it was a 500 (RangeError: Invalid time value)
    await bad('from=2026-13-01', 'from');
    await bad('from=2026-11-01&to=2026-11-32', 'to');
    await bad('to=2026-00-10', 'to');
    await bad('from=2026-11-01&to=20261130', 'to');
    await bad('from=2026-12-01&to=2026-11-30', 'from');
    await bad('from=2025-11-29&to=2026-11-30', 'to');
    await bad('granularity=week', 'granularity');
    // 366 days (a leap year's) is fine
    assert.equal((await get('/v1/usage?from=2024-01-01&to=2024-12-31', g.admin)).statusCode, 200);
  });

  test('the OpenAPI document lists every field of the answer', async () => {
    const value = { usage: await g.app.readUsage({ role: 'admin', actorId: 'admin' }, { from: DAY, to: DAY }) };
    assert.ok(value.usage.length === 2);
    assert.deepEqual(unlisted(await documentedResponse(g.http, '/v1/usage'), value), []);
  });
});
