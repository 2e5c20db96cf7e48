/**
 * A regulator token's province and date range on the routes beside records and cases: a number's
 * subscription records (filtered), one consent request (not_found outside) and a provider's complaint
 * rate (forbidden outside), over HTTP and on the credit page. Two providers, one registered in Fujian
 * (35) and one in Beijing (11), each with records in March and in November 2026.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, type Provider } from '../helpers/gateway.js';

const MARCH = Date.parse('2026-03-10T04:00:00Z');
const NOV = Date.parse('2026-11-20T04:00:00Z');
const X = '13800138000';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('regulator scope on subscribers, consent requests and complaint rates', () => {
  const { g, cp: fj, other: bj } = gatewaySuite({ now: MARCH, provider: { name: '福建示例公司', province: '35' }, other: { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111', commercial: '10691112' } } });
  const req: Record<string, string> = {};
  const tok: Record<string, Record<string, string>> = {};

  const consent = async (cp: Provider, msisdn: string, category: string) => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn, category, frequency: { count: 4, per: 'month' }, expiresAt: '2027-12-31T00:00:00Z', proof: { channel: 'web', reference: `form-${category}`, capturedAt: new Date(g.clock.now()).toISOString() } } });
    assert.equal(r.statusCode, 201, r.body);
  };
  const ask = async (cp: Provider, from: string, to: string) => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from, to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.equal(r.statusCode, 202, r.body);
    return r.json().id as string;
  };
  const get = (url: string, who: string) => g.http.inject({ method: 'GET', url, headers: who === 'admin' ? g.admin : tok[who] });

  before(async () => {
    await consent(fj, X, 'march-fj');
    await consent(bj, X, 'march-bj');
    req.fjMarch = await ask(fj, '10690002', '13900139001');
    req.bjMarch = await ask(bj, '10691112', '13900139002');
    g.clock.set(NOV);
    await consent(fj, X, 'nov-fj');
    await consent(bj, X, 'nov-bj');
    req.fjNov = await ask(fj, '10690002', '13900139003');
    req.bjNov = await ask(bj, '10691112', '13900139004');
    const token = async (label: string, scope: Record<string, unknown>) => ({ authorization: `Bearer ${(await g.app.auth.createToken('regulator', label, null, scope)).token}` });
    tok.all = await token('national', {});
    tok.fujian = await token('fujian', { province: '35' });
    tok.beijing = await token('beijing', { province: '11' });
    tok.march = await token('march', { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
    tok.midMarch = await token('mid-march', { from: Date.parse('2026-03-15T00:00:00+08:00') });
  });

  test('GET /v1/subscribers/{msisdn}: a scoped token sees only its providers and its dates; an unscoped one sees all', async () => {
    const view = async (who: string) => {
      const r = await get(`/v1/subscribers/${X}`, who);
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };
    const summary = (v: any) => ({
      consents: v.consents.map((c: any) => `${c.contentProviderId === fj.id ? 'fj' : 'bj'}:${c.category}`).sort(),
      relationships: v.relationships.map((r: any) => (r.contentProviderId === fj.id ? 'fj' : 'bj')).sort(),
      eventProviders: [...new Set(v.events.map((e: any) => (e.contentProviderId === fj.id ? 'fj' : 'bj')))].sort(),
      eventMonths: [...new Set(v.events.map((e: any) => e.at.slice(0, 7)))].sort(),
    });
    assert.deepEqual(summary(await view('all')), { consents: ['bj:march-bj', 'bj:nov-bj', 'fj:march-fj', 'fj:nov-fj'], relationships: ['bj', 'fj'], eventProviders: ['bj', 'fj'], eventMonths: ['2026-03', '2026-11'] });
    assert.deepEqual(summary(await view('admin')), summary(await view('all')));
    assert.deepEqual(summary(await view('fujian')), { consents: ['fj:march-fj', 'fj:nov-fj'], relationships: ['fj'], eventProviders: ['fj'], eventMonths: ['2026-03', '2026-11'] });
    assert.deepEqual(summary(await view('beijing')), { consents: ['bj:march-bj', 'bj:nov-bj'], relationships: ['bj'], eventProviders: ['bj'], eventMonths: ['2026-03', '2026-11'] });
    assert.deepEqual(summary(await view('march')), { consents: ['bj:march-bj', 'fj:march-fj'], relationships: ['bj', 'fj'], eventProviders: ['bj', 'fj'], eventMonths: ['2026-03'] });
    assert.deepEqual(summary(await view('midMarch')), { consents: ['bj:nov-bj', 'fj:nov-fj'], relationships: [], eventProviders: ['bj', 'fj'], eventMonths: ['2026-11'] });
    // The consent request to 13900139002 is Beijing's: a Fujian token sees the number with nothing on it.
    const other = (await get('/v1/subscribers/13900139002', 'fujian')).json();
    assert.deepEqual([other.requests.length, other.consents.length, other.events.length], [0, 0, 0]);
    assert.equal((await get('/v1/subscribers/13900139002', 'beijing')).json().requests[0].id, req.bjMarch);
  });

  test('GET /v1/consent-requests/{id}: not_found outside the province or the dates, as /v1/messages/{id}', async () => {
    const status = async (id: string, who: string) => {
      const r = await get(`/v1/consent-requests/${id}`, who);
      if (r.statusCode === 404) assert.equal(r.json().error.code, 'not_found');
      else assert.equal(r.json().id, id);
      return r.statusCode;
    };
    const table: Record<string, number[]> = {};
    for (const who of ['all', 'fujian', 'beijing', 'march', 'midMarch']) table[who] = await Promise.all([req.fjMarch, req.bjMarch, req.fjNov, req.bjNov].map((id) => status(id, who)));
    assert.deepEqual(table, {
      all: [200, 200, 200, 200],
      fujian: [200, 404, 200, 404],
      beijing: [404, 200, 404, 200],
      march: [200, 200, 404, 404],
      midMarch: [404, 404, 200, 200],
    });
    const audit = (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit&type=consent_requests.read&limit=1000', headers: g.admin })).json().records;
    assert.equal(audit.filter((r: any) => r.body.rows === 0).length, 8, 'refused reads are recorded with no rows');
  });

  test('GET /v1/content-providers/{id}/complaint-rate: forbidden outside the province or the dates, as the credit routes', async () => {
    const rate = async (cp: Provider, month: string, who: string) => {
      const r = await get(`/v1/content-providers/${cp.id}/complaint-rate?month=${month}`, who);
      if (r.statusCode === 200) assert.deepEqual([r.json().contentProviderId, r.json().month], [cp.id, month]);
      else assert.equal(r.json().error.code, 'forbidden');
      return r.statusCode;
    };
    const table: Record<string, number[]> = {};
    for (const who of ['all', 'fujian', 'beijing', 'march', 'midMarch']) {
      table[who] = [await rate(fj, '2026-03', who), await rate(bj, '2026-03', who), await rate(fj, '2026-11', who), await rate(bj, '2026-11', who)];
    }
    assert.deepEqual(table, {
      all: [200, 200, 200, 200],
      fujian: [200, 403, 200, 403],
      beijing: [403, 200, 403, 200],
      // A month counts only when it lies wholly inside the token's dates: March 15 on cuts March.
      march: [200, 200, 403, 403],
      midMarch: [403, 403, 200, 200],
    });
    assert.equal((await get(`/v1/content-providers/${fj.id}/complaint-rate?month=2026-13`, 'fujian')).statusCode, 400);
    assert.equal((await get(`/v1/content-providers/${fj.id}/complaint-rate?month=2026-03`, 'admin')).statusCode, 200);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/content-providers/${fj.id}/complaint-rate?month=2026-03`, headers: bj.auth })).statusCode, 403);
  });

  async function web(who: string, url: string) {
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: `token=${encodeURIComponent(tok[who].authorization.slice(7))}` });
    assert.equal(login.statusCode, 303, login.body);
    return g.http.inject({ method: 'GET', url, headers: { cookie: String(login.headers['set-cookie']).split(';')[0] } });
  }

  test('the credit page lists only the providers of a province token, and no figures for a month outside a token\'s dates', async () => {
    const page = async (who: string) => {
      const r = await web(who, '/web/credit');
      assert.equal(r.statusCode, 200, r.body);
      return r.body;
    };
    const rows = (html: string) => [...html.matchAll(/<tr data-provider="([^"]+)"><td>[^]*?<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => `${m[1] === fj.id ? 'fj' : 'bj'}:${m[2]}`).sort();
    assert.deepEqual(rows(await page('all')), ['bj:0', 'fj:0']);
    assert.deepEqual(rows(await page('fujian')), ['fj:0']);
    assert.deepEqual(rows(await page('beijing')), ['bj:0']);
    // The page shows the current month (November); the March token may not read it.
    assert.deepEqual(rows(await page('march')), ['bj:—', 'fj:—']);
  });

  test('the annual report page: forbidden for a provider of another province or a year not wholly inside the dates', async () => {
    const status = async (who: string, cp: Provider) => {
      const r = await web(who, `/web/reports/annual?contentProviderId=${cp.id}&year=2026`);
      if (r.statusCode === 403) assert.match(r.body, /\(forbidden\)/);
      else assert.match(r.body, /<svg /);
      return r.statusCode;
    };
    const table: Record<string, number[]> = {};
    for (const who of ['all', 'fujian', 'beijing', 'march']) table[who] = [await status(who, fj), await status(who, bj)];
    assert.deepEqual(table, { all: [200, 200], fujian: [200, 403], beijing: [403, 200], march: [403, 403] });
  });
});
