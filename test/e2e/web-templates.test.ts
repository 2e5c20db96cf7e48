/**
 * `/web/templates`: content templates as a page, through the same use cases as GET /v1/templates and
 * POST /v1/templates/{id}/review. The operator sees the templates awaiting review oldest first (provider,
 * signature, type, body, the machine check's findings) with Approve and Reject (reason required) forms,
 * a filter by status and provider; an approval the use case refuses (409: the machine check found
 * faults) is said on the page with the code's label and message. A provider sees its own templates,
 * with status and reason, read-only; a role the API refuses (regulator, report centre) gets 403.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, ADMIN_TOKEN, type TestGateway, type Provider } from '../helpers/gateway.js';
import { FORM, form, roleCookie, webCookie } from '../helpers/web.js';
import type { FastifyInstance } from 'fastify';
import { installContent } from '../helpers/content.js';

const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';
const listed = (body: string) => [...body.matchAll(/<tr data-template="([^"]+)"/g)].map((m) => m[1]);
const rowOf = (body: string, id: string) => new RegExp(`<tr data-template="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(body)?.[0] ?? '';

describe('the content templates page', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let p: Provider;
  let other: Provider;
  const ids: string[] = [];
  let otherId = '';
  let faultyId = '';
  const c = {} as Record<'admin' | 'cp' | 'other' | 'regulator' | 'centre', string>;
  const get = (url: string, cookie?: string) => http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const post = (url: string, cookie: string, body: Record<string, string> = {}) => http.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: form(body) });
  const api = async (id: string) => (await http.inject({ method: 'GET', url: `/v1/templates/${id}`, headers: g.admin })).json();
  const submit = async (who: Provider, payload: Record<string, string>) => {
    const r = await http.inject({ method: 'POST', url: '/v1/templates', headers: who.auth, payload });
    assert.equal(r.statusCode, 201, r.body);
    return r.json() as { id: string; status: string };
  };

  before(async () => {
    g = await startTestGateway();
    ({ http } = await installContent(g));
    p = await onboard(g);
    other = await onboard(g, { signature: '【别家】', ports: { service: '10690101' } });
    for (let i = 1; i <= 3; i++) {
      ids.push((await submit(p, { signature: '【示例】', type: 'notification', body: `您的快递${i}号已到达\${place:text(10)}，请及时领取。` })).id);
      g.clock.advance(60_000);
    }
    otherId = (await submit(other, { signature: '【别家】', type: 'verification', body: '您的验证码为${code}，5分钟内有效，请勿泄露。' })).id;
    // the machine check refuses it at once (a signature that is not the provider's, brackets in the body)
    const faulty = await submit(p, { signature: '【别人的】', type: 'notification', body: '【促销】您的订单已发货。' });
    assert.equal(faulty.status, 'rejected');
    faultyId = faulty.id;
    Object.assign(c, {
      admin: await webCookie({ http }, ADMIN_TOKEN), cp: await webCookie({ http }, p.apiKey), other: await webCookie({ http }, other.apiKey),
      regulator: await roleCookie({ http, app: g.app }, 'regulator', 'inspector'), centre: await roleCookie({ http, app: g.app }, 'report-centre', 'clerk'),
    });
  });
  after(async () => {
    await http?.close();
    await g?.close();
  });

  test('signed out: the sign-in, coming back to the page', async () => {
    const r = await get('/web/templates');
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, `/web/login?next=${encodeURIComponent('/web/templates')}`);
    const posted = await http.inject({ method: 'POST', url: `/web/templates/${ids[0]}/approve`, headers: FORM, payload: '' });
    assert.equal(posted.statusCode, 303);
    assert.equal(posted.headers.location, `/web/login?next=${encodeURIComponent('/web/templates')}&sent=1`);
    assert.equal((await api(ids[0])).status, 'pending');
  });

  test('the operator: the pending templates oldest first with provider, signature, type, body, findings and the forms', async () => {
    const r = await get('/web/templates', c.admin);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(nav(r.body), /<a href="\/web\/templates"(?: aria-current="page")?>短信模板<\/a>/);
    assert.match(r.body, /<h1>短信模板审核<\/h1>/);
    assert.deepEqual(listed(r.body), [...ids, otherId], 'pending only, oldest first');
    const fromApi = (await http.inject({ method: 'GET', url: '/v1/templates?status=pending', headers: g.admin })).json().templates as { id: string }[];
    assert.deepEqual(fromApi.map((t) => t.id), listed(r.body), 'the same list as the API, in its order');
    const row = rowOf(r.body, ids[0]);
    // the provider by its name, its id after it; the filter offers the providers by name
    assert.match(row, new RegExp(`<td class="template-provider">[^<]+ <span class="mono hint" style="display:inline">${p.id}</span></td>`));
    assert.match(r.body, new RegExp(`<select id="tpl-provider" name="contentProviderId"><option value="" selected>全部</option>[^]*?<option value="${p.id}">[^<]+ \\(${p.id}\\)</option>`));
    assert.ok(row.includes('<td class="template-signature">【示例】</td>'));
    assert.ok(row.includes('<td class="template-type">通知</td>'));
    assert.ok(row.includes('<td class="template-body">您的快递1号已到达${place:text(10)}，请及时领取。</td>'));
    assert.match(row, /未发现问题/);
    assert.match(row, new RegExp(`<form method="post" action="/web/templates/${ids[0]}/approve"`));
    assert.match(row, new RegExp(`<form method="post" action="/web/templates/${ids[0]}/reject"`));
    assert.match(row, /<input id="tpl-reject-reason-0" name="reason" type="text" maxlength="1000" required>/);
    // the filter: by status and by provider
    const rejected = await get('/web/templates?status=rejected', c.admin);
    assert.deepEqual(listed(rejected.body), [faultyId]);
    const findings = rowOf(rejected.body, faultyId);
    // each finding by what is wrong, its id after it for support
    assert.match(findings, /签名未经审核通过 <span class="mono hint" style="display:inline">signature_unregistered<\/span>：<span lang="en">/);
    assert.match(findings, /正文含有【】（只有签名可以用） <span class="mono hint" style="display:inline">brackets_in_body<\/span>/);
    assert.match(findings, /machine checks failed/);
    assert.match(rejected.body, /<option value="rejected" selected>/);
    const theirs = await get(`/web/templates?status=&contentProviderId=${other.id}`, c.admin);
    assert.deepEqual(listed(theirs.body), [otherId]);
    const en = await get('/web/templates?lang=en', c.admin);
    assert.match(en.body, /<h1>Message templates<\/h1>/);
    assert.match(rowOf(en.body, ids[0]), /Approve/);
    const bad = await get('/web/templates?status=bogus', c.admin);
    assert.equal(bad.statusCode, 400);
  });

  test('approve: 303 with a line saying so, and the template leaves the pending list', async () => {
    const r = await post(`/web/templates/${ids[0]}/approve`, c.admin, { status: 'pending', contentProviderId: '' });
    assert.equal(r.statusCode, 303, r.body);
    assert.equal(r.headers.location, '/web/templates?done=approve');
    assert.equal((await api(ids[0])).status, 'approved');
    const after = await get(r.headers.location!, c.admin);
    assert.match(after.body, /<p class="ok" role="status" id="templates-done">模板已通过。<\/p>/);
    assert.deepEqual(listed(after.body), [ids[1], ids[2], otherId]);
  });

  test('reject: a reason is required, and is recorded', async () => {
    const blank = await post(`/web/templates/${ids[1]}/reject`, c.admin, { reason: '  ', status: 'pending', contentProviderId: '' });
    assert.equal(blank.statusCode, 400, blank.body);
    assert.match(blank.body, /role="alert"/);
    assert.match(blank.body, /请求格式有误/);
    assert.equal((await api(ids[1])).status, 'pending');
    const r = await post(`/web/templates/${ids[1]}/reject`, c.admin, { reason: '地址变量过长', status: 'pending', contentProviderId: '' });
    assert.equal(r.statusCode, 303, r.body);
    assert.equal(r.headers.location, '/web/templates?done=reject');
    const t = await api(ids[1]);
    assert.equal(t.status, 'rejected');
    assert.equal(t.reason, '地址变量过长');
    assert.ok(!listed((await get(r.headers.location!, c.admin)).body).includes(ids[1]));
  });

  test('a refused approval: the machine check found faults, 409 with the code label and message, the row marked', async () => {
    const r = await post(`/web/templates/${faultyId}/approve`, c.admin, { status: 'rejected', contentProviderId: '' });
    assert.equal(r.statusCode, 409, r.body);
    assert.match(r.body, /role="alert"/);
    assert.ok(r.body.includes(`与当前状态不符：template ${faultyId} fails machine checks (signature_unregistered, brackets_in_body) and cannot be approved (conflict)`), r.body);
    assert.match(rowOf(r.body, faultyId), /data-refused="true"/);
    assert.equal((await api(faultyId)).status, 'rejected');
  });

  test('a provider: its own templates with status and reason, read-only; the review is refused', async () => {
    const r = await get('/web/templates', c.cp);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(nav(r.body), /<a href="\/web\/templates"(?: aria-current="page")?>短信模板<\/a>/);
    const own = (await http.inject({ method: 'GET', url: '/v1/templates', headers: p.auth })).json().templates as { id: string }[];
    assert.deepEqual(listed(r.body), own.map((t) => t.id));
    assert.ok(!listed(r.body).includes(otherId), "not another provider's");
    assert.ok(listed(r.body).includes(faultyId));
    assert.match(rowOf(r.body, ids[1]), /未通过[\s\S]*地址变量过长/);
    assert.doesNotMatch(r.body, /action="\/web\/templates\/[^"]+\/(approve|reject)"/);
    assert.doesNotMatch(r.body, /id="tpl-provider"/, 'no provider filter: the list is its own');
    // asking for another's is refused, as the API refuses it (it showed its own as if the other's)
    assert.equal((await get(`/web/templates?contentProviderId=${other.id}`, c.cp)).statusCode, 403);
    assert.deepEqual(listed((await get(`/web/templates?contentProviderId=${p.id}`, c.cp)).body), own.map((t) => t.id));
    const refused = await post(`/web/templates/${ids[2]}/approve`, c.cp, {});
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal((await api(ids[2])).status, 'pending');
  });

  test('roles the API refuses: 403 and no menu entry', async () => {
    for (const who of [c.regulator, c.centre]) {
      const r = await get('/web/templates', who);
      assert.equal(r.statusCode, 403, r.body);
      assert.doesNotMatch(nav(r.body), /<a href="\/web\/templates"(?: aria-current="page")?>/);
      const posted = await post(`/web/templates/${ids[2]}/approve`, who, {});
      assert.equal(posted.statusCode, 403);
    }
    assert.equal((await api(ids[2])).status, 'pending');
  });
});
