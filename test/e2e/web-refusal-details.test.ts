/**
 * What the pages say about a refusal and about the evidence, beyond the message: an address refused by
 * the shared parameter hook is the pages' own HTML error page (the API keeps its JSON); a candidate the
 * gateway sent itself is marked with why it sent it; a rejection that names a rule and article shows
 * them, as the API's body does. A page the role may not see is headed as such (not 出错了) and leads
 * to the sign-in for a token that may.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, gatewaySuite, promotionThenOptOut } from '../helpers/gateway.js';
import { FORM, form, roleCookie, staffCookies } from '../helpers/web.js';
import { CN_2015 } from '../../src/profiles/cn-2015.js';

describe('web pages: refused addresses, gateway-sent candidates, rule and article', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });
  const cookies: Record<string, string> = {};

  before(async () => {
    Object.assign(cookies, await staffCookies(g));
  });

  test('a NUL or broken character in a page\'s address is an HTML error page in the page\'s language; the API keeps its JSON', async () => {
    const zh = await g.http.inject({ method: 'GET', url: '/web/complaint?x=%00' });
    assert.equal(zh.statusCode, 400);
    assert.match(zh.headers['content-type'] as string, /^text\/html/);
    assert.match(zh.body, /<h1>出错了<\/h1>/);
    assert.match(zh.body, /role="alert">地址中的参数“x”含有无法保存的字符[^<]*\(invalid_request\)/);
    assert.match(zh.body, /href="\/web\/complaint"/, 'with the navigation');
    const en = await g.http.inject({ method: 'GET', url: '/web/public/credit?lang=en&q=a%00b' });
    assert.equal(en.statusCode, 400);
    assert.match(en.headers['content-type'] as string, /^text\/html/);
    assert.match(en.body, /role="alert">The address&#39;s parameter “q” holds a character that cannot be stored[^<]*\(invalid_request\)/);
    // A path parameter, on a staff page; a parameter's name holding the NUL is not sent back in the page.
    const path = await g.http.inject({ method: 'GET', url: '/web/cases/abc%00', headers: { cookie: cookies.centre } });
    assert.equal(path.statusCode, 400);
    assert.match(path.headers['content-type'] as string, /^text\/html/);
    assert.match(path.body, /地址中的参数“id”/);
    const key = await g.http.inject({ method: 'GET', url: '/web/cases?a%00=1', headers: { cookie: cookies.centre } });
    assert.equal(key.statusCode, 400);
    assert.ok(!key.body.includes('\0'), 'no NUL in the page');
    assert.match(key.body, /地址中的参数“a\uFFFD”/);
    // A form posted to an address with one is refused the same way.
    const post = await g.http.inject({ method: 'POST', url: '/web/complaint/status?x=%00', headers: FORM, payload: form({ reference: 'X', accessCode: 'Y' }) });
    assert.equal(post.statusCode, 400);
    assert.match(post.headers['content-type'] as string, /^text\/html/);

    const api = await g.http.inject({ method: 'GET', url: '/v1/cases?state=%00', headers: cp.auth });
    assert.equal(api.statusCode, 400);
    assert.match(api.headers['content-type'] as string, /^application\/json/);
    assert.equal(api.json().error.code, 'invalid_request');
    assert.equal(api.json().error.field, 'state');
  });

  test('a candidate the gateway sent itself is marked with why it sent it, in both languages', async () => {
    const user = '13800138601';
    await promotionThenOptOut(g, cp, user);
    const f = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', request: '不要再发' } });
    assert.equal(f.statusCode, 201, f.body);
    const id = f.json().id as string;

    const zh = await g.http.inject({ method: 'GET', url: `/web/cases/${id}`, headers: { cookie: cookies.centre } });
    assert.equal(zh.statusCode, 200, zh.body);
    const rows = (body: string) => [...body.matchAll(/<tr(?: aria-current="true")?><td>[^<]*<\/td><td class="mono">[^<]*<\/td><td>([\s\S]*?)<\/td>/g)].map((x) => x[1]);
    const zhRows = rows(zh.body);
    assert.ok(zhRows.some((r) => /^<span class="purpose">系统发送：退订确认<\/span><br>【示例】您已成功退订/.test(r)), zhRows.join('\n'));
    assert.ok(zhRows.some((r) => r.startsWith('【示例】年终大促全场五折')), 'the provider\'s own message has no mark');
    const en = await g.http.inject({ method: 'GET', url: `/web/cases/${id}?lang=en`, headers: { cookie: cookies.centre } });
    assert.ok(rows(en.body).some((r) => r.includes('<span class="purpose">sent by the gateway: opt-out confirmation</span>')), en.body);
  });

  test('a refusal that names a rule and article shows them on the form; the API body is unchanged', async () => {
    const sent = { contentProviderId: other.id, kind: 'fine', amountYuan: '', notes: 'x', publicSummary: '' };
    const zh = await g.http.inject({ method: 'POST', url: '/web/credit/entries?lang=zh', headers: { ...FORM, cookie: cookies.regulator }, payload: form(sent) });
    assert.equal(zh.statusCode, 400);
    assert.match(zh.body, /role="alert"[\s\S]*金额（元）：罚款须填写[^<]*\(invalid_request\) 依据：违规罚款（supervision\.penalties）— 要点第12项（商业性短信息违规：罚款一万元以上三万元以下）<\/div>/);
    const en = await g.http.inject({ method: 'POST', url: '/web/credit/entries?lang=en', headers: { ...FORM, cookie: cookies.regulator }, payload: form(sent) });
    assert.match(en.body, /role="alert"[\s\S]*Amount \(yuan\): [^<]*\(invalid_request\) Rule: fines for violations \(supervision\.penalties\) — rule 12 \(RMB 10,000–30,000 for commercial-SMS violations\)<\/div>/);
    // A rejection without a rule gets no such line.
    const talk = await g.http.inject({ method: 'POST', url: '/web/credit/entries?lang=zh', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ ...sent, kind: 'supervision_talk', notes: '' }) });
    assert.match(talk.body, /role="alert"/);
    assert.doesNotMatch(talk.body, /依据：/);
    const api = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'api')).token}` }, payload: { contentProviderId: other.id, kind: 'fine', notes: 'x' } });
    assert.equal(api.statusCode, 400, api.body);
    assert.equal(api.json().error.rule, 'supervision.penalties');
    assert.doesNotMatch(api.json().error.message, /依据|Rule:/, 'the API\'s message is its own');

    // A case action the workflow refuses names the workflow's rule.
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138602', text: '无法识别的短信' } })).json();
    const close = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act?lang=en`, headers: { ...FORM, cookie: cookies.centre }, payload: 'action=close' });
    assert.equal(close.statusCode, 409, close.body);
    assert.match(close.body, /role="alert"[\s\S]*\(conflict\) Rule: a complaint case follows its workflow \(complaints\.workflow\) — rule 10/);

    // A regulator token limited to another province: the scope's rule and the profile's article.
    const bj = await roleCookie(g, 'regulator', 'beijing', { province: '11' });
    const annual = await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&year=2026`, headers: { cookie: bj } });
    assert.equal(annual.statusCode, 403, annual.body);
    const zhArticle = CN_2015.rules['supervision.province-scope'].articleZh!;
    assert.ok(annual.body.includes(`依据：限于一省的监管令牌只涉及本省企业（supervision.province-scope）— ${zhArticle}（出处未经原文核实）</p>`), annual.body);
    assert.match(annual.body, /role="alert">企业 [^<]*不在本令牌所限的省份内。 \(forbidden\) 依据：[^<]*— 第三条（[^<]*）；第三十条（监督检查）（出处未经原文核实）<\/p>/, 'the article in Chinese on the Chinese page');
    const annualEn = await g.http.inject({ method: 'GET', url: `/web/reports/annual?lang=en&contentProviderId=${cp.id}&year=2026`, headers: { cookie: bj } });
    assert.match(annualEn.body, /\(forbidden\) Rule: [^<]*\(supervision\.province-scope\) — Art\. 3 \([^<]*\(source not verified in the original\)<\/p>/, 'English pages as they were');
    // The API's body names the article exactly as the profile states it, in English, whatever the pages show.
    const bjApi = (await g.app.auth.createToken('regulator', 'beijing-api', null, { province: '11' })).token;
    const refused = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: { authorization: `Bearer ${bjApi}` }, payload: { contentProviderId: cp.id, kind: 'warning' } });
    assert.equal(refused.statusCode, 403, refused.body);
    const { rule, article, profile } = refused.json().error;
    assert.deepEqual({ rule, article, profile }, { rule: 'supervision.province-scope', article: CN_2015.rules['supervision.province-scope'].article, profile: 'cn-2015' });
    assert.doesNotMatch(refused.body, /第[一二三四五六七八九十]+条|工信部令/, 'no Chinese article in the API');
  });

  test('a compliance rejection through the API keeps the profile\'s English article, as does the message view', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: '13800138603', text: '【示例】新品', type: 'commercial', category: 'promo' } });
    assert.equal(r.statusCode, 422, r.body);
    const e = r.json().error;
    assert.equal(e.code, 'consent_missing');
    assert.deepEqual({ rule: e.rule, article: e.article, profile: e.profile }, { rule: 'commercial.consent', article: CN_2015.rules['commercial.consent'].article, profile: 'cn-2015' });
    assert.equal(e.article, 'Art. 18 (consent or request of the user)');
    const view = await g.http.inject({ method: 'GET', url: `/v1/messages/${r.json().id}`, headers: cp.auth });
    const failed = view.json().verdicts.find((v: { outcome: string }) => v.outcome === 'fail');
    assert.equal(failed.article, 'Art. 18 (consent or request of the user)', 'the message view too');
  });

  test('a page the role may not see: 403 headed as such, the roles it needs, and a way to sign in with another token', async () => {
    const zh = await g.http.inject({ method: 'GET', url: '/web/links', headers: { cookie: cookies.centre } });
    assert.equal(zh.statusCode, 403);
    assert.match(zh.headers['content-type'] as string, /^text\/html/);
    assert.match(zh.body, /<h1>无权查看此页<\/h1>/);
    assert.match(zh.body, /<p role="alert">这项操作需要以下身份之一：运营方。 \(forbidden\)<\/p>/);
    assert.match(zh.body, /<a id="switch-role" href="\/web\/login\?next=%2Fweb%2Flinks">换用有权限的令牌登录<\/a>/);
    const en = await g.http.inject({ method: 'GET', url: '/web/records?lang=en', headers: { cookie: cookies.centre } });
    assert.equal(en.statusCode, 403);
    assert.match(en.body, /<h1>Not open to your role<\/h1>/);
    assert.match(en.body, /<a id="switch-role" href="\/web\/login\?next=%2Fweb%2Frecords%3Flang%3Den">/);
    // any other refusal keeps the plain heading
    const missing = await g.http.inject({ method: 'GET', url: '/web/cases/nope', headers: { cookie: cookies.centre } });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /<h1>出错了<\/h1>/);
    assert.doesNotMatch(missing.body, /switch-role/);
  });
});
