/** The annual inspection report and the `complaint` event the early-warning monitor consumes. */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { buildAnnualReport } from '../../src/app/report-annual.js';
import { renderAnnualReport } from '../../src/web/annual-report.js';
import type { ComplaintEvent } from '../../src/app/complaint-events.js';

describe('annual report and complaint events', () => {
  const { g, cp } = gatewaySuite();
  const events: ComplaintEvent[] = [];
  const admin = { role: 'admin' as const, actorId: 'tok_admin' };

  before(async () => {
    g.app.events.on('complaint', (e) => events.push(e));
    const send = (to: string, text: string, type: string, category?: string, from = '10690001') => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from, to, text, type, category } });
    for (let i = 0; i < 4; i++) await send(`1380013800${i}`, '【示例】验证码 1234', 'verification');
    await send('13800138009', '【示例】您的订单已发货', 'notification');
    await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13800138005', category: 'promo', frequency: { count: 5, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'r', capturedAt: '2026-11-01T00:00:00Z' } } });
    await send('13800138005', '【示例】会员日八折', 'commercial', 'promo', '10690002');
    await send('13800138006', '没有签名的短信', 'notification');
    await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13800138005', to: '10690002', text: 'TD' } });
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138005', sender: '10690002', text: '会员日八折' } })).json();
    await g.complaints.act(admin, f.id, 'forward');
    g.clock.advance(2 * 86_400_000);
    await g.complaints.act(admin, f.id, 'answer', { text: '已退订', finding: 'confirmed', measures: [{ kind: 'refund', amountYuan: 0.1 }, { kind: 'opt_out' }] });
    await g.complaints.act(admin, f.id, 'close');
    await g.worker.drain();
  });

  test('figures come from the records and the cases', async () => {
    const r = await buildAnnualReport(g.app.ctx, cp.id, 2026);
    assert.equal(r.totals.byClass.verification, 4);
    assert.equal(r.totals.byClass.notification, 1);
    assert.equal(r.totals.byClass.commercial, 1);
    assert.equal(r.totals.rejected, 1);
    assert.deepEqual(r.rejections, [{ code: 'signature_missing', count: 1 }]);
    assert.equal(r.consent.coverage, 1);
    assert.equal(r.optOuts.total, 2, 'the TD reply and the complaint measure');
    assert.equal(r.complaints.total, 1);
    assert.equal(r.complaints.answered, 1);
    assert.equal(r.complaints.answeredOnTime, 1);
    assert.deepEqual(r.complaints.answerDays, [2]);
    assert.equal(r.measures.refund, 1);
    assert.ok(r.credit.some((e) => e.kind === 'confirmed_complaint'));
    assert.ok(r.totals.system >= 2, 'opt-out confirmation and the answer SMS are counted apart');
    assert.equal(r.months[10].accepted.verification, 4);
  });

  test('HTML: inline SVG charts with text alternatives and a print stylesheet; English available', async () => {
    const r = await buildAnnualReport(g.app.ctx, cp.id, 2026);
    const zh = renderAnnualReport(r, 'zh');
    assert.equal((zh.match(/<svg /g) ?? []).length, 3);
    assert.ok(zh.includes('role="img" aria-label='));
    assert.match(zh, /@media print/);
    assert.match(zh, /@page \{ size: A4/);
    assert.match(zh, /<html lang="zh-CN">/);
    assert.match(renderAnnualReport(r, 'en'), /Annual inspection report 2026/);
    // Found by QA: the provider's status, the case sources and "no finding yet" were printed as codes (active, web, none).
    const text = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ');
    assert.match(text(zh), /状态 正常/);
    assert.match(text(zh), /来源：接口/);
    assert.doesNotMatch(text(zh), /状态 active|来源：api|结论：none/);
    assert.match(text(renderAnnualReport(r, 'en')), /Source: API/);
    const http = await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&year=2026`, headers: cp.auth });
    assert.equal(http.statusCode, 200);
    assert.match(http.body, /<svg /);
  });

  test('the annual report page answers rejections with the API\'s status, in HTML with the message', async () => {
    const page = (url: string, headers: Record<string, string>) => g.http.inject({ method: 'GET', url, headers });
    const isHtmlAlert = (r: { headers: Record<string, unknown>; body: string }, re: RegExp) => {
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(r.body, re);
    };
    const missing = await page('/web/reports/annual?contentProviderId=cp_nope&year=2026', g.admin);
    assert.equal(missing.statusCode, 404);
    isHtmlAlert(missing, /role="alert"[^<]*没有已登记的企业 cp_nope。 \(not_found\)/);
    const badYear = await page(`/web/reports/annual?contentProviderId=${cp.id}&year=abc`, g.admin);
    assert.equal(badYear.statusCode, 400, 'bad input');
    isHtmlAlert(badYear, /role="alert"[^<]*invalid_request/);
    const centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'annual-clerk')).token}` };
    const denied = await page(`/web/reports/annual?contentProviderId=${cp.id}&year=2026`, centre);
    assert.equal(denied.statusCode, 403);
    isHtmlAlert(denied, /role="alert"[^<]*需要以下身份之一：运营方、监管机构、企业。 \(forbidden\)/);
    assert.ok(!denied.body.includes('<svg '), 'no report shown');
  });

  test('volume for the complaint rate is counted per Shanghai month (the clock crossed into December)', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138007', text: '【示例】验证码 5678', type: 'verification' } });
    assert.equal(r.statusCode, 202, r.body);
    await g.complaints.volume.flush();
    const rows = await g.store.cases.volume(cp.id, '2026-11', '2026-12');
    const get = (m: string, t: string) => rows.find((x) => x.month === m && x.type === t);
    assert.equal(get('2026-11', 'verification')?.accepted, 4);
    assert.equal(get('2026-11', 'notification')?.rejected, 1);
    assert.equal(get('2026-12', 'verification')?.accepted, 1);
    const dec = await g.complaints.complaintRate(cp.id, '2026-12');
    assert.equal(dec.messages, 1);
    assert.equal(dec.complaints, 0);
    assert.equal(dec.ratePerMillion, 0);
    assert.equal(dec.exceeded, false);
  });

  test('every case change is announced as a complaint event with the provider and month', () => {
    assert.deepEqual(events.map((e) => e.action), ['created', 'forward', 'answer', 'close']);
    assert.ok(events.every((e) => e.contentProviderId === cp.id && e.month === '2026-11'));
    assert.equal(events.at(-1)!.state, 'closed');
  });
});
