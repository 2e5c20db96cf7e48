/**
 * The staff and public pages as their users meet them (found by a QA pass in a browser): a refused
 * form comes back filled in as it was sent, and an address the pages refuse is an HTML page, never
 * the API's JSON.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { complaintOnPromotion, gatewaySuite, onboard } from '../helpers/gateway.js';
import { FORM, form, roleCookie, staffCookies, webCookie } from '../helpers/web.js';


describe('web pages: refused forms keep what was typed; refused addresses are pages', () => {
  const { g, cp, other } = gatewaySuite({ other: { name: '另一家公司', signature: '【另一家】', ports: { service: '10697001' } } });
  const cookies: Record<string, string> = {};

  const cookieFor = (token: string): Promise<string> => webCookie(g, token);

  before(async () => {
    Object.assign(cookies, await staffCookies(g), { cp: await cookieFor(cp.apiKey) });
  });

  test('the case list answers a state or cursor it refuses with an HTML page and the API\'s status, not JSON', async () => {
    for (const url of ['/web/cases?state=bogus', '/web/cases?cursor=zzz']) {
      const r = await g.http.inject({ method: 'GET', url, headers: { cookie: cookies.regulator } });
      assert.equal(r.statusCode, 400, url);
      assert.match(r.headers['content-type'] as string, /^text\/html/, url);
      assert.match(r.body, /role="alert"[\s\S]*\(invalid_request\)/, url);
    }
  });

  test('an address under /web that is no page is an HTML 404 with the navigation, in the chosen language', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/web/casez' });
    assert.equal(r.statusCode, 404);
    assert.match(r.headers['content-type'] as string, /^text\/html/);
    assert.match(r.body, /<h1>页面不存在<\/h1>/);
    assert.match(r.body, /href="\/web\/complaint"/);
    const en = await g.http.inject({ method: 'GET', url: '/web/no/such/page?lang=en' });
    assert.equal(en.statusCode, 404);
    assert.match(en.body, /<h1>Page not found<\/h1>/);
    // The real pages are not shadowed by it.
    assert.equal((await g.http.inject({ method: 'GET', url: '/web/public/credit' })).statusCode, 200);
    assert.equal((await g.http.inject({ method: 'GET', url: '/web/cases' })).statusCode, 303);
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/nothing' })).json().error.code, 'not_found', 'the API keeps its JSON 404');
  });

  test('a credit-file entry the regulator is refused comes back with the provider, kind, notes and summary as typed', async () => {
    const sent = { contentProviderId: other.id, kind: 'fine', amountYuan: '', notes: '约谈记录：<b>第三次</b>\n详见卷宗 17 号', publicSummary: '责令整改 "营销短信"' };
    const r = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form(sent) });
    assert.equal(r.statusCode, 400, 'a fine needs an amount');
    // Found by QA: the alert was the API's English ('amountYuan: a fine needs a positive amount in yuan'); it names the form's field.
    assert.match(r.body, /role="alert"[\s\S]*金额（元）：罚款须填写大于 0 的金额（元）[^<]*\(invalid_request\)/);
    assert.doesNotMatch(r.body, /amountYuan:|a fine needs/);
    const en = await g.http.inject({ method: 'POST', url: '/web/credit/entries?lang=en', headers: { ...FORM, cookie: cookies.regulator }, payload: form(sent) });
    assert.match(en.body, /role="alert"[\s\S]*Amount \(yuan\): A fine needs an amount in yuan above 0[^<]*\(invalid_request\)/);
    const talk = await g.http.inject({ method: 'POST', url: '/web/credit/entries?lang=zh', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ ...sent, kind: 'supervision_talk', notes: '' }) });
    assert.match(talk.body, /role="alert"[\s\S]*内部备注：约谈须填写内部备注[^<]*\(invalid_request\)/);
    assert.match(r.body, new RegExp(`<option value="${other.id}" selected>`), 'the provider chosen');
    assert.doesNotMatch(r.body, new RegExp(`<option value="${cp.id}" selected>`));
    assert.match(r.body, /<option value="fine" selected>/, 'the kind chosen');
    assert.match(r.body, /<textarea id="e-notes"[^>]*>约谈记录：&lt;b&gt;第三次&lt;\/b&gt;\n详见卷宗 17 号<\/textarea>/, 'the notes, escaped');
    assert.match(r.body, /id="e-summary" name="publicSummary" type="text" value="责令整改 &quot;营销短信&quot;"/);
    const ok = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ ...sent, amountYuan: '5000' }) });
    assert.equal(ok.statusCode, 303, ok.body);
    const fresh = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: cookies.regulator } });
    assert.doesNotMatch(fresh.body, / selected>/, 'a fresh form starts empty');
  });

  test('a 12321 import leaves the lines that failed in the text area, and only those', async () => {
    const good = JSON.stringify({ reference: 'QA-OK-1', msisdn: '13800138000', sender: '10690001', text: '【示例】验证码' });
    const bad = JSON.stringify({ reference: 'QA-BAD-2', msisdn: '123', text: 'x' });
    const r = await g.http.inject({ method: 'POST', url: '/web/reports/import', headers: { ...FORM, cookie: cookies.centre }, payload: form({ jsonl: `${good}\n\n${bad}\n{not json` }) });
    assert.equal(r.statusCode, 200, r.body);
    const area = /<textarea id="jsonl"[^>]*>([\s\S]*?)<\/textarea>/.exec(r.body)?.[1] ?? '';
    const lines = area.split('\n').map((l) => l.replaceAll('&quot;', '"'));
    assert.deepEqual(lines, [bad, '{not json'], 'the two failed lines, the filed one not');
    assert.match(r.body, /失败的行已留在下方文本框中/);
    const again = await g.http.inject({ method: 'POST', url: '/web/reports/import', headers: { ...FORM, cookie: cookies.centre }, payload: form({ jsonl: good }) });
    assert.equal(/<textarea id="jsonl"[^>]*>([\s\S]*?)<\/textarea>/.exec(again.body)?.[1], '', 'nothing failed, nothing left');
    assert.doesNotMatch(again.body, /失败的行已留在/);
  });

  test('a refused case action shows that form again with the answer, finding, measures and reason as sent', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138002', sender: '10690001', text: '【示例】营销' } })).json();
    const fw = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, cookie: cookies.centre }, payload: form({ action: 'forward' }) });
    assert.equal(fw.statusCode, 303, fw.body);
    const sent = { action: 'answer', text: '   ', finding: 'partly_confirmed', measures: ['opt_out', 'refund'], measureNote: '退还 2 元', reason: '已核实发送记录 <见附件>' };
    const r = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, cookie: cookies.cp }, payload: form(sent) });
    assert.equal(r.statusCode, 400, 'a blank answer');
    assert.match(r.body, /role="alert"[\s\S]*答复内容（将以短信发送给用户）：请填写发给用户的答复内容[^<]*\(invalid_request\)/);
    assert.doesNotMatch(r.body, /must not be blank/);
    assert.match(r.body, /id="act-answer-f-partly_confirmed" name="finding" value="partly_confirmed" checked>/);
    assert.doesNotMatch(r.body, /id="act-answer-f-confirmed"[^>]* checked/);
    assert.match(r.body, /id="act-answer-m-opt_out" name="measures" value="opt_out" checked>/);
    assert.match(r.body, /id="act-answer-m-refund" name="measures" value="refund" checked>/);
    assert.doesNotMatch(r.body, /id="act-answer-m-block_template"[^>]* checked/);
    assert.match(r.body, /id="act-answer-mnote" name="measureNote" type="text" value="退还 2 元"/);
    assert.match(r.body, /<textarea id="act-answer-reason"[^>]*>已核实发送记录 &lt;见附件&gt;<\/textarea>/);
    assert.match(r.body, /<textarea id="act-investigate-reason"[^>]*><\/textarea>/, 'the other forms start empty');
  });

  test('the case page and the credit page name the evidence and the provider status in the page\'s language', async () => {
    const f = await complaintOnPromotion(g, cp, '13800138003', '【示例】会员日全场八折');
    const zh = (await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: { cookie: cookies.regulator } })).body;
    assert.match(zh, /<th scope="col">匹配度<\/th>/);
    // the score, a bare number, is said what it measures and which way is closer
    assert.match(zh, /<p class="hint" id="score-hint">匹配度按发送方、短信内容和时间与投诉的接近程度计算，数值越高越接近；[^<]*<\/p>\n<table aria-describedby="score-hint">/);
    assert.match(zh, /<dt>同意记录编号<\/dt>[\s\S]*<dt>业务类别<\/dt>[\s\S]*<dt>同意时间<\/dt>[\s\S]*<dt>同意凭证<\/dt>/);
    assert.match(zh, /id="matched-message">[^\n]*· 商业<br>/, 'the message class');
    assert.match(zh, /<li>已接受 · /, 'the status history');
    for (const raw of ['>score<', '<dt>id</dt>', '<dt>category</dt>', '<dt>granted</dt>', '<dt>proof</dt>', '<li>accepted', '· commercial<br>']) assert.ok(!zh.includes(raw), raw);
    const en = (await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}?lang=en`, headers: { cookie: cookies.regulator } })).body;
    assert.match(en, /<th scope="col">Score<\/th>/);
    assert.match(en, /id="score-hint">Score: how closely the sender, the text and the time match the complaint, higher is closer;/);
    assert.match(en, /· commercial<br>/);
    const credit = (await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: cookies.regulator } })).body;
    assert.match(credit, /<th scope="col">状态<\/th>/);
    assert.match(credit, new RegExp(`<tr data-provider="${cp.id}">[^\n]*<td>正常</td>`));
    assert.ok(!credit.includes('>status<') && !credit.includes('<td>active</td>'));
  });

  test('the complaint and status pages say what to change in the page\'s language, keeping the code', async () => {
    const cases: [Record<string, string>, number, RegExp, RegExp][] = [
      [{ msisdn: '12345', text: 'x' }, 422, /请填写收到短信的中国大陆手机号码[^<]*\(invalid_msisdn\)/, /Give the mainland mobile number[^<]*\(invalid_msisdn\)/],
      [{ msisdn: '13800138000', sender: '示例' }, 400, /签名请连同【】一起填写[^<]*\(invalid_request\)/, /with its 【】 brackets/],
      [{ msisdn: '13800138000' }, 400, /请至少填写发送号码或签名、短信内容，或附上截图中的一项/, /Give at least one of/],
      [{ msisdn: '13800138000', text: 'x'.repeat(2001) }, 400, /短信内容请不超过 2000 字/, /2000 characters or fewer/],
      [{ msisdn: '13800138000', text: 'x', receivedAt: '2099-01-01T10:00' }, 400, /收到时间无法识别、早于 2000 年或晚于现在/, /is in the future/],
    ];
    for (const [body, status, zh, en] of cases) {
      const r = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form(body) });
      assert.equal(r.statusCode, status, JSON.stringify(body));
      assert.match(r.body, zh, JSON.stringify(body));
      assert.doesNotMatch(r.body, /msisdn:|sender:|text:|receivedAt:/, 'no API field names');
      const e = await g.http.inject({ method: 'POST', url: '/web/complaint?lang=en', headers: FORM, payload: form(body) });
      assert.match(e.body, en, JSON.stringify(body));
    }
    const st = await g.http.inject({ method: 'POST', url: '/web/complaint/status', headers: FORM, payload: form({ reference: 'C20260101AAAAAAAA', accessCode: 'nope' }) });
    assert.equal(st.statusCode, 404);
    assert.match(st.body, /案件编号或查询码不正确[^<]*\(not_found\)/);
    // The API's own words are unchanged.
    const api = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '12345', text: 'x' } });
    assert.equal(api.json().error.message, 'msisdn: not a mainland mobile number');
  });

  test('a form posted after the sign-in lapsed leads, once signed in again, back to its page, not to an address that only takes POST', async () => {
    const next = async (method: 'POST', url: string) => {
      const r = await g.http.inject({ method, url, headers: FORM, payload: 'action=investigate' });
      assert.equal(r.statusCode, 303, url);
      return decodeURIComponent(/next=([^&]*)/.exec(String(r.headers.location))![1]);
    };
    assert.equal(await next('POST', '/web/cases/case_abc/act'), '/web/cases/case_abc');
    assert.equal(await next('POST', '/web/cases/case_abc/evidence'), '/web/cases/case_abc');
    assert.equal(await next('POST', '/web/credit/entries'), '/web/credit');
    assert.equal(await next('POST', '/web/credit/entries/cre_1/publish'), '/web/credit');
    assert.equal(await next('POST', '/web/reports/import'), '/web/reports/import');
    const get = await g.http.inject({ method: 'GET', url: '/web/cases?state=received' });
    assert.equal(get.headers.location, `/web/login?next=${encodeURIComponent('/web/cases?state=received')}`, 'a page keeps its own address');
    // And that address is one the login takes you to, as a page.
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: cp.apiKey, next: '/web/credit' }) });
    assert.equal(login.headers.location, '/web/credit');
  });

  test('a sign-in posted from another site is refused, so a page elsewhere cannot sign a visitor in as someone else', async () => {
    const post = (site?: string) => g.http.inject({ method: 'POST', url: '/web/login', headers: { ...FORM, ...(site ? { 'sec-fetch-site': site } : {}) }, payload: form({ token: other.apiKey }) });
    const cross = await post('cross-site');
    assert.equal(cross.statusCode, 403);
    assert.equal(cross.headers['set-cookie'], undefined, 'no session set');
    assert.match(cross.body, /role="alert"[\s\S]*登录请求来自其他网站/);
    for (const site of ['same-origin', 'none', undefined]) {
      const ok = await post(site);
      assert.equal(ok.statusCode, 303, String(site));
      assert.match(String(ok.headers['set-cookie']), /^sg_session=/);
    }
  });

  test('the public complaint form keeps the chosen screenshot when it is refused for another field', async () => {
    const shot = `data:image/png;base64,${Buffer.from('not really a png, but base64').toString('base64')}`;
    const r = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '1380013', screenshot: shot }) });
    assert.equal(r.statusCode, 422, 'invalid_msisdn');
    assert.match(r.body, new RegExp(`<input type="hidden" id="screenshot" name="screenshot" value="${shot.replace(/[+/]/g, '\\$&')}">`));
    assert.match(r.body, /之前选择的截图仍已附上/);
    const fixed = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', screenshot: shot }) });
    assert.equal(fixed.statusCode, 201, 'sent again as the page holds it, it is filed');
    const notImage = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', screenshot: 'javascript:alert(1)' }) });
    assert.equal(notImage.statusCode, 400);
    assert.match(notImage.body, /name="screenshot" value=""/, 'what is not a screenshot is not put back');
  });
  test('the annual report without a provider offers the providers the viewer may see; a provider goes to its own', async () => {
    const gd = await onboard(g, { name: '广东某公司', signature: '【粤某】', province: '44', ports: { service: '10697002' } });
    const fujian = await roleCookie(g, 'regulator', 'fj-inspector', { province: '35' });
    const links = (body: string) => [...body.matchAll(/href="\/web\/reports\/annual\?contentProviderId=([^&"]+)&amp;year=2026"/g)].map((m) => m[1]).sort();
    const national = await g.http.inject({ method: 'GET', url: '/web/reports/annual?year=2026', headers: { cookie: cookies.regulator } });
    assert.equal(national.statusCode, 200, national.body);
    assert.doesNotMatch(national.body, /not_found|role="alert"/);
    assert.deepEqual(links(national.body), [cp.id, other.id, gd.id].sort(), 'every provider');
    const fj = await g.http.inject({ method: 'GET', url: '/web/reports/annual?year=2026', headers: { cookie: fujian } });
    assert.equal(fj.statusCode, 200, fj.body);
    assert.doesNotMatch(fj.body, /province|role="alert"/);
    assert.deepEqual(links(fj.body), [cp.id, other.id].sort(), 'the Fujian providers only');
    // A link leads to the report itself.
    const report = await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&year=2026`, headers: { cookie: fujian } });
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /<svg /);
    const own = await g.http.inject({ method: 'GET', url: '/web/reports/annual?year=2026', headers: { cookie: cookies.cp } });
    assert.equal(own.statusCode, 200);
    assert.match(own.body, /<title>年度检查报告 2026 · 示例科技有限公司<\/title>/, 'the provider\'s own report');
    // A year the report cannot cover is said with the range allowed, on the chooser and on a report.
    const early = await g.http.inject({ method: 'GET', url: '/web/reports/annual?year=1999&lang=en', headers: { cookie: cookies.regulator } });
    assert.equal(early.statusCode, 400);
    assert.match(early.body, /role="alert"[\s\S]*2000[\s\S]*2200[\s\S]*\(invalid_request\)/);
    assert.doesNotMatch(early.body, /four-digit/);
    assert.match(early.body, /id="year" name="year" type="number" value="1999"/, 'the year as typed, to correct');
    assert.doesNotMatch(early.body, /contentProviderId=[^"&]+&amp;year=(1999|NaN)/, 'the links open a year that has a report');
    const earlyReport = await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&year=1999`, headers: { cookie: cookies.regulator } });
    assert.equal(earlyReport.statusCode, 400);
    assert.match(earlyReport.body, /role="alert"[^<]*2000[^<]*2200/);
  });
  test('the case page shows the consent proof, each verdict and the system\'s trail reasons as labelled words, not JSON or English codes', async () => {
    await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13800138004', category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-77', capturedAt: '2026-11-01T00:00:00Z' } } });
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: '13800138004', text: '【示例】周末会员八折', type: 'commercial', category: 'promo' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    const filed = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138004', sender: '10690002', text: '周末会员八折' }) });
    assert.equal(filed.statusCode, 201, filed.body);
    const ref = /id="case-reference">([^<]+)</.exec(filed.body)![1];
    const list = (await g.http.inject({ method: 'GET', url: '/web/cases', headers: { cookie: cookies.centre } })).body;
    const id = decodeURIComponent(new RegExp(`data-reference="${ref}">\\s*<td><a href="/web/cases/([^"]+)"`).exec(list)![1]);
    const fw = await g.http.inject({ method: 'POST', url: `/web/cases/${id}/act`, headers: { ...FORM, cookie: cookies.centre }, payload: form({ action: 'forward', reason: '请企业核实 ok_then' }) });
    assert.equal(fw.statusCode, 303, fw.body);
    const an = await g.http.inject({ method: 'POST', url: `/web/cases/${id}/act`, headers: { ...FORM, cookie: cookies.cp }, payload: form({ action: 'answer', text: '已为您退订', finding: 'confirmed', measures: 'opt_out' }) });
    assert.equal(an.statusCode, 303, an.body);
    const zh = (await g.http.inject({ method: 'GET', url: `/web/cases/${id}`, headers: { cookie: cookies.regulator } })).body;
    const trail = /<table id="trail">([\s\S]*?)<\/table>/.exec(zh)![1];
    assert.match(trail, /<td>通过网页投诉<\/td>/);
    assert.match(trail, /<td>将该号码退订<\/td>/, 'the measure by its label');
    assert.match(trail, /<td>请企业核实 ok_then<\/td>/, 'what a person typed, as typed');
    assert.match(trail, /<td>答复已以短信发送给用户<\/td>/);
    for (const raw of ['filed via web', '>opt_out<', 'answer sent to the user']) assert.ok(!trail.includes(raw), raw);
    assert.match(zh, /<ul id="measures"><li>将该号码退订 · [^<]* · 该号码已退订该企业的商业短信<\/li>/, 'what the measure did, in words');
    const proof = /<dl class="facts" id="consent-proof">([\s\S]*?)<\/dl>/.exec(zh)?.[1] ?? '';
    assert.match(proof, /<dt>取得渠道<\/dt><dd>网页<\/dd>/);
    assert.match(proof, /<dt>凭证编号<\/dt><dd class="mono">form-77<\/dd>/);
    assert.match(proof, /<dt>取得时间<\/dt><dd>2026-11-01 08:00<\/dd>/);
    const verdicts = /<table id="verdicts">([\s\S]*?)<\/table>/.exec(zh)?.[1] ?? '';
    assert.match(verdicts, /<th scope="col">规则<\/th><th scope="col">依据条款<\/th><th scope="col">判定<\/th><th scope="col">代码<\/th>/);
    assert.match(verdicts, /<td>通过<\/td>/);
    // Each rule by its label, its id kept for support; the article as the profile states it, in Chinese.
    assert.match(verdicts, /<tr><td>商业短信须经用户同意（<span class="mono">commercial\.consent<\/span>）<\/td><td>第十八条（用户同意或请求）<\/td>/);
    assert.match(verdicts, /<tr><td>端口类型须与短信类别相符（<span class="mono">port\.separation<\/span>）<\/td><td>第十八条[^<]*2020年征求意见稿[^<]*（出处未经原文核实）<\/td>/, 'an article the profile marks unverified says so');
    assert.doesNotMatch(verdicts, /Art\. \d|practice \(|2020 draft/, 'no English article on the Chinese page');
    assert.doesNotMatch(verdicts, /<td class="mono">[a-z]+\.[a-z-]+<\/td>/, 'no bare rule id');
    assert.ok(!zh.includes('{&quot;'), 'no JSON on the page');
    const en = (await g.http.inject({ method: 'GET', url: `/web/cases/${id}?lang=en`, headers: { cookie: cookies.regulator } })).body;
    assert.match(en, /<td>filed on the web form<\/td>/);
    assert.match(en, /<td>Opt the number out<\/td>/);
    assert.match(en, /<dt>Captured at<\/dt>/);
    assert.match(en, /<td>passed<\/td>/);
    assert.match(en, /<tr><td>commercial messages need the user&#39;s consent \(<span class="mono">commercial\.consent<\/span>\)<\/td>/);
    assert.match(en, /<td>[^<]*2020 draft[^<]* \(source not verified in the original\)<\/td>/);
    assert.match(en, /<\/td><td>Art\. 18 \(consent or request of the user\)<\/td>/, 'English pages: the English article');
  });
  test('the site icon is served, not a 404 on every page, and every page names it', async () => {
    const icon = await g.http.inject({ method: 'GET', url: '/favicon.ico' });
    assert.equal(icon.statusCode, 200);
    assert.match(String(icon.headers['content-type']), /^image\/svg\+xml/);
    assert.match(String(icon.headers['cache-control']), /max-age=\d{4,}/);
    assert.match(icon.body, /^<svg /);
    for (const url of ['/web/complaint', '/web/public/credit', '/web/nope']) {
      assert.match((await g.http.inject({ method: 'GET', url })).body, /<link rel="icon" href="data:image\/svg\+xml,/, url);
    }
    const report = await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&year=2026`, headers: { cookie: cookies.regulator } });
    assert.match(report.body, /<link rel="icon" href="data:image\/svg\+xml,/, 'the annual report too');
  });

  test('an amount in yuan reads the same on the regulator\'s credit page, the public register and the annual report', async () => {
    const add = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: other.id, kind: 'fine', amountYuan: '12500', publicSummary: '罚款公示 QA-12500' }) });
    assert.equal(add.statusCode, 303, add.body);
    const staff = (await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: cookies.regulator } })).body;
    const row = new RegExp(`<tr data-entry="([^"]+)">(?:(?!</tr>)[\\s\\S])*罚款公示 QA-12500`).exec(staff);
    assert.ok(row, 'the entry is listed');
    assert.match(row[0], /<td>12,500<\/td>/);
    const pub = await g.http.inject({ method: 'POST', url: `/web/credit/entries/${row[1]}/publish`, headers: { ...FORM, cookie: cookies.regulator } });
    assert.equal(pub.statusCode, 303, pub.body);
    assert.match((await g.http.inject({ method: 'GET', url: '/web/public/credit?q=QA-12500' })).body, /<td>12,500<\/td>/);
    assert.match((await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${other.id}&year=2026`, headers: { cookie: cookies.regulator } })).body, /<td>12,500<\/td>/);
  });
});
