/**
 * A staff page's GET can write the audit log (a regulator's record search, message list, case list,
 * credit view; an export), and SameSite=Strict still sends the sign-in cookie to a sibling host's
 * requests (same-site). So a GET the browser marks as coming from another site's page is served only
 * when it is a person opening it (a top-level navigation with a user activation: a click on a link);
 * an image, a frame, a script's fetch or a script's navigation without a click is refused 403 before
 * anything is read or recorded, with a link to open the page from here. An address typed or opened from
 * a bookmark or another program (`none`), this site's own pages (`same-origin`), and a browser that sends
 * no Fetch Metadata are served as before.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { alerts, staffCookies } from '../helpers/web.js';


describe('a staff page asked for from another site', () => {
  const { g, cp } = gatewaySuite();
  let regulator = '';
  before(async () => {
    regulator = (await staffCookies(g)).regulator;
  });
  const audits = async (action: string) => (await g.store.records.queryRecords({ kind: 'audit', limit: 1000 })).records.filter((r) => (r.body as { action?: string }).action === action).length;
  const get = (url: string, fetch: Record<string, string>) => g.http.inject({ method: 'GET', url, headers: { cookie: regulator, ...fetch } });
  const SEARCH = '/web/records?number=13800138000';

  test('an image, a frame, a script\'s fetch or navigation from a sibling host or another site: 403, nothing read or recorded, a link to open it here', async () => {
    const before = await audits('records.query');
    const refusedShapes: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe', 'sec-fetch-user': '?1' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
    ];
    for (const shape of refusedShapes) {
      const r = await get(SEARCH, shape);
      assert.equal(r.statusCode, 403, JSON.stringify(shape));
      assert.match(r.headers['content-type'] as string, /^text\/html/);
      assert.equal(alerts(r.body), '这个页面是由其他网站的页面自动打开的，不是您点击链接打开的，因此没有显示，也没有进行查询。如需查看，请点击下面的链接。 (forbidden)');
      assert.match(r.body, /<a id="open-here" href="\/web\/records\?number=13800138000">打开此页面<\/a>/);
    }
    const export_ = await get(`/web/records/export?contentProviderId=${cp.id}&from=2026-11-01&to=2026-11-30&format=jsonl`, refusedShapes[0]);
    assert.equal(export_.statusCode, 403);
    const en = await get(`${SEARCH}&lang=en`, refusedShapes[1]);
    assert.equal(alerts(en.body), 'This page was opened by another website&#39;s page on its own, not by you following a link, so it was neither shown nor searched. To see it, follow the link below. (forbidden)');
    assert.equal(await audits('records.query'), before, 'no query recorded');
    assert.equal(await audits('inspect.export'), 0, 'no export recorded');
  });

  test('a person opening it is served and the query recorded: a click on another site\'s link, an address typed, this site\'s own pages, an older browser', async () => {
    const before = await audits('records.query');
    const servedShapes: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-user': '?1' },
      { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
      { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
      {},
    ];
    for (const shape of servedShapes) {
      const r = await get(SEARCH, shape);
      assert.equal(r.statusCode, 200, `${JSON.stringify(shape)}: ${alerts(r.body)}`);
    }
    assert.equal(await audits('records.query'), before + servedShapes.length);
    // a link in an email opened in webmail (cross-site): the browser sends no Strict cookie, so the sign-in, then the page
    const mail = await g.http.inject({ method: 'GET', url: SEARCH, headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-user': '?1' } });
    assert.equal(mail.statusCode, 303);
    assert.equal(mail.headers.location, `/web/login?next=${encodeURIComponent(SEARCH)}`);
  });
});
