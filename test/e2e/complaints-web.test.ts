/** Web pages and the complaint routes under bad input (inject; the real-browser loop is test/browser). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gatewaySuite } from '../helpers/gateway.js';
import { CaseSweeper } from '../../src/app/case-sweeper.js';
import { SmsguardError } from '../../src/domain/errors.js';
import { FORM, staffCookies, webCookie } from '../helpers/web.js';


describe('complaint web pages and hardening', () => {
  const { g, cp, other } = gatewaySuite({ other: { name: '另一家公司', signature: '【另一家】', ports: { service: '10697001' } } });

  const cookieFor = (token: string): Promise<string> => webCookie(g, token);

  test('the public form: labelled fields, errors shown in the page with the API\'s status (Chinese by default, English on request)', async () => {
    const page = await g.http.inject({ method: 'GET', url: '/web/complaint' });
    assert.equal(page.statusCode, 200);
    for (const id of ['msisdn', 'sender', 'text', 'receivedAt', 'request', 'shot']) assert.match(page.body, new RegExp(`<label for="${id}">`), id);
    const bad = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: 'msisdn=123&text=x' });
    assert.equal(bad.statusCode, 422, 'invalid_msisdn is 422, as POST /v1/complaints answers it');
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '123', text: 'x' } })).statusCode, 422);
    assert.match(bad.body, /role="alert"/);
    assert.match(bad.body, /invalid_msisdn/);
    assert.match(bad.body, /value="x"|>x</, 'what the user typed is kept');
    // the field the refusal is about is marked invalid and described by the alert (nothing tied them)
    assert.match(bad.body, /<div class="alert" role="alert" id="form-error">/);
    assert.match(bad.body, /<input id="msisdn" name="msisdn" type="tel" value="123" required aria-invalid="true" aria-describedby="msisdn-hint form-error"/);
    assert.doesNotMatch(bad.body, /<(input|textarea) id="(sender|text|receivedAt|request)"[^>]*aria-invalid/, 'only that field');
    const badTime = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: 'msisdn=13800138000&text=x&receivedAt=yesterday' });
    assert.equal(badTime.statusCode, 400);
    assert.match(badTime.body, /<input id="receivedAt" name="receivedAt" type="datetime-local" value="yesterday" aria-invalid="true" aria-describedby="form-error">/);
    assert.doesNotMatch(badTime.body, /id="msisdn"[^>]*aria-invalid/);
    const empty = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: 'msisdn=13800138000' });
    assert.equal(empty.statusCode, 400, 'bad input: nothing said about the message');
    assert.match(empty.headers['content-type'] as string, /^text\/html/);
    assert.match(empty.body, /role="alert"[\s\S]*invalid_request/);
    const en = await g.http.inject({ method: 'GET', url: '/web/complaint?lang=en' });
    assert.match(en.body, /<html lang="en">/);
    assert.match(String(en.headers['set-cookie']), /sg_lang=en/);
  });

  test('staff pages need sign-in; a bad token is refused; a provider never sees another provider\'s case', async () => {
    const anon = await g.http.inject({ method: 'GET', url: '/web/cases' });
    assert.equal(anon.statusCode, 303);
    assert.match(String(anon.headers.location), /^\/web\/login\?next=/);
    const badLogin = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: 'token=nope' });
    assert.equal(badLogin.statusCode, 401);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', sender: '10690001', text: 'x' } })).json();
    assert.equal(f.contentProviderId, cp.id, 'named by its port');
    const otherCookie = await cookieFor(other.apiKey);
    const list = await g.http.inject({ method: 'GET', url: '/web/cases', headers: { cookie: otherCookie } });
    assert.ok(!list.body.includes(f.reference));
    const page = await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: { cookie: otherCookie } });
    const api = await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: other.auth });
    assert.equal(api.statusCode, 403, 'a provider touching what is not its own → forbidden');
    assert.equal(page.statusCode, 403, 'the page answers as the API does');
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /role="alert"[\s\S]*\(forbidden\)/);
    assert.ok(!page.body.includes(f.reference), 'nothing of the case shown');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/cases/case_doesnotexist', headers: other.auth })).statusCode, 404);
    const none = await g.http.inject({ method: 'GET', url: '/web/cases/case_doesnotexist', headers: { cookie: otherCookie } });
    assert.equal(none.statusCode, 404);
    assert.match(none.body, /role="alert"[\s\S]*\(not_found\)/);
    const act = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, cookie: otherCookie }, payload: 'action=answer&text=x&finding=unfounded' });
    assert.equal(act.statusCode, 403, 'refused as forbidden, and the case page it cannot see is not shown');
    assert.match(act.headers['content-type'] as string, /^text\/html/);
    assert.match(act.body, /role="alert"[\s\S]*\(forbidden\)/);
    assert.ok(!act.body.includes(f.reference));
  });

  test('a case action that breaks the table is shown as an error on the case page', async () => {
    const { token } = await g.app.auth.createToken('report-centre', 'clerk');
    const cookie = await cookieFor(token);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138001', text: '无法识别的短信' } })).json();
    assert.equal(f.contentProviderId, null);
    const noCp = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, cookie }, payload: 'action=forward' });
    assert.equal(noCp.statusCode, 400, 'bad input');
    assert.match(noCp.body, /role="alert"[\s\S]*企业：请从列表中选择已登记的企业。原因：案件没有可识别的企业，请选择要转交的企业。 \(invalid_request\)/, 'the form\'s own label, not the API field, and why');
    const ok = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, cookie }, payload: `action=forward&contentProviderId=${other.id}&reason=%E6%8C%87%E6%B4%BE` });
    assert.equal(ok.statusCode, 303);
    const close = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/act`, headers: { ...FORM, cookie }, payload: 'action=close' });
    assert.equal(close.statusCode, 409, 'conflict, as the API answers it');
    assert.match(close.body, /role="alert"[\s\S]*conflict/);
    assert.match(close.body, new RegExp(f.reference), 'shown on the case page');
  });

  test('violations over the threshold and early-warning suspensions enter the credit file once per month', async () => {
    for (let i = 0; i < 3; i++) await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10697001', to: '13800138002', text: '无签名', type: 'notification' } });
    const sweeper = new CaseSweeper(g.app.ctx, g.complaints.volume, { violationThreshold: 3 });
    assert.deepEqual((await sweeper.sweep()).violationEntries, [other.id]);
    assert.deepEqual((await sweeper.sweep()).violationEntries, [], 'once per provider-month');
    assert.equal(await g.complaints.recordEarlyWarningSuspension(other.id, { ratePerMillion: 3 }), true);
    assert.equal(await g.complaints.recordEarlyWarningSuspension(other.id, { ratePerMillion: 3 }), false);
    const kinds = (await g.complaints.creditEntries({ role: 'admin', actorId: 'a' }, { contentProviderId: other.id })).entries.map((e) => e.kind).sort();
    assert.deepEqual(kinds, ['early_warning_suspension', 'violation_threshold']);
  });

  test('a regulator limited to a province sees only cases and entries of providers registered there', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138003', sender: '10690001', text: 'x' } })).json();
    const fj = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'fujian', null, { province: '35' })).token}` };
    const bj = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'beijing', null, { province: '11' })).token}` };
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: fj })).statusCode, 200);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: bj })).statusCode, 404);
    const listBj = (await g.http.inject({ method: 'GET', url: '/v1/cases', headers: bj })).json().cases;
    assert.equal(listBj.length, 0);
    assert.ok((await g.http.inject({ method: 'GET', url: '/v1/cases', headers: fj })).json().cases.some((c: { id: string }) => c.id === f.id));
    const add = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: bj, payload: { contentProviderId: cp.id, kind: 'warning' } });
    assert.equal(add.statusCode, 403);
    const ok = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: fj, payload: { contentProviderId: cp.id, kind: 'warning' } });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${ok.json().id}/publish`, headers: bj })).statusCode, 404);
    assert.ok(!(await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: bj })).json().entries.some((e: { id: string }) => e.id === ok.json().id));
  });

  test('a reference that collides is drawn again; a repeated centre reference is not', async () => {
    const cases = g.store.cases;
    const real = cases.createCase.bind(cases);
    const seen: string[] = [];
    let fail = 2;
    cases.createCase = async (row, ev, more) => {
      seen.push(row.reference);
      if (fail-- > 0) throw new SmsguardError('conflict', 'a case with this reference already exists');
      return real(row, ev, more);
    };
    try {
      const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138004', text: '碰撞' } });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(seen.length, 3);
      assert.equal(new Set(seen).size, 3);
      assert.equal(r.json().reference, seen[2]);
    } finally {
      cases.createCase = real;
    }
  });

  test('the centre matches the evidence again with the sender it learnt; the case takes the provider and can be forwarded', async () => {
    const to = '13800138005';
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的积分即将过期', type: 'notification' } });
    assert.equal(m.statusCode, 202, m.body);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: to, text: '骚扰' } })).json();
    assert.equal(f.matchedMessageId, null);
    assert.equal(f.contentProviderId, null);
    const { token } = await g.app.auth.createToken('report-centre', 'clerk2');
    const centre = { authorization: `Bearer ${token}` };
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/evidence`, headers: cp.auth, payload: { sender: '10690001' } })).statusCode, 403);
    const cookie = await cookieFor(token);
    const r = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/evidence`, headers: { ...FORM, cookie }, payload: 'sender=10690001' });
    assert.equal(r.statusCode, 303, r.body);
    const c = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json();
    assert.equal(c.matchedMessageId, m.json().id);
    assert.equal(c.contentProviderId, cp.id);
    assert.equal(c.state, 'received');
    assert.equal(c.events.at(-1).kind, 'evidence');
    const fw = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: centre, payload: { action: 'forward' } });
    assert.equal(fw.statusCode, 200, fw.body);
  });

  test('a refused match again keeps the sender as the clerk typed it, not the case\'s', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138015', sender: '10690009', text: '骚扰' } })).json();
    const cookie = await cookieFor((await g.app.auth.createToken('report-centre', 'clerk-rematch')).token);
    const typed = `【${'很长的签名'.repeat(9)}】`;
    const r = await g.http.inject({ method: 'POST', url: `/web/cases/${f.id}/evidence`, headers: { ...FORM, cookie }, payload: `sender=${encodeURIComponent(typed)}` });
    assert.equal(r.statusCode, 400, r.body.slice(0, 300));
    assert.match(r.body, /role="alert"[\s\S]*发送方/);
    assert.match(r.body, new RegExp(`<input id="rematch-sender" name="sender"[^>]* value="${typed}"`), 'what was typed is kept');
  });

  test('the doors without login are limited per address per minute (429 throttled); a token is not limited', async () => {
    g.complaints.publicLimit.perMinute = 2;
    try {
      const body = { msisdn: '13800138006', text: '刷屏' };
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: body, remoteAddress: '10.0.0.9' })).statusCode);
      assert.deepEqual(codes, [201, 201, 429]);
      const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: body, remoteAddress: '10.0.0.9' });
      assert.equal(r.json().error.code, 'throttled');
      const web = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: 'msisdn=13800138006&text=x', remoteAddress: '10.0.0.9' });
      assert.equal(web.statusCode, 429);
      assert.match(web.body, /role="alert"/);
      assert.equal((await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: body, remoteAddress: '10.0.0.10' })).statusCode, 201, 'another address');
      assert.equal((await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: body, headers: g.admin, remoteAddress: '10.0.0.9' })).statusCode, 201, 'with a token');
    } finally {
      g.complaints.publicLimit.perMinute = 0;
    }
  });

  test('the status lookup refuses an address after 3 wrong codes in 15 minutes (429 with Retry-After, API and web, withdraw counted too); others still look up', async () => {
    g.complaints.statusFailureLimit.limit = 3;
    try {
      const filed = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138007', text: '猜码' }, remoteAddress: '10.0.1.1' })).json();
      const look = (code: string, ip: string) => g.http.inject({ method: 'GET', url: `/v1/complaints/${filed.reference}?accessCode=${code}`, remoteAddress: ip });
      const wrong = filed.accessCode === '00000000' ? '11111111' : '00000000';
      assert.equal((await look(wrong, '10.0.1.2')).statusCode, 404);
      // a right code in between resets nothing
      assert.equal((await look(filed.accessCode, '10.0.1.2')).statusCode, 200);
      assert.equal((await g.http.inject({ method: 'POST', url: `/v1/complaints/${filed.reference}/withdraw`, payload: { accessCode: wrong }, remoteAddress: '10.0.1.2' })).statusCode, 404);
      const web = await g.http.inject({ method: 'POST', url: '/web/complaint/status?lang=en', headers: FORM, payload: `reference=${filed.reference}&accessCode=${wrong}`, remoteAddress: '10.0.1.2' });
      assert.equal(web.statusCode, 404, 'the third miss, on the page');
      const refused = await look(filed.accessCode, '10.0.1.2');
      assert.equal(refused.statusCode, 429, 'spent: even the right code, else the lookup still tells a guess right');
      assert.deepEqual([refused.json().error.code, refused.json().error.rule], ['throttled', 'complaints.status-lookup']);
      assert.match(refused.json().error.article, /^operational, not regulation/);
      const after = Number(refused.headers['retry-after']);
      assert.ok(after >= 1 && after <= 900, String(after));
      const page = await g.http.inject({ method: 'POST', url: '/web/complaint/status?lang=en', headers: FORM, payload: `reference=${filed.reference}&accessCode=${filed.accessCode}`, remoteAddress: '10.0.1.2' });
      assert.equal(page.statusCode, 429);
      assert.match(page.body, /Too many wrong references or access codes[\s\S]*throttled/);
      assert.equal((await look(filed.accessCode, '10.0.1.3')).statusCode, 200, 'another address: the right code works');
      assert.equal((await look(wrong, '10.0.1.3')).statusCode, 404, 'and a wrong one is still a miss, not a 429');
    } finally {
      g.complaints.statusFailureLimit.limit = 0;
    }
  });

  test('moving the simulated clock alone escalates an overdue case (the sweeper runs on clock changes)', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138007', text: '没人管' } })).json();
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 15 * 86_400 } });
    await g.complaints.sweeper.idle();
    const c = await g.store.cases.getCase(f.id);
    assert.equal(c?.state, 'escalated');
    assert.equal(c?.escalatedReason, 'forward_overdue');
    // The sweeper's reason: the API's sentence, its code beside it, and the page's words for it.
    const ev = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: g.admin })).json().events.find((e: { kind: string }) => e.kind === 'escalate');
    assert.equal(ev.reason, 'deadline passed: forward_overdue');
    assert.equal(ev.detail.reasonCode, 'forward_overdue');
    assert.match((await g.http.inject({ method: 'GET', url: `/web/cases/${f.id}`, headers: g.admin })).body, /<td>转交期限已过<\/td>/);
  });

  test('the centre imports JSONL on a page; every result is listed; nothing the caller sends is echoed unescaped', async () => {
    const { token } = await g.app.auth.createToken('report-centre', 'importer');
    const cookie = await cookieFor(token);
    const page = await g.http.inject({ method: 'GET', url: '/web/reports/import', headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<label for="jsonl">/);
    const jsonl = [
      JSON.stringify({ reference: 'WEB-1', msisdn: '13800138008', sender: '10690001', text: '<b>x</b>' }), '<script>alert(1)</script>',
      JSON.stringify({ reference: 'WEB-2', msisdn: '13800138008', text: 'x', contentProviderId: 'cp_nope' }),
    ].join('\n');
    const r = await g.http.inject({ method: 'POST', url: '/web/reports/import', headers: { ...FORM, cookie }, payload: `jsonl=${encodeURIComponent(jsonl)}` });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.body, /id="import-results"/);
    assert.match(r.body, /WEB-1/);
    assert.match(r.body, /invalid_request/);
    // Said in the page's language (Chinese here), by line and key, not as the API's JSON paths.
    assert.match(r.body, /第 2 行不是有效的 JSON（/);
    assert.match(r.body, /企业（contentProviderId）：没有已登记的企业 cp_nope/);
    assert.equal(await g.store.cases.getCaseByExternalRef('WEB-2'), null, 'the refused report opened no case');
    assert.ok(!r.body.includes('此前已受理'), 'a report filed now is not said to be filed before');
    // the file imported again (a retry): WEB-1's case is found, not opened twice, and the page says so
    const again = await g.http.inject({ method: 'POST', url: '/web/reports/import', headers: { ...FORM, cookie }, payload: `jsonl=${encodeURIComponent(jsonl)}` });
    assert.equal(again.statusCode, 200, again.body);
    assert.match(again.body, /已受理 1（其中此前已受理 1） · 失败 2/);
    assert.match(again.body, /WEB-1[\s\S]*?（此前已受理，未重复受理）/);
    assert.ok(!r.body.includes('<script>alert(1)'), 'escaped');
    const bad = await g.http.inject({ method: 'GET', url: `/web/cases/${encodeURIComponent('<script>alert(1)</script>')}`, headers: { cookie } });
    assert.equal(bad.statusCode, 404);
    assert.ok(!bad.body.includes('<script>alert(1)'), 'escaped');
    const tooMany = Array.from({ length: 1001 }, () => '{}').join('\n');
    const bad400 = await g.http.inject({ method: 'POST', url: '/web/reports/import', headers: { ...FORM, cookie }, payload: `jsonl=${encodeURIComponent(tooMany)}` });
    assert.equal(bad400.statusCode, 400, 'bad input');
    assert.match(bad400.body, /role="alert"[\s\S]*invalid_request/);
    const provider = await cookieFor(cp.apiKey);
    const denied = await g.http.inject({ method: 'POST', url: '/web/reports/import', headers: { ...FORM, cookie: provider }, payload: `jsonl=${encodeURIComponent(jsonl)}` });
    assert.equal(denied.statusCode, 403);
    assert.match(denied.headers['content-type'] as string, /^text\/html/);
    assert.match(denied.body, /role="alert"[^<]*需要以下身份之一：举报中心、运营方。 \(forbidden\)/);
    const deniedPage = await g.http.inject({ method: 'GET', url: '/web/reports/import', headers: { cookie: provider } });
    assert.equal(deniedPage.statusCode, 403, 'the form is not offered to whom cannot use it');
    assert.match(deniedPage.headers['content-type'] as string, /^text\/html/);
    assert.match(deniedPage.body, /role="alert"[^<]*需要以下身份之一：举报中心、运营方。 \(forbidden\)/);
    assert.ok(!deniedPage.body.includes('<label for="jsonl">'));
  });

  test('a form field named like an object property (toString, constructor, __proto__, hasOwnProperty) is just a field: never a 500', async () => {
    // fast-check found it: a body of just `toString` read Object.prototype.toString as the field already
    // there and turned the form into a function and a string
    for (const raw of ['toString', 'constructor=x', '__proto__=x&text=y', 'hasOwnProperty&valueOf=1', 'msisdn=13800138000&toString=a&toString=b']) {
      const w = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: raw });
      assert.ok(w.statusCode < 500, `${raw}: ${w.statusCode} ${w.body.slice(0, 200)}`);
      assert.match(w.headers['content-type'] as string, /^text\/html/);
    }
    // a cookie that is not percent-encoding (another site's on the same host) is not ours: the page still renders
    const page = await g.http.inject({ method: 'GET', url: '/web/complaint', headers: { cookie: 'other=%E0%A4%A; toString=1' } });
    assert.equal(page.statusCode, 200, page.body.slice(0, 200));
  });

  test('property: no input to the complaint doors crashes the server or leaves a half-made case', async () => {
    const { token } = await g.app.auth.createToken('report-centre', 'fuzz');
    const centre = { authorization: `Bearer ${token}` };
    const before = (await g.complaints.listCases({ role: 'admin', actorId: 'a' }, { limit: 500 })).cases.length;
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.constant('13800138000'), fc.constant('10690001'), fc.constant('data:image/png;base64,AAAA'));
    const body = fc.record({ msisdn: value, sender: value, text: value, receivedAt: value, request: value, screenshot: value, reference: value }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(body, fc.string(), async (b, raw) => {
      const a = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: b });
      assert.ok(a.statusCode < 500, a.body);
      const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: centre, payload: [b] });
      assert.ok(r.statusCode < 500, r.body);
      const w = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: raw });
      assert.ok(w.statusCode < 500, w.body);
      const j = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: { ...centre, 'content-type': 'application/x-ndjson' }, payload: raw });
      assert.ok(j.statusCode < 500, j.body);
    }), { numRuns: 60 });
    const after = (await g.complaints.listCases({ role: 'admin', actorId: 'a' }, { limit: 500 })).cases;
    assert.ok(after.length >= before);
    // every case that exists is whole: it has its 'created' event and a reference
    for (const c of after) {
      const ev = await g.store.cases.events(c.id);
      assert.equal(ev[0]?.kind, 'created', c.id);
      assert.match(c.reference, /^C\d{8}[0-9A-F]{8}$/);
    }
  });
});

// One working day left read "1 working days left after today" on the English pages (2026-12-08).
describe('a deadline one working day away, in English', () => {
  const { g } = gatewaySuite();
  test('says "1 working day left" on the case page and the list, and days in the plural otherwise', async () => {
    const filed = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', text: '又收到了' } })).json();
    const centre = (await staffCookies(g)).centre;
    const page = async (url: string) => (await g.http.inject({ method: 'GET', url, headers: { cookie: `${centre}; sg_lang=en` } })).body;
    const days = (await g.http.inject({ method: 'GET', url: `/v1/cases/${filed.id}`, headers: g.admin })).json().deadline.workingDaysLeft as number;
    assert.ok(days > 1, String(days));
    assert.match(await page(`/web/cases/${filed.id}`), new RegExp(`${days} working days left after today`));
    const left = async () => (await g.http.inject({ method: 'GET', url: `/v1/cases/${filed.id}`, headers: g.admin })).json().deadline.workingDaysLeft;
    for (let i = 0; i < 14 && (await left()) !== 1; i++) g.clock.advance(86_400_000);
    assert.equal(await left(), 1, 'the clock moved to the working day before the deadline');
    const casePage = await page(`/web/cases/${filed.id}`);
    assert.match(casePage, /id="deadline">[^\n]*· 1 working day left after today</);
    assert.match(await page('/web/cases'), /<br>1 working day left after today</);
  });
});
