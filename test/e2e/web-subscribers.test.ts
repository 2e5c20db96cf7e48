/**
 * `/web/subscribers`: a number's consents and refusals as a page, through the same use cases as the
 * API: the operator and regulators GET /v1/subscribers/{msisdn} (a regulator limited to a province,
 * only its providers'), a provider GET /v1/subscribers/{msisdn}/consents (its own); the operator lifts
 * an opt-out with the evidence POST …/lift-opt-out requires, a provider withdraws its own consent. A
 * refused act shows the code's label and the message in the page. Without JavaScript: GET and POST forms.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, ADMIN_TOKEN } from '../helpers/gateway.js';
import { FORM, form, roleCookie, webCookie } from '../helpers/web.js';
import { hashSecret } from '../../src/app/secrets.js';

const USER = '13900139123';
const MIN = 60_000;
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';
/** A table's rows (by its id) as their cells' text, tags dropped. */
const cells = (body: string, id: string) => {
  const tbody = new RegExp(`<table id="${id}"[^>]*>[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(body)?.[1] ?? '';
  return [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()));
};
const attrs = (body: string, name: string) => [...body.matchAll(new RegExp(`<tr data-${name}="([^"]+)"`, 'g'))].map((m) => m[1]);

describe('the subscriber page', () => {
  const { g, cp, other } = gatewaySuite({ other: { signature: '【别家】', province: '11', ports: { service: '10698001', commercial: '10698002' } } });
  const c: Record<'cp' | 'other' | 'beijing' | 'centre', string> = {} as never;
  const consent: Record<'cp' | 'other', string> = {} as never;
  const get = (url: string, cookie?: string) => g.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const post = (url: string, body: Record<string, string>, headers: Record<string, string>) => g.http.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: form(body) });
  const api = async () => (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${USER}`, headers: g.admin })).json();

  before(async () => {
    const grant = async (auth: Record<string, string>, category: string, reference: string) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: auth, payload: { msisdn: USER, category, frequency: { count: 4, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference, capturedAt: '2026-11-29T02:00:00Z' } } });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };
    consent.cp = await grant(cp.auth, 'promo', 'form-cp-1');
    consent.other = await grant(other.auth, 'member news', 'form-other-1');
    // 12:00 Shanghai: the user replies TD to cp's commercial port
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: USER, to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out', mo.body);
    const dnd = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: [USER], source: 'miit-list-2026' } });
    assert.equal(dnd.json().added, 1, dnd.body);
    g.clock.advance(10 * MIN);
    Object.assign(c, {
      cp: await webCookie(g, cp.apiKey), other: await webCookie(g, other.apiKey),
      beijing: await roleCookie(g, 'regulator', 'bj', { province: '11' }), centre: await roleCookie(g, 'report-centre', 'clerk'),
    });
  });

  test('the operator looks a number up: its DND listing, opt-outs with how, every provider\'s consents, and the lift form', async () => {
    const r = await g.http.inject({ method: 'GET', url: `/web/subscribers?msisdn=${encodeURIComponent('139 0013 9123')}`, headers: g.admin });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /<title>号码的同意与退订记录 · smsguard<\/title>/);
    assert.ok(nav(r.body).includes('href="/web/subscribers"'));
    assert.match(r.body, /<span class="mono" id="subscriber-number">\+8613900139123<\/span>/, 'the number searched is shown');
    assert.match(r.body, /value="139 0013 9123"/, 'the form keeps what was typed');
    assert.match(r.body, /<p id="dnd" class="overdue">在免打扰名单上（列入时间：2026-11-30 12:00；来源：miit-list-2026）/);
    const optOuts = cells(r.body, 'opt-outs');
    assert.equal(optOuts.length, 1);
    // the provider by its name, its id after it (it was the bare cp_ id)
    assert.deepEqual(optOuts[0].slice(0, 4), [`示例科技有限公司 ${cp.id}`, '2026-11-30 12:00', '该企业全部签名', '短信退订']);
    assert.match(optOuts[0][4], /短信内容 TD/, 'the reply as recorded');
    assert.match(optOuts[0][5], /取消退订/, 'the operator may lift it');
    assert.deepEqual(attrs(r.body, 'consent').sort(), [consent.cp, consent.other].sort());
    const rows = Object.fromEntries(cells(r.body, 'consents').map((row) => [row[0], row]));
    assert.deepEqual(rows[consent.other].slice(1, 8), [`示例科技有限公司 ${other.id}`, 'member news', '4次/月', '有效', '2026-11-30 12:00', '2027-06-01 08:00', '—']);
    assert.match(rows[consent.other][9], /渠道 网页 编号 form-other-1 取得时间 2026-11-29 10:00/);
    assert.equal(rows[consent.cp][4], '已撤回', 'the opt-out withdrew cp\'s consent');
    assert.match(rows[consent.cp][7], /2026-11-30 12:00 撤回方式：短信退订/);
    assert.deepEqual(cells(r.body, 'opt-out-history').map((row) => row.slice(0, 5)), [['2026-11-30 12:00', `示例科技有限公司 ${cp.id}`, '退订', '短信退订', '用户本人']]);
    assert.ok(!r.body.includes('withdraw-form'), 'withdrawing a consent is its provider\'s (DELETE /v1/consents/{id}), not the operator\'s');
    const en = await g.http.inject({ method: 'GET', url: `/web/subscribers?msisdn=${USER}&lang=en`, headers: g.admin });
    assert.match(en.body, /<title>A number&#39;s consents and opt-outs · smsguard<\/title>/);
    assert.deepEqual(cells(en.body, 'opt-outs')[0].slice(2, 4), ['every signature of the provider', 'SMS reply']);
    assert.match(en.body, /On the do-not-disturb list \(listed at: 2026-11-30 12:00; source: miit-list-2026\)/);
    assert.match(en.body, /Lift the opt-out/);
    // the form alone before a number; a number that is none says so with the code's label
    const empty = await g.http.inject({ method: 'GET', url: '/web/subscribers', headers: g.admin });
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /<form method="get" action="\/web\/subscribers" id="subscriber-search">/);
    assert.ok(!empty.body.includes('subscriber-number'));
    const bad = await g.http.inject({ method: 'GET', url: '/web/subscribers?msisdn=12345', headers: g.admin });
    assert.equal(bad.statusCode, 422, bad.body);
    // said once: the field and why, not the code's label and then the same again
    const said = (body: string) => /role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(body)![1].replace(/<[^>]+>/g, '');
    assert.match(said(bad.body), /^出错了：手机号码：不是中国大陆手机号码（应为 11 位，例如 13800138000）。 \(invalid_msisdn\)/);
    assert.equal(said(bad.body).split('不是中国大陆').length, 2, said(bad.body));
    const badEn = await g.http.inject({ method: 'GET', url: '/web/subscribers?msisdn=12345&lang=en', headers: g.admin });
    assert.match(said(badEn.body), /^Something went wrong: Mobile number: not a mainland China mobile number \(11 digits, e.g. 13800138000\)\. \(invalid_msisdn\)/);
    assert.equal(said(badEn.body).split('not a mainland').length, 2, said(badEn.body));
  });

  test('a provider sees its own only, a regulator its province\'s; the report centre and visitors not at all', async () => {
    const own = await get(`/web/subscribers?msisdn=${USER}`, c.cp);
    assert.equal(own.statusCode, 200, own.body);
    assert.ok(nav(own.body).includes('href="/web/subscribers"'));
    assert.deepEqual(attrs(own.body, 'consent'), [consent.cp]);
    assert.ok(!own.body.includes(other.id) && !own.body.includes('member news'), 'nothing of the other provider');
    assert.match(own.body, /来源：平台名单/, 'of the DND list only that the number is on it');
    assert.ok(!own.body.includes('miit-list-2026'));
    assert.deepEqual(attrs(own.body, 'opt-out'), [cp.id]);
    assert.ok(!own.body.includes('lift-form'), 'a provider never lifts an opt-out');
    assert.ok(!own.body.includes('withdraw-form'), 'its consent is withdrawn already');
    const theirs = await get(`/web/subscribers?msisdn=${USER}`, c.other);
    assert.deepEqual(attrs(theirs.body, 'consent'), [consent.other]);
    assert.deepEqual(attrs(theirs.body, 'opt-out'), []);
    assert.ok(!theirs.body.includes(cp.id), 'nothing of cp, not even its opt-out');
    assert.match(theirs.body, /withdraw-form/, 'its own live consent can be withdrawn');
    // a regulator limited to Beijing: the Beijing provider's records, not cp's (Fujian)
    const bj = await get(`/web/subscribers?msisdn=${USER}`, c.beijing);
    assert.equal(bj.statusCode, 200, bj.body);
    assert.match(bj.body, /id="scoped"/);
    assert.deepEqual(attrs(bj.body, 'consent'), [consent.other]);
    assert.deepEqual(attrs(bj.body, 'opt-out'), []);
    assert.ok(!bj.body.includes(cp.id));
    assert.ok(!bj.body.includes('lift-form') && !bj.body.includes('withdraw-form'));
    const centre = await get(`/web/subscribers?msisdn=${USER}`, c.centre);
    assert.equal(centre.statusCode, 403);
    assert.ok(!centre.body.includes('subscriber-number'));
    assert.ok(!nav(centre.body).includes('href="/web/subscribers"'));
    const visitor = await get(`/web/subscribers?msisdn=${USER}`);
    assert.equal(visitor.statusCode, 303);
    assert.equal(visitor.headers.location, `/web/login?next=${encodeURIComponent(`/web/subscribers?msisdn=${USER}`)}`);
    // a provider posting the operator's lift is refused as the API refuses it
    const lift = await post('/web/subscribers/lift', { msisdn: USER, contentProviderId: cp.id, reason: 'user asked', channel: 'phone', reference: 't-1', capturedAt: '2026-11-30T12:05' }, { cookie: c.cp });
    assert.equal(lift.statusCode, 403, lift.body);
    // the role the act needs, said once: not after the code's label, which says the same
    assert.match(lift.body, /role="alert"><strong>出错了：<\/strong>这项操作需要以下身份之一：运营方。 \(forbidden\)/);
    assert.equal((await api()).optOuts.length, 1, 'still opted out');
  });

  test('a lift refused shows the code\'s label and message, the form kept; a lift with evidence after the opt-out succeeds and is recorded', async () => {
    const body = { msisdn: '+8613900139123', contentProviderId: cp.id, reason: '用户来电要求恢复接收', channel: 'phone', reference: 'call 88231', capturedAt: '2026-11-30T11:59' };
    const early = await post('/web/subscribers/lift', body, g.admin);
    assert.equal(early.statusCode, 400, early.body);
    assert.match(early.body, /role="alert"[\s\S]*请求格式有误：用户提出请求的时间（北京时间）：evidence\/capturedAt: must not be before the opt-out it lifts \(2026-11-30T04:00:00\.000Z\)[\s\S]*\(invalid_request\)/);
    assert.match(early.body, /<details class="lift" open>/, 'the refused form is open');
    assert.match(early.body, /value="call 88231"/, 'with what was typed');
    assert.equal((await api()).optOuts.length, 1);
    // nothing to lift from the provider the number never refused
    const none = await post('/web/subscribers/lift', { ...body, contentProviderId: other.id, capturedAt: '2026-11-30T12:05' }, g.admin);
    assert.equal(none.statusCode, 404, none.body);
    assert.match(none.body, /<\/strong>企业：该号码没有退订该企业，或退订已被取消（例如刚才已提交过一次）：请查看下方的退订记录。 \(not_found\)/);
    const enNone = await post('/web/subscribers/lift?lang=en', { ...body, contentProviderId: other.id, capturedAt: '2026-11-30T12:05' }, g.admin);
    assert.match(enNone.body, /<\/strong> Provider: this number has no opt-out from this provider, or it was lifted already/);

    const ok = await post('/web/subscribers/lift', { ...body, capturedAt: '2026-11-30T12:05' }, g.admin);
    assert.equal(ok.statusCode, 303, ok.body);
    assert.equal(ok.headers.location, `/web/subscribers?msisdn=${encodeURIComponent('+8613900139123')}&done=lift`);
    const after = await g.http.inject({ method: 'GET', url: String(ok.headers.location), headers: g.admin });
    assert.match(after.body, /id="subscriber-done">已取消退订/);
    assert.match(after.body, /<p id="opt-outs-none">该号码没有退订任何企业。<\/p>/);
    const adminToken = await g.store.directory.findTokenByHash(hashSecret(ADMIN_TOKEN));
    const history = cells(after.body, 'opt-out-history');
    // each table is named by its section's heading
    assert.match(after.body, /<h2 id="opt-out-history-h">[^<]+<\/h2>\n<table id="opt-out-history" aria-labelledby="opt-out-history-h">/);
    assert.deepEqual(history.map((row) => row.slice(0, 5)), [['2026-11-30 12:00', `示例科技有限公司 ${cp.id}`, '退订', '短信退订', '用户本人'], ['2026-11-30 12:10', `示例科技有限公司 ${cp.id}`, '取消退订', '运营方代为办理', adminToken!.id]]);
    assert.match(history[1][5], /原因 用户来电要求恢复接收 用户的请求 渠道 电话 编号 call 88231 取得时间 2026-11-30 12:05/);
    const v = await api();
    assert.deepEqual(v.optOuts, []);
    const optIn = v.events.find((e: { event: string }) => e.event === 'opt_in');
    assert.deepEqual(optIn.evidence.request, { channel: 'phone', reference: 'call 88231', capturedAt: '2026-11-30T04:05:00.000Z' });
  });

  test('a provider withdraws its own consent from the page; a refused withdrawal says why', async () => {
    const early = await post('/web/subscribers/withdraw', { msisdn: USER, consentId: consent.other, channel: 'phone', reference: 'call 5', capturedAt: '2026-11-28T10:00' }, { cookie: c.other });
    assert.equal(early.statusCode, 400, early.body);
    assert.match(early.body, /请求格式有误：用户拒绝的时间（北京时间）：proof\/capturedAt: must not be before the consent was given/);
    // the operator may not withdraw a provider's consent (DELETE /v1/consents/{id} is the provider's)
    const byAdmin = await post('/web/subscribers/withdraw', { msisdn: USER, consentId: consent.other, channel: '', reference: '', capturedAt: '' }, g.admin);
    assert.equal(byAdmin.statusCode, 403, byAdmin.body);
    // nor another provider
    const byCp = await post('/web/subscribers/withdraw', { msisdn: USER, consentId: consent.other, channel: '', reference: '', capturedAt: '' }, { cookie: c.cp });
    assert.equal(byCp.statusCode, 403, byCp.body);
    assert.equal((await api()).consents.find((k: { id: string }) => k.id === consent.other).state, 'live');
    const ok = await post('/web/subscribers/withdraw', { msisdn: USER, consentId: consent.other, channel: 'phone', reference: 'call 6', capturedAt: '2026-11-30T12:08' }, { cookie: c.other });
    assert.equal(ok.statusCode, 303, ok.body);
    const after = await get(String(ok.headers.location), c.other);
    assert.match(after.body, /id="subscriber-done">同意已撤回/);
    const row = cells(after.body, 'consents')[0];
    assert.equal(row[4], '已撤回');
    assert.match(row[7], /撤回方式：企业接口[\s\S]*call 6/);
    assert.ok(!after.body.includes('withdraw-form'));
    assert.deepEqual((await api()).consents.find((k: { id: string }) => k.id === consent.other).withdrawal.evidence.proof, { channel: 'phone', reference: 'call 6', capturedAt: '2026-11-30T04:08:00.000Z' });
  });
});
