/**
 * What a person at the staff pages trips over most, said in the page's language: a number typed wrong
 * (the messages, subscriber and records pages), days typed the wrong way round (the records search and
 * export: refused by the field, not an empty list that reads as "no records"), a blank reason typed
 * as spaces (the browser's `required` lets it through) on the review and templates pages, and a page
 * left open while someone else acted (a signature revoked, a port retired, a template decided, an
 * action lifted, a consent gone, a link renamed, a hand-edited filter, an opt-out lifted by the
 * first of two clicks). Each is the error code's
 * status with words in Chinese on a Chinese page and in English on an English one, never the use
 * case's English sentence.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { gatewaySuite, withGateway, ADMIN_TOKEN } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';
import { alerts, FORM, form, webCookie } from '../helpers/web.js';
import { MSISDN_FORMS } from '../../src/domain/msisdn.js';

/** A Chinese page's alert with the API's English sentences taken out would still have to say something: any run of three English words is one left in. */
const ENGLISH_RUN = /\b[a-z]+ [a-z]+ [a-z]+\b/i;

describe('refusals on the staff pages, in the page\'s language', () => {
  const { g, cp } = gatewaySuite();
  let http: FastifyInstance;
  let admin: string;
  let provider: string;
  let templateId: string;
  let signatureId: string;
  before(async () => {
    ({ http } = await installContent(g));
    admin = await webCookie({ http }, ADMIN_TOKEN);
    provider = await webCookie({ http }, cp.apiKey);
    const t = await http.inject({ method: 'POST', url: '/v1/templates', headers: cp.auth, payload: { signature: '【示例】', type: 'notification', body: '您的快递已到达${place:text(10)}，请及时领取。' } });
    templateId = t.json().id;
    signatureId = (await http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin })).json().signatures[0].id;
  });

  const ask = async (lang: 'zh' | 'en', cookie: string, method: 'GET' | 'POST', url: string, body?: Record<string, string>) => {
    const r = await http.inject({ method, url, headers: { cookie: `${cookie}; sg_lang=${lang}`, ...(body ? FORM : {}) }, payload: body ? form(body) : undefined });
    return { status: r.statusCode, said: alerts(r.body) };
  };
  /** The same refusal in both languages: its status, Chinese words on the Chinese page (no English sentence), English on the English one. */
  const refused = async (cookie: string, method: 'GET' | 'POST', url: string, body: Record<string, string> | undefined, status: number, zh: RegExp, en: RegExp) => {
    const z = await ask('zh', cookie, method, url, body);
    assert.equal(z.status, status, `${url}: ${z.said}`);
    assert.match(z.said, zh);
    assert.doesNotMatch(z.said.replace(/\([a-z_]+\)|（[a-z.-]+）|clientRef/g, ''), ENGLISH_RUN, `no English on the Chinese page: ${z.said}`);
    const e = await ask('en', cookie, method, url, body);
    assert.equal(e.status, status);
    assert.match(e.said, en);
  };

  test('a number that is none: the messages, subscriber and records pages say so in Chinese', async () => {
    // the field, then what is wrong with the number: said once, not the field's words and then the reason with the same example
    await refused(admin, 'GET', '/web/messages?msisdn=12345', undefined, 400, /^出错了：接收号码：不是中国大陆手机号码（应为 11 位，例如 13800138000）。 \(invalid_request\)/, /^Something went wrong: Recipient number: not a mainland China mobile number \(11 digits, e\.g\. 13800138000\)\. \(invalid_request\)/);
    await refused(admin, 'GET', '/web/subscribers?msisdn=12345', undefined, 422, /手机号码：不是中国大陆手机号码（应为 11 位/, /not a mainland China mobile number \(11 digits/);
    await refused(admin, 'GET', '/web/records?number=12345', undefined, 422, /^出错了：手机号码：不是中国大陆手机号码（应为 11 位，例如 13800138000）。 \(invalid_msisdn\)/, /^Something went wrong: Mobile number: not a mainland China mobile number \(11 digits/);
  });

  test('days the wrong way round: the records search and export name the end day instead of finding nothing', async () => {
    await refused(admin, 'GET', '/web/records?from=2026-11-30&to=2026-11-01', undefined, 400, /截止日期.*：截止日期早于起始日期/, /To \(day.*\): the end day is before the start day/);
    const cpId = encodeURIComponent(cp.id);
    await refused(admin, 'GET', `/web/records/export?contentProviderId=${cpId}&from=2026-11-30&to=2026-11-01&format=jsonl`, undefined, 400, /截止日期早于起始日期/, /the end day is before the start day/);
    // the export's days are required (the form says so; a hand-made address is told, not "or leave it empty")
    await refused(admin, 'GET', `/web/records/export?contentProviderId=${cpId}&format=jsonl`, undefined, 400, /^出错了：起始日期（北京时间）：此项必须填写。 \(invalid_request\)$/, /From \(day, Shanghai time\): must be filled in\./);
    // the same day in both is one whole day, as before
    assert.equal((await ask('zh', admin, 'GET', '/web/records?from=2026-11-30&to=2026-11-30')).status, 200);
  });

  test('a reason of spaces only: the review and templates pages ask for one in Chinese', async () => {
    await refused(admin, 'POST', `/web/templates/${templateId}/reject`, { reason: '   ' }, 400, /理由：请填写理由。 \(invalid_request\)/, /Reason: a reason is required\./);
    await refused(admin, 'POST', `/web/templates/${templateId}/reject`, { reason: 'x'.repeat(1001) }, 400, /不能超过 1000 个字/, /at most 1000 characters/);
    await refused(admin, 'POST', '/web/review/msg_gone/reject', { reason: '  ' }, 400, /理由：请填写理由。 \(invalid_request\)/, /a reason is required/);
    await refused(admin, 'POST', '/web/review/msg_gone/release', { reason: 'x'.repeat(1001) }, 400, /不能超过 1000 个字/, /at most 1000 characters/);
    // a reason's limit is the form's own (500 to revoke a signature): said alone, not after another form's 1000
    const long = await ask('zh', admin, 'POST', `/web/providers/${cp.id}/signatures/${signatureId}/revoke`, { reason: 'x'.repeat(501) });
    assert.equal(long.status, 400);
    assert.match(long.said, /理由：不能超过 500 个字。 \(invalid_request\)/);
    assert.doesNotMatch(long.said, /1000/);
    // notes too long on a warning: the length, not "a supervision talk needs notes"
    const regulator = await webCookie({ http }, (await g.app.auth.createToken('regulator', 'inspector')).token);
    const notes = await ask('zh', regulator, 'POST', '/web/credit/entries', { contentProviderId: cp.id, kind: 'warning', notes: 'x'.repeat(4001), publicSummary: '警告' });
    assert.equal(notes.status, 400);
    assert.match(notes.said, /内部备注：不能超过 4000 个字。 \(invalid_request\)/);
    assert.doesNotMatch(notes.said, /约谈/);
  });

  test('a page left open while someone else acted, or an edited address: said as such, with what to do', async () => {
    await refused(admin, 'POST', '/web/review/msg_gone/release', {}, 404, /没有暂扣的短信 msg_gone.*请刷新页面/, /no held message msg_gone .*reload the page/);
    await refused(admin, 'POST', '/web/review/actions/ewa_gone/lift', {}, 404, /没有正在执行的措施 ewa_gone/, /no action ewa_gone in force/);
    await refused(admin, 'POST', '/web/templates/tpl_gone/approve', {}, 404, /没有模板 tpl_gone/, /no template tpl_gone/);
    await refused(admin, 'GET', '/web/templates?status=bogus', undefined, 400, /请从列表中选择状态（待审核、已通过或未通过）/, /Choose a status from the list \(pending, approved or rejected\)/);
    await refused(admin, 'POST', `/web/providers/${cp.id}/signatures/sig_gone/revoke`, { reason: 'x' }, 404, new RegExp(`企业 ${cp.id} 没有签名 sig_gone`), /has no signature sig_gone .*reload the page/);
    await refused(admin, 'POST', `/web/providers/${cp.id}/ports/10699999/retire`, { reason: 'x' }, 404, /没有端口 10699999/, /has no port 10699999/);
    await refused(admin, 'POST', '/web/links/gone/stop', {}, 404, /没有名为 gone 的运营商链路/, /no carrier link named gone/);
    await refused(provider, 'POST', '/web/subscribers/withdraw', { msisdn: '13800138000', consentId: 'con_gone' }, 404, /没有同意记录 con_gone.*请重新查询该号码/, /no consent con_gone .*search the number again/);
    // the signature itself is still there: nothing was revoked by the stale post
    const sigs = (await http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin })).json().signatures;
    assert.equal(sigs.find((s: { id: string }) => s.id === signatureId).status, 'approved');
  });

  test('an opt-out lifted twice (a double click): the second says it is lifted already, with the history shown', async () => {
    const mo = await http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13900139123', to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out', mo.body);
    g.clock.advance(10 * 60_000);
    const lift = { msisdn: '13900139123', contentProviderId: cp.id, reason: '用户来电要求恢复接收', channel: 'phone', reference: 'call 1', capturedAt: '2026-11-30T12:05' };
    const first = await ask('zh', admin, 'POST', '/web/subscribers/lift', lift);
    assert.equal(first.status, 303);
    await refused(admin, 'POST', '/web/subscribers/lift', lift, 404, /该号码没有退订该企业，或退订已被取消/, /or it was lifted already/);
    const page = await http.inject({ method: 'POST', url: '/web/subscribers/lift', headers: { cookie: admin, ...FORM }, payload: form(lift) });
    assert.match(page.body, /id="opt-out-history"/, 'the history is on the page');
  });

  test('an opt-out\'s record on the subscriber page: the rule, the article and how the reply was read, in Chinese', async () => {
    await http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13900139124', to: '10690002', text: 'TD' } });
    const facts = async (lang: 'zh' | 'en') => {
      const r = await http.inject({ method: 'GET', url: '/web/subscribers?msisdn=13900139124', headers: { cookie: `${admin}; sg_lang=${lang}` } });
      return /<tr data-opt-out="[^"]+">[\s\S]*?<dl class="facts">([\s\S]*?)<\/dl><\/td>/.exec(r.body)?.[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() ?? '';
    };
    const zh = await facts('zh');
    assert.match(zh, /识别为 退订关键词（如 TD、退订） 规则 回复退订立即生效且免费（refusal\.opt-out-reply） 依据条款 第十八条（不得阻碍用户拒绝，拒绝不收取费用）/);
    assert.doesNotMatch(zh, ENGLISH_RUN, zh);
    assert.match(await facts('en'), /Read as an opt-out keyword \(e\.g\. TD\) Rule a refusal reply opts the number out at once, free of charge \(refusal\.opt-out-reply\) Article Art\. 18 \(refusal must not be obstructed and costs nothing\)/);
  });

  test('a form over 2 MB (a long 12321 file pasted in): a page in the page\'s language with 413, not the API\'s JSON', async () => {
    const centre = await webCookie({ http }, (await g.app.auth.createToken('report-centre', 'clerk')).token);
    const big = form({ jsonl: `${JSON.stringify({ reference: 'R1', msisdn: '13800138000', text: 'x'.repeat(200) })}\n`.repeat(12_000) });
    for (const [lang, said] of [['zh', /提交的内容超过 2 MB，无法处理：举报请分批导入/], ['en', /What was sent is over 2 MB and cannot be taken/]] as const) {
      const r = await http.inject({ method: 'POST', url: '/web/reports/import', headers: { cookie: `${centre}; sg_lang=${lang}`, ...FORM }, payload: big });
      assert.equal(r.statusCode, 413);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(alerts(r.body), said);
    }
    // the API keeps its JSON for the same
    const api = await http.inject({ method: 'POST', url: '/v1/complaints', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ msisdn: '13800138000', text: 'x'.repeat(3_000_000) }) });
    assert.equal(api.statusCode, 413);
    assert.equal(api.json().error.code, 'invalid_request');
  });

  test('the public complaint form and the credit entry form stop typing at the lengths the use cases take', async () => {
    const limit = (body: string, name: string) => new RegExp(`<(?:input|textarea)[^>]* name="${name}"[^>]*>`).exec(body)?.[0].match(/maxlength="(\d+)"/)?.[1];
    const complaint = (await http.inject({ method: 'GET', url: '/web/complaint' })).body;
    assert.deepEqual(['msisdn', 'sender', 'text', 'request'].map((k) => limit(complaint, k)), ['32', '40', '2000', '500']);
    const regulator = await webCookie({ http }, (await g.app.auth.createToken('regulator', 'inspector')).token);
    const credit = (await http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: regulator } })).body;
    assert.deepEqual(['notes', 'publicSummary'].map((k) => limit(credit, k)), ['4000', '500']);
  });

  test('a gateway without content governance: the templates page says so in the page\'s language', async () => {
    await withGateway(async (bareGateway) => {
      const bare = await webCookie(bareGateway, ADMIN_TOKEN);
      for (const [lang, said] of [['zh', /本网关未启用内容治理/], ['en', /Content governance \(template review, early-warning actions\) is not enabled/]] as const) {
        const r = await bareGateway.http.inject({ method: 'GET', url: '/web/templates', headers: { cookie: `${bare}; sg_lang=${lang}` } });
        assert.equal(r.statusCode, 404);
        assert.match(alerts(r.body), said);
      }
    });
  });

  test('the API keeps its own bodies: the same refusals have the same code and English message as before', async () => {
    const r = await http.inject({ method: 'POST', url: `/v1/templates/${templateId}/review`, headers: g.admin, payload: { decision: 'reject', reason: '   ' } });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json().error, { code: 'invalid_request', message: 'reason: a non-empty string of at most 1000 characters', field: 'reason' });
    const m = await http.inject({ method: 'GET', url: '/v1/subscribers/12345', headers: g.admin });
    assert.equal(m.statusCode, 422);
    // the message names the three ways a number is written (since the README audit), the page's reason id aside
    assert.equal(m.json().error.message, `msisdn is not a mainland China mobile number ${MSISDN_FORMS}`);
  });
});
