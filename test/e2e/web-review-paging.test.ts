/**
 * `/web/review` pages on as its APIs do: 100 held messages (oldest first) and 50 alerts (newest first)
 * at a time, each list with a next-page link carrying the API's own cursor in its own parameter
 * (`heldCursor`, `alertsCursor`, the other kept), a link back to the first page, plain links that work
 * without JavaScript, in both languages; a cursor the API never handed out is a 400 page in the
 * visitor's language. A role the page is not for (the report centre) is told so (403) whatever the
 * address carries, not that its paging link is out of date.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, ADMIN_TOKEN, type TestGateway, type Provider } from '../helpers/gateway.js';
import { webCookie, roleCookie } from '../helpers/web.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { installContent } from '../helpers/content.js';
import type { FastifyInstance } from 'fastify';
import type { ActionRecord } from '../../src/content/actions.js';

const heldIds = (body: string) => [...body.matchAll(/<tr data-held="([^"]+)"/g)].map((m) => m[1]);
const alertIds = (body: string) => [...body.matchAll(/<tr data-alert="([^"]+)"/g)].map((m) => m[1]);
/** The href of the link with this id, unescaped, or null. */
const link = (body: string, id: string) => {
  const m = new RegExp(`<a id="${id}"[^>]* href="([^"]+)"`).exec(body);
  return m ? m[1].replace(/&amp;/g, '&') : null;
};
const param = (href: string, name: string) => new URL(href, 'http://x').searchParams.get(name);

describe('the review page pages on through the held messages and the alerts', () => {
  let g: TestGateway;
  /** The gateway's HTTP app with the content routes (GET /v1/alerts) as well as the pages. */
  let http: FastifyInstance;
  let p: Provider;
  let admin = '';
  const held: string[] = [];
  const alerts: string[] = [];
  const get = (url: string, cookie = admin) => http.inject({ method: 'GET', url, headers: { cookie } });
  const api = async (url: string) => (await http.inject({ method: 'GET', url, headers: g.admin })).json();

  before(async () => {
    g = await startTestGateway();
    const { gov, http: h } = await installContent(g);
    http = h;
    const store = new SqliteContentStore(g.store.db);
    p = await onboard(g);
    const hold: ActionRecord = { id: 'alert_hold_paging', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'complaint_rate_high', figures: { complaints: 3 }, at: g.clock.now() };
    await store.addAction(hold);
    gov.actions.restore(hold);
    for (let i = 0; i < 53; i++) {
      await store.addAlert({
        id: `alert_paging_${String(i).padStart(2, '0')}`, rule: 'complaint_rate_high', metric: 'complaint_rate', scope: 'provider', key: p.id, contentProviderId: p.id,
        severity: 'critical', value: 0.003, threshold: 0.002, figures: {}, windowStart: g.clock.now() - 60_000, at: g.clock.now() + i, action: { kind: 'hold' }, actionId: hold.id,
      });
    }
    for (let i = 0; i < 103; i++) {
      const r = await http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to: `138${String(10_000_000 + i)}`, text: `【示例】您的快递${i}号已到达小区驿站，请凭取件码取件。`, type: 'notification' } });
      assert.equal(r.json().error?.code, 'held_for_review', r.body);
      held.push(r.json().id);
      g.clock.advance(1_000);
    }
    const all = await api("/v1/alerts?limit=1000");
    assert.ok(all.alerts, JSON.stringify(all));
    alerts.push(...all.alerts.map((a: { id: string }) => a.id));
    assert.equal(alerts.length, 53);
    admin = await webCookie({ http }, ADMIN_TOKEN);
  });
  after(async () => { await http.close(); await g.close(); });

  test('the first page: the 100 oldest held and the 50 newest alerts, each with a next-page link carrying the API\'s cursor', async () => {
    const r = await get('/web/review?lang=en');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(heldIds(r.body), held.slice(0, 100));
    assert.deepEqual(alertIds(r.body), alerts.slice(0, 50));
    const heldNext = link(r.body, 'held-next')!;
    const alertsNext = link(r.body, 'alerts-next')!;
    assert.ok(heldNext && alertsNext, 'a next-page link for each list');
    assert.equal(param(heldNext, 'heldCursor'), (await api('/v1/review-queue?limit=100')).nextCursor);
    assert.equal(param(alertsNext, 'alertsCursor'), (await api('/v1/alerts?limit=50')).nextCursor);
    assert.match(r.body, /<a id="held-next"[^>]*>Next page of held messages →<\/a>/);
    assert.match(r.body, /<a id="alerts-next"[^>]*>Older alerts →<\/a>/);
    assert.equal(link(r.body, 'held-first'), null, 'no way back from the first page');
    assert.equal(link(r.body, 'alerts-first'), null);
    const zh = await get('/web/review?lang=zh');
    assert.match(zh.body, /<a id="held-next"[^>]*>下一页暂扣短信 →<\/a>/);
    assert.match(zh.body, /<a id="alerts-next"[^>]*>更早的预警 →<\/a>/);
  });

  test('following the links reaches every held message and alert once, each keeping the other list\'s page; back to the first page', async () => {
    const first = await get('/web/review');
    const second = await get(link(first.body, 'held-next')!);
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(heldIds(second.body), held.slice(100));
    assert.equal(link(second.body, 'held-next'), null, 'no link after the last page');
    assert.deepEqual(alertIds(second.body), alerts.slice(0, 50), 'the alerts stay on their first page');
    assert.equal(link(second.body, 'held-first'), '/web/review#queue-heading');
    // from there, page the alerts: the held messages stay on their second page
    const both = await get(link(second.body, 'alerts-next')!);
    assert.equal(both.statusCode, 200, both.body);
    assert.deepEqual(heldIds(both.body), held.slice(100));
    assert.deepEqual(alertIds(both.body), alerts.slice(50));
    assert.equal(link(both.body, 'alerts-next'), null);
    const heldBack = link(both.body, 'held-first')!;
    assert.equal(param(heldBack, 'heldCursor'), null);
    assert.equal(param(heldBack, 'alertsCursor'), param(link(second.body, 'alerts-next')!, 'alertsCursor'), 'back to the first held page, the alerts kept');
    const back = await get(heldBack);
    assert.deepEqual(heldIds(back.body), held.slice(0, 100));
    assert.deepEqual(alertIds(back.body), alerts.slice(50));
    const alertsBack = link(both.body, 'alerts-first')!;
    assert.equal(param(alertsBack, 'alertsCursor'), null);
    assert.ok(param(alertsBack, 'heldCursor'));
  });

  test('a cursor the API never handed out: a 400 page in the visitor\'s language (the pages\' cursor_invalid words), for any role', async () => {
    const provider = await webCookie({ http }, p.apiKey);
    for (const q of ['heldCursor=zzz', 'alertsCursor=1.2.3', 'heldCursor=a&heldCursor=b', `alertsCursor=${'x'.repeat(300)}`]) {
      const en = await get(`/web/review?lang=en&${q}`);
      assert.equal(en.statusCode, 400, `${q}: ${en.body}`);
      assert.match(en.body, /<p role="alert">The page link is out of date: open the first page again\. \(invalid_request\)<\/p>/);
      const zh = await get(`/web/review?lang=zh&${q}`, provider);
      assert.equal(zh.statusCode, 400, zh.body);
      assert.match(zh.body, /<p role="alert">翻页链接已失效，请从第一页重新打开。 \(invalid_request\)<\/p>/);
    }
  });

  test('a role the page is not for gets its 403 with or without a cursor, never the cursor\'s 400', async () => {
    const centre = await roleCookie({ http, app: g.app }, 'report-centre', 'clerk-review');
    const plain = await get('/web/review', centre);
    assert.equal(plain.statusCode, 403, plain.body);
    for (const q of ['heldCursor=zzz', 'alertsCursor=1.2.3']) {
      const r = await get(`/web/review?${q}`, centre);
      assert.equal(r.statusCode, 403, `${q}: ${r.body.slice(0, 400)}`);
      assert.match(r.body, /<p role="alert">这项操作需要以下身份之一：运营方、监管机构、企业。 \(forbidden\)<\/p>/);
    }
  });
});
