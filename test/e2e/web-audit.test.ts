/**
 * What an audit of the pages as their users meet them found (every page and form, each role, zh and
 * en, with bad input): an address with a parameter repeated, a wrong method, a form from another
 * origin, a cookie over HTTPS, a date typed wrong. Each is a page in the page's language with the
 * status the API gives, never a 500 or the API's JSON.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { complaintOnPromotion, gatewaySuite, sendPromotion, ADMIN_TOKEN } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';
import { buildHttpApp } from '../../src/http/app.js';
import { alerts, FORM, form, staffCookies, webCookie } from '../helpers/web.js';


describe('the pages under an audit', () => {
  const { g, cp, other } = gatewaySuite({ other: { name: '另一家公司', signature: '【另一家】', ports: { service: '10697001' } } });
  const cookies: Record<string, string> = {};
  before(async () => {
    Object.assign(cookies, await staffCookies(g), { admin: await webCookie(g, ADMIN_TOKEN), cp: await webCookie(g, cp.apiKey) });
  });

  test('a parameter repeated in a page\'s address (an edited or doubled link) is read as its first, as a form field is: never a 500', async () => {
    // the case list: the first state is refused by name, as when it stands alone
    const cases = await g.http.inject({ method: 'GET', url: '/web/cases?state=bogus&state=closed', headers: { cookie: cookies.centre } });
    assert.equal(cases.statusCode, 400, cases.body);
    assert.match(cases.headers['content-type'] as string, /^text\/html/);
    assert.match(alerts(cases.body), /请从列表中选择状态。 \(invalid_request\)/);
    const closed = await g.http.inject({ method: 'GET', url: '/web/cases?state=closed&state=bogus', headers: { cookie: cookies.centre } });
    assert.equal(closed.statusCode, 200, closed.body);
    assert.match(closed.body, /<option value="closed" selected>/);
    // the annual report: the first provider's
    const annual = await g.http.inject({ method: 'GET', url: `/web/reports/annual?contentProviderId=${cp.id}&contentProviderId=${other.id}&year=2026&year=2025`, headers: { cookie: cookies.admin } });
    assert.equal(annual.statusCode, 200, annual.body);
    assert.match(annual.headers['content-type'] as string, /^text\/html/);
    assert.match(annual.body, /<title>年度检查报告 2026 · 示例科技有限公司<\/title>/);
    assert.doesNotMatch(annual.body, /另一家公司/);
    // every page with each of its parameters doubled
    const pages: [string, string[]][] = [
      ['/web/complaint/status', ['reference']], ['/web/public/credit', ['q']], ['/web/login', ['next', 'sent']], ['/web/cases', ['state', 'cursor']],
      ['/web/credit', ['done', 'cursor']], ['/web/providers', ['status']], ['/web/messages', ['msisdn', 'date', 'clientRef', 'contentProviderId', 'cursor']],
      ['/web/subscribers', ['msisdn', 'done']], ['/web/records', ['number', 'contentProviderId', 'port', 'kind', 'decision', 'rule', 'from', 'to', 'cursor']],
      ['/web/records/verify', ['month']], ['/web/reports/annual', ['year', 'contentProviderId']], ['/web/review', ['done']], ['/web/links', ['done']],
    ];
    for (const who of ['admin', 'regulator', 'centre', 'cp']) {
      for (const [path, keys] of pages) {
        for (const k of keys) {
          const r = await g.http.inject({ method: 'GET', url: `${path}?${k}=x&${k}=y`, headers: { cookie: cookies[who] } });
          assert.ok(r.statusCode < 500, `${who} ${path} ${k}: ${r.statusCode} ${r.body.slice(0, 200)}`);
          if (r.statusCode !== 303) assert.match(r.headers['content-type'] as string, /^text\/html/, `${who} ${path} ${k}`);
        }
      }
    }
  });
});

describe('a staff form sent from another site', () => {
  const { g, cp } = gatewaySuite();
  let regulator = '';
  before(async () => {
    regulator = (await staffCookies(g)).regulator;
  });
  const entries = async () => (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: g.admin })).json().entries.length;
  const add = (site: string | undefined, once: string) => g.http.inject({
    method: 'POST', url: '/web/credit/entries',
    headers: { ...FORM, cookie: regulator, ...(site ? { 'sec-fetch-site': site } : {}) },
    payload: form({ contentProviderId: cp.id, kind: 'warning', notes: '跨站', publicSummary: '未经同意发送营销短信', once }),
  });

  test('is refused 403 in the page\'s language and does nothing: a sibling host (same-site) carries the SameSite=Strict cookie, another site does not', async () => {
    for (const site of ['same-site', 'cross-site']) {
      const r = await add(site, `x-${site}`);
      assert.equal(r.statusCode, 403, `${site}: ${r.body.slice(0, 200)}`);
      assert.match(r.headers['content-type'] as string, /^text\/html/);
      assert.match(alerts(r.body), /这个表单是从其他网站提交的，未予办理。请在本站的页面上操作。 \(forbidden\)/);
    }
    assert.equal(await entries(), 0, 'nothing added');
    const en = await g.http.inject({ method: 'POST', url: `/web/cases/case_x/act?lang=en`, headers: { ...FORM, cookie: regulator, 'sec-fetch-site': 'same-site' }, payload: form({ action: 'escalate' }) });
    assert.equal(en.statusCode, 403);
    assert.match(alerts(en.body), /This form was sent from another website and was not acted on\. Use the form on this site&#39;s own page\. \(forbidden\)/);
    // signing out from elsewhere neither: the cookie is not cleared
    const out = await g.http.inject({ method: 'POST', url: '/web/logout', headers: { cookie: regulator, 'sec-fetch-site': 'same-site' } });
    assert.equal(out.statusCode, 403);
    assert.equal(out.headers['set-cookie'], undefined);
    // and a sign-in from a sibling host, as from another site
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { ...FORM, 'sec-fetch-site': 'same-site' }, payload: form({ token: cp.apiKey }) });
    assert.equal(login.statusCode, 403);
    assert.equal(login.headers['set-cookie'], undefined);
  });

  test('from this site\'s own page (same-origin), a typed address (none) or a browser that says nothing, it is taken', async () => {
    for (const [i, site] of ['same-origin', 'none', undefined].entries()) {
      const r = await add(site, `ok-${i}`);
      assert.equal(r.statusCode, 303, `${site}: ${r.body.slice(0, 200)}`);
    }
    assert.equal(await entries(), 3);
  });
});

describe('the sign-in cookie over HTTPS', () => {
  const { g, cp } = gatewaySuite();

  test('behind a trusted proxy that says https, the cookies are Secure (set and cleared); over plain HTTP, or when a client says https itself, they are not', async () => {
    const proxied = await buildHttpApp({ app: g.app, trustProxy: 'loopback' });
    try {
      const https = { 'x-forwarded-proto': 'https' };
      const login = await proxied.inject({ method: 'POST', url: '/web/login?lang=en', headers: { ...FORM, ...https }, payload: form({ token: cp.apiKey }) });
      assert.equal(login.statusCode, 303, login.body);
      const set = [login.headers['set-cookie']].flat().map(String);
      assert.ok(set.some((c) => /^sg_session=.*; HttpOnly; SameSite=Strict; Max-Age=604800; Secure$/.test(c)), set.join(' / '));
      assert.ok(set.some((c) => /^sg_lang=en; .*; Secure$/.test(c)), set.join(' / '));
      const out = await proxied.inject({ method: 'POST', url: '/web/logout', headers: https });
      assert.match(String(out.headers['set-cookie']), /^sg_session=; .*Max-Age=0; Secure$/);
      // plain HTTP through the same proxy
      const plain = await proxied.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: cp.apiKey }) });
      assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/);
    } finally {
      await proxied.close();
    }
    // no proxy trusted: a client's own X-Forwarded-Proto is not believed
    const direct = await g.http.inject({ method: 'POST', url: '/web/login', headers: { ...FORM, 'x-forwarded-proto': 'https' }, payload: form({ token: cp.apiKey }) });
    assert.equal(direct.statusCode, 303);
    assert.doesNotMatch(String(direct.headers['set-cookie']), /Secure/);
  });
});

describe('a date typed wrong on the staff pages', () => {
  const { g, cp } = gatewaySuite();
  let admin = '';
  before(async () => {
    admin = await webCookie(g, ADMIN_TOKEN);
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13900139124', to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out', mo.body);
  });
  /** The alert of `url` (GET, or POST with `body`) in `lang`, after checking its status. */
  const said = async (lang: 'zh' | 'en', url: string, body?: Record<string, string>) => {
    const r = await g.http.inject({ method: body ? 'POST' : 'GET', url, headers: { cookie: `${admin}; sg_lang=${lang}`, ...(body ? FORM : {}) }, ...(body ? { payload: form(body) } : {}) });
    assert.equal(r.statusCode, 400, `${url}: ${r.body.slice(0, 300)}`);
    return alerts(r.body);
  };

  test('a day the month lacks, a month 13, a time that is none: the field and why, in the page\'s language, not the API\'s English', async () => {
    const lift = { msisdn: '13900139124', contentProviderId: cp.id, reason: '用户来电要求恢复', channel: 'phone', reference: 'call-1', capturedAt: '2026-11-31T10:00' };
    const cases: [string, Record<string, string> | undefined, string, string][] = [
      ['/web/messages?msisdn=13800138000&date=2026-02-30', undefined, '日期（北京时间）：请选择日期（年-月-日）。原因：不是日历上的日期（例如 2026-11-30）。 (invalid_request)', 'Day (Shanghai time): Choose a day (year-month-day). Reason: not a day of the calendar (e.g. 2026-11-30). (invalid_request)'],
      ['/web/records?from=2026-99-01', undefined, '起始日期（北京时间）：请选择日期（年-月-日），或不填。原因：不是日历上的日期（例如 2026-11-30）。 (invalid_request)', 'From (day, Shanghai time): Choose a day (year-month-day), or leave it empty. Reason: not a day of the calendar (e.g. 2026-11-30). (invalid_request)'],
      ['/web/records/export?to=x', undefined, '截止日期（北京时间，含当日）：请选择日期（年-月-日），或不填。原因：不是日历上的日期（例如 2026-11-30）。 (invalid_request)', 'To (day, Shanghai time, included): Choose a day (year-month-day), or leave it empty. Reason: not a day of the calendar (e.g. 2026-11-30). (invalid_request)'],
      ['/web/records/verify?month=2026-13', undefined, '月份：请选择月份（年-月）。原因：不是日历上的月份（例如 2026-11）。 (invalid_request)', 'Month: Choose a month (year-month). Reason: not a month of the calendar (e.g. 2026-11). (invalid_request)'],
      ['/web/subscribers/lift', lift, '用户提出请求的时间（北京时间）：不是有效的日期和时间，请重新选择（例如 2026-11-30 12:00）。 (invalid_request)', 'When the user asked (Shanghai time): is not a date and time: choose it again (e.g. 2026-11-30 12:00). (invalid_request)'],
    ];
    for (const [url, body, zh, en] of cases) {
      const z = await said('zh', url, body);
      assert.ok(z.includes(zh), `${url} zh: ${z}`);
      assert.doesNotMatch(z, /YYYY|ISO-8601|got /, url);
      const e = await said('en', url, body);
      assert.ok(e.includes(en), `${url} en: ${e}`);
      assert.doesNotMatch(e, /YYYY|ISO-8601|got /, url);
    }
  });
});

describe('an address under /web that takes no such request', () => {
  const { g, cp } = gatewaySuite();

  test('a form sent to a page\'s address, or a method no page uses, is the page-not-found page in the page\'s language, not the API\'s JSON, and does nothing', async () => {
    const admin = await webCookie(g, ADMIN_TOKEN);
    for (const [method, url] of [['POST', '/web/cases'], ['POST', '/web/records'], ['POST', `/web/providers/${cp.id}`], ['PUT', '/web/complaint'], ['DELETE', '/web/credit/entries'], ['PATCH', '/web/login'], ['POST', '/web/no/such/form']] as const) {
      const r = await g.http.inject({ method, url, headers: { ...FORM, cookie: admin }, payload: form({ reason: 'x' }) });
      assert.equal(r.statusCode, 404, `${method} ${url}: ${r.body.slice(0, 200)}`);
      assert.match(r.headers['content-type'] as string, /^text\/html/, `${method} ${url}`);
      assert.match(r.body, /<h1>页面不存在<\/h1>/, `${method} ${url}`);
    }
    const en = await g.http.inject({ method: 'DELETE', url: '/web/cases?lang=en' });
    assert.equal(en.statusCode, 404);
    assert.match(en.body, /<h1>Page not found<\/h1>/);
    // the pages' own forms and the API are not shadowed
    assert.equal((await g.http.inject({ method: 'POST', url: '/web/logout', headers: { cookie: admin } })).statusCode, 303);
    assert.equal((await g.http.inject({ method: 'DELETE', url: '/v1/nothing' })).json().error.code, 'not_found', 'the API keeps its JSON 404');
  });
});

describe('an address under /web that cannot be decoded', () => {
  const { g } = gatewaySuite();

  test('a broken %-escape (a link cut off when copied) is a page in the visitor\'s language with 400, not the API\'s JSON; the API keeps its JSON', async () => {
    const zh = await g.http.inject({ method: 'GET', url: '/web/cases/%E0%A4%A' });
    assert.equal(zh.statusCode, 400);
    assert.match(zh.headers['content-type'] as string, /^text\/html/);
    assert.match(zh.body, /<html lang="zh-CN">/);
    assert.match(alerts(zh.body), /这个地址无法识别（其中有残缺的 % 编码，可能是复制时被截断），请从上方导航进入。 \(invalid_request\)/);
    assert.match(zh.body, /href="\/web\/complaint"/);
    const en = await g.http.inject({ method: 'GET', url: '/web/records/%E0%A4%A', headers: { cookie: 'sg_lang=en' } });
    assert.equal(en.statusCode, 400);
    assert.match(alerts(en.body), /This address cannot be read/);
    const api = await g.http.inject({ method: 'GET', url: '/v1/messages/%E0%A4%A', headers: g.admin });
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().error.code, 'invalid_request');
  });
});

describe('the records page\'s subscription records', () => {
  const { g, cp } = gatewaySuite();

  test('say what happened in the page\'s language (给予同意, 退订), not the event\'s id', async () => {
    await sendPromotion(g, cp, '13900139001');
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13900139001', to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out', mo.body);
    const admin = await webCookie(g, ADMIN_TOKEN);
    const rows = async (lang: string) => {
      const r = await g.http.inject({ method: 'GET', url: `/web/records?number=13900139001&kind=subscription&lang=${lang}`, headers: { cookie: admin } });
      assert.equal(r.statusCode, 200, r.body.slice(0, 300));
      return [...r.body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()).filter((x) => /\+8613900139001/.test(x));
    };
    const zh = await rows('zh');
    assert.ok(zh.some((x) => x.endsWith('给予同意 · promo')), zh.join(' / '));
    assert.ok(zh.some((x) => x.endsWith('退订')), zh.join(' / '));
    assert.ok(zh.every((x) => !/consent_granted|opt_out/.test(x)), zh.join(' / '));
    const en = await rows('en');
    assert.ok(en.some((x) => x.endsWith('consent given · promo')), en.join(' / '));
    assert.ok(en.some((x) => x.endsWith('opted out')), en.join(' / '));
  });
});

describe('the language switch on a refused form\'s page', () => {
  const { g, cp } = gatewaySuite();

  test('leads to the page the form was on, in the other language, not to the form\'s POST address (a 404)', async () => {
    const { http } = await installContent(g);
    try {
      // (complaintOnPromotion sends the promotion itself: sent twice, the second was duplicate_content)
      const c = await complaintOnPromotion(g, cp, '13800138000', '【示例】年终大促全场五折');
      const admin = await webCookie({ http }, ADMIN_TOKEN);
      const reg = await webCookie({ http }, (await g.app.auth.createToken('regulator', 'inspector')).token);
      const posts: [string, string, Record<string, string>, string][] = [
        [reg, '/web/credit/entries', { contentProviderId: '', kind: '' }, '/web/credit?lang=en'],
        [reg, '/web/credit/entries/ce_gone/publish', {}, '/web/credit?lang=en'],
        [admin, `/web/cases/${c.id}/act`, { action: 'bogus' }, `/web/cases/${c.id}?lang=en`],
        [admin, `/web/cases/${c.id}/evidence`, { sender: 'x'.repeat(100) }, `/web/cases/${c.id}?lang=en`],
        ['', '/web/complaint/withdraw', { reference: 'C-NONE', accessCode: 'WRONG' }, '/web/complaint/status?lang=en'],
        [admin, '/web/review/msg_gone/release', {}, '/web/review?lang=en'],
        [admin, '/web/templates/tpl_gone/approve', {}, '/web/templates?lang=en'],
        [admin, '/web/subscribers/lift', { msisdn: '13800138000', contentProviderId: cp.id }, '/web/subscribers?msisdn=13800138000&lang=en'],
        [admin, `/web/providers/${cp.id}/signatures/sig_gone/revoke`, { reason: '测试' }, `/web/providers/${cp.id}?lang=en`],
        [admin, `/web/providers/${cp.id}/ports/10699999/retire`, { reason: '测试' }, `/web/providers/${cp.id}?lang=en`],
        [admin, '/web/links/gone/stop', {}, '/web/links?lang=en'],
      ];
      for (const [cookie, url, body, to] of posts) {
        const r = await http.inject({ method: 'POST', url, headers: { ...FORM, ...(cookie ? { cookie } : {}) }, payload: form(body) });
        assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${url}: ${r.statusCode}`);
        const href = /<a href="([^"]*)" lang="en">English<\/a>/.exec(r.body)?.[1].replace(/&amp;/g, '&');
        assert.equal(href, to, url);
        const back = await http.inject({ method: 'GET', url: href, headers: cookie ? { cookie } : {} });
        assert.equal(back.statusCode, 200, `${url} → ${href}: ${back.body.slice(0, 200)}`);
        assert.match(back.body, /<html lang="en">/, href);
      }
    } finally {
      await http.close();
    }
  });
});

describe('the public credit register\'s dates', () => {
  // 2026-12-01 07:00 in Shanghai: still 30 November in UTC
  const { g, cp } = gatewaySuite({ now: Date.parse('2026-11-30T23:00:00Z') });

  test('are the Shanghai day an entry was published, as every other page shows its times, not the UTC day', async () => {
    const inspector = (await staffCookies(g)).regulator;
    const add = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: inspector }, payload: form({ contentProviderId: cp.id, kind: 'warning', publicSummary: '未经同意发送营销短信', once: 'early' }) });
    assert.equal(add.statusCode, 303, add.body.slice(0, 300));
    const id = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: g.admin })).json().entries[0].id;
    const pub = await g.http.inject({ method: 'POST', url: `/web/credit/entries/${id}/publish`, headers: { cookie: inspector } });
    assert.equal(pub.statusCode, 303, pub.body.slice(0, 300));
    const page = await g.http.inject({ method: 'GET', url: '/web/public/credit' });
    const row = /<table id="public-entries">[\s\S]*?<tbody><tr><td>([^<]*)<\/td>/.exec(page.body);
    assert.equal(row?.[1], '2026-12-01', page.body.slice(-1500));
    // the table's caption says what its number counts: it was the bare number ("1"), read so by a
    // screen reader as the table's name, and unexplained on the page
    assert.match(page.body, /<table id="public-entries"><caption class="hint">本页共 1 条公示记录<\/caption>/);
    assert.match((await g.http.inject({ method: 'GET', url: '/web/public/credit?lang=en' })).body, /<caption class="hint">1 published record\(s\) on this page<\/caption>/);
  });
});

describe('signing in with a page to go back to that cannot be an address', () => {
  const { g } = gatewaySuite();

  test('a next= with raw Chinese, a line break or a NUL (a hand-made link) signs in to the default page, not a 500; a page\'s own next= is kept', async () => {
    for (const next of ['/web/records?number=中文', '/web/x\r\nSet-Cookie: a=b', '/web/\u0000', '/web/cases x']) {
      const r = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: ADMIN_TOKEN, next }) });
      assert.equal(r.statusCode, 303, `${JSON.stringify(next)}: ${r.body.slice(0, 200)}`);
      assert.equal(r.headers.location, '/web/cases', JSON.stringify(next));
      assert.match(String(r.headers['set-cookie']), /^sg_session=/);
    }
    const kept = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: ADMIN_TOKEN, next: '/web/subscribers?msisdn=%EF%BC%91%EF%BC%93%EF%BC%98' }) });
    assert.equal(kept.headers.location, '/web/subscribers?msisdn=%EF%BC%91%EF%BC%93%EF%BC%98');
    const away = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: ADMIN_TOKEN, next: '//evil.example/web/' }) });
    assert.equal(away.headers.location, '/web/cases');
  });
});

describe('a required field left empty', () => {
  const { g, cp } = gatewaySuite();

  test('is said as one to fill in, not as a count of characters (needs at least 1 characters)', async () => {
    const admin = await webCookie(g, ADMIN_TOKEN);
    for (const [lang, said] of [['zh', '此项必须填写。'], ['en', 'must be filled in.']] as const) {
      const r = await g.http.inject({ method: 'POST', url: `/web/providers/${cp.id}/ports/10690001/retire?lang=${lang}`, headers: { ...FORM, cookie: admin }, payload: form({ reason: '' }) });
      assert.equal(r.statusCode, 400);
      const text = alerts(r.body);
      assert.ok(text.includes(said), `${lang}: ${text}`);
      assert.doesNotMatch(text, /at least 1|至少需要 1/, lang);
    }
  });
});

describe('every page\'s headers', () => {
  const { g, cp } = gatewaySuite();

  test('a page may not be framed by another, is not cached, not type-guessed, and sends its address as the referrer only to this site', async () => {
    const admin = await webCookie(g, ADMIN_TOKEN);
    const pages: [string, string | undefined][] = [
      ['/web/complaint', undefined], ['/web/login', undefined], ['/web/cases', admin], [`/web/providers/${cp.id}`, admin], ['/web/subscribers?msisdn=13800138000', admin],
      [`/web/reports/annual?contentProviderId=${cp.id}&year=2026`, admin], ['/web/no/such/page', undefined], ['/web/cases/%E0%A4%A', undefined], ['/web/cases?state=bogus', admin],
    ];
    for (const [url, cookie] of pages) {
      const r = await g.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
      assert.match(r.headers['content-type'] as string, /^text\/html/, url);
      assert.equal(r.headers['x-frame-options'], 'DENY', url);
      assert.equal(r.headers['content-security-policy'], "frame-ancestors 'none'", url);
      assert.equal(r.headers['cache-control'], 'no-store', url);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(r.headers['referrer-policy'], 'same-origin', url);
    }
  });
});

describe('a 12321 line that is not JSON, on the Chinese import page', () => {
  const { g } = gatewaySuite();

  test('says where in the line in Chinese, not the JSON parser\'s English; the English page keeps the parser\'s words', async () => {
    const centre = (await staffCookies(g)).centre;
    const post = (lang: string, jsonl: string) => g.http.inject({ method: 'POST', url: `/web/reports/import?lang=${lang}`, headers: { ...FORM, cookie: centre }, payload: form({ jsonl }) });
    const zh = alerts((await post('zh', '{bad')).body) + (await post('zh', '{bad')).body;
    assert.match(zh, /第 1 行不是有效的 JSON（第 2 个字符处有误，请检查引号、逗号和括号）。 \(invalid_request\)/);
    const cut = (await post('zh', '{"reference":"R1"')).body;
    assert.match(cut, /第 1 行不是有效的 JSON（(内容不完整，可能缺少结尾的 } 或引号|第 \d+ 个字符处有误，请检查引号、逗号和括号)）。/);
    assert.doesNotMatch(zh + cut, /Unexpected|Expected|in JSON at|JSON input/);
    assert.match((await post('en', '{bad')).body, /line 1 is not JSON \([^)]*position 1[^)]*\)\. \(invalid_request\)/);
  });
});

describe('the complaint form\'s time received', () => {
  const { g } = gatewaySuite();

  test('is labelled as Shanghai time, which is how a time typed there is read', async () => {
    for (const [lang, label] of [['zh', '收到时间（北京时间）'], ['en', 'Time received (Shanghai time)']] as const) {
      const page = await g.http.inject({ method: 'GET', url: `/web/complaint?lang=${lang}` });
      assert.match(page.body, new RegExp(`<label for="receivedAt">${label.replace(/[()]/g, '\\$&')}</label>`), lang);
    }
    const once = /name="once" value="([^"]+)"/.exec((await g.http.inject({ method: 'GET', url: '/web/complaint' })).body)![1];
    const filed = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', text: '收到广告', receivedAt: '2026-11-30T09:15', once }) });
    assert.equal(filed.statusCode, 201, filed.body.slice(0, 300));
    const ref = /id="case-reference">([^<]+)</.exec(filed.body)![1];
    const cases = (await g.http.inject({ method: 'GET', url: '/v1/cases', headers: g.admin })).json().cases as { reference: string; receivedMessageAt: string }[];
    assert.equal(new Date(cases.find((c) => c.reference === ref)!.receivedMessageAt).toISOString(), '2026-11-30T01:15:00.000Z');
  });
});
