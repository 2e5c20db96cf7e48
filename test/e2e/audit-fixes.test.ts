/**
 * HTTP behaviour an audit found wrong: proof captured in the future, a provider touching another
 * provider's resources (403, not 404), MSISDN forms, the simulated clock's validation.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, gatewaySuite, NOON_SHANGHAI } from '../helpers/gateway.js';

describe('audit fixes over HTTP', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });

  const consent = (auth: Record<string, string>, over: Record<string, unknown> = {}) => g.http.inject({
    method: 'POST', url: '/v1/consents', headers: auth,
    payload: { msisdn: '13800138000', category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' }, ...over },
  });

  test('POST /v1/consents: proof/capturedAt more than 5 minutes ahead of the clock → 400 naming it; a small skew passes', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    for (const capturedAt of [iso(NOON_SHANGHAI + 365 * 86_400_000), iso(NOON_SHANGHAI + 5 * 60_000 + 1000)]) {
      const r = await consent(cp.auth, { proof: { channel: 'web', reference: 'form-1', capturedAt } });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.equal(r.json().error.field, 'proof/capturedAt');
      assert.match(r.json().error.message, /proof\/capturedAt/);
    }
    const skew = await consent(cp.auth, { proof: { channel: 'web', reference: 'form-1', capturedAt: iso(NOON_SHANGHAI + 4 * 60_000) } });
    assert.equal(skew.statusCode, 201, skew.body);
    assert.equal((await consent(cp.auth)).statusCode, 201);
  });

  test('POST /v1/consents: capturedAt before 2000 and expiresAt past 3650 days from it (year 9999) → 400 naming the field', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const DAY = 86_400_000;
    const bad = async (over: Record<string, unknown>, field: string, message: RegExp) => {
      const r = await consent(cp.auth, over);
      assert.equal(r.statusCode, 400, r.body);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], r.body);
      assert.match(r.json().error.message, message);
    };
    const proof = (capturedAt: string) => ({ proof: { channel: 'web', reference: 'form-1', capturedAt } });
    await bad(proof('1900-01-01T00:00:00Z'), 'proof/capturedAt', /before 2000-01-01/);
    await bad(proof('1999-12-31T23:59:59Z'), 'proof/capturedAt', /before 2000-01-01/);
    await bad({ expiresAt: '9999-12-31T00:00:00Z' }, 'expiresAt', /at most 3650 days/);
    // measured from when the consent was given: captured in 2020, it cannot run into 2031
    await bad({ ...proof('2020-01-01T00:00:00Z'), expiresAt: iso(Date.parse('2020-01-01T00:00:00Z') + 3650 * DAY + 1) }, 'expiresAt', /at most 3650 days/);
    // captured a few minutes ahead (allowed skew) but expiring before that
    await bad({ ...proof(iso(NOON_SHANGHAI + 4 * 60_000)), expiresAt: iso(NOON_SHANGHAI + 2 * 60_000) }, 'expiresAt', /after proof\/capturedAt/);
    // the bounds themselves pass
    const edge = await consent(cp.auth, { ...proof('2020-01-01T00:00:00Z'), expiresAt: iso(Date.parse('2020-01-01T00:00:00Z') + 3650 * DAY) });
    assert.equal(edge.statusCode, 201, edge.body);
    const long = await consent(cp.auth, { ...proof(iso(NOON_SHANGHAI)), expiresAt: iso(NOON_SHANGHAI + 3650 * DAY) });
    assert.equal(long.statusCode, 201, long.body);
  });

  test('GET /v1/consent-requests/{id} of another provider → 403 forbidden; unknown id → 404', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to: '13900139001', category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.equal(r.statusCode, 202, r.body);
    const mine = await g.http.inject({ method: 'GET', url: `/v1/consent-requests/${r.json().id}`, headers: cp.auth });
    assert.equal(mine.statusCode, 200);
    const foreign = await g.http.inject({ method: 'GET', url: `/v1/consent-requests/${r.json().id}`, headers: other.auth });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().error.code, 'forbidden');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/consent-requests/creq_nope', headers: other.auth })).statusCode, 404);
  });

  test('MSISDN: only 13800138000, +8613800138000, 8613800138000 (trimmed) on the API; typed complaint forms stay lenient', async () => {
    const send = (to: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的账单已出，请查收。', type: 'notification' } });
    for (const to of ['13700137000', '+8613700137001', '8613700137002', ' 13700137003 ']) {
      const r = await send(to);
      assert.equal(r.statusCode, 202, `${to}: ${r.body}`);
    }
    for (const to of ['008613700137000', '137 0013 7000', '137-0013-7000', '+86 13700137000']) {
      const r = await send(to);
      assert.equal(r.statusCode, 422, `${to}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_msisdn');
    }
    const c = await consent(cp.auth, { msisdn: '0086 138 0013 8000' });
    assert.equal(c.statusCode, 422, c.body);
    assert.equal(c.json().error.code, 'invalid_msisdn');
    // a person typing their number into the complaint form
    const complaint = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '138 0013 8000', sender: '10690001', text: '垃圾短信' } });
    assert.equal(complaint.statusCode, 201, complaint.body);
  });
});
