/**
 * Every route's success answer is documented with its body's schema (GET /docs/json), and the
 * routes that answered without one (a case moved or matched again, a credit entry added or
 * published, a complaint withdrawn, 12321 reports, an opt-out lifted, the refusal phrases set, the
 * records, the simulator's MO and clock, /healthz) now declare one. A response schema also filters:
 * the serializer drops what it does not list. So each answer here is compared whole with what the
 * route handed to the serializer (captureSerialized), for data that fills every field, and checked
 * against the schema /docs/json shows for it.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, ADMIN_TOKEN, type TestGateway, type Provider } from '../helpers/gateway.js';
import { captureSerialized, documentedResponse, schemaErrors, undocumentedSuccess, unlisted } from '../helpers/schema-coverage.js';
import { wholeApiApp } from '../helpers/whole-api.js';
import { buildHttpApp } from '../../src/http/app.js';

type Json = Record<string, any>;

test('/docs/json: every operation declares its success response with the schema of its body (a 204: none)', async () => {
  const g = await startTestGateway();
  // Every route group main.ts serves, the simulator's and the plugins' included.
  const http = await wholeApiApp(g);
  try {
    const spec = (await http.inject({ method: 'GET', url: '/docs/json' })).json();
    assert.ok(spec.paths['/v1/templates'] && spec.paths['/v1/content-providers/{id}/smpp-credentials'] && spec.paths['/v1/simulator/clock'], 'the whole API is in the document');
    assert.deepEqual(undocumentedSuccess(spec), []);
  } finally {
    await http.close();
    await g.close();
  }
});

describe('write routes: the answer round-trips whole and matches its documented schema', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let cp: Provider;
  const capture = captureSerialized();
  const h: Record<'admin' | 'centre' | 'regulator', Record<string, string>> = {} as never;
  const user = '13800138555';

  before(async () => {
    g = await startTestGateway();
    http = await buildHttpApp({ app: g.app, simulator: g.simulator, simulatedClock: g.clock, plugins: [capture.plugin] });
    cp = await onboard(g, { name: '示例科技有限公司' });
    h.admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    h.centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'centre clerk')).token}` };
    h.regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector')).token}` };
  });
  after(async () => {
    await http.close();
    await g.close();
  });

  /**
   * One request: its answer must be what the route handed to the serializer, whole, and must
   * validate against the schema /docs/json documents for `docPath` (every key listed, every type as said).
   */
  async function roundTrip(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, o: { headers?: Record<string, string>; payload?: unknown; status?: number; docPath: string }): Promise<Json> {
    capture.take();
    const r = await http.inject({ method, url, headers: o.headers, payload: o.payload as never });
    const status = o.status ?? 200;
    assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
    const handed = capture.take();
    assert.notEqual(handed, undefined, `${method} ${url}: a body was serialized`);
    assert.deepEqual(r.json(), handed, `${method} ${url}: the body as the route gave it, nothing dropped`);
    const schema = await documentedResponse(http, o.docPath, String(status), method.toLowerCase());
    assert.ok(schema, `${method} ${o.docPath}: /docs/json documents the ${status} body`);
    assert.deepEqual(unlisted(schema, r.json()), [], `${method} ${o.docPath}: /docs/json lists every key`);
    assert.deepEqual(schemaErrors(schema, r.json()), [], `${method} ${o.docPath}: the body validates against its documented schema`);
    return r.json() as Json;
  }
  const post = async (url: string, headers: Record<string, string> | undefined, payload: object, want = 200) => {
    const r = await http.inject({ method: 'POST', url, headers, payload });
    assert.equal(r.statusCode, want, `${url}: ${r.body}`);
    return r.json() as Json;
  };

  test('POST /v1/simulator/mo: an opt-out, a consent given, an MO for nobody', async () => {
    const optOut = await roundTrip('POST', '/v1/simulator/mo', { payload: { from: '13800138556', to: '10690002', text: 'TD' }, docPath: '/v1/simulator/mo' });
    assert.deepEqual([optOut.action, optOut.contentProviderId], ['opt_out', cp.id]);
    await post('/v1/consent-requests', cp.auth, { from: '10690002', to: '13800138557', category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 }, 202);
    const granted = await roundTrip('POST', '/v1/simulator/mo', { payload: { from: '13800138557', to: '10690002', text: '是' }, docPath: '/v1/simulator/mo' });
    assert.deepEqual([granted.action, granted.contentProviderId], ['consent_granted', cp.id]);
    const nobody = await roundTrip('POST', '/v1/simulator/mo', { payload: { from: '13800138558', to: '10699999', text: '你好' }, docPath: '/v1/simulator/mo' });
    assert.equal(nobody.contentProviderId, undefined);
  });

  test('POST /v1/subscribers/{msisdn}/lift-opt-out', async () => {
    await post('/v1/simulator/mo', undefined, { from: '13800138559', to: '10690002', text: 'TD' });
    const lifted = await roundTrip('POST', '/v1/subscribers/13800138559/lift-opt-out', {
      headers: h.admin, docPath: '/v1/subscribers/{msisdn}/lift-opt-out',
      payload: { contentProviderId: cp.id, reason: 'user asked by phone', evidence: { channel: 'phone', reference: 'ticket 1', capturedAt: new Date(g.clock.now()).toISOString() } },
    });
    assert.deepEqual(Object.keys(lifted).sort(), ['contentProviderId', 'liftedAt', 'msisdn']);
  });

  test('PUT /v1/refusal-phrases', async () => {
    const r = await roundTrip('PUT', '/v1/refusal-phrases', { headers: h.admin, payload: { phrases: [' 别再发了 ', '不需要', '不需要'] }, docPath: '/v1/refusal-phrases' });
    assert.deepEqual(r, { operator: ['别再发了', '不需要'] });
  });

  test('DELETE /v1/consents/{id}: 204, documented without a body', async () => {
    const { id } = await post('/v1/consents', cp.auth, { msisdn: '13800138560', category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-9', capturedAt: '2026-11-01T00:00:00Z' } }, 201);
    const r = await http.inject({ method: 'DELETE', url: `/v1/consents/${id}`, headers: cp.auth });
    assert.equal(r.statusCode, 204, r.body);
    assert.equal(r.body, '');
    const spec = (await http.inject({ method: 'GET', url: '/docs/json' })).json();
    const responses = spec.paths['/v1/consents/{id}'].delete.responses;
    assert.ok(responses['204'] && !responses['204'].content && !responses['200'], JSON.stringify(responses));
  });

  test('the case routes: each transition and a re-match answer with the case view', async () => {
    await post('/v1/consents', cp.auth, { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-9', capturedAt: '2026-11-01T00:00:00Z' } }, 201);
    await post('/v1/messages', cp.auth, { from: '10690002', to: user, text: '【示例】年终大促全场五折，点击领取优惠券', type: 'commercial', category: 'promo' }, 202);
    await g.worker.drain();
    const c = await post('/v1/complaints', undefined, { msisdn: user, sender: '10690002', text: '年终大促全场五折', receivedAt: '2026-11-30T11:00:00', request: '不要再发' }, 201);
    const move = (who: Record<string, string>, payload: object) => roundTrip('POST', `/v1/cases/${c.id}/transitions`, { headers: who, payload, docPath: '/v1/cases/{id}/transitions' });
    assert.equal((await move(h.centre, { action: 'forward', reason: '转企业核查' })).state, 'forwarded');
    assert.equal((await move(cp.auth, { action: 'investigate' })).state, 'investigating');
    const answered = await move(cp.auth, { action: 'answer', text: '经核实属实，已将您的号码退订并退还信息费。', finding: 'confirmed', measures: [{ kind: 'opt_out' }, { kind: 'refund', amountYuan: 5, note: '退还信息费' }] });
    // the view holds what the schema must carry
    assert.equal(answered.state, 'answered');
    assert.ok(answered.answerText && answered.answerMessageId && answered.matchedMessageId && answered.receivedMessageAt && answered.forwardedAt && answered.answeredAt && answered.request, JSON.stringify(answered));
    assert.equal(answered.finding, 'confirmed');
    assert.equal((await move(h.centre, { action: 'reopen', reason: '答复不充分' })).state, 'investigating');
    await move(cp.auth, { action: 'answer', text: '已再次核实并退订。', finding: 'partly_confirmed', measures: [{ kind: 'other', note: '加强审核' }] });
    const closed = await move(h.centre, { action: 'close', reason: '答复满意' });
    assert.ok(closed.closedAt && closed.finding === 'partly_confirmed', JSON.stringify(closed));

    const other = await post('/v1/complaints', undefined, { msisdn: '13800138561', sender: '【示例】', text: '点击领取优惠券' }, 201);
    const rematched = await roundTrip('POST', `/v1/cases/${other.id}/evidence`, { headers: h.centre, payload: { sender: '10690002', reason: '中心核实了端口' }, docPath: '/v1/cases/{id}/evidence' });
    assert.equal(rematched.state, 'received', 'the state stays');
    const escalated = await roundTrip('POST', `/v1/cases/${other.id}/transitions`, { headers: h.centre, payload: { action: 'escalate', reason: '多次投诉，中心直接处理' }, docPath: '/v1/cases/{id}/transitions' });
    assert.equal(escalated.escalatedReason, '多次投诉，中心直接处理');
    assert.equal((await roundTrip('POST', `/v1/cases/${other.id}/transitions`, { headers: h.admin, payload: { action: 'withdraw', reason: '用户撤回' }, docPath: '/v1/cases/{id}/transitions' })).state, 'withdrawn');
  });

  test('POST /v1/complaints/{reference}/withdraw', async () => {
    const c = await post('/v1/complaints', undefined, { msisdn: '13800138562', text: '不明来源的广告' }, 201);
    const r = await roundTrip('POST', `/v1/complaints/${c.reference}/withdraw`, { payload: { accessCode: c.accessCode, reason: '已解决' }, docPath: '/v1/complaints/{reference}/withdraw' });
    assert.deepEqual(r, { reference: c.reference, state: 'withdrawn' });
  });

  test('POST /v1/reports: filed, filed before, failed; JSON and JSONL', async () => {
    const body = [
      { reference: '12321-2026-0101', msisdn: user, sender: '10690002', text: '全场五折' },
      { reference: '12321-2026-0102', msisdn: '12345', text: 'x' },
      { reference: '12321-2026-0103', msisdn: '13800138563', text: '贷款无抵押', contentProviderId: 'cp_nope' },
    ];
    const r = await roundTrip('POST', '/v1/reports', { headers: h.centre, payload: body, docPath: '/v1/reports' });
    assert.deepEqual([r.filed, r.failed], [1, 2]);
    assert.equal(r.results[0].externalRef, '12321-2026-0101');
    assert.equal(r.results[0].state, 'forwarded');
    assert.deepEqual(r.results[1], { ok: false, reference: '12321-2026-0102', error: { code: 'invalid_msisdn', message: 'reports/1/msisdn: not a mainland mobile number', rule: 'recipient.msisdn', article: 'Art. 20 (records of receiving number)', profile: 'cn-2015', field: 'reports/1/msisdn' } });
    assert.equal(r.results[2].error.field, 'reports/2/contentProviderId');
    const again = await roundTrip('POST', '/v1/reports', { headers: h.centre, payload: { reports: [body[0]] }, docPath: '/v1/reports' });
    assert.equal(again.results[0].id, r.results[0].id);
    const jsonl = `${JSON.stringify({ reference: '12321-2026-0104', msisdn: '13900139000', text: '贷款无抵押' })}\nnot json\n`;
    const j = await roundTrip('POST', '/v1/reports', { headers: { ...h.centre, 'content-type': 'application/x-ndjson' }, payload: jsonl, docPath: '/v1/reports' });
    assert.deepEqual([j.filed, j.failed, j.results[0].state, j.results[1].reference], [1, 1, 'received', null]);
  });

  test('POST /v1/credit/entries and …/publish: the entry whole, notes and evidence included', async () => {
    const fine = await roundTrip('POST', '/v1/credit/entries', {
      headers: h.regulator, status: 201, docPath: '/v1/credit/entries',
      payload: { contentProviderId: cp.id, kind: 'fine', amountYuan: 20000, notes: '约谈纪要：负责人承认未取得用户同意', publicSummary: '未经用户同意发送商业短信', evidence: { caseIds: ['case_1'], months: ['2026-11'], counts: { complaints: 1 } } },
    });
    assert.equal(fine.notes, '约谈纪要：负责人承认未取得用户同意');
    assert.deepEqual(fine.evidence, { caseIds: ['case_1'], months: ['2026-11'], counts: { complaints: 1 } });
    assert.equal(fine.amountYuan, 20000);
    const published = await roundTrip('POST', `/v1/credit/entries/${fine.id}/publish`, { headers: h.regulator, payload: {}, docPath: '/v1/credit/entries/{id}/publish' });
    assert.ok(published.publishedAt && published.publishedBy, JSON.stringify(published));
    assert.deepEqual({ ...published, publishedAt: null, publishedBy: null }, fine);
    const warning = await roundTrip('POST', '/v1/credit/entries', { headers: h.regulator, status: 201, payload: { subjectType: 'operator', subjectId: '示例运营商', kind: 'warning' }, docPath: '/v1/credit/entries' });
    assert.deepEqual([warning.subjectType, warning.notes, warning.amountYuan], ['operator', null, null]);
  });

  test('POST /v1/simulator/clock, GET /healthz, GET /v1/records', async () => {
    const moved = await roundTrip('POST', '/v1/simulator/clock', { payload: { advanceSeconds: 60 }, docPath: '/v1/simulator/clock' });
    assert.equal(Date.parse(moved.now), g.clock.now());
    await roundTrip('POST', '/v1/simulator/clock', { payload: { set: new Date(g.clock.now() + 1000).toISOString() }, docPath: '/v1/simulator/clock' });
    assert.deepEqual(await roundTrip('GET', '/healthz', { docPath: '/healthz' }), { status: 'ok', profile: 'cn-2015' });
    // every kind of record the tests above wrote, a page at a time
    const page = await roundTrip('GET', '/v1/records?limit=500', { headers: h.admin, docPath: '/v1/records' });
    assert.deepEqual([...new Set(page.records.map((r: Json) => r.kind))].sort(), ['audit', 'mo', 'mt', 'status', 'subscription']);
    assert.ok(page.records.every((r: Json) => typeof r.hash === 'string'), 'each with its chain hash');
    const first = await roundTrip('GET', '/v1/records?limit=2', { headers: h.admin, docPath: '/v1/records' });
    assert.equal(typeof first.nextCursor, 'string');
    const own = await roundTrip('GET', `/v1/records?kind=mt&cursor=${first.nextCursor}`, { headers: cp.auth, docPath: '/v1/records' });
    assert.ok(own.records.length > 0 && own.records.every((r: Json) => r.contentProviderId === cp.id));
    assert.equal(own.nextCursor, null);
  });
});
