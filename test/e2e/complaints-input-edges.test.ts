/**
 * Input the complaint doors once accepted and misread (found auditing docs/COMPLAINTS.md against the
 * running gateway): a 12321 report's misspelt field dropped in silence (the complaint route's schema
 * refused it, the reports' did not), a `receivedAt` of a day the month lacks rolled into the next
 * month or of year 1 taken as given, and a credit entry's amount dropped from any kind but a fine.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { FORM, webCookie } from '../helpers/web.js';

describe('complaint, 12321 report and credit entry input edges', () => {
  const { g, cp } = gatewaySuite();
  const centre = async () => ({ authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'centre')).token}` });
  const regulator = async () => ({ authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector')).token}` });
  let n = 0;
  const ref = () => `R-edge-${n++}`;

  test('a 12321 report item with a field it does not know → that item fails naming reports/N/field, the others file; JSON and JSONL alike', async () => {
    const h = await centre();
    const good = { reference: ref(), msisdn: '13800138000', text: '广告' };
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: h, payload: [good, { reference: ref(), msisdn: '13800138000', text: '广告', recievedAt: '2026-11-30T09:00:00+08:00' }] });
    assert.equal(r.statusCode, 200, r.body);
    const [ok, bad] = r.json().results;
    assert.equal(ok.ok, true, r.body);
    assert.deepEqual([bad.ok, bad.error.code, bad.error.field, bad.error.message], [false, 'invalid_request', 'reports/1/recievedAt', 'reports/1/recievedAt: unknown field']);
    const jsonl = `${JSON.stringify({ reference: ref(), msisdn: '13800138000', text: 'x', sendr: '10690001' })}\n`;
    const j = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: { ...h, 'content-type': 'application/x-ndjson' }, payload: jsonl });
    assert.deepEqual(j.json().results[0].error.field, 'reports/0/sendr', j.body);
    // the centre's reference keeps both its names (reference, and externalRef as a case shows it)
    const alias = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: h, payload: [{ externalRef: 'R-edge-alias', msisdn: '13800138000', text: 'x' }] });
    assert.equal(alias.json().results[0].externalRef, 'R-edge-alias', alias.body);
    // beside {reports: […]}, another key is refused too, and nothing is filed
    const before = (await g.complaints.listCases({ role: 'admin', actorId: 'a' }, { limit: 500 })).cases.length;
    const w = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: h, payload: { reports: [{ reference: ref(), msisdn: '13800138000', text: 'x' }], batch: 'Dec' } });
    assert.equal(w.statusCode, 400, w.body);
    assert.deepEqual([w.json().error.code, w.json().error.field], ['invalid_request', 'batch']);
    assert.equal((await g.complaints.listCases({ role: 'admin', actorId: 'a' }, { limit: 500 })).cases.length, before);
  });

  test('receivedAt: a day the month lacks, another shape, before 2000 or more than a day ahead → 400 naming it, on a complaint and a report item', async () => {
    const h = await centre();
    for (const v of ['2026-02-30T10:00', '2026-11-31T10:00:00+08:00', '0001-01-01T00:00Z', '1999-12-31T23:59:59Z', '2026-11-30T9:15', '2026-11-30', 'Nov 30 2026 10:00 Z', '2026-12-02T12:00:00+08:00']) {
      const c = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', text: '广告', receivedAt: v } });
      assert.equal(c.statusCode, 400, `${v}: ${c.body}`);
      assert.deepEqual([c.json().error.code, c.json().error.field], ['invalid_request', 'receivedAt'], v);
      const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: h, payload: [{ reference: ref(), msisdn: '13800138000', text: '广告', receivedAt: v }] });
      assert.equal(r.json().results[0].error?.field, 'reports/0/receivedAt', `${v}: ${r.body}`);
    }
    // the gateway's clock is 2026-11-30 12:00 Shanghai
    for (const [v, at] of [
      ['2026-11-30T09:15', '2026-11-30T01:15:00.000Z'],
      ['2026-11-30 09:15:30', '2026-11-30T01:15:30.000Z'],
      ['2026-11-30T09:15:00+08:00', '2026-11-30T01:15:00.000Z'],
      ['2026-11-30T01:15:00.5Z', '2026-11-30T01:15:00.500Z'],
      ['2026-11-29T20:15:00-0500', '2026-11-30T01:15:00.000Z'],
    ]) {
      const c = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', text: '广告', receivedAt: v } });
      assert.equal(c.statusCode, 201, `${v}: ${c.body}`);
      assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${c.json().id}`, headers: g.admin })).json().receivedMessageAt, at, v);
    }
  });

  test('a number that is no mainland one → 422 invalid_msisdn citing its rule, article and profile, as a message\'s does', async () => {
    const msg = (await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '12345', text: '【示例】您的订单已发货', type: 'notification' } })).json().error;
    assert.equal(msg.code, 'invalid_msisdn');
    const expected = { rule: 'recipient.msisdn', article: msg.article, profile: 'cn-2015' };
    assert.ok(msg.article, 'the message door cites the article');
    const c = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '12345', text: '广告' } });
    assert.equal(c.statusCode, 422, c.body);
    const e = c.json().error;
    assert.deepEqual({ rule: e.rule, article: e.article, profile: e.profile }, expected, c.body);
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: await centre(), payload: [{ reference: ref(), msisdn: '12345', text: '广告' }] });
    const re = r.json().results[0].error;
    assert.deepEqual({ code: re.code, rule: re.rule, article: re.article, profile: re.profile }, { code: 'invalid_msisdn', ...expected }, r.body);
  });

  test('forward naming another provider than the case\'s, or one not registered → 400 naming contentProviderId, the case not moved (the name was dropped and the case went to its own)', async () => {
    const h = await centre();
    // the second provider, to name instead of the matched one
    const other = (await g.http.inject({ method: 'POST', url: '/v1/content-providers', headers: g.admin, payload: { name: '别家公司', creditCode: '91350100M000100Y43' } })).json().id as string;
    await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138050', text: '【示例】您的订单已发货', type: 'notification' } });
    const filed = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138050', sender: '10690001', text: '您的订单已发货' } })).json();
    assert.equal(filed.contentProviderId, cp.id, 'matched from the records');
    for (const named of [other, 'cp_nobody']) {
      const r = await g.http.inject({ method: 'POST', url: `/v1/cases/${filed.id}/transitions`, headers: h, payload: { action: 'forward', contentProviderId: named } });
      assert.equal(r.statusCode, 400, `${named}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', 'contentProviderId'], named);
      const c = (await g.http.inject({ method: 'GET', url: `/v1/cases/${filed.id}`, headers: g.admin })).json();
      assert.deepEqual([c.state, c.contentProviderId], ['received', cp.id], named);
    }
    // naming its own provider, or none, forwards it
    const ok = await g.http.inject({ method: 'POST', url: `/v1/cases/${filed.id}/transitions`, headers: h, payload: { action: 'forward', contentProviderId: cp.id } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual([ok.json().state, ok.json().contentProviderId], ['forwarded', cp.id]);
  });

  test('a measure given a parameter of another kind (an amount on an opt-out, a rate on a refund…) → 400 naming it, nothing answered (it was dropped)', async () => {
    await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138051', text: '【示例】您的订单已发货', type: 'notification' } });
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138051', sender: '10690001', text: '您的订单已发货' } })).json();
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: g.admin, payload: { action: 'forward' } })).statusCode, 200);
    for (const [measure, field] of [
      [{ kind: 'opt_out', perSecond: 5 }, 'measures/0/perSecond'],
      [{ kind: 'throttle', amountYuan: 10 }, 'measures/0/amountYuan'],
      [{ kind: 'refund', perSecond: 1 }, 'measures/0/perSecond'],
      [{ kind: 'suspend', templateId: 'tpl_x' }, 'measures/0/templateId'],
    ] as const) {
      const r = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: g.admin, payload: { action: 'answer', text: '已处理', finding: 'confirmed', measures: [measure] } });
      assert.equal(r.statusCode, 400, `${JSON.stringify(measure)}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], JSON.stringify(measure));
    }
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: g.admin })).json().state, 'forwarded');
    // each on its own kind, as before
    const ok = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: g.admin, payload: { action: 'answer', text: '已处理', finding: 'confirmed', measures: [{ kind: 'refund', amountYuan: 0.1 }, { kind: 'throttle', perSecond: 2 }] } });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  test('a case action given another action\'s field (measures with a forward, a text with a close) → 400 naming it, the case not moved (they were dropped)', async () => {
    const h = await centre();
    await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138052', text: '【示例】您的订单已发货', type: 'notification' } });
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138052', sender: '10690001', text: '您的订单已发货' } })).json();
    const act = (headers: Record<string, string>, payload: Record<string, unknown>) => g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers, payload });
    const refused = async (headers: Record<string, string>, payload: Record<string, unknown>, field: string, state: string) => {
      const r = await act(headers, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], JSON.stringify(payload));
      assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: g.admin })).json().state, state);
    };
    // the opt-out the centre meant was never applied
    await refused(h, { action: 'forward', measures: [{ kind: 'opt_out' }] }, 'measures', 'received');
    await refused(h, { action: 'forward', text: '已处理', finding: 'confirmed' }, 'text', 'received');
    assert.equal((await act(h, { action: 'forward', measures: [] })).statusCode, 200, 'an empty list is none (the case page posts one)');
    await refused(cp.auth, { action: 'investigate', text: '核查中' }, 'text', 'forwarded');
    assert.equal((await act(cp.auth, { action: 'answer', text: '已处理', finding: 'unfounded' })).statusCode, 200);
    await refused(h, { action: 'close', text: '已办结' }, 'text', 'answered');
    await refused(h, { action: 'reopen', finding: 'confirmed' }, 'finding', 'answered');
    const opted = (await g.http.inject({ method: 'GET', url: '/v1/subscribers/13800138052', headers: g.admin })).json().optOuts;
    assert.deepEqual(opted, []);
    // close takes the closer's finding, as before
    const closed = await act(h, { action: 'close', finding: 'confirmed' });
    assert.deepEqual([closed.statusCode, closed.json().finding], [200, 'confirmed'], closed.body);
  });

  test('a 12321 JSONL file or a page\'s form that is not UTF-8 (GBK) → 400 saying so, nothing filed (it filed cases whose text was U+FFFD)', async () => {
    const h = await centre();
    const count = async () => (await g.complaints.listCases({ role: 'admin', actorId: 'a' }, { limit: 500 })).cases.length;
    const before = await count();
    // 你好 in GBK: C4 E3 BA C3
    const gbk = Buffer.concat([Buffer.from('{"reference":"GBK-1","msisdn":"13800138000","text":"'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), Buffer.from('"}\n')]);
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: { ...h, 'content-type': 'application/x-ndjson' }, payload: gbk });
    assert.equal(r.statusCode, 400, r.body);
    assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', 'body']);
    assert.match(r.json().error.message, /not UTF-8/);
    const cookie = await webCookie(g, (await g.app.auth.createToken('report-centre', 'page')).token);
    const pages: [string, Record<string, string>, Buffer][] = [
      ['/web/complaint', {}, Buffer.concat([Buffer.from('msisdn=13800138000&text='), Buffer.from([0xc4, 0xe3, 0xba, 0xc3])])],
      ['/web/complaint', {}, Buffer.from('msisdn=13800138000&text=%C4%E3%BA%C3')],
      ['/web/reports/import', { cookie }, Buffer.concat([Buffer.from('jsonl={"reference":"GBK-2","msisdn":"13800138000","text":"'), Buffer.from([0xc4, 0xe3]), Buffer.from('"}')])],
    ];
    for (const [url, headers, payload] of pages) {
      const w = await g.http.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload });
      assert.equal(w.statusCode, 400, `${url}: ${w.body.slice(0, 300)}`);
      assert.match(w.headers['content-type'] as string, /^text\/html/);
      assert.match(w.body, /不是 UTF-8 编码[^<]*\(invalid_request\)/, url);
    }
    assert.equal(await count(), before);
    // UTF-8 as ever
    assert.equal((await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: `msisdn=13800138000&text=${encodeURIComponent('你好')}` })).statusCode, 201);
  });

  test('a misspelt query parameter on the case and credit lists → 400 naming it (the whole list came back unfiltered), as on GET /v1/records', async () => {
    const h = await regulator();
    for (const [url, headers, field] of [
      ['/v1/cases?contentProvider=cp_x', g.admin, 'contentProvider'],
      ['/v1/cases?states=closed', h, 'states'],
      ['/v1/credit/entries?contentProviderID=cp_x', h, 'contentProviderID'],
      ['/v1/credit/public?query=x', {}, 'query'],
      [`/v1/content-providers/${cp.id}/complaint-rate?month=2026-11&months=2`, g.admin, 'months'],
    ] as const) {
      const r = await g.http.inject({ method: 'GET', url, headers });
      assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], url);
    }
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases?contentProviderId=${cp.id}&state=closed&limit=5`, headers: g.admin })).statusCode, 200);
  });

  test('the complaint rate without a month → 400 naming month and saying what to give (it said only "must have required property")', async () => {
    const r = await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate`, headers: g.admin });
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error.field, 'month');
    assert.match(r.json().error.message, /^month: must have required property 'month' \(month: the Shanghai month, as YYYY-MM \(2026-11\)\)$/);
  });

  test('the complaint rate of a provider that is not registered → 404 not_found (it answered zeros, as for a provider without complaints)', async () => {
    for (const headers of [g.admin, await centre(), await regulator()]) {
      const r = await g.http.inject({ method: 'GET', url: '/v1/content-providers/cp_nobody/complaint-rate?month=2026-11', headers });
      assert.equal(r.statusCode, 404, r.body);
      assert.equal(r.json().error.code, 'not_found');
    }
    // another provider's id, registered or not, is still 403 to a provider (no id confirmed to exist)
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/content-providers/cp_nobody/complaint-rate?month=2026-11', headers: cp.auth })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=2026-11`, headers: g.admin })).statusCode, 200);
  });

  test('a credit entry: an amount on anything but a fine, or a public summary of spaces → 400 naming the field, nothing added', async () => {
    const h = await regulator();
    const list = async () => (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: h })).json().entries.length;
    const before = await list();
    const amount = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: h, payload: { kind: 'warning', contentProviderId: cp.id, amountYuan: 5000 } });
    assert.equal(amount.statusCode, 400, amount.body);
    assert.deepEqual([amount.json().error.code, amount.json().error.field, amount.json().error.rule], ['invalid_request', 'amountYuan', 'supervision.penalties']);
    const blank = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: h, payload: { kind: 'warning', contentProviderId: cp.id, publicSummary: '   ' } });
    assert.equal(blank.statusCode, 400, blank.body);
    assert.deepEqual([blank.json().error.code, blank.json().error.field], ['invalid_request', 'publicSummary']);
    // an entry about the operator that names a provider: which file was meant?
    const both = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: h, payload: { kind: 'warning', subjectType: 'operator', contentProviderId: cp.id } });
    assert.equal(both.statusCode, 400, both.body);
    assert.deepEqual([both.json().error.code, both.json().error.field], ['invalid_request', 'contentProviderId']);
    const operatorFile = (await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: h })).json().entries.filter((e: { subjectType: string }) => e.subjectType === 'operator');
    assert.equal(operatorFile.length, 0, JSON.stringify(operatorFile));
    assert.equal(await list(), before);
    // as before: a fine with its amount, a warning without one
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: h, payload: { kind: 'fine', contentProviderId: cp.id, amountYuan: 10000 } })).statusCode, 201);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: h, payload: { kind: 'warning', contentProviderId: cp.id } })).statusCode, 201);
  });

  test('an answer without its text or finding → 400 saying the answer needs it (text was `must be a string`)', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: await centre(), payload: [{ reference: ref(), msisdn: '13800138991', sender: '10690001', text: '取件码', contentProviderId: cp.id }] });
    const c = r.json().results[0];
    assert.equal(c.state, 'forwarded', r.body);
    const noText = await g.http.inject({ method: 'POST', url: `/v1/cases/${c.id}/transitions`, headers: cp.auth, payload: { action: 'answer', finding: 'confirmed' } });
    assert.equal(noText.statusCode, 400, noText.body);
    assert.equal(noText.json().error.field, 'text');
    assert.match(noText.json().error.message, /^text: required: an answer needs the text the user receives by SMS \(at most 300 characters\)/);
    const noFinding = await g.http.inject({ method: 'POST', url: `/v1/cases/${c.id}/transitions`, headers: cp.auth, payload: { action: 'answer', text: '已处理' } });
    assert.equal(noFinding.statusCode, 400, noFinding.body);
    assert.equal(noFinding.json().error.message, 'finding: required: an answer says what was found, must be one of confirmed, partly_confirmed, unfounded');
  });
});
