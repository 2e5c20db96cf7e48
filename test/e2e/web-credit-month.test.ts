/**
 * The credit page's rates table shows the month its address asks for (`/web/credit?month=YYYY-MM`),
 * the figures GET /v1/content-providers/{id}/complaint-rate?month= gives for it, the current Shanghai
 * month without one; a month the API refuses is refused on the page too (its status, the form's words
 * for the field, in the page's language), not a crash and not the current month's figures.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { alerts, regulatorBothWays } from '../helpers/web.js';

const DAY = 86_400_000;
/** The provider's row of the rates table: messages, complaints, complainants as shown. */
const row = (body: string, cpId: string) => {
  const m = new RegExp(`<tr data-provider="${cpId}">([\\s\\S]*?)</tr>`).exec(body);
  assert.ok(m, 'the provider has a row');
  return [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, ' ').trim()).slice(2, 5);
};

describe('the credit page\'s month', () => {
  const { g, cp } = gatewaySuite();
  let regulator = '';
  let bearer: Record<string, string> = {};
  before(async () => {
    ({ cookie: regulator, bearer } = await regulatorBothWays(g));
    // one message in November (the clock starts on 2026-11-30), then the clock moves into December
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】您的订单已发货', type: 'notification' } });
    assert.equal(r.statusCode, 202, r.body);
    g.clock.advance(2 * DAY);
  });
  const api = async (month: string) => g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=${encodeURIComponent(month)}`, headers: bearer });
  const page = async (query: string, lang = 'zh') => g.http.inject({ method: 'GET', url: `/web/credit${query}`, headers: { cookie: `${regulator}; sg_lang=${lang}` } });

  test('?month= selects the month shown, with the API\'s figures for it; without it, the current month', async () => {
    const nov = (await api('2026-11')).json();
    const dec = (await api('2026-12')).json();
    assert.equal(nov.messages, 1, 'the message counts in November');
    assert.equal(dec.messages, 0);
    const asked = await page('?month=2026-11');
    assert.equal(asked.statusCode, 200, alerts(asked.body));
    assert.match(asked.body, /<title>[^<]*2026-11/);
    assert.match(asked.body, /<h2 id="rates-h">2026-11 投诉率/);
    assert.match(asked.body, /<input id="month" name="month" type="month" value="2026-11"/);
    assert.deepEqual(row(asked.body, cp.id), [String(nov.messages), String(nov.complaints), String(nov.complainants)]);
    const current = await page('');
    assert.equal(current.statusCode, 200);
    assert.match(current.body, /<h2 id="rates-h">2026-12 投诉率/);
    assert.deepEqual(row(current.body, cp.id), [String(dec.messages), String(dec.complaints), String(dec.complainants)]);
    // spaces around it, as a hand-edited address may have
    assert.match((await page('?month=%202026-11%20')).body, /<h2 id="rates-h">2026-11 投诉率/);
  });

  for (const bad of ['2026-13', '2026-1', 'november', '2026-11-01']) {
    test(`a month the API refuses (${bad}) is refused on the page in its language, with the API's status`, async () => {
      const a = await api(bad);
      assert.equal(a.statusCode, 400, a.body);
      const zh = await page(`?month=${encodeURIComponent(bad)}`);
      assert.equal(zh.statusCode, a.statusCode);
      assert.equal(alerts(zh.body), '出错了：月份：请选择月份（年-月）。原因：不是日历上的月份（例如 2026-11）。 (invalid_request)');
      assert.doesNotMatch(zh.body, /<h2 id="rates-h">\d{4}-\d{2}/, 'no month\'s figures under the refusal');
      assert.deepEqual(row(zh.body, cp.id), ['—', '—', '—']);
      assert.match(zh.body, new RegExp(`<input id="month" name="month" type="month" value="${bad}"`), 'the month comes back as typed');
      const en = await page(`?month=${encodeURIComponent(bad)}`, 'en');
      assert.equal(alerts(en.body), 'Something went wrong: Month: Choose a month (year-month). Reason: not a month of the calendar (e.g. 2026-11). (invalid_request)');
    });
  }
});

// A provider at or over the line showed its rate as `1000000 (≥ 0.25)`, the line's figure with no word of
// what it was; said now, in the page's language (the cell keeps its warning colour).
describe('a provider at or over the complaint-rate line', () => {
  const { g, cp } = gatewaySuite();
  test('has its rate said as over the line, with the line, on the credit page', async () => {
    const { cookie } = await regulatorBothWays(g);
    const sent = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】您的订单已发货', type: 'notification' } });
    assert.equal(sent.statusCode, 202, sent.body);
    const filed = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', sender: '10690001', text: '【示例】您的订单已发货' } });
    assert.equal(filed.statusCode, 201, filed.body);
    const cell = (body: string) => new RegExp(`<tr data-provider="${cp.id}">[\\s\\S]*?<td class="overdue">([^<]*)</td>`).exec(body)?.[1];
    const zh = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: `${cookie}; sg_lang=zh` } });
    assert.equal(cell(zh.body), '1000000（已达警戒线 0.25）', alerts(zh.body));
    const en = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: `${cookie}; sg_lang=en` } });
    assert.equal(cell(en.body), '1000000 (at or over the line of 0.25)');
  });
});
