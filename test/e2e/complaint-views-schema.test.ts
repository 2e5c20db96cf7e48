/**
 * The complaint, case and credit-file reads declare their 200 bodies and errors, and the schema
 * serializer drops whatever a schema does not list: so each read must come back over HTTP exactly as
 * its use case builds it, for data that fills every field (a case with its trail, measures, evidence
 * and screenshot; credit entries with and without notes and evidence, system and regulator,
 * published or not), and /docs/json must list every key those values hold.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, ADMIN_TOKEN } from '../helpers/gateway.js';
import { asJson, documentedResponse, roundTrip } from '../helpers/schema-coverage.js';
import { shanghaiMonth } from '../../src/domain/case.js';
import type { Principal } from '../../src/app/types.js';

type Json = Record<string, any>;
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('case, complaint and credit reads: response schemas', () => {
  const { g, cp } = gatewaySuite({ provider: { name: '示例科技有限公司' } });
  const headers: Record<'admin' | 'centre' | 'regulator' | 'provider', Record<string, string>> = {} as never;
  const principals: Record<keyof typeof headers, Principal> = {} as never;
  const user = '13800138111';
  let full: Json; // filed with a screenshot, forwarded, investigated, answered with measures, closed
  let fresh: Json; // just received, matched to nothing
  let escalated: Json;
  let fineId: string;

  const post = async (url: string, h: Record<string, string> | undefined, payload: object, want = 200) => {
    const r = await g.http.inject({ method: 'POST', url, headers: h, payload });
    assert.equal(r.statusCode, want, `${url}: ${r.body}`);
    return r.json() as Json;
  };
  const get = (url: string, h?: Record<string, string>) => g.http.inject({ method: 'GET', url, headers: h });
  const svc = () => g.complaints;

  before(async () => {
    const tokenOf = async (role: 'report-centre' | 'regulator', label: string) => (await g.app.auth.createToken(role, label)).token;
    const tokens = { admin: ADMIN_TOKEN, centre: await tokenOf('report-centre', 'centre clerk'), regulator: await tokenOf('regulator', 'inspector'), provider: cp.apiKey };
    for (const [k, t] of Object.entries(tokens) as [keyof typeof headers, string][]) {
      headers[k] = { authorization: `Bearer ${t}` };
      principals[k] = await g.app.auth.principalFor(t);
    }
    await post('/v1/consents', cp.auth, { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-9', capturedAt: '2026-11-01T00:00:00Z' } }, 201);
    await post('/v1/messages', cp.auth, { from: '10690002', to: user, text: '【示例】年终大促全场五折，点击领取优惠券', type: 'commercial', category: 'promo' }, 202);
    await g.worker.drain();

    full = await post('/v1/complaints', undefined, { msisdn: user, sender: '10690002', text: '年终大促全场五折', receivedAt: '2026-11-30T11:00:00', request: '不要再发', screenshot: PNG }, 201);
    await post(`/v1/cases/${full.id}/transitions`, headers.centre, { action: 'forward', reason: '转企业核查' });
    await post(`/v1/cases/${full.id}/transitions`, cp.auth, { action: 'investigate' });
    await post(`/v1/cases/${full.id}/transitions`, cp.auth, { action: 'answer', text: '经核实属实，已将您的号码退订并退还信息费。', finding: 'confirmed', measures: [{ kind: 'opt_out' }, { kind: 'refund', amountYuan: 5, note: '退还信息费' }] });
    await post(`/v1/cases/${full.id}/transitions`, headers.centre, { action: 'close', reason: '答复满意' });
    fresh = await post('/v1/complaints', undefined, { msisdn: '13800138222', text: '不明来源的广告' }, 201);
    escalated = await post('/v1/complaints', undefined, { msisdn: '13800138333', sender: '【示例】', text: '点击领取优惠券' }, 201);
    await post(`/v1/cases/${escalated.id}/transitions`, headers.centre, { action: 'escalate', reason: '多次投诉，中心直接处理' });
    await g.worker.drain();

    const fine = await post('/v1/credit/entries', headers.regulator, { contentProviderId: cp.id, kind: 'fine', amountYuan: 20000, notes: '约谈纪要：负责人承认未取得用户同意', publicSummary: '未经用户同意发送商业短信', evidence: { caseIds: [full.id], months: ['2026-11'], counts: { complaints: 1 } } }, 201);
    fineId = fine.id;
    await post(`/v1/credit/entries/${fineId}/publish`, headers.regulator, {});
    await post('/v1/credit/entries', headers.regulator, { subjectType: 'operator', subjectId: '示例运营商', kind: 'warning' }, 201);
  });


  test('GET /v1/cases round-trips whole for every role, with a next-page cursor', async () => {
    for (const who of ['admin', 'centre', 'regulator', 'provider'] as const) {
      const list = await roundTrip(g.http, '/v1/cases', headers[who], await svc().listCases(principals[who], {}), '/v1/cases');
      assert.ok(list.cases.length >= (who === 'provider' ? 2 : 3), `${who}: ${list.cases.length} cases`);
    }
    const page = await roundTrip(g.http, '/v1/cases?limit=1&state=closed,received,escalated', headers.admin, await svc().listCases(principals.admin, { limit: 1, state: 'closed,received,escalated' }), '/v1/cases');
    assert.equal(page.cases.length, 1);
    assert.equal(typeof page.nextCursor, 'string');
    const next = await roundTrip(g.http, `/v1/cases?limit=5&cursor=${page.nextCursor}`, headers.admin, await svc().listCases(principals.admin, { limit: 5, cursor: page.nextCursor }), '/v1/cases');
    assert.equal(next.cases.length, 2);

    // the views compared hold what the schema must carry
    const all = (await svc().listCases(principals.admin, {})).cases;
    const f = all.find((c) => c.id === full.id)!;
    assert.equal(f.state, 'closed');
    assert.equal(f.finding, 'confirmed');
    assert.ok(f.hasScreenshot && f.answerText && f.answerMessageId && f.matchedMessageId && f.receivedMessageAt && f.forwardedAt && f.answeredAt && f.closedAt && f.request);
    const e = all.find((c) => c.id === escalated.id)!;
    assert.equal(e.escalatedReason, '多次投诉，中心直接处理');
    assert.deepEqual(Object.keys(all.find((c) => c.id === fresh.id)!.deadline).sort(), ['calendarCovered', 'dueAt', 'overdue', 'running', 'workingDaysLeft']);
  });

  test('GET /v1/cases/{id} round-trips whole: evidence, trail, measures and screenshot', async () => {
    for (const who of ['admin', 'regulator', 'provider'] as const) {
      const d = await roundTrip(g.http, `/v1/cases/${full.id}`, headers[who], await svc().getCase(principals[who], full.id), '/v1/cases/{id}');
      assert.equal(d.screenshot, PNG);
      assert.ok(d.evidence.match?.id && d.evidence.consent?.category === 'promo' && d.evidence.verdicts.length > 0, JSON.stringify(d.evidence).slice(0, 300));
      assert.deepEqual(d.events.filter((x: Json) => x.kind !== 'measure' && x.kind !== 'note').map((x: Json) => x.kind), ['created', 'forward', 'investigate', 'answer', 'close']);
      assert.ok(d.events.some((x: Json) => x.reason === '转企业核查' && x.fromState === 'received' && x.toState === 'forwarded'));
      assert.deepEqual(d.measures.map((m: Json) => m.kind), ['opt_out', 'refund']);
      assert.equal(d.measures[1].detail.amountYuan, 5);
    }
    const f = await roundTrip(g.http, `/v1/cases/${fresh.id}`, headers.centre, await svc().getCase(principals.centre, fresh.id), '/v1/cases/{id}');
    assert.equal(f.contentProviderId, null);
    assert.equal(f.deadline.running, 'forward');
  });

  test('GET /v1/complaints/{reference} round-trips whole for the complainant', async () => {
    for (const c of [full, fresh, escalated]) {
      const s = await roundTrip(g.http, `/v1/complaints/${c.reference}?accessCode=${c.accessCode}`, undefined, await svc().publicStatus(c.reference, c.accessCode), '/v1/complaints/{reference}');
      assert.match(s.msisdn, /\*{4}/);
    }
    const closed = asJson(await svc().publicStatus(full.reference, full.accessCode)) as Json;
    assert.equal(closed.finding, 'confirmed');
    assert.ok(closed.answerText);
  });

  test('GET /v1/credit/entries round-trips whole: notes and evidence for the regulator and the operator, left out for the provider', async () => {
    for (const who of ['admin', 'regulator', 'provider'] as const) {
      const body = await roundTrip(g.http, '/v1/credit/entries', headers[who], await svc().creditEntries(principals[who], {}), '/v1/credit/entries');
      const fine = body.entries.find((e: Json) => e.id === fineId);
      assert.ok(fine, `${who} lists the fine`);
      assert.equal(fine.amountYuan, 20000);
      assert.equal(typeof fine.publishedAt, 'number');
      const system = body.entries.find((e: Json) => e.kind === 'confirmed_complaint');
      assert.ok(system?.dedupKey, JSON.stringify(body.entries));
      if (who === 'provider') {
        assert.ok(body.entries.every((e: Json) => !('notes' in e) && !('evidence' in e)));
      } else {
        assert.equal(fine.notes, '约谈纪要：负责人承认未取得用户同意');
        assert.deepEqual(fine.evidence, { caseIds: [full.id], months: ['2026-11'], counts: { complaints: 1 } });
        assert.equal(system.evidence.caseId, full.id);
      }
    }
    const page = await roundTrip(g.http, '/v1/credit/entries?limit=1', headers.regulator, await svc().creditEntries(principals.regulator, { limit: 1 }), '/v1/credit/entries');
    assert.equal(typeof page.nextCursor, 'string');
  });

  test('GET /v1/credit/public round-trips whole', async () => {
    const all = await roundTrip(g.http, '/v1/credit/public', undefined, await svc().publicCreditEntries(), '/v1/credit/public');
    assert.equal(all.entries.length, 1);
    assert.equal(all.entries[0].subject, '示例科技有限公司');
    assert.ok(all.entries[0].creditCode);
    await roundTrip(g.http, `/v1/credit/public?q=${encodeURIComponent('示例')}`, undefined, await svc().publicCreditEntries({ q: '示例' }), '/v1/credit/public');
  });

  test('GET /v1/content-providers/{id}/complaint-rate round-trips whole', async () => {
    const month = shanghaiMonth(g.clock.now());
    for (const who of ['admin', 'regulator', 'provider'] as const) {
      const r = await roundTrip(g.http, `/v1/content-providers/${cp.id}/complaint-rate?month=${month}`, headers[who], await svc().complaintRateFor(principals[who], cp.id, month), '/v1/content-providers/{id}/complaint-rate');
      assert.equal(r.confirmed, 1);
      assert.ok(r.ratePerMillion > 0 && r.confirmedPerMillion > 0);
    }
    const none = await roundTrip(g.http, `/v1/content-providers/${cp.id}/complaint-rate?month=2026-01`, headers.admin, await svc().complaintRateFor(principals.admin, cp.id, '2026-01'), '/v1/content-providers/{id}/complaint-rate');
    assert.equal(none.ratePerMillion, null);
  });

  test('errors answer in the error shape, and /docs/json lists them', async () => {
    const errors: [url: string, h: Record<string, string> | undefined, status: number, doc: string][] = [
      ['/v1/cases', undefined, 401, '/v1/cases'],
      ['/v1/cases?state=nope', headers.admin, 400, '/v1/cases'],
      [`/v1/cases/${full.id}`, undefined, 401, '/v1/cases/{id}'],
      ['/v1/cases/case_nope', headers.admin, 404, '/v1/cases/{id}'],
      [`/v1/complaints/${full.reference}?accessCode=nope`, undefined, 404, '/v1/complaints/{reference}'],
      [`/v1/complaints/${full.reference}`, undefined, 400, '/v1/complaints/{reference}'],
      ['/v1/credit/entries', undefined, 401, '/v1/credit/entries'],
      ['/v1/credit/entries', headers.centre, 403, '/v1/credit/entries'],
      [`/v1/content-providers/${cp.id}/complaint-rate?month=2026-13`, headers.admin, 400, '/v1/content-providers/{id}/complaint-rate'],
      [`/v1/content-providers/${cp.id}/complaint-rate?month=2026-11`, undefined, 401, '/v1/content-providers/{id}/complaint-rate'],
    ];
    for (const [url, h, status, doc] of errors) {
      const r = await get(url, h);
      assert.equal(r.statusCode, status, `${url}: ${r.body}`);
      assert.equal(typeof r.json().error?.code, 'string', `${url}: ${r.body}`);
      assert.ok((await documentedResponse(g.http, doc, String(status)))?.properties?.error, `${doc} documents ${status} in the error shape`);
    }
    assert.ok((await documentedResponse(g.http, '/v1/cases/{id}', '403'))?.properties?.error);
    assert.ok((await documentedResponse(g.http, '/v1/content-providers/{id}/complaint-rate', '403'))?.properties?.error);
  });
});
