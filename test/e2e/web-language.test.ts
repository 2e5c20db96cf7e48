/**
 * The staff pages in the page's language (a second QA pass): the case trail's system texts, the
 * 12321 import's refusals and the staff forms' specific reasons; and the menu's way to the annual
 * report's chooser for the roles that use it.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { onboard, startTestGateway, startWithTwoProviders, type TestGateway, type Provider } from '../helpers/gateway.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { contentRoutes } from '../../src/http/routes/content.js';

type Json = Record<string, any>;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (o: Record<string, string | string[]>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) for (const x of Array.isArray(v) ? v : [v]) u.append(k, x);
  return u.toString();
};
const trailOf = (body: string) => /<table id="trail">([\s\S]*?)<\/table>/.exec(body)?.[1] ?? '';
const measuresOf = (body: string) => /<ul id="measures">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '';
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';

describe('web pages in the page\'s language', () => {
  let g: TestGateway;
  let cp: Provider;
  const cookies: Record<string, string> = {};

  async function cookieFor(token: string): Promise<string> {
    const r = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: `token=${encodeURIComponent(token)}` });
    assert.equal(r.statusCode, 303, r.body);
    return String(r.headers['set-cookie']).split(';')[0];
  }

  before(async () => {
    ({ g, cp } = await startWithTwoProviders());
    cookies.regulator = await cookieFor((await g.app.auth.createToken('regulator', 'inspector')).token);
    cookies.centre = await cookieFor((await g.app.auth.createToken('report-centre', 'clerk')).token);
    cookies.cp = await cookieFor(cp.apiKey);
  });
  after(async () => g.close());

  test('the menu links the annual report\'s chooser for the operator and regulators, and for no one else', async () => {
    const link = /<li><a href="\/web\/reports\/annual">年度检查报告<\/a><\/li>/;
    for (const [who, headers] of [['regulator', { cookie: cookies.regulator }], ['admin', g.admin]] as const) {
      const page = await g.http.inject({ method: 'GET', url: '/web/cases', headers });
      assert.equal(page.statusCode, 200, who);
      assert.match(nav(page.body), link, who);
      const chooser = await g.http.inject({ method: 'GET', url: '/web/reports/annual', headers });
      assert.equal(chooser.statusCode, 200, who);
      assert.match(chooser.body, /<table id="annual-providers">/, `${who}: the link leads to the chooser`);
      assert.match(nav(chooser.body), link, `${who}: on the chooser too`);
    }
    const en = await g.http.inject({ method: 'GET', url: '/web/cases?lang=en', headers: { cookie: cookies.regulator } });
    assert.match(nav(en.body), /<li><a href="\/web\/reports\/annual">Annual inspection report<\/a><\/li>/);
    for (const [who, headers] of [['report centre', { cookie: cookies.centre }], ['provider', { cookie: cookies.cp }], ['public', {}]] as const) {
      const page = await g.http.inject({ method: 'GET', url: '/web/complaint', headers });
      assert.ok(nav(page.body).includes('href="/web/complaint"'), `${who}: the menu is there`);
      assert.ok(!nav(page.body).includes('/web/reports/annual'), who);
    }
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
    await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13800138404', category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'f-404', capturedAt: '2026-11-01T00:00:00Z' } } });
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: '13800138404', text: '【示例】会员日八折', type: 'commercial', category: 'promo' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138404', sender: '10690002', text: '会员日八折' } })).json();
    assert.ok(f.matchedMessageId, 'matched');
    const verdicts = (body: string) => /<table id="verdicts">([\s\S]*?)<\/table>/.exec(body)?.[1] ?? '';
    const zh = verdicts((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: { cookie: cookies.regulator } })).body);
    assert.match(zh, /<td>已附加退订提示<\/td>/);
    assert.match(zh, /<td>每月 10 条中的第 1 条<\/td>/);
    assert.match(zh, /<td>con_[^<]+<\/td>/, 'the consent id as written');
    assert.match(zh, /<td>【示例】<\/td>/, 'the signature as written');
    for (const raw of ['refusal notice appended', '1/10 per month']) assert.ok(!zh.includes(raw), raw);
    const en = verdicts((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}?lang=en`, headers: { cookie: cookies.regulator } })).body);
    assert.match(en, /<td>refusal notice appended<\/td>/);
    assert.match(en, /<td>1\/10 per month<\/td>/);
  });
});

describe('a measure\'s result in the page\'s language, with content governance installed', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let cp: Provider;
  let templateId: string;

  before(async () => {
    g = await startTestGateway();
    const gov = await installContentGovernance(g.app, new SqliteContentStore(g.store.db));
    http = await buildHttpApp({ app: g.app, simulator: g.simulator, simulatedClock: g.clock, metrics: createMetrics(g.app), plugins: [contentRoutes(gov)] });
    cp = await onboard(g);
    const t = await http.inject({ method: 'POST', url: '/v1/templates', headers: cp.auth, payload: { signature: '【示例】', type: 'notification', body: '您的快递已到达${place:text(10)}，请及时领取。' } });
    templateId = t.json().id;
    assert.equal((await http.inject({ method: 'POST', url: `/v1/templates/${templateId}/review`, headers: g.admin, payload: { decision: 'approve' } })).json().status, 'approved');
    assert.equal((await http.inject({ method: 'PUT', url: `/v1/content-providers/${cp.id}/content-settings`, headers: g.admin, payload: { templates: 'preferred' } })).statusCode, 200);
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
