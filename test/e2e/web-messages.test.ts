/**
 * `/web/messages`: the message list as a page (number and day, or clientRef and day), through the
 * same use case as GET /v1/messages: a provider its own, the operator every provider's, a regulator
 * those of its province; in both languages, without JavaScript (a GET form, a next-page link).
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, NOON_SHANGHAI, OTHER_PROVIDER, type Provider } from '../helpers/gateway.js';
import { roleCookie, webCookie } from '../helpers/web.js';
import { until } from '../helpers/wait.js';
import { messageListPage } from '../../src/web/pages/messages.js';

const DAY = 86_400_000;
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';
const rowIds = (body: string) => [...body.matchAll(/<tr data-message="([^"]+)">/g)].map((m) => m[1]);
/** The table's rows as their cells' text (tags dropped). */
const cells = (body: string) => {
  const table = /<table id="messages">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()));
};

describe('the message list page', () => {
  const { g, cp, other } = gatewaySuite({ now: NOON_SHANGHAI - DAY, other: { ...OTHER_PROVIDER, province: '11' } });
  const ids: Record<string, string> = {};
  const c: Record<'cp' | 'other' | 'fujian' | 'beijing' | 'centre', string> = {} as never;
  const get = (url: string, cookie?: string) => g.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  const send = async (who: Provider, name: string, payload: Record<string, unknown>, code = 202) => {
    const [from, sig] = who === cp ? ['10690001', '【示例】'] : ['10698001', '【别家】'];
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: who.auth, payload: { from, text: `${sig}您的验证码是123456`, type: 'verification', ...payload } });
    assert.equal(r.statusCode, code, r.body);
    ids[name] = r.json().id;
    g.clock.advance(60_000);
  };

  before(async () => {
    await send(cp, 'a', { to: '13800138000', clientRef: 'web-1' });
    await send(cp, 'refused', { to: '13800138000', text: '【未登记】您的验证码是123456' }, 422);
    await send(other, 'theirs', { to: '13800138000', clientRef: 'web-1' });
    await g.worker.drain();
    const status = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: g.admin })).json().status;
    await until(async () => (await status(ids.a)) === 'delivered' && (await status(ids.theirs)) === 'delivered', 4000, 'receipts');
    g.clock.advance(DAY);
    Object.assign(c, {
      cp: await webCookie(g, cp.apiKey), other: await webCookie(g, other.apiKey),
      fujian: await roleCookie(g, 'regulator', 'fj', { province: '35' }), beijing: await roleCookie(g, 'regulator', 'bj', { province: '11' }),
      centre: await roleCookie(g, 'report-centre', 'clerk'),
    });
  });

  test('a provider finds what it sent to a number on a day, with each message\'s status, and only its own', async () => {
    // the number as a person types it: spaces inside
    const r = await get(`/web/messages?msisdn=${encodeURIComponent('138 0013 8000')}&date=2026-11-29`, c.cp);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /<title>短信发送查询 · smsguard<\/title>/);
    // the table has a name a screen reader's list of tables says
    assert.match(r.body, /<table id="messages">\s*<caption>查到的短信<\/caption>/);
    assert.deepEqual(rowIds(r.body), [ids.refused, ids.a]);
    const rows = cells(r.body);
    assert.deepEqual(rows[1], ['2026-11-29 12:00', '+8613800138000', '10690001', '【示例】您的验证码是123456', '已送达', 'web-1', ids.a]);
    assert.equal(rows[0][4], '已拒绝');
    assert.ok(!r.body.includes('id="contentProviderId"'), 'a provider names no provider');
    assert.ok(nav(r.body).includes('href="/web/messages"'));
    const en = await get(`/web/messages?msisdn=13800138000&date=2026-11-29&lang=en`, c.cp);
    assert.deepEqual(cells(en.body).map((row) => row[4]), ['rejected', 'delivered']);
    // another provider: its own message only, even naming cp
    const theirs = await get(`/web/messages?msisdn=13800138000&date=2026-11-29&contentProviderId=${cp.id}`, c.other);
    assert.equal(theirs.statusCode, 200, theirs.body);
    assert.deepEqual(rowIds(theirs.body), [ids.theirs]);
    // a day with nothing
    const none = await get('/web/messages?msisdn=13800138000&date=2026-11-30', c.cp);
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /没有符合条件的短信。/);
  });

  test('by clientRef and day; without a number or day, the form says what is missing', async () => {
    assert.deepEqual(rowIds((await get('/web/messages?clientRef=web-1&date=2026-11-29', c.cp)).body), [ids.a]);
    const form = await get('/web/messages', c.cp);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<form method="get" action="\/web\/messages"/);
    assert.deepEqual(rowIds(form.body), []);
    const noDay = await get('/web/messages?clientRef=web-1', c.cp);
    assert.equal(noDay.statusCode, 400, noDay.body);
    assert.match(noDay.body, /role="alert"[\s\S]*接收号码：[\s\S]*invalid_request/);
    assert.match(noDay.body, /value="web-1"/, 'the form keeps what was typed');
    const badNumber = await get('/web/messages?msisdn=12345&date=2026-11-29', c.cp);
    assert.equal(badNumber.statusCode, 400);
    assert.match(badNumber.body, /接收号码：/);
    const badDay = await get('/web/messages?msisdn=13800138000&date=yesterday&lang=en', c.cp);
    assert.equal(badDay.statusCode, 400);
    assert.match(badDay.body, /Day \(Shanghai time\): Choose a day/);
    // 30 November exists, 31 does not: it was read as 1 December and that day listed
    const lackingDay = await get('/web/messages?msisdn=13800138000&date=2026-11-31&lang=en', c.cp);
    assert.equal(lackingDay.statusCode, 400);
    assert.match(lackingDay.body, /Day \(Shanghai time\): Choose a day/);
  });

  test('the operator every provider\'s, a regulator its province\'s; others may not, visitors sign in first', async () => {
    const admin = await g.http.inject({ method: 'GET', url: '/web/messages?msisdn=13800138000&date=2026-11-29', headers: g.admin });
    assert.deepEqual(rowIds(admin.body), [ids.theirs, ids.refused, ids.a]);
    assert.deepEqual(rowIds((await g.http.inject({ method: 'GET', url: `/web/messages?msisdn=13800138000&date=2026-11-29&contentProviderId=${other.id}`, headers: g.admin })).body), [ids.theirs]);
    assert.ok(admin.body.includes('id="contentProviderId"'));
    // the id is no name a person knows: the providers are chosen by name (it was a text field for a cp_ id)
    assert.match(admin.body, /<label for="contentProviderId">企业<\/label>\n<select id="contentProviderId" name="contentProviderId"><option value="" selected>全部<\/option>[^]*?<option value="[^"]+">示例科技有限公司 \(cp_[^)]+\)<\/option>/);
    // an id asked for that the viewer's list lacks stays chosen as asked
    const asked = await get(`/web/messages?msisdn=13800138000&date=2026-11-29&contentProviderId=${other.id}`, c.fujian);
    assert.match(asked.body, new RegExp(`<option value="${other.id}" selected>${other.id}</option>`));
    // no API field names where a person reads: the intro and the column say 客户参考号
    assert.doesNotMatch(admin.body, /填写 clientRef|<th scope="col">clientRef/);
    assert.match(admin.body, /<th scope="col">客户参考号<\/th>/);
    assert.deepEqual(rowIds((await get('/web/messages?msisdn=13800138000&date=2026-11-29', c.fujian)).body), [ids.refused, ids.a]);
    assert.deepEqual(rowIds((await get('/web/messages?msisdn=13800138000&date=2026-11-29', c.beijing)).body), [ids.theirs]);
    assert.ok(nav((await get('/web/messages', c.fujian)).body).includes('href="/web/messages"'));
    const centre = await get('/web/messages', c.centre);
    assert.equal(centre.statusCode, 403);
    assert.ok(!nav(centre.body).includes('href="/web/messages"'));
    const visitor = await get('/web/messages?msisdn=13800138000');
    assert.equal(visitor.statusCode, 303);
    assert.equal(visitor.headers.location, `/web/login?next=${encodeURIComponent('/web/messages?msisdn=13800138000')}`);
  });

  test('a next-page link carries the search on from the cursor', () => {
    const body = messageListPage('en', { msisdn: '13800138000', date: '2026-11-29', clientRef: '', contentProviderId: '' }, { messages: [], nextCursor: null }, null);
    assert.ok(!body.includes('next-page'));
    const v = { id: 'msg_1', contentProviderId: 'cp_1', status: 'delivered' as const, receivedAt: 0, registeredDelivery: false as const, verdicts: [], history: [], text: '<b>x</b>' };
    const paged = messageListPage('en', { msisdn: '13800138000', date: '2026-11-29', clientRef: 'a&b', contentProviderId: '' }, { messages: [v], nextCursor: 'k.ab' }, null);
    assert.match(paged, /<a id="next-page" href="\/web\/messages\?msisdn=13800138000&amp;date=2026-11-29&amp;clientRef=a%26b&amp;cursor=k.ab">/);
    assert.ok(paged.includes('&lt;b&gt;x&lt;/b&gt;'), 'the text is text, never markup');
  });
});
