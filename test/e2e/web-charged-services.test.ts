/**
 * `/web/charged-services` (docs/REGULATION.md rule 8): charged services as pages, through the same
 * use cases as GET/POST /v1/charged-services, GET /v1/charged-services/{id}/subscriptions and DELETE
 * …/subscriptions/{msisdn}. The operator lists every provider's services (name, tariff in yuan, charging
 * method, provider) and registers one, a refusal said in the page's language against the form's field;
 * a provider lists its own, reads its services' subscriptions a page at a time and ends one after
 * ticking a confirmation (a double click ends it once); another provider's service is 403 there as
 * from the API; a regulator reads both pages (audited as the API's read) without the forms, and a role
 * the API refuses (the report centre) gets 403 and no link.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, ADMIN_TOKEN, OTHER_PROVIDER, type TestGateway, type Provider } from '../helpers/gateway.js';
import { FORM, form, roleCookie, webCookie } from '../helpers/web.js';

const PORT = '10690001';
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';
const listed = (body: string) => [...body.matchAll(/<tr data-service="([^"]+)"/g)].map((m) => m[1]);
const subsListed = (body: string) => [...body.matchAll(/<tr data-subscription="[^"]+" data-msisdn="([^"]+)"/g)].map((m) => m[1]);
const rowOf = (body: string, attr: string, id: string) => new RegExp(`<tr ${attr}="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(body)?.[0] ?? '';
const alertText = (body: string) => /<div class="alert" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1].replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").trim() ?? '';
const onceOf = (body: string, formId?: string) => {
  const at = formId ? body.indexOf(`id="${formId}"`) : body.indexOf('class="end-form"');
  return /name="once" value="([^"]+)"/.exec(body.slice(at))?.[1] ?? '';
};

describe('the charged-services pages', () => {
  let g: TestGateway;
  let cp: Provider;
  let other: Provider;
  let serviceId = '';
  let otherServiceId = '';
  const c = {} as Record<'admin' | 'cp' | 'other' | 'regulator', string>;
  const get = (url: string, cookie?: string) => g.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const post = (url: string, cookie: string, body: Record<string, string> = {}) => g.http.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: form(body) });
  const apiGet = (url: string, auth: Record<string, string>) => g.http.inject({ method: 'GET', url, headers: auth });
  const subscribed = async (msisdn: string) => {
    const r = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: cp.auth, payload: { msisdn } });
    assert.equal(r.statusCode, 202, r.body);
    const y = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: msisdn, to: PORT, text: 'Y' } })).json();
    assert.equal(y.action, 'consent_granted', JSON.stringify(y));
  };

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g, { name: '天气科技有限公司' });
    other = await onboard(g, { ...OTHER_PROVIDER, name: '别家传媒有限公司' });
    const reg = async (body: Record<string, unknown>) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: body });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };
    serviceId = await reg({ contentProviderId: cp.id, name: '天气早知道', port: PORT, tariff: { amountFen: 200, per: 'month' } });
    otherServiceId = await reg({ contentProviderId: other.id, name: '别家彩铃', port: '10698001', tariff: { amountFen: 10, per: 'message' } });
    for (let i = 0; i < 52; i++) {
      await subscribed(`138001390${String(i).padStart(2, '0')}`);
      g.clock.advance(1_000);
    }
    Object.assign(c, {
      admin: await webCookie(g, ADMIN_TOKEN), cp: await webCookie(g, cp.apiKey), other: await webCookie(g, other.apiKey),
      regulator: await roleCookie(g, 'regulator', 'inspector'),
    });
  });
  after(async () => {
    await g?.close();
  });

  test('signed out: the sign-in, coming back to the page; a form posted is not kept', async () => {
    const r = await get('/web/charged-services');
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, `/web/login?next=${encodeURIComponent('/web/charged-services')}`);
    const ended = await g.http.inject({ method: 'POST', url: `/web/charged-services/${serviceId}/end`, headers: FORM, payload: form({ msisdn: '13800139000', confirm: 'yes' }) });
    assert.equal(ended.headers.location, `/web/login?next=${encodeURIComponent(`/web/charged-services/${serviceId}`)}&sent=1`);
  });

  test('the operator: every provider\'s services with name, tariff in yuan, charging method and provider, as the API lists them; in both languages', async () => {
    const r = await get('/web/charged-services', c.admin);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(nav(r.body), /<a href="\/web\/charged-services"(?: aria-current="page")?>收费业务<\/a>/);
    const api = (await apiGet('/v1/charged-services', g.admin)).json().items as { id: string }[];
    assert.deepEqual(listed(r.body), api.map((s) => s.id));
    assert.deepEqual(listed(r.body), [serviceId, otherServiceId]);
    const row = rowOf(r.body, 'data-service', serviceId);
    assert.match(row, new RegExp(`<a href="/web/charged-services/${serviceId}">天气早知道</a>`));
    assert.match(row, /2 元\/月/);
    assert.match(row, /包月/);
    assert.match(row, /天气科技有限公司/);
    assert.match(rowOf(r.body, 'data-service', otherServiceId), /0\.1 元\/条[\s\S]*按条[\s\S]*别家传媒有限公司/);
    assert.match(r.body, /id="register-form"/);
    // the list's heading says what it lists, not the page's title again
    assert.match(r.body, /<h2 id="services-h">已登记的收费业务<\/h2>/);
    // the filter offers the providers by name, not a field for a cp_ id
    assert.match(r.body, new RegExp(`<label for="ch-filter-provider">企业</label>\n<select id="ch-filter-provider" name="contentProviderId"><option value="" selected>全部</option>[^]*?<option value="${cp.id}">天气科技有限公司 \\(${cp.id}\\)</option>`));
    const en = await get('/web/charged-services?lang=en', c.admin);
    assert.match(nav(en.body), /<a href="\/web\/charged-services"(?: aria-current="page")?>Charged services<\/a>/);
    assert.match(rowOf(en.body, 'data-service', serviceId), /2 yuan a month[\s\S]*monthly/);
    // the provider filter, as ?contentProviderId= of the API
    const one = await get(`/web/charged-services?contentProviderId=${other.id}`, c.admin);
    assert.deepEqual(listed(one.body), [otherServiceId]);
  });

  test('the operator reads a service\'s subscriptions a page at a time, as the API pages them, and ends none', async () => {
    const r = await get(`/web/charged-services/${serviceId}`, c.admin);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /id="service-tariff">2 元\/月</);
    const api = (await apiGet(`/v1/charged-services/${serviceId}/subscriptions?limit=50`, g.admin)).json();
    assert.deepEqual(subsListed(r.body), api.items.map((s: { msisdn: string }) => s.msisdn));
    assert.equal(subsListed(r.body).length, 50);
    assert.match(rowOf(r.body, 'data-subscription', api.items[0].id), /有效/);
    assert.ok(!r.body.includes('class="end-form"'), 'ending is the provider\'s');
    const next = /id="next-page" href="([^"]+)"/.exec(r.body)?.[1].replace(/&amp;/g, '&');
    assert.equal(next, `/web/charged-services/${serviceId}?cursor=${encodeURIComponent(api.nextCursor)}`);
    const second = await get(next!, c.admin);
    assert.equal(second.statusCode, 200);
    assert.deepEqual(subsListed(second.body), ['+8613800139050', '+8613800139051']);
    assert.ok(!second.body.includes('id="next-page"'), 'the last page has no next');
    assert.match(second.body, /id="first-page"/);
    const stale = await get(`/web/charged-services/${serviceId}?cursor=nonsense`, c.admin);
    assert.equal(stale.statusCode, 400);
    assert.match(stale.body, /翻页链接已失效/);
  });

  test('the operator registers a service from the form (the tariff in yuan as the API\'s fen); a double submit registers one', async () => {
    const page = await get('/web/charged-services', c.admin);
    const once = onceOf(page.body, 'register-form');
    assert.match(once, /^[A-Za-z0-9_-]{22}$/);
    const body = { contentProviderId: cp.id, name: '每日英语', port: '10690002', amountYuan: '0.5', per: 'message', once };
    const [a, b] = await Promise.all([post('/web/charged-services', c.admin, body), post('/web/charged-services', c.admin, body)]);
    for (const r of [a, b]) {
      assert.equal(r.statusCode, 303, r.body);
      assert.equal(r.headers.location, '/web/charged-services?done=register');
    }
    const made = (await apiGet(`/v1/charged-services?contentProviderId=${cp.id}`, g.admin)).json().items.filter((s: { name: string }) => s.name === '每日英语');
    assert.equal(made.length, 1, 'registered once');
    assert.deepEqual(made[0].tariff, { amountFen: 50, per: 'message' });
    assert.equal(made[0].port, '10690002');
    const done = await get('/web/charged-services?done=register', c.admin);
    assert.match(done.body, /id="charged-done"/);
    assert.ok(listed(done.body).includes(made[0].id), 'listed');
  });

  test('the operator\'s refused registration: the API\'s status and code, said in the page\'s language against the field, the form as sent', async () => {
    // another provider's port: 422 port_not_owned, with its rule
    const notOwned = { contentProviderId: cp.id, name: '别人的端口', port: '10698001', amountYuan: '2', per: 'month' };
    const api = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: cp.id, name: '别人的端口', port: '10698001', tariff: { amountFen: 200, per: 'month' } } });
    assert.equal(api.statusCode, 422);
    const r = await post('/web/charged-services', c.admin, notOwned);
    assert.equal(r.statusCode, 422, r.body);
    const said = alertText(r.body);
    // the field by its label, then what to change: the code's label (发送端口不属于该企业) would say the port a third time
    assert.match(said, /^出错了：发送端口：该端口不属于所选企业，请填写该企业自己的端口。 \(port_not_owned\)/);
    assert.match(said, /sender\.port-owned/);
    assert.match(r.body, /id="ch-name" name="name" type="text" value="别人的端口"/, 'the form comes back as sent');
    // the refused field is marked and described by the refusal, so a screen reader says why at the field
    assert.match(r.body, /<div class="alert" role="alert" id="register-error">/);
    assert.match(r.body, /<input id="ch-port" name="port" type="text" value="10698001" required aria-invalid="true" aria-describedby="ch-port-hint register-error"/);
    assert.doesNotMatch(r.body, /id="ch-name"[^>]*aria-invalid/, 'only the field refused');
    const en = await g.http.inject({ method: 'POST', url: '/web/charged-services?lang=en', headers: { ...FORM, cookie: c.admin }, payload: form(notOwned) });
    assert.match(alertText(en.body), /^Something went wrong: Port: The port is another provider's: give one of this provider's own\. \(port_not_owned\)/);
    // a tariff beyond the fen: the API's 400 on tariff/amountFen, said against the yuan field
    const fen = await post('/web/charged-services', c.admin, { ...notOwned, port: PORT, amountYuan: '1.234' });
    assert.equal(fen.statusCode, 400, fen.body);
    assert.match(alertText(fen.body), /^出错了：资费金额（元）：请填写 0\.01 至 10000 元之间的金额，最多精确到分/);
    const none = await post('/web/charged-services', c.admin, { ...notOwned, port: PORT, amountYuan: '' });
    assert.equal(none.statusCode, 400);
    // an unknown provider: 404 as from the API
    const nobody = await post('/web/charged-services', c.admin, { ...notOwned, contentProviderId: 'cp_nobody' });
    assert.equal(nobody.statusCode, 404);
    assert.match(alertText(nobody.body), /^出错了：企业：没有这个已登记的企业/);
    assert.match(nobody.body, /<select id="ch-provider" name="contentProviderId" required aria-invalid="true" aria-describedby="register-error">/);
    assert.equal((await apiGet('/v1/charged-services', g.admin)).json().items.filter((s: { name: string }) => s.name === '别人的端口').length, 0);
  });

  test('a provider: its own services only; another\'s is 403 in the list\'s address and on its page, as from the API; registering is the operator\'s', async () => {
    const r = await get('/web/charged-services', c.cp);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(nav(r.body), /<a href="\/web\/charged-services"(?: aria-current="page")?>收费业务<\/a>/);
    const own = (await apiGet('/v1/charged-services', cp.auth)).json().items.map((s: { id: string }) => s.id);
    assert.deepEqual(listed(r.body), own);
    assert.ok(!listed(r.body).includes(otherServiceId), 'another\'s service not listed');
    assert.ok(!r.body.includes('id="register-form"'), 'no register form');
    for (const [url, apiUrl, status] of [
      [`/web/charged-services?contentProviderId=${other.id}`, `/v1/charged-services?contentProviderId=${other.id}`, 403],
      [`/web/charged-services/${otherServiceId}`, `/v1/charged-services/${otherServiceId}/subscriptions`, 403],
      ['/web/charged-services/chs_nobody', '/v1/charged-services/chs_nobody/subscriptions', 404],
    ] as const) {
      assert.equal((await apiGet(apiUrl, cp.auth)).statusCode, status, apiUrl);
      const page = await get(url, c.cp);
      assert.equal(page.statusCode, status, url);
      assert.ok(!page.body.includes('别家彩铃'), 'nothing of the other\'s service shown');
    }
    assert.match((await get(`/web/charged-services/${otherServiceId}`, c.cp)).body, /<h1>无权查看此页<\/h1>[\s\S]*企业只能查看和办理本企业的收费业务。 \(forbidden\)/);
    const posted = await post('/web/charged-services', c.cp, { contentProviderId: cp.id, name: 'x', port: PORT, amountYuan: '1', per: 'month' });
    assert.equal(posted.statusCode, 403);
    assert.match(alertText(posted.body), /这项操作需要以下身份之一：运营方。 \(forbidden\)/);
  });

  test('a provider ends a subscription after ticking the confirmation, as DELETE does; a double click ends it once; unticked, nothing ends', async () => {
    const number = '13800139003';
    const page = await get(`/web/charged-services/${serviceId}`, c.cp);
    assert.equal(page.statusCode, 200);
    const row = rowOf(page.body, 'data-subscription', [...page.body.matchAll(new RegExp(`data-subscription="([^"]+)" data-msisdn="\\+86${number}"`, 'g'))][0][1]);
    assert.match(row, /class="end-form"[\s\S]*name="confirm" value="yes" required/);
    const once = /name="once" value="([^"]+)"/.exec(row)?.[1] ?? '';
    const status = async () => (await apiGet(`/v1/charged-services/${serviceId}/subscriptions?limit=1000`, cp.auth)).json().items.find((s: { msisdn: string }) => s.msisdn === `+86${number}`);
    // unticked: the page's own confirmation refuses, localized; the subscription stands
    const unticked = await post(`/web/charged-services/${serviceId}/end`, c.cp, { msisdn: number, once });
    assert.equal(unticked.statusCode, 400);
    assert.match(alertText(unticked.body), /^出错了：请先勾选“确认终止”，再终止订购。 \(invalid_request\)/);
    const untickedEn = await post(`/web/charged-services/${serviceId}/end?lang=en`, c.cp, { msisdn: number, once });
    assert.match(alertText(untickedEn.body), /^Something went wrong: Tick the “Yes, end” box first, then end the subscription\. \(invalid_request\)/);
    assert.equal((await status()).status, 'active');
    const [a, b] = await Promise.all([
      post(`/web/charged-services/${serviceId}/end`, c.cp, { msisdn: number, once, confirm: 'yes' }),
      post(`/web/charged-services/${serviceId}/end`, c.cp, { msisdn: number, once, confirm: 'yes' }),
    ]);
    for (const r of [a, b]) {
      assert.equal(r.statusCode, 303, r.body);
      assert.equal(r.headers.location, `/web/charged-services/${serviceId}?done=end`);
    }
    const s = await status();
    assert.equal(s.status, 'ended');
    assert.equal(s.endReason, 'unsubscribed');
    const after = await get(`/web/charged-services/${serviceId}?done=end`, c.cp);
    assert.match(after.body, /id="charged-done"/);
    assert.match(rowOf(after.body, 'data-subscription', s.id), /已终止[\s\S]*企业终止/);
    // a fresh form for the ended number: the API's 404, said in words
    const again = await post(`/web/charged-services/${serviceId}/end`, c.cp, { msisdn: number, confirm: 'yes' });
    assert.equal(again.statusCode, 404);
    assert.match(alertText(again.body), /^出错了：手机号码：该号码对此业务没有有效的订购/);
    // another provider ends nothing of this service: 403 as DELETE answers it
    const api = await g.http.inject({ method: 'DELETE', url: `/v1/charged-services/${serviceId}/subscriptions/13800139004`, headers: other.auth });
    assert.equal(api.statusCode, 403);
    const theirs = await post(`/web/charged-services/${serviceId}/end`, c.other, { msisdn: '13800139004', confirm: 'yes' });
    assert.equal(theirs.statusCode, 403);
    // nor does the operator (the API's DELETE is the provider's)
    assert.equal((await post(`/web/charged-services/${serviceId}/end`, c.admin, { msisdn: '13800139004', confirm: 'yes' })).statusCode, 403);
    assert.equal((await apiGet(`/v1/charged-services/${serviceId}/subscriptions?limit=1000`, cp.auth)).json().items.find((x: { msisdn: string }) => x.msisdn === '+8613800139004').status, 'active');
  });

  test('a regulator: reads the pages as GET /v1/charged-services answers it, with the menu entry, and no register form nor end buttons', async () => {
    const list = await get('/web/charged-services', c.regulator);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(listed(list.body), listed((await get('/web/charged-services', c.admin)).body));
    assert.ok(listed(list.body).includes(serviceId) && listed(list.body).includes(otherServiceId));
    assert.ok(nav(list.body).includes('href="/web/charged-services"'), 'the menu entry');
    assert.ok(!list.body.includes('id="register-form"'), 'no register form');
    const one = await get(`/web/charged-services/${serviceId}`, c.regulator);
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(subsListed(one.body).length, 50);
    assert.ok(!one.body.includes('class="end-form"'), 'no end buttons');
    assert.ok(one.body.includes('id="next-page"'));
    const audit = (await apiGet('/v1/records?kind=audit&type=charged_subscriptions.read&limit=1000', { authorization: `Bearer ${ADMIN_TOKEN}` })).json().records;
    assert.ok(audit.some((r: { body: { serviceId?: string } }) => r.body.serviceId === serviceId), 'the page\'s read is audited as the API\'s');
    // what it cannot do through the API it cannot do here either
    const ended = await post(`/web/charged-services/${serviceId}/end`, c.regulator, { msisdn: '13800139000', confirm: 'yes', once: onceOf(one.body) || 'x' });
    assert.equal(ended.statusCode, 403);
  });

  test('the report centre: 403 as GET /v1/charged-services answers it, and no link to the pages', async () => {
    const centre = await roleCookie(g, 'report-centre', 'clerk');
    for (const url of ['/web/charged-services', `/web/charged-services/${serviceId}`]) {
      const r = await get(url, centre);
      assert.equal(r.statusCode, 403, url);
      assert.ok(!r.body.includes('天气早知道'), 'no service shown');
      assert.ok(!nav(r.body).includes('href="/web/charged-services"'), 'no link to the pages');
    }
  });
});
