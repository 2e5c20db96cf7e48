/**
 * The registry's pages: `/web/providers` (who is set up, with a status filter) and
 * `/web/providers/{id}` (one provider with its signatures and ports), as the operator, a regulator of
 * every province and one limited to Fujian, the provider itself and another, the report centre and a
 * visitor see them, in both languages. Providers: `cp` in Fujian (35) with three ports, `other` in
 * Beijing (11) with one, and one in Fujian with a licence number and a name that needs escaping.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, OTHER_PROVIDER, validCreditCode } from '../helpers/gateway.js';
import { roleCookie, staffCookies, webCookie } from '../helpers/web.js';

const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';
/** The list's rows as `id` in order. */
const rowIds = (body: string) => [...body.matchAll(/<tr data-provider="([^"]+)">/g)].map((m) => m[1]);
/** A table's body rows as their cells' text (tags dropped). */
const cells = (body: string, id: string) => {
  const table = new RegExp(`<table id="${id}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(body)?.[1] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()));
};

describe('the registry\'s web pages', () => {
  const { g, cp, other } = gatewaySuite({ other: { ...OTHER_PROVIDER, name: '北京别家公司', province: '11' } });
  const c: Record<'regulator' | 'centre' | 'fujian' | 'cp' | 'other', string> = {} as never;
  let licensed: { id: string };
  const get = (url: string, cookie?: string) => g.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const asAdmin = (url: string) => g.http.inject({ method: 'GET', url, headers: g.admin });

  before(async () => {
    Object.assign(c, await staffCookies(g), {
      fujian: await roleCookie(g, 'regulator', 'fj-inspector', { province: '35' }),
      cp: await webCookie(g, cp.apiKey),
      other: await webCookie(g, other.apiKey),
    });
    const r = await g.http.inject({ method: 'POST', url: '/v1/content-providers', headers: g.admin, payload: { name: '<b>闽&商</b> "公司"', creditCode: await validCreditCode('35'), licenseNumber: '闽B2-20260001' } });
    assert.equal(r.statusCode, 201, r.body);
    licensed = r.json();
    // One signature in each review state: registered by the operator (approved), then one waiting and one refused.
    const sigs = await g.app.ctx.store.directory.listSignatures(cp.id);
    for (const [signature, status] of [['【示例商城】', 'pending'], ['【示例旧号】', 'rejected']] as const) {
      // a second apart: the page lists them by registration time, and ids made in one millisecond
      // tie-break at random (under load the two were listed either way round)
      g.clock.advance(1_000);
      const s = await g.http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin, payload: { signature } });
      assert.equal(s.statusCode, 201, s.body);
      await g.app.ctx.store.directory.setSignatureStatus(s.json().id, status, g.clock.now());
    }
    assert.equal(sigs.length, 1);
  });

  test('the operator lists every provider: name linked to its page, credit code, licence, status and when registered', async () => {
    const r = await asAdmin('/web/providers');
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /<title>已登记企业 · smsguard<\/title>/);
    assert.deepEqual(rowIds(r.body), [cp.id, other.id, licensed.id], 'oldest first, as the API lists them');
    const rows = cells(r.body, 'providers');
    const code = (await g.app.ctx.store.directory.getContentProvider(cp.id))!.creditCode;
    const registered = new Date(g.clock.now() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    assert.deepEqual(rows[0], ['示例科技有限公司', code, '—', '正常', registered]);
    assert.equal(rows[2][2], '闽B2-20260001');
    assert.ok(r.body.includes(`<a href="/web/providers/${cp.id}">示例科技有限公司</a>`), 'the name links to the provider\'s page');
    // The name is text, never markup.
    assert.ok(r.body.includes('&lt;b&gt;闽&amp;商&lt;/b&gt; &quot;公司&quot;'), r.body);
    assert.ok(!r.body.includes('<b>闽'));
    assert.ok(!r.body.includes(cp.apiKey));
  });

  test('the status filter lists only that status and keeps it chosen; a status the use case refuses is an HTML 400', async () => {
    const s = await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${other.id}`, headers: g.admin, payload: { status: 'suspended' } });
    assert.equal(s.statusCode, 200, s.body);
    try {
      const suspended = await asAdmin('/web/providers?status=suspended');
      assert.equal(suspended.statusCode, 200, suspended.body);
      assert.deepEqual(rowIds(suspended.body), [other.id]);
      assert.match(suspended.body, /<option value="suspended" selected>已暂停<\/option>/);
      assert.deepEqual(rowIds((await asAdmin('/web/providers?status=active')).body), [cp.id, licensed.id]);
      assert.deepEqual(rowIds((await asAdmin('/web/providers?status=')).body), [cp.id, other.id, licensed.id], 'the empty choice is every status');
      const none = await get('/web/providers?status=suspended', c.fujian);
      assert.equal(none.statusCode, 200);
      assert.match(none.body, /没有符合条件的企业。/);
      const bad = await asAdmin('/web/providers?status=deleted');
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match(bad.headers['content-type'] as string, /text\/html/);
      assert.match(bad.body, /<p role="alert">请从列表中选择状态（正常或已暂停）。 \(invalid_request\)<\/p>/, 'said in the page\'s language');
      assert.match((await asAdmin('/web/providers?status=deleted&lang=en')).body, /<p role="alert">Choose a status from the list \(active or suspended\)\. \(invalid_request\)<\/p>/);
    } finally {
      await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${other.id}`, headers: g.admin, payload: { status: 'active' } });
    }
  });

  test('a provider\'s page shows its registration, each signature with its review state and each port with its kind', async () => {
    const r = await asAdmin(`/web/providers/${cp.id}`);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /<h1>示例科技有限公司<\/h1>/);
    assert.ok(r.body.includes(`<dd class="mono">${cp.id}</dd>`));
    assert.match(r.body, /<span class="state" id="provider-status">正常<\/span>/);
    assert.deepEqual(cells(r.body, 'signatures').map((x) => x.slice(0, 2)), [['【示例】', '已通过'], ['【示例商城】', '待审核'], ['【示例旧号】', '未通过']]);
    assert.deepEqual(cells(r.body, 'ports').map((x) => x.slice(0, 2)), [['10690001', '行业（服务类）'], ['10690002', '营销（商业类）'], ['10690003', '公益']]);
    assert.ok(r.body.includes('<a href="/web/providers">← 返回企业列表</a>'), 'the way back to the list');
    const lic = await asAdmin(`/web/providers/${licensed.id}`);
    assert.match(lic.body, /<dd class="mono">闽B2-20260001<\/dd>/);
    assert.match(lic.body, /没有登记端口。/);
    assert.match(lic.body, /<h1>&lt;b&gt;闽&amp;商&lt;\/b&gt; &quot;公司&quot;<\/h1>/);
  });

  test('an unknown provider is the 404 page; the list and a page need a sign-in', async () => {
    const r = await asAdmin('/web/providers/cp_nobody');
    assert.equal(r.statusCode, 404, r.body);
    assert.match(r.body, /<p role="alert">没有已登记的企业 cp_nobody。 \(not_found\)<\/p>/);
    assert.ok(nav(r.body).includes('href="/web/providers"'), 'with the site\'s navigation');
    for (const url of ['/web/providers', `/web/providers/${cp.id}`]) {
      const anon = await get(url);
      assert.equal(anon.statusCode, 303, url);
      assert.equal(anon.headers.location, `/web/login?next=${encodeURIComponent(url)}`);
    }
  });

  test('a regulator of every province sees every provider; one limited to a province only those registered there', async () => {
    assert.deepEqual(rowIds((await get('/web/providers', c.regulator)).body), [cp.id, other.id, licensed.id]);
    const fj = await get('/web/providers', c.fujian);
    assert.equal(fj.statusCode, 200, fj.body);
    assert.deepEqual(rowIds(fj.body), [cp.id, licensed.id]);
    assert.equal((await get(`/web/providers/${cp.id}`, c.fujian)).statusCode, 200);
    assert.equal((await get(`/web/providers/${other.id}`, c.regulator)).statusCode, 200);
    const out = await get(`/web/providers/${other.id}`, c.fujian);
    assert.equal(out.statusCode, 403, out.body);
    assert.match(out.body, /<p role="alert">[^<]*不在本令牌所限的省份内[^<]*\(forbidden\)/);
    assert.ok(!out.body.includes('10698001'), 'nothing of the provider is shown');
  });

  test('a provider sees its own entry, without a list to go back to; another\'s, or an id that is none, is the 403 page', async () => {
    const list = await get('/web/providers', c.cp);
    assert.equal(list.statusCode, 303, 'the list is not a provider\'s: it goes to its own entry');
    assert.equal(list.headers.location, `/web/providers/${cp.id}`);
    const own = await get(`/web/providers/${cp.id}`, c.cp);
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(cells(own.body, 'ports').length, 3);
    assert.ok(!own.body.includes('href="/web/providers"'), 'no link to a list it may not read');
    assert.ok(nav(own.body).includes(`<a href="/web/providers/${cp.id}" aria-current="page">本企业登记信息</a>`), 'its own entry, marked as the page shown');
    for (const id of [other.id, 'cp_nobody']) {
      const r = await get(`/web/providers/${id}`, c.cp);
      assert.equal(r.statusCode, 403, `${id}: ${r.body}`);
      assert.match(r.body, /<p role="alert">企业只能查看本企业的登记信息。 \(forbidden\)<\/p>/, id);
      assert.ok(!r.body.includes('北京别家公司') && !r.body.includes('10698001'), id);
    }
    assert.equal((await get(`/web/providers/${other.id}`, c.other)).statusCode, 200, 'the other provider reads itself');
  });

  test('the menu links the registry for the operator and regulators, a provider\'s own entry for a provider, and nothing for the report centre; whom it is not for get 403', async () => {
    for (const [who, headers] of [['admin', g.admin], ['regulator', { cookie: c.regulator }], ['fujian', { cookie: c.fujian }]] as const) {
      const r = await g.http.inject({ method: 'GET', url: '/web/cases', headers });
      assert.match(nav(r.body), /<li><a href="\/web\/providers"(?: aria-current="page")?>企业登记<\/a><\/li>/, who);
    }
    const centre = await get('/web/cases', c.centre);
    assert.ok(!nav(centre.body).includes('/web/providers'), 'report centre');
    assert.ok(!nav((await get('/web/complaint')).body).includes('/web/providers'), 'public');
    for (const url of ['/web/providers', `/web/providers/${cp.id}`]) {
      const r = await get(url, c.centre);
      assert.equal(r.statusCode, 403, `${url}: ${r.body}`);
      assert.match(r.body, /<p role="alert">[^<]*\(forbidden\)<\/p>/);
    }
  });

  test('in English: the titles, columns, states and kinds', async () => {
    const list = await asAdmin('/web/providers?lang=en');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /<html lang="en">/);
    assert.match(list.body, /<h1>Registered providers<\/h1>/);
    assert.match(list.body, /<th scope="col">Provider<\/th><th scope="col">Credit code<\/th><th scope="col">Licence number<\/th><th scope="col">Status<\/th><th scope="col">Registered<\/th>/);
    assert.match(nav(list.body), /<li><a href="\/web\/providers"(?: aria-current="page")?>Registered providers<\/a><\/li>/);
    assert.deepEqual(cells(list.body, 'providers')[0].slice(3, 4), ['active']);
    const one = await get(`/web/providers/${cp.id}?lang=en`, c.cp);
    assert.deepEqual(cells(one.body, 'signatures').map((x) => x[1]), ['approved', 'pending review', 'rejected']);
    assert.deepEqual(cells(one.body, 'ports').map((x) => x[1]), ['service', 'commercial', 'public welfare']);
    assert.match(one.body, /<h2 id="sigs-h">Signatures<\/h2>[\s\S]*<h2 id="ports-h">Ports<\/h2>/);
    assert.match(nav(one.body), /Our registration/);
    const out = await get(`/web/providers/${other.id}?lang=en`, c.fujian);
    assert.equal(out.statusCode, 403);
    assert.match(out.body, /Provider [^ ]+ is outside this token&#39;s province\. \(forbidden\)/);
    assert.match((await get(`/web/providers/${other.id}?lang=en`, c.cp)).body, /<p role="alert">A provider reads only its own registration\. \(forbidden\)<\/p>/);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/content-providers/${other.id}`, headers: cp.auth })).json().error.message, 'not your resource', 'the API\'s body is as it was');
    const unknown = await asAdmin('/web/providers/cp_nobody?lang=en');
    assert.match(unknown.body, /There is no registered provider cp_nobody\. \(not_found\)/);
  });

  // Last: it takes back a signature and a port of cp's for good.
  test('a revoked signature and a retired port stay on the page, with their state, when and why', async () => {
    const old = (await g.app.ctx.store.directory.listSignatures(cp.id)).find((x) => x.signature === '【示例旧号】')!;
    assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/content-providers/${cp.id}/signatures/${old.id}`, headers: g.admin, payload: { reason: '商标已转让' } })).statusCode, 200);
    assert.equal((await g.http.inject({ method: 'DELETE', url: '/v1/ports/10690003', headers: g.admin, payload: { reason: '码号已收回' } })).statusCode, 200);
    const when = new Date(g.clock.now() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const zh = await asAdmin(`/web/providers/${cp.id}`);
    assert.deepEqual(cells(zh.body, 'signatures').map((x) => x[1]), ['已通过', '待审核', `已撤销 ${when} · 商标已转让`]);
    assert.deepEqual(cells(zh.body, 'ports').map((x) => [x[0], x[3]]), [['10690001', '使用中'], ['10690002', '使用中'], ['10690003', `已停用 ${when} · 码号已收回`]]);
    const en = await get(`/web/providers/${cp.id}?lang=en`, c.cp);
    assert.deepEqual(cells(en.body, 'ports').map((x) => x[3].split(' ')[0]), ['in', 'in', 'retired']);
  });
});
