/**
 * Chinese pages write a label's colon full-width and with no space after it (`出错了：`, `转交期限：`),
 * as every other Chinese text of the pages does; the ASCII `: ` is the English pages'. This renders
 * the pages each role reaches, in Chinese, with a case, a credit entry, an opt-out and records to
 * show, and with a refusal in an alert, and looks for an ASCII colon after Chinese text.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { complaintOnPromotion, gatewaySuite, promotionThenOptOut, ADMIN_TOKEN } from '../helpers/gateway.js';
import { FORM, form, staffCookies, webCookie } from '../helpers/web.js';

/** The page's text as a reader sees it: tags, scripts and styles out, entities back. */
const visible = (html: string) => html
  .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
  .replace(/<[^>]+>/g, '')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** An ASCII colon right after a Chinese character or full-width punctuation, with what leads to it. */
const asciiColons = (html: string) => [...visible(html).matchAll(/.{0,12}[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]:.{0,6}/g)].map((m) => m[0].replace(/\s+/g, ' '));

describe('the Chinese pages write a label\'s colon full-width', () => {
  const { g, cp } = gatewaySuite();
  const cookies: Record<string, string> = {};
  let caseId = '';
  before(async () => {
    Object.assign(cookies, await staffCookies(g), { admin: await webCookie(g, ADMIN_TOKEN), cp: await webCookie(g, cp.apiKey) });
    caseId = (await complaintOnPromotion(g, cp, '13800138000', '【示例】年终大促全场五折')).id;
    await promotionThenOptOut(g, cp, '13900139000');
    // a submission refused (no consent), whose record shows the decision with its code's label
    const refused = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: '13700137000', text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } });
    assert.equal(refused.statusCode, 422, refused.body);
    const entry = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: cp.id, kind: 'fine', amountYuan: '12', notes: '内部备注', publicSummary: '未经同意发送营销短信', once: 'zh-colon' }) });
    assert.equal(entry.statusCode, 303, entry.body);
  });

  test('on every page each role reaches, and in a refusal\'s alert', async () => {
    const pages: [string, string][] = [
      ['admin', '/web/cases'], ['admin', `/web/cases/${caseId}`], ['centre', `/web/cases/${caseId}`], ['cp', `/web/cases/${caseId}`],
      ['regulator', '/web/credit'], ['cp', '/web/credit'], ['admin', '/web/providers'], ['admin', `/web/providers/${cp.id}`],
      ['admin', '/web/messages?msisdn=13800138000&date=2026-11-30'], ['admin', '/web/subscribers?msisdn=13900139000'], ['cp', '/web/subscribers?msisdn=13900139000'],
      ['admin', '/web/records?number=13800138000'], ['admin', '/web/records?number=13700137000'], ['admin', '/web/records/verify?month=2026-11'], ['admin', '/web/review'], ['admin', '/web/links'],
      ['admin', `/web/reports/annual?contentProviderId=${cp.id}&year=2026`], ['admin', '/web/reports/annual?year=1999'],
      ['centre', '/web/reports/import'], ['', '/web/complaint'], ['', '/web/public/credit'], ['', '/web/login?next=/web/cases&sent=1'],
      // refusals, said in an alert
      ['admin', '/web/records/export?format=jsonl'], ['admin', '/web/cases?state=bogus'], ['admin', '/web/messages?msisdn=123'],
      ['admin', '/web/subscribers?msisdn=12345'], ['centre', '/web/credit'],
    ];
    const found: string[] = [];
    for (const [who, url] of pages) {
      const r = await g.http.inject({ method: 'GET', url, headers: who ? { cookie: cookies[who] } : {} });
      assert.ok(r.statusCode < 500, `${url}: ${r.statusCode}`);
      for (const hit of asciiColons(r.body)) found.push(`${who} ${url}: «${hit}»`);
    }
    // a case act refused, the form again with its alert; a complaint refused
    const act = await g.http.inject({ method: 'POST', url: `/web/cases/${caseId}/act`, headers: { ...FORM, cookie: cookies.centre }, payload: form({ action: 'close' }) });
    for (const hit of asciiColons(act.body)) found.push(`act: «${hit}»`);
    const filed = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '123', text: 'x' }) });
    for (const hit of asciiColons(filed.body)) found.push(`complaint: «${hit}»`);
    assert.deepEqual(found, []);
  });
});
