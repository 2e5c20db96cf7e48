/**
 * GET /v1/content-providers/{id}/annual-report: the annual inspection report (rule 11) over the API,
 * from the same use case as the page and the CLI. Who may read whose (the operator any provider's, a
 * provider its own, a regulator token within its province and dates, audited report.annual), the
 * figures equal to buildAnnualReport's for the same data, every field listed by the OpenAPI schema,
 * and clear refusals of a missing or out-of-range year and an unknown provider. Two providers, one
 * registered in Fujian (35) and one in Beijing (11).
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, sendPromotion, type Provider } from '../helpers/gateway.js';
import { asJson, roundTrip } from '../helpers/schema-coverage.js';
import { buildAnnualReport } from '../../src/app/report-annual.js';

const NOV = Date.parse('2026-11-20T04:00:00Z');
const PATH = '/v1/content-providers/{id}/annual-report';

describe('GET /v1/content-providers/{id}/annual-report', () => {
  const { g, cp: fj, other: bj } = gatewaySuite({ now: NOV, provider: { name: '福建示例公司', province: '35' }, other: { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111', commercial: '10691112' } } });
  const tok: Record<string, Record<string, string>> = {};
  const url = (cp: Provider, year: number | string = 2026) => `/v1/content-providers/${cp.id}/annual-report?year=${year}`;
  const get = (u: string, who: string) => g.http.inject({ method: 'GET', url: u, headers: who === 'admin' ? g.admin : tok[who] });

  before(async () => {
    const token = async (role: 'regulator' | 'report-centre', label: string, scope: Record<string, unknown> = {}) => ({ authorization: `Bearer ${(await g.app.auth.createToken(role, label, null, scope)).token}` });
    tok.all = await token('regulator', 'national');
    tok.fujian = await token('regulator', 'fujian', { province: '35' });
    tok.beijing = await token('regulator', 'beijing', { province: '11' });
    tok.year2026 = await token('regulator', 'year-2026', { from: Date.parse('2026-01-01T00:00:00+08:00'), to: Date.parse('2027-01-01T00:00:00+08:00') });
    tok.fromMarch = await token('regulator', 'from-march', { from: Date.parse('2026-03-01T00:00:00+08:00') });
    tok.centre = await token('report-centre', 'centre');
    tok.fj = fj.auth;
    tok.bj = bj.auth;
    // Figures to count: two promotions, a refused message, a complaint, a regulator's entry with notes and evidence.
    await sendPromotion(g, fj, '13800138301');
    await sendPromotion(g, fj, '13800138302');
    const refused = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: fj.auth, payload: { from: '10690002', to: '13800138303', text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } });
    assert.equal(refused.statusCode, 422, refused.body);
    const complaint = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138301', sender: '10690002', text: '年终大促' } });
    assert.equal(complaint.statusCode, 201, complaint.body);
    const entry = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: tok.all, payload: { contentProviderId: fj.id, kind: 'supervision_talk', notes: '约谈纪要：内部', publicSummary: '约谈', evidence: { caseIds: [complaint.json().id] } } });
    assert.equal(entry.statusCode, 201, entry.body);
  });

  test('the operator reads any provider\'s: the figures buildAnnualReport gives (the page\'s and the CLI\'s), generatedAt as an ISO date-time, every field in the OpenAPI schema', async () => {
    const want = await buildAnnualReport(g.app.ctx, fj.id, 2026);
    assert.equal(want.totals.accepted, 2);
    assert.equal(want.totals.rejected, 1);
    assert.equal(want.complaints.total, 1);
    assert.equal(want.credit.length, 1);
    const body = await roundTrip(g.http, url(fj), g.admin, { ...want, generatedAt: new Date(want.generatedAt).toISOString() }, PATH);
    assert.equal(body.generatedAt, '2026-11-20T04:00:00.000Z');
    assert.equal(body.months.length, 12);
    assert.equal(body.months[10].accepted.commercial, 2);
    assert.equal(body.credit[0].notes, '约谈纪要：内部', 'the operator reads the file whole');
    const other = await get(url(bj), 'admin');
    assert.equal(other.statusCode, 200, other.body);
    assert.equal(other.json().provider.id, bj.id);
  });

  test('a provider reads its own (its credit file without notes and evidence), not another\'s: 403 access.own-data', async () => {
    const own = await get(url(fj), 'fj');
    assert.equal(own.statusCode, 200, own.body);
    const want = asJson(await buildAnnualReport(g.app.ctx, fj.id, 2026));
    const { credit, generatedAt: _g, ...figures } = own.json();
    const { credit: wantCredit, generatedAt: _w, ...wantFigures } = want;
    assert.deepEqual(figures, wantFigures);
    assert.equal(credit.length, 1);
    assert.equal(credit[0].publicSummary, wantCredit[0].publicSummary);
    assert.ok(!('notes' in credit[0]) && !('evidence' in credit[0]), 'a regulator\'s notes and evidence are not the provider\'s to read');
    const other = await get(url(fj), 'bj');
    assert.equal(other.statusCode, 403, other.body);
    assert.deepEqual([other.json().error.code, other.json().error.rule], ['forbidden', 'access.own-data']);
  });

  test('a regulator reads within its province and dates (403 with the scope rule outside), and each read is recorded report.annual', async () => {
    const audits = async () => (await get('/v1/records?kind=audit&type=report.annual&limit=1000', 'admin')).json().records as { body: { contentProviderId: string; year: number } }[];
    const before = (await audits()).length;
    const table: Record<string, number[]> = {};
    const rules = new Set<string>();
    for (const who of ['all', 'fujian', 'beijing', 'year2026', 'fromMarch']) {
      table[who] = [];
      for (const cp of [fj, bj]) {
        const r = await get(url(cp), who);
        if (r.statusCode === 200) assert.equal(r.json().provider.id, cp.id);
        else { assert.equal(r.json().error.code, 'forbidden', r.body); rules.add(r.json().error.rule); }
        table[who].push(r.statusCode);
      }
    }
    assert.deepEqual(table, {
      all: [200, 200],
      fujian: [200, 403],
      beijing: [403, 200],
      year2026: [200, 200],
      // A year counts only when it lies wholly inside the token's dates: from 1 March cuts 2026.
      fromMarch: [403, 403],
    });
    assert.deepEqual([...rules].sort(), ['supervision.date-scope', 'supervision.province-scope']);
    const after = await audits();
    assert.equal(after.length - before, 6, 'one record for each report a regulator read');
    assert.ok(after.some((a) => a.body.contentProviderId === fj.id && a.body.year === 2026));
  });

  test('refusals: a role that reads no reports (403 access.role), an unknown provider (404), no token (401)', async () => {
    const centre = await get(url(fj), 'centre');
    assert.equal(centre.statusCode, 403, centre.body);
    assert.equal(centre.json().error.rule, 'access.role');
    const unknown = await get('/v1/content-providers/cp_nosuch/annual-report?year=2026', 'admin');
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal(unknown.json().error.code, 'not_found');
    assert.equal((await g.http.inject({ method: 'GET', url: url(fj) })).statusCode, 401);
  });

  test('a missing year, or one that is not a year from 2000 to 2200, is 400 naming the field and what to give', async () => {
    for (const u of [`/v1/content-providers/${fj.id}/annual-report`, url(fj, 1999), url(fj, 2201), url(fj, 'abc'), url(fj, '2026.5'), url(fj, '0x7EA'), url(fj, '')]) {
      const r = await get(u, 'admin');
      assert.equal(r.statusCode, 400, `${u}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request', u);
      assert.equal(r.json().error.field, 'year', u);
      assert.match(r.json().error.message, /year from 2000 to 2200/, u);
    }
  });
});
