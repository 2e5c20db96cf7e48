/**
 * A control character typed, pasted (from a terminal: ESC, BEL, backspace) or sent by a broken client
 * is nobody's words: free text keeps its tab and line breaks and takes no other control character; a
 * field of one line takes none. The web forms and the API refuse the same fields alike (one check,
 * src/app/validate.ts `plainText`), by the field's name, the page saying it in its language; nothing
 * is stored.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { complaintOnPromotion, gatewaySuite, promotionThenOptOut, ADMIN_TOKEN } from '../helpers/gateway.js';
import { alerts, FORM, form, staffCookies, webCookie } from '../helpers/web.js';


describe('control characters in what is typed', () => {
  const { g, cp } = gatewaySuite();
  const cookies: Record<string, string> = {};
  before(async () => {
    Object.assign(cookies, await staffCookies(g), { admin: await webCookie(g, ADMIN_TOKEN) });
  });
  const cases = async () => (await g.http.inject({ method: 'GET', url: '/v1/cases', headers: g.admin })).json().cases.length;

  test('the complaint form: the text refuses a BEL, by its label, in the page\'s language; tab and line breaks are kept; nothing filed', async () => {
    const before = await cases();
    const zh = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', sender: '10690002', text: '年终大促\u0007全场五折', once: 'c1' }) });
    assert.equal(zh.statusCode, 400, zh.body);
    assert.equal(alerts(zh.body), '出错了：短信内容：含有控制字符 U+0007（除制表符和换行外，控制字符不能填写；常见于从终端或其他程序复制的内容），请删去后再提交。 (invalid_request)');
    const en = await g.http.inject({ method: 'POST', url: '/web/complaint?lang=en', headers: FORM, payload: form({ msisdn: '13800138000', sender: '10690002', text: 'sale\u001b[31m', once: 'c2' }) });
    assert.equal(en.statusCode, 400);
    assert.match(alerts(en.body), /^Something went wrong: Message text: holds the control character U\+001B .* \(invalid_request\)$/);
    // the sender is one line: a tab in it is said so
    const tab = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', sender: '1069\t0002', text: '年终大促', once: 'c3' }) });
    assert.equal(tab.statusCode, 400);
    assert.match(alerts(tab.body), /发送号码或签名：只能填写一行文字，不能含有换行、制表符等控制字符（此处有 U\+0009）/);
    assert.equal(await cases(), before, 'nothing filed');
    // the text's own tab and line breaks are words: filed and kept as typed
    const ok = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', sender: '10690002', text: '第一行\r\n第二行\t完', once: 'c4' }) });
    assert.equal(ok.statusCode, 201, alerts(ok.body));
    const filed = (await g.http.inject({ method: 'GET', url: '/v1/cases', headers: g.admin })).json().cases;
    assert.equal(filed.length, before + 1);
  });

  test('the API refuses the same fields alike (400 invalid_request naming the field)', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', sender: '10690002', text: '年终\u0008大促' } });
    assert.equal(r.statusCode, 400, r.body);
    assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', 'text']);
    assert.match(r.json().error.message, /^text: must not contain control characters other than tab and line breaks \(U\+0008 at character 3\)$/);
    const c1 = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', sender: '10690002', text: '年终大促', request: '退订\u0085' } });
    assert.deepEqual([c1.statusCode, c1.json().error.field], [400, 'request'], 'a C1 control too');
    const reg = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'api', null)).token}` }, payload: { contentProviderId: cp.id, kind: 'warning', publicSummary: '未经同意\n发送营销短信' } });
    assert.equal(reg.statusCode, 400, reg.body);
    assert.deepEqual([reg.json().error.field, reg.json().error.message], ['publicSummary', 'publicSummary: is one line and must not contain control characters (U+000A at character 5)']);
  });

  test('the credit form: notes keep line breaks but not a backspace; the public summary is one line; the field is named; nothing added', async () => {
    const entries = async () => (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: g.admin })).json().entries.length;
    const before = await entries();
    const notes = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: cp.id, kind: 'warning', notes: '约谈\b记录', publicSummary: '未经同意发送营销短信', once: 'e1' }) });
    assert.equal(notes.statusCode, 400, notes.body);
    assert.match(alerts(notes.body), /^出错了：内部备注.*：含有控制字符 U\+0008/);
    const summary = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: cp.id, kind: 'warning', notes: '第一行\n第二行', publicSummary: '未经同意\r\n发送营销短信', once: 'e2' }) });
    assert.equal(summary.statusCode, 400);
    assert.match(alerts(summary.body), /^出错了：公示内容.*：只能填写一行文字.*U\+000D/);
    assert.equal(await entries(), before, 'nothing added');
    const ok = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: cookies.regulator }, payload: form({ contentProviderId: cp.id, kind: 'warning', notes: '第一行\n第二行', publicSummary: '未经同意发送营销短信', once: 'e3' }) });
    assert.equal(ok.statusCode, 303, alerts(ok.body));
  });

  test('a case act\'s reason, a lift\'s evidence and a revoke\'s reason are refused by their labels', async () => {
    const c = await complaintOnPromotion(g, cp, '13700137000', '【示例】年终大促全场五折');
    const act = await g.http.inject({ method: 'POST', url: `/web/cases/${c.id}/act`, headers: { ...FORM, cookie: cookies.centre }, payload: form({ action: 'escalate', reason: '超期\u0007未处理' }) });
    assert.equal(act.statusCode, 400, alerts(act.body));
    assert.match(alerts(act.body), /^出错了：理由：含有控制字符 U\+0007/);
    await promotionThenOptOut(g, cp, '13600136000');
    const lift = await g.http.inject({
      method: 'POST', url: '/web/subscribers/lift', headers: { ...FORM, cookie: cookies.admin },
      payload: form({ msisdn: '13600136000', contentProviderId: cp.id, reason: '用户来电要求恢复', channel: 'phone', reference: 'call\t1', capturedAt: '2026-11-30T12:30' }),
    });
    assert.equal(lift.statusCode, 400, alerts(lift.body));
    assert.match(alerts(lift.body), /：只能填写一行文字，不能含有换行、制表符等控制字符（此处有 U\+0009）/);
    assert.match(alerts(lift.body), /^出错了：凭证编号：只能填写一行文字/);
    const sig = (await g.app.getContentProvider({ role: 'admin', actorId: 'admin' }, cp.id)).signatures[0];
    const revoke = await g.http.inject({ method: 'POST', url: `/web/providers/${cp.id}/signatures/${sig.id}/revoke`, headers: { ...FORM, cookie: cookies.admin }, payload: form({ reason: '商标\u001b已转让' }) });
    assert.equal(revoke.statusCode, 400, alerts(revoke.body));
    assert.match(alerts(revoke.body), /理由.*：含有控制字符 U\+001B/);
  });
});
