/**
 * The staff pages in the page's language (a second QA pass): the case trail's system texts, the
 * 12321 import's refusals and the staff forms' specific reasons; and the menu's way to the annual
 * report's chooser for the roles that use it.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { OTHER_PROVIDER, complaintOnPromotion, gatewaySuite, onboard, startTestGateway, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContent, preferredParcelTemplate } from '../helpers/content.js';
import { FORM, form, roleCookie, staffCookies, webCookie } from '../helpers/web.js';

type Json = Record<string, any>;

const trailOf = (body: string) => /<table id="trail">([\s\S]*?)<\/table>/.exec(body)?.[1] ?? '';
const measuresOf = (body: string) => /<ul id="measures">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '';
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';

describe('web pages in the page\'s language', () => {
  const { g, cp } = gatewaySuite({ other: OTHER_PROVIDER });
  const cookies: Record<string, string> = {};

  const cookieFor = (token: string): Promise<string> => webCookie(g, token);

  before(async () => {
    Object.assign(cookies, await staffCookies(g), { cp: await cookieFor(cp.apiKey) });
  });

  test('the menu links the annual report\'s chooser for the operator and regulators, and for no one else', async () => {
    const link = /<li><a href="\/web\/reports\/annual">年度检查报告<\/a><\/li>/;
    for (const [who, headers] of [['regulator', { cookie: cookies.regulator }], ['admin', g.admin]] as const) {
      const page = await g.http.inject({ method: 'GET', url: '/web/cases', headers });
      assert.equal(page.statusCode, 200, who);
      assert.match(nav(page.body), link, who);
      const chooser = await g.http.inject({ method: 'GET', url: '/web/reports/annual', headers });
      assert.equal(chooser.statusCode, 200, who);
      assert.match(chooser.body, /<table id="annual-providers">/, `${who}: the link leads to the chooser`);
      assert.match(nav(chooser.body), /<li><a href="\/web\/reports\/annual" aria-current="page">年度检查报告<\/a><\/li>/, `${who}: on the chooser too, marked as the page shown`);
    }
    const en = await g.http.inject({ method: 'GET', url: '/web/cases?lang=en', headers: { cookie: cookies.regulator } });
    assert.match(nav(en.body), /<li><a href="\/web\/reports\/annual">Annual inspection report<\/a><\/li>/);
    for (const [who, headers] of [['report centre', { cookie: cookies.centre }], ['provider', { cookie: cookies.cp }], ['public', {}]] as const) {
      const page = await g.http.inject({ method: 'GET', url: '/web/complaint', headers });
      assert.ok(nav(page.body).includes('href="/web/complaint"'), `${who}: the menu is there`);
      assert.ok(!nav(page.body).includes('/web/reports/annual'), who);
    }
  });
  // No menu entry was marked as the page shown: a screen reader could not say where one was (2026-12-08).
  test('the menu marks the entry of the page shown (aria-current), and only that one', async () => {
    const current = (body: string) => [...nav(body).matchAll(/<a href="([^"]*)" aria-current="page">/g)].map((m) => m[1]);
    assert.deepEqual(current((await g.http.inject({ method: 'GET', url: '/web/complaint' })).body), ['/web/complaint']);
    assert.deepEqual(current((await g.http.inject({ method: 'GET', url: '/web/cases?state=received', headers: { cookie: cookies.centre } })).body), ['/web/cases']);
    assert.deepEqual(current((await g.http.inject({ method: 'GET', url: '/web/credit?lang=en', headers: { cookie: cookies.regulator } })).body), ['/web/credit']);
    assert.deepEqual(current((await g.http.inject({ method: 'GET', url: '/web/no/such/page', headers: { cookie: cookies.regulator } })).body), [], 'a page no entry names: none');
  });

  test('the 12321 import says why each line was refused in the page\'s language, by the key the line names', async () => {
    const lines = [
      JSON.stringify({ reference: 'IMP-1', msisdn: '12345', text: 'x' }),
      '{"reference": "IMP-2", msisdn}',
      JSON.stringify({ msisdn: '13800138410', text: 'x' }),
      JSON.stringify({ reference: 'IMP-4', msisdn: '13800138410', text: 'x', contentProviderId: 'cp_nobody' }),
      JSON.stringify({ reference: 'IMP-5', msisdn: '13800138410', sender: '示例', text: 'x' }),
      JSON.stringify({ reference: 'IMP-6', msisdn: '13800138410', text: 'x'.repeat(2001) }),
      '[1, 2]',
      JSON.stringify({ reference: 'IMP-8', msisdn: '13800138410', text: 'x', recievedAt: '2026-11-30T09:00' }),
    ];
    const post = (lang: string, jsonl: string, cookie = cookies.centre) => g.http.inject({ method: 'POST', url: `/web/reports/import?lang=${lang}`, headers: { ...FORM, cookie }, payload: form({ jsonl }) });
    const zh = await post('zh', lines.join('\n'));
    assert.equal(zh.statusCode, 200, zh.body);
    const rows = [...(/<table id="import-results">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(zh.body)?.[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
    assert.equal(rows.length, 8);
    const expected = [
      /失败<\/span> 投诉人号码（msisdn）：请填写收到短信的中国大陆手机号码[^<]*\(invalid_msisdn\)/,
      /失败<\/span> 第 2 行不是有效的 JSON（[^<]*）。 \(invalid_request\)/,
      /失败<\/span> 12321 中心的编号（reference）：每条举报都须填写此项。 \(invalid_request\)/,
      /失败<\/span> 企业（contentProviderId）：没有已登记的企业 cp_nobody；请填写已登记的企业，或不填。 \(invalid_request\)/,
      /失败<\/span> 发送方（sender）：发送号码只能是数字，签名须连同【】一起填写。 \(invalid_request\)/,
      /失败<\/span> 短信内容（text）：不能超过 2000 个字。 \(invalid_request\)/,
      /失败<\/span> 每行须是一个 JSON 对象 \{…\}。 \(invalid_request\)/,
      /失败<\/span> recievedAt：举报没有这一项（可用的项：reference、[^<]*），请检查拼写。 \(invalid_request\)/,
    ];
    expected.forEach((re, i) => assert.match(rows[i], re, `line ${i + 1}: ${rows[i]}`));
    for (const raw of ['not a mainland', 'is not JSON', "centre&#39;s own reference", 'no content provider', 'a port (digits)', 'at most 2000', 'must be an object']) assert.ok(!zh.body.includes(raw), raw);
    assert.doesNotMatch(zh.body, /reports\/\d/, 'no JSON paths');
    const en = await post('en', lines.join('\n'));
    assert.match(en.body, /failed<\/span> Complainant \(msisdn\): Give the mainland mobile number[^<]*\(invalid_msisdn\)/);
    assert.match(en.body, /failed<\/span> Centre&#39;s reference \(reference\): every report needs one\. \(invalid_request\)/);
    // the page's own words for the form: no JSONL jargon in its labels, the keys of the line explained in words
    assert.match(zh.body, /<label for="jsonl">举报（每行一条）/);
    assert.match(zh.body, /msisdn 是投诉人号码/);
    assert.match(zh.body, /<th scope="col">序号<\/th>/);
    assert.match(en.body, /failed<\/span> line 2 is not JSON \([^<]*\)\. \(invalid_request\)/);
    assert.match(en.body, /failed<\/span> Provider \(contentProviderId\): there is no registered provider cp_nobody/);
    // The API's results keep the use case's words.
    const api = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'api')).token}` }, payload: [{ reference: 'IMP-API', msisdn: '12345', text: 'x' }] });
    assert.deepEqual(api.json().results[0].error, { code: 'invalid_msisdn', message: 'reports/0/msisdn: not a mainland mobile number', rule: 'recipient.msisdn', article: 'Art. 20 (records of receiving number)', profile: 'cn-2015', field: 'reports/0/msisdn' });

    // The whole import refused: too many lines, or a role that does not import.
    const many = await post('zh', Array.from({ length: 1001 }, () => '{}').join('\n'));
    assert.equal(many.statusCode, 400);
    assert.match(many.body, /role="alert">一次最多导入 1000 条举报，请分批导入。 \(invalid_request\)</);
    const provider = await post('zh', lines[0], cookies.cp);
    assert.equal(provider.statusCode, 403);
    assert.match(provider.body, /role="alert">这项操作需要以下身份之一：举报中心、运营方。 \(forbidden\)</);
    const form403 = await g.http.inject({ method: 'GET', url: '/web/reports/import?lang=en', headers: { cookie: cookies.cp } });
    assert.equal(form403.statusCode, 403);
    assert.match(form403.body, /role="alert">This needs one of these roles: report centre, operator\. \(forbidden\)</);
  });

  test('a staff form\'s refusal keeps the field\'s label and explanation and adds the use case\'s own reason, in the page\'s language', async () => {
    // A case about the operator's own message (the receipt an SMS report gets): only refund or other fit it.
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13800138420', to: '12321', text: '举报 10690001 全场五折' } });
    assert.ok(mo.statusCode < 300, mo.body);
    await g.worker.drain();
    const c = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138420', sender: '12321', text: '您的举报已受理，处理结果将以短信告知' } })).json();
    assert.equal(c.contentProviderId, 'operator', JSON.stringify(c));
    const act = (lang: string, payload: Record<string, string | string[]>, headers: Record<string, string> = g.admin) =>
      g.http.inject({ method: 'POST', url: `/web/cases/${c.id}/act?lang=${lang}`, headers: { ...FORM, ...headers }, payload: form(payload) });
    const unknown = await act('zh', { action: 'forward', contentProviderId: 'cp_nobody' }, { cookie: cookies.centre });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /role="alert">[\s\S]*企业：请从列表中选择已登记的企业。原因：没有已登记的企业 cp_nobody；请选择已登记的企业，或选“运营方自行处理”。 \(invalid_request\)</);
    assert.equal((await act('zh', { action: 'forward' }, { cookie: cookies.centre })).statusCode, 303);
    const answer = { action: 'answer', text: '已停止发送回执', finding: 'confirmed', measures: ['opt_out'] };
    const zh = await act('zh', answer);
    assert.equal(zh.statusCode, 400);
    assert.match(zh.body, /role="alert">[\s\S]*采取的措施：所选措施不适用于本案件，请检查。原因：“将该号码退订”作用于企业的发送，而本案件涉及的是运营方自己的短信：请把运营方的做法记为“其他”（或“退还费用”）。 \(invalid_request\)</);
    assert.doesNotMatch(zh.body, /acts on a content provider|operator's own message/);
    const en = await act('en', answer);
    assert.match(en.body, /role="alert">[\s\S]*Measures: A measure chosen does not apply to this case: check them\. Reason: “Opt the number out” acts on a provider&#39;s sending, and this case is about the operator&#39;s own message: record what the operator did as “Other” \(or “Refund a charge”\)\. \(invalid_request\)</);
    // The other forms' reasons too: a year out of range, a talk without notes.
    const year = await g.http.inject({ method: 'GET', url: '/web/reports/annual?year=1999', headers: { cookie: cookies.regulator } });
    assert.match(year.body, /role="alert">[\s\S]*年份：请填写 2000 至 2200 年之间的年份。原因：年份须在 2000 至 2200 之间。 \(invalid_request\)</);
    const talk = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: cp.id, kind: 'supervision_talk', notes: '' }) });
    assert.match(talk.body, /role="alert">[\s\S]*内部备注：约谈须填写内部备注（约谈情况）。原因：约谈须记录约谈情况。 \(invalid_request\)</);
  });

  test('the reasons the system writes on the trail are stored with a code and shown in the page\'s language; the API keeps its sentence', async () => {
    // Withdrawn on the status page.
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138401', sender: '10690001', text: '【示例】您的快递' } })).json();
    const w = await g.http.inject({ method: 'POST', url: '/web/complaint/withdraw', headers: FORM, payload: form({ reference: f.reference, accessCode: f.accessCode }) });
    assert.equal(w.statusCode, 200, w.body);
    assert.match(w.body, /id="case-state">已撤回</);
    // A 12321 report, forwarded as it is imported.
    const imp = await g.http.inject({ method: 'POST', url: '/web/reports/import', headers: { ...FORM, cookie: cookies.centre }, payload: form({ jsonl: JSON.stringify({ reference: 'LANG-1', msisdn: '13800138402', sender: '10690001', text: '【示例】账单' }) }) });
    assert.equal(imp.statusCode, 200, imp.body);
    const imported = decodeURIComponent(/<a href="\/web\/cases\/([^"]+)" class="mono">/.exec(imp.body)![1]);
    const events = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: g.admin })).json().events as Json[];
    const withdrawn = (await events(f.id)).find((e) => e.kind === 'withdraw')!;
    assert.equal(withdrawn.reason, 'withdrawn by the complainant on the status page', 'the API\'s reason is the sentence it was');
    assert.equal(withdrawn.detail.reasonCode, 'withdrawn_on_status_page');
    const created = (await events(imported)).find((e) => e.kind === 'created')!;
    assert.equal(created.reason, 'filed via report-centre');
    assert.equal(created.detail.reasonCode, 'filed_via_report-centre');
    const forwarded = (await events(imported)).find((e) => e.kind === 'forward')!;
    assert.equal(forwarded.reason, '12321 report forwarded on import');
    assert.equal(forwarded.detail.reasonCode, 'forwarded_on_import');
    assert.match(trailOf((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: g.admin })).body), /<td>投诉人在查询页撤回<\/td>/);
    const trail = trailOf((await g.http.inject({ method: 'GET', url: `/web/cases/${imported}`, headers: g.admin })).body);
    assert.match(trail, /<td>由 12321 中心转来<\/td>/);
    assert.match(trail, /<td>12321 举报导入时一并转交<\/td>/);
  });

  test('a trail written before the codes is read back from its English sentences; a text no one knows is shown as it is', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138403', sender: '10690001', text: '【示例】旧记录' } })).json();
    const at = g.clock.now();
    const cases = g.app.ctx.store.cases;
    await cases.appendEvent({ id: 'cev_old_1', caseId: f.id, at, kind: 'note', fromState: 'received', toState: 'received', actor: 'system', actorId: 'system', reason: 'receipt sent to the user by SMS from the report port', detail: {} });
    await cases.appendEvent({ id: 'cev_old_2', caseId: f.id, at, kind: 'note', fromState: 'received', toState: 'received', actor: 'admin', actorId: 'ops', reason: 'called the user back', detail: {} });
    const old = (id: string, kind: 'throttle' | 'block_template' | 'other', detail: Json) => cases.addMeasure({ id, caseId: f.id, contentProviderId: cp.id, kind, at, actorId: 'ops', detail });
    await old('msr_old_1', 'throttle', { perSecond: 3, actionId: 'ewa_old7', applied: 'content provider throttled to 3 messages a second until an operator lifts action ewa_old7' });
    await old('msr_old_2', 'block_template', { templateId: 'tpl_old9', applied: 'template tpl_old9 (matched by the message text) rejected: the content provider can no longer send it' });
    await old('msr_old_3', 'block_template', { templateId: 'tpl_x', applied: 'recorded only: tpl_x is not an approved template of the content provider' });
    await old('msr_old_4', 'other', { applied: 'written by a version nobody remembers' });
    const zh = (await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: g.admin })).body;
    assert.match(trailOf(zh), /<td>受理回执已从举报端口以短信发送给用户<\/td>/);
    assert.match(trailOf(zh), /<td>called the user back<\/td>/, 'a person\'s reason as typed');
    const measures = measuresOf(zh);
    assert.match(measures, /<li>限制企业发送速率 · [^<]* · 已限制企业发送速率为每秒 3 条，直至运营方解除措施 ewa_old7<\/li>/);
    assert.match(measures, /<li>屏蔽该模板 · [^<]* · 模板 tpl_old9（按被投诉短信的内容匹配）已停用：企业不能再用它发送<\/li>/);
    assert.match(measures, /<li>屏蔽该模板 · [^<]* · 仅记录：tpl_x 不是该企业已批准的模板<\/li>/);
    assert.match(measures, /<li>其他 · [^<]* · written by a version nobody remembers<\/li>/, 'unknown: as it is');
    for (const raw of ['throttled to', 'rejected: the content', 'is not an approved']) assert.ok(!zh.includes(raw), raw);
    const en = measuresOf((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}?lang=en`, headers: g.admin })).body);
    assert.match(en, /content provider throttled to 3 messages a second until an operator lifts action ewa_old7/);
    assert.match(en, /template tpl_old9 \(matched by the message text\) rejected/);
  });

  test('the decision trail\'s notes are in the page\'s language; ids and signatures as written', async () => {
    const f = await complaintOnPromotion(g, cp, '13800138404', '【示例】会员日八折');
    const verdicts = (body: string) => /<table id="verdicts">([\s\S]*?)<\/table>/.exec(body)?.[1] ?? '';
    const zh = verdicts((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: { cookie: cookies.regulator } })).body);
    assert.match(zh, /<td>已附加退订提示<\/td>/);
    assert.match(zh, /<td>每月 10 条中的第 1 条<\/td>/);
    assert.match(zh, /<td>con_[^<]+<\/td>/, 'the consent id as written');
    assert.match(zh, /<td>【示例】<\/td>/, 'the signature as written');
    assert.match(zh, /<td>第十九条（端口类短信息须标明发送者的真实身份）<\/td>/, 'each rule\'s article, as the profile states it in Chinese');
    for (const raw of ['refusal notice appended', '1/10 per month']) assert.ok(!zh.includes(raw), raw);
    const en = verdicts((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}?lang=en`, headers: { cookie: cookies.regulator } })).body);
    assert.match(en, /<td>refusal notice appended<\/td>/);
    assert.match(en, /<td>1\/10 per month<\/td>/);
    assert.match(en, /<td>Art\. 19 \(port-type messages carry/, 'English pages: the article as the message API gives it');
  });
});

describe('a measure\'s result in the page\'s language, with content governance installed', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let cp: Provider;
  let templateId: string;

  before(async () => {
    g = await startTestGateway();
    ({ http } = await installContent(g));
    cp = await onboard(g);
    templateId = await preferredParcelTemplate(http, g, cp);
  });
  after(async () => {
    await http.close();
    await g.close();
  });

  test('throttle and block_template taken on the case page read in Chinese there, and the API keeps its sentence beside the code', async () => {
    const m = await http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138501', text: '【示例】您的快递已到达东门驿站，请及时领取。', type: 'notification' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    const f = (await http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138501', sender: '10690001', text: '您的快递已到达东门驿站' } })).json();
    const centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'clerk')).token}` };
    assert.equal((await http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, ...centre }, payload: form({ action: 'forward' }) })).statusCode, 303);
    const an = await http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, ...g.admin }, payload: form({ action: 'answer', text: '已限速并停用模板', finding: 'confirmed', measures: ['throttle', 'block_template'] }) });
    assert.equal(an.statusCode, 303, an.body);
    const detail = (await http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: g.admin })).json();
    const throttle = detail.measures.find((x: Json) => x.kind === 'throttle').detail;
    const block = detail.measures.find((x: Json) => x.kind === 'block_template').detail;
    assert.equal(throttle.applied, `content provider throttled to 1 messages a second until an operator lifts action ${throttle.actionId}`);
    assert.equal(throttle.appliedCode, 'throttled');
    assert.equal(block.applied, `template ${templateId} (noted by the template stage when the message was sent) rejected: the content provider can no longer send it`);
    assert.equal(block.appliedCode, 'template_blocked');
    assert.equal(block.templateVia, 'trail');
    const zh = (await http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: g.admin })).body;
    const measures = measuresOf(zh);
    assert.match(measures, new RegExp(`已限制企业发送速率为每秒 1 条，直至运营方解除措施 ${throttle.actionId}</li>`));
    assert.match(measures, new RegExp(`模板 ${templateId}（发送时由模板检查记下）已停用：企业不能再用它发送</li>`));
    assert.doesNotMatch(measures, /throttled to|rejected: the content provider/);
    const en = measuresOf((await http.inject({ method: 'GET', url: `/web/cases/${f.id}?lang=en`, headers: g.admin })).body);
    assert.ok(en.includes(throttle.applied) && en.includes(block.applied), en);
  });
});

describe('rejections that name no form field, and the rest of the staff pages, in the page\'s language', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });
  const cookies: Record<string, string> = {};
  const alert = (body: string) => /role="alert">([\s\S]*?)<\/(?:p|div)>/.exec(body)?.[1] ?? '';

  const cookieFor = (token: string): Promise<string> => webCookie(g, token);
  const file = async (msisdn: string) => (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn, sender: '10690001', text: '【示例】您的快递' } })).json() as Json;

  before(async () => {
    Object.assign(cookies, await staffCookies(g));
    // cp is registered in Fujian (35): a Beijing token does not reach it.
    cookies.beijing = await roleCookie(g, 'regulator', 'beijing', { province: '11' });
    cookies.other = await cookieFor(other.apiKey);
  });

  test('a case\'s state that refuses the action says so with the actions it allows by their labels; a missing case, another provider\'s case', async () => {
    const f = await file('13800138601');
    const act = (lang: string, payload: string, headers: Record<string, string> = g.admin) =>
      g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act?lang=${lang}`, headers: { ...FORM, ...headers }, payload });
    const early = await act('zh', 'action=close');
    assert.equal(early.statusCode, 409);
    assert.equal(alert(early.body), '<strong>出错了：</strong>案件处于“已受理”状态，不能“办结”；现在可进行的操作：转交企业、升级、撤回。 (conflict) 依据：投诉案件须按办理流程处理（complaints.workflow）— 要点第10项（投诉与举报）', 'the workflow\'s rule and article follow, as the API body names them');
    const earlyEn = await act('en', 'action=close');
    assert.match(alert(earlyEn.body), /The case is received: “Close” cannot be done now; what can be done now: Forward to provider, Escalate, Withdraw\. \(conflict\) Rule: a complaint case follows its workflow \(complaints\.workflow\) — rule 10$/);
    // The API keeps its sentence.
    const api = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: g.admin, payload: { action: 'close' } });
    assert.equal(api.statusCode, 409);
    assert.deepEqual(api.json().error, { code: 'conflict', message: "no transition 'close' from received; allowed: forward, escalate, withdraw", rule: 'complaints.workflow', article: 'rule 10' });

    assert.equal((await act('zh', 'action=forward', { cookie: cookies.centre })).statusCode, 303);
    const again = await act('zh', 'action=forward', { cookie: cookies.centre });
    assert.match(alert(again.body), /案件处于“已转交”状态，不能“转交企业”；现在可进行的操作：升级、撤回。 \(conflict\) 依据：投诉案件须按办理流程处理（complaints\.workflow）— 要点第10项（投诉与举报）$/);
    // Another provider's case: the provider learns it is not its own, in its language.
    const theirs = await act('zh', 'action=investigate', { cookie: cookies.other });
    assert.equal(theirs.statusCode, 403);
    assert.equal(alert(theirs.body), `案件 ${f.id} 涉及的不是本企业。 (forbidden)`);
    assert.equal((await act('zh', 'action=answer&text=已停止发送&finding=confirmed')).statusCode, 303);
    assert.equal((await act('zh', 'action=close', { cookie: cookies.centre })).statusCode, 303);
    const closed = await act('zh', 'action=reopen', { cookie: cookies.centre });
    assert.equal(closed.statusCode, 409);
    assert.match(alert(closed.body), /案件已办结，不能再这样办理；现在可进行的操作：无。 \(conflict\) 依据：投诉案件须按办理流程处理（complaints\.workflow）— 要点第10项（投诉与举报）$/);
    const rematch = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/evidence`, headers: { ...FORM, ...g.admin }, payload: 'sender=10690001' });
    assert.match(alert(rematch.body), /案件已办结，不能再重新匹配证据。 \(conflict\)$/);
    const missing = await g.http.inject({ method: 'GET', url: '/web/cases/case_nobody', headers: g.admin });
    assert.equal(missing.statusCode, 404);
    assert.equal(alert(missing.body), '没有案件 case_nobody，或本身份无权查看。 (not_found)');
    const stale = await g.http.inject({ method: 'GET', url: '/web/cases?cursor=bogus', headers: g.admin });
    assert.equal(alert(stale.body), '翻页链接已失效，请从第一页重新打开。 (invalid_request)');
    for (const page of [early, again, theirs, closed, rematch, missing, stale]) assert.doesNotMatch(alert(page.body), /allowed:|no case|not about|the case is|cursor/);
  });

  test('the status page says why a withdraw was refused instead of dropping it', async () => {
    const f = await file('13800138602');
    const withdraw = () => g.http.inject({ method: 'POST', url: '/web/complaint/withdraw', headers: FORM, payload: form({ reference: f.reference, accessCode: f.accessCode }) });
    assert.equal((await withdraw()).statusCode, 200);
    const twice = await withdraw();
    assert.equal(twice.statusCode, 409);
    assert.match(alert(twice.body), /案件已撤回，不能再这样办理；现在可进行的操作：无。 \(conflict\) 依据：投诉案件须按办理流程处理（complaints\.workflow）— 要点第10项（投诉与举报）$/);
    assert.match(twice.body, /id="case-state">已撤回</, 'the status is still shown');
  });

  test('a province\'s regulator refused another province\'s provider, and an entry published twice, are said in the page\'s language', async () => {
    const add = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.beijing }, payload: form({ contentProviderId: cp.id, kind: 'warning' }) });
    assert.equal(add.statusCode, 403);
    assert.match(alert(add.body), new RegExp(`企业 ${cp.id} 不在本令牌所限的省份内。 \\(forbidden\\) 依据：限于一省的监管令牌只涉及本省企业（supervision\\.province-scope）— 第三条（[^<]+；第三十条（监督检查）（出处未经原文核实）$`), 'the scope\'s rule and article follow');
    const report = await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&year=2026`, headers: { cookie: cookies.beijing } });
    assert.equal(report.statusCode, 403);
    assert.match(alert(report.body), /不在本令牌所限的省份内。 \(forbidden\) 依据：限于一省的监管令牌只涉及本省企业（supervision\.province-scope）— 第三条（[^<]+（出处未经原文核实）$/);
    const nobody = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: 'cp_nobody', kind: 'warning' }) });
    assert.equal(nobody.statusCode, 404);
    assert.match(alert(nobody.body), /没有已登记的企业 cp_nobody。 \(not_found\)$/);
    assert.equal((await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: cp.id, kind: 'warning' }) })).statusCode, 303);
    const entry = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: g.admin })).json().entries[0] as Json;
    const publish = () => g.http.inject({ method: 'POST', url: `/web/credit/entries/${entry.id}/publish`, headers: { ...FORM, cookie: cookies.regulator }, payload: '' });
    assert.equal((await publish()).statusCode, 303);
    const twice = await publish();
    assert.equal(twice.statusCode, 409);
    assert.match(alert(twice.body), /该档案记录已经公示。 \(conflict\)$/);
  });

  test('a rule\'s refusal on the decision trail is named by its code\'s label, the stored message kept as its title', async () => {
    const f = await file('13800138603');
    const message = 'commercial messages only 08:00–21:00 Asia/Shanghai';
    const evidence = { match: null, candidates: [], consent: null, history: [], verdicts: [
      { rule: 'commercial.quiet-hours', article: 'practice', outcome: 'fail', code: 'quiet_hours', message },
      { rule: 'sender.active', outcome: 'pass' },
    ] };
    const c = (await g.app.ctx.store.cases.getCase(f.id))!;
    const at = g.clock.now();
    assert.ok(await g.app.ctx.store.cases.transition(f.id, c.state, { evidence }, { id: 'cev_ev_1', caseId: f.id, at, kind: 'evidence', fromState: c.state, toState: c.state, actor: 'admin', actorId: 'ops', reason: null, detail: {} }, at));
    const verdicts = (body: string) => /<table id="verdicts">([\s\S]*?)<\/table>/.exec(body)?.[1] ?? '';
    const zh = verdicts((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: g.admin })).body);
    assert.match(zh, /<td class="mono">quiet_hours<\/td><td><span class="code-label" title="commercial messages only 08:00–21:00 Asia\/Shanghai">在禁止发送商业短信的时段<\/span><\/td>/);
    assert.ok(!zh.replace(/title="[^"]*"/g, '').includes('commercial messages'), 'the English only in the title');
    const en = verdicts((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}?lang=en`, headers: g.admin })).body);
    assert.match(en, /<td class="mono">quiet_hours<\/td><td>commercial messages only 08:00–21:00 Asia\/Shanghai<\/td>/);
  });

  test('the role signed in, the operator\'s file, the system\'s and the complainant\'s ids, an annual report\'s channels and codes: in the page\'s language', async () => {
    const cases = await g.http.inject({ method: 'GET', url: '/web/cases', headers: { cookie: cookies.centre } });
    assert.match(nav(cases.body), /当前身份：<span id="signed-in-role">举报中心<\/span>/);
    assert.match(nav((await g.http.inject({ method: 'GET', url: '/web/cases?lang=en', headers: g.admin })).body), /Signed in as: <span id="signed-in-role">operator<\/span>/);
    // The complainant filed on the web: the trail names them by their label, not by the id `public`.
    const f = await file('13800138604');
    const trail = trailOf((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: g.admin })).body);
    assert.match(trail, /<td>投诉人<\/td>/);
    assert.doesNotMatch(trail, />public</);
    // An entry about the operator, and one the system wrote (a confirmed complaint), on the credit page.
    const national = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'national')).token}` };
    const op = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: national, payload: { subjectType: 'operator', subjectId: 'operator', kind: 'warning', publicSummary: '回执短信未写明退订方式' } });
    assert.equal(op.statusCode, 201, op.body);
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${op.json().id}/publish`, headers: national })).statusCode, 200);
    const g2 = await file('13800138605');
    const act = (payload: string, headers: Record<string, string>) => g.http.inject({ method: 'POST', url: `/web/cases/${g2.id}/act`, headers: { ...FORM, ...headers }, payload });
    assert.equal((await act('action=forward', { cookie: cookies.centre })).statusCode, 303);
    assert.equal((await act('action=answer&text=已退订&finding=confirmed&measures=opt_out', g.admin)).statusCode, 303);
    assert.equal((await act('action=close', { cookie: cookies.centre })).statusCode, 303);
    const credit = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: cookies.regulator } });
    const entries = /<table id="entries">([\s\S]*?)<\/table>/.exec(credit.body)?.[1] ?? '';
    assert.match(entries, new RegExp(`<tr data-entry="${op.json().id}"><td>[^<]*</td><td>运营方</td>`));
    assert.match(entries, /<td>投诉属实<\/td>[\s\S]*?<td>系统<\/td>/);
    assert.doesNotMatch(entries, /<td(?: class="mono")?>(?:operator|system)<\/td>/);
    const pub = await g.http.inject({ method: 'GET', url: '/web/public/credit' });
    assert.match(pub.body, /<td>运营方<\/td><td class="mono">—<\/td><td>警告<\/td>/);
    // The annual report: the opt-out the answer took, by its channel's label; a rejection by its code's label beside the code.
    const bad = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: '13800138606', text: '【示例】全场五折', type: 'commercial', category: 'none' } });
    assert.equal(bad.statusCode, 422, bad.body);
    const report = (await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&year=2026`, headers: g.admin })).body;
    assert.match(report, /渠道 投诉处理措施/);
    assert.doesNotMatch(report, /渠道 complaint/);
    assert.match(report, new RegExp(`<tr><td>没有用户的同意</td><td class="mono">${bad.json().error.code}</td><td>1</td></tr>`));
  });
});
