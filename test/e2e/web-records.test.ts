/**
 * `/web/records`: the statutory records as a page for an inspector or the operator's compliance staff,
 * through GET /v1/records's use case (its filters, roles and a regulator token's province and dates),
 * paged on with its cursor; and a month's verification (the hash chain recomputed against the signed
 * heads, as `records verify --month`), clean and after a record was changed in the database file.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewaySuite, NOON_SHANGHAI, OTHER_PROVIDER, startTestGateway, type Provider } from '../helpers/gateway.js';
import { tamperedMonth } from '../helpers/records.js';
import { roleCookie, webCookie } from '../helpers/web.js';
import { until } from '../helpers/wait.js';

const DAY = 86_400_000;
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';
const rowIds = (body: string) => [...body.matchAll(/<tr data-seq="\d+" data-record="([^"]+)">/g)].map((m) => m[1]);
const cells = (body: string) => {
  const table = /<table id="records"[^>]*>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()));
};
const nextHref = (body: string) => /<a id="next-page" href="([^"]+)">/.exec(body)?.[1]?.replaceAll('&amp;', '&');

describe('the records page', () => {
  const { g, cp, other } = gatewaySuite({ now: NOON_SHANGHAI - DAY, other: { ...OTHER_PROVIDER, province: '11' } });
  const ids: Record<string, string> = {};
  const bulk: string[] = [];
  const c: Record<'cp' | 'fujian' | 'beijing' | 'dated' | 'november' | 'centre', string> = {} as never;
  const get = (url: string, cookie?: string) => g.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const admin = (url: string) => g.http.inject({ method: 'GET', url, headers: g.admin });

  const send = async (who: Provider, payload: Record<string, unknown>, code = 202) => {
    const [from, sig] = who === cp ? ['10690001', '【示例】'] : ['10698001', '【别家】'];
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: who.auth, payload: { from, to: '13800138000', text: `${sig}您的订单已发货。`, type: 'notification', ...payload } });
    assert.equal(r.statusCode, code, r.body);
    g.clock.advance(60_000);
    return r.json().id as string;
  };

  before(async () => {
    ids.a = await send(cp, {});
    ids.refused = await send(cp, { text: '【未登记】您的订单已发货。' }, 422);
    ids.theirs = await send(other, {});
    // more than a page (50) of one provider's submissions, each to its own number
    for (let i = 0; i < 53; i++) bulk.push(await send(cp, { to: `139000${String(i).padStart(5, '0')}` }));
    await g.worker.drain();
    const status = async (id: string) => (await admin(`/v1/messages/${id}`)).json().status;
    await until(async () => (await status(ids.a)) === 'delivered' && (await status(ids.theirs)) === 'delivered', 4000, 'receipts');
    g.clock.advance(DAY);
    Object.assign(c, {
      cp: await webCookie(g, cp.apiKey),
      fujian: await roleCookie(g, 'regulator', 'fj', { province: '35' }), beijing: await roleCookie(g, 'regulator', 'bj', { province: '11' }),
      dated: await roleCookie(g, 'regulator', 'from-30th', { from: Date.parse('2026-11-30T00:00:00+08:00') }),
      november: await roleCookie(g, 'regulator', 'nov', { from: Date.parse('2026-11-01T00:00:00+08:00'), to: Date.parse('2026-12-01T00:00:00+08:00') }),
      centre: await roleCookie(g, 'report-centre', 'clerk'),
    });
  });

  test('the operator searches a number: every kind of record about it, newest first, in Shanghai time, with decisions in words', async () => {
    const form = await admin('/web/records');
    assert.equal(form.statusCode, 200, form.body);
    assert.match(form.body, /<title>法定记录查询与核验 · smsguard<\/title>/);
    assert.match(form.body, /<h2 id="search-title">查找记录<\/h2>[\s\S]*<form method="get" action="\/web\/records" id="record-search" aria-labelledby="search-title">/);
    // in words: no API address, and the provider chosen by name
    assert.doesNotMatch(form.body, /GET \/v1\//);
    assert.match(form.body, /<label for="contentProviderId">企业<\/label>\n<select id="contentProviderId" name="contentProviderId"><option value="" selected>全部<\/option>/);
    assert.equal(rowIds(form.body).length, 0, 'the form alone before a search');
    assert.ok(nav(form.body).includes('href="/web/records"'));

    const r = await admin(`/web/records?number=${encodeURIComponent('138 0013 8000')}&kind=mt`);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(rowIds(r.body), [ids.theirs, ids.refused, ids.a]);
    const rows = cells(r.body);
    assert.equal(rows[1][1], '2026-11-29 12:01');
    // a rejection says the rule and article it was refused under, as the API's item gives them
    // the provider by its name (the registry's), its id after it
    assert.deepEqual(rows[1].slice(2), ['下行短信', `示例科技有限公司 ${cp.id}`, '10690001', '+8613800138000', '已拒绝：签名未登记 (signature_unregistered) 依据：短信须以企业已登记的签名开头（sender.signature）— 第十九条（端口类短信息须标明发送者的真实身份）', '【未登记】您的订单已发货。']);
    assert.deepEqual(rows[2].slice(2, 7), ['下行短信', `示例科技有限公司 ${cp.id}`, '10690001', '+8613800138000', '已接受']);
    assert.deepEqual(rows[0].slice(3, 5), [`示例科技有限公司 ${other.id}`, '10698001']);
    // the status records of a's delivery come under the number too, as the API gives them
    const all = await admin('/web/records?number=13800138000');
    assert.ok(cells(all.body).some((row) => row[2] === '状态报告' && row[6] === '已送达' && row[7] === `短信 ${ids.a}`), all.body);
    const en = await admin('/web/records?number=13800138000&kind=mt&lang=en');
    assert.deepEqual(cells(en.body).map((row) => row[6].replace(/ — .*$/, '')), ['accepted', 'rejected: signature not registered (signature_unregistered) Rule: a message starts with the sender&#39;s registered signature (sender.signature)', 'accepted']);
    assert.match(en.body, /<title>Statutory records: search and verify · smsguard<\/title>/);
  });

  test('each of the API\'s filters: decision, rule, port, provider, kind, the days', async () => {
    assert.deepEqual(rowIds((await admin('/web/records?number=13800138000&decision=rejected')).body), [ids.refused]);
    assert.deepEqual(rowIds((await admin('/web/records?rule=sender.signature')).body), [ids.refused]);
    assert.deepEqual(rowIds((await admin('/web/records?port=10698001&kind=mt')).body), [ids.theirs]);
    assert.deepEqual(rowIds((await admin(`/web/records?contentProviderId=${other.id}&kind=mt`)).body), [ids.theirs]);
    const day = await admin('/web/records?number=13800138000&kind=mt&from=2026-11-29&to=2026-11-29');
    assert.deepEqual(rowIds(day.body), [ids.theirs, ids.refused, ids.a], 'the day "to" names is included');
    const before = await admin('/web/records?number=13800138000&to=2026-11-28');
    assert.equal(before.statusCode, 200);
    assert.match(before.body, /id="no-records">没有符合条件的记录。/);
    assert.match((await admin('/web/records?number=13800138000&from=2026-11-30')).body, /id="no-records"/);
    // what the API refuses, said by the form's own labels, the form kept
    const badPort = await admin('/web/records?port=10690-001');
    assert.equal(badPort.statusCode, 400);
    assert.match(badPort.body, /role="alert"[\s\S]*端口号：端口号只填数字[\s\S]*invalid_request/);
    assert.match(badPort.body, /value="10690-001"/);
    // the reason in the page's language too, not the API's English (原因：port: digits only)
    assert.match(badPort.body, /原因：端口只能填写数字（最多 21 位）。/);
    assert.doesNotMatch(badPort.body, /digits only/);
    const badNumber = await admin('/web/records?number=12345&lang=en');
    assert.equal(badNumber.statusCode, 422, 'the API\'s status for invalid_msisdn');
    assert.match(badNumber.body, /Mobile number: not a mainland China mobile number \(11 digits, e\.g\. 13800138000\)\. \(invalid_msisdn\)/);
    // the API's bounds on its parameters hold on the page too
    const longRule = await admin(`/web/records?rule=${'x'.repeat(65)}`);
    assert.equal(longRule.statusCode, 400);
    assert.match(longRule.body, /未通过的规则：请从列表中选择规则。原因：不能超过 64 个字。 \(invalid_request\)/);
    assert.equal((await admin(`/v1/records?rule=${'x'.repeat(65)}`)).statusCode, 400, 'as the API');
    // a rule no profile has (a crafted or old link) is refused naming the field, not searched into "no records"
    const badRule = await admin('/web/records?rule=commercial.concent');
    assert.equal(badRule.statusCode, 400);
    assert.match(badRule.body, /role="alert"[\s\S]*未通过的规则：[\s\S]*原因：不是可选的值，是否想填 commercial\.consent？可选：[\s\S]*sender\.signature[\s\S]*invalid_request/);
    assert.doesNotMatch(badRule.body, /id="no-records"/);
    // held submissions are a decision of their own in the form, as in the records
    assert.match((await admin('/web/records')).body, /<option value="held">待审核<\/option>/);
    assert.equal((await admin('/web/records?decision=held')).statusCode, 200);
    const badDay = await admin('/web/records?from=yesterday');
    assert.equal(badDay.statusCode, 400);
    assert.match(badDay.body, /起始日期（北京时间）：请选择日期/);
    // a day the month lacks is no day (Date.parse rolled 30 February over to 2 March and searched from there)
    for (const q of ['from=2026-02-30', 'to=2026-11-31', 'from=2026-13-01']) {
      const noDay = await admin(`/web/records?${q}`);
      assert.equal(noDay.statusCode, 400, q);
      assert.match(noDay.body, /请选择日期/, q);
    }
  });

  test('the type filter: an audit action of the list finds its records; one the gateway never records is refused as the API refuses it, with the name it likely meant, in the page\'s language', async () => {
    const found = await admin('/web/records?kind=audit&type=content_provider.create');
    assert.equal(found.statusCode, 200);
    assert.match(found.body, /<input id="type" name="type" type="text" value="content_provider.create"/);
    // message classes and events by their labels, audit actions as recorded
    assert.match(found.body, /<datalist id="record-types">[^]*<option value="commercial" label="商业 \(commercial\)">[^]*<option value="consent_granted" label="给予同意 \(consent_granted\)">[^]*<option value="records.query" label="查询法定记录 \(records\.query\)">[^]*<\/datalist>/);
    assert.doesNotMatch(found.body, /如 commercial|如 opt_out/);
    const rows = cells(found.body);
    assert.ok(rows.length >= 2, 'both providers\' creation');
    // the action by its label, as recorded after it
    for (const r of rows) assert.equal(r[7], '登记企业 (content_provider.create)');
    // a misspelt action: refused by both, the name it likely meant said (before: 200, no records)
    const api = await admin('/v1/records?type=records.qurey');
    assert.equal(api.statusCode, 400, api.body);
    assert.equal(api.json().error.field, 'type');
    assert.match(api.json().error.message, /\(did you mean records\.query\?\)/);
    const zh = await admin('/web/records?type=records.qurey');
    assert.equal(zh.statusCode, api.statusCode);
    assert.match(zh.body, /role="alert"[^]*类型：请填写列表中的类型、事件或操作，或不填。原因：不是可选的值，是否想填 records\.query？可选：verification, [^]*records\.query[^]*\(invalid_request\)/);
    assert.doesNotMatch(zh.body, /id="no-records"/);
    assert.match(zh.body, /<input id="type" name="type" type="text" value="records.qurey"/, 'the value comes back as typed');
    const en = await admin('/web/records?type=records.qurey&lang=en');
    assert.match(en.body, /Type: Give a type, event or action of the list, or leave it empty\. Reason: not one of the values it takes \(did you mean records\.query\?\): verification, /);
    // the area.action form alone is no longer enough: a name no writer uses, nothing near it
    for (const url of ['/v1/records?type=area.action', '/web/records?type=area.action']) assert.equal((await admin(url)).statusCode, 400, url);
    assert.match((await admin('/web/records?type=area.action')).body, /类型：[^<]*原因：不是可选的值；可选：/);
  });

  test('more than a page: a next-page link that keeps the filters, the rest on the next page, nothing twice', async () => {
    const first = await admin(`/web/records?contentProviderId=${cp.id}&kind=mt&port=10690001&decision=accepted`);
    assert.equal(rowIds(first.body).length, 50);
    const href = nextHref(first.body);
    assert.ok(href, 'a next-page link');
    const u = new URL(href, 'http://x');
    assert.equal(u.pathname, '/web/records');
    assert.deepEqual([u.searchParams.get('contentProviderId'), u.searchParams.get('kind'), u.searchParams.get('port'), u.searchParams.get('decision')], [cp.id, 'mt', '10690001', 'accepted']);
    const second = await admin(href);
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(nextHref(second.body), undefined, 'the last page');
    const seen = [...rowIds(first.body), ...rowIds(second.body)];
    assert.deepEqual([...seen].sort(), [...bulk, ids.a].sort());
    // an edited cursor is the API's 400, in the page's words
    const edited = await admin(`/web/records?kind=mt&cursor=zzz`);
    assert.equal(edited.statusCode, 400);
    assert.match(edited.body, /翻页链接已失效/);
  });

  test('a regulator limited to a province sees its providers\' records only, and is refused another province\'s provider as the API refuses it', async () => {
    assert.deepEqual(rowIds((await get('/web/records?number=13800138000&kind=mt', c.fujian)).body), [ids.refused, ids.a]);
    assert.deepEqual(rowIds((await get('/web/records?number=13800138000&kind=mt', c.beijing)).body), [ids.theirs]);
    const api = await g.http.inject({ method: 'GET', url: '/v1/records?msisdn=13800138000&kind=mt', headers: { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'fj-api', null, { province: '35' })).token}` } });
    assert.deepEqual(api.json().records.map((r: { id: string }) => r.id), [ids.refused, ids.a], 'what the API gives the same scope');
    const theirs = await get(`/web/records?contentProviderId=${other.id}`, c.fujian);
    assert.equal(theirs.statusCode, 403);
    assert.match(theirs.body, /不在本令牌所限的省份内[\s\S]*supervision\.province-scope/);
    assert.equal(rowIds(theirs.body).length, 0);
    // every query is recorded, the refused one too
    const audit = (await admin('/v1/records?kind=audit&type=records.query&limit=10')).json().records as { body: { actor: string; rows: number; refused?: string } }[];
    assert.ok(audit.some((r) => r.body.refused === 'forbidden'), JSON.stringify(audit));
    assert.ok(audit.some((r) => r.body.rows === 2));
  });

  test('a regulator limited to dates: its days only, and no month it does not wholly cover to verify', async () => {
    assert.equal(rowIds((await get('/web/records?number=13800138000', c.dated)).body).length, 0, 'the 29th is before its dates');
    assert.ok(rowIds((await get('/web/records?kind=audit', c.dated)).body).length > 0, 'its own days (its sign-in day) are there');
    const refused = await get('/web/records/verify?month=2026-11', c.dated);
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /2026-11 不完全在本令牌可查看的日期范围内[\s\S]*supervision\.date-scope/);
    assert.ok(!refused.body.includes('id="verify-result"'));
    const inside = await get('/web/records/verify?month=2026-11', c.november);
    assert.equal(inside.statusCode, 200, inside.body);
    assert.match(inside.body, /id="verify-result" class="notice" data-ok="true"/);
  });

  test('a provider reads its own records without naming a provider, verifies nothing; the centre may not; visitors sign in first', async () => {
    const own = await get('/web/records?number=13800138000&kind=mt', c.cp);
    assert.deepEqual(rowIds(own.body), [ids.refused, ids.a]);
    assert.ok(!own.body.includes('id="contentProviderId"'));
    assert.ok(!own.body.includes('id="verify-month"'), 'no verification form');
    // its own id, or an empty one, in the address: its own records, as the API reads them
    for (const named of [cp.id, '']) assert.deepEqual(rowIds((await get(`/web/records?number=13800138000&kind=mt&contentProviderId=${named}`, c.cp)).body), [ids.refused, ids.a], named || 'empty');
    const verify = await get('/web/records/verify?month=2026-11', c.cp);
    assert.equal(verify.statusCode, 403);
    assert.match(verify.body, /role="alert"[\s\S]*运营方、监管机构/);
    const centre = await get('/web/records', c.centre);
    assert.equal(centre.statusCode, 403);
    assert.ok(!nav(centre.body).includes('href="/web/records"'));
    const visitor = await get('/web/records?number=13800138000');
    assert.equal(visitor.statusCode, 303);
    assert.equal(visitor.headers.location, `/web/login?next=${encodeURIComponent('/web/records?number=13800138000')}`);
  });

  test('a provider\'s address naming another\'s or an unknown contentProviderId gets the API\'s answer for it (403, no records), said in the page\'s language against the field', async () => {
    const alert = (body: string) => /<div class="alert" role="alert">([\s\S]*?)<\/div>/.exec(body)?.[1].replace(/<[^>]+>/g, '').trim();
    for (const named of [other.id, 'cp_nobody']) {
      const api = await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=13800138000&kind=mt&contentProviderId=${named}`, headers: cp.auth });
      assert.equal(api.statusCode, 403, api.body);
      assert.deepEqual([api.json().error.code, api.json().error.field], ['forbidden', 'contentProviderId']);
      const page = await get(`/web/records?number=13800138000&kind=mt&contentProviderId=${named}`, c.cp);
      assert.equal(page.statusCode, 403, named);
      assert.deepEqual(rowIds(page.body), [], `no records shown for ${named}`);
      assert.equal(alert(page.body), '出错了：企业：企业只能查看本企业的数据：请填写本企业的编号，或不填。 (forbidden)');
    }
    const en = await get(`/web/records?contentProviderId=${other.id}&lang=en`, c.cp);
    assert.equal(en.statusCode, 403);
    assert.equal(alert(en.body)?.replace(/&#39;/g, "'"), 'Something went wrong: Provider: A provider lists only its own data: give its own id, or leave it empty. (forbidden)');
  });

  test('verifying a month: intact with its signed head; a month without records; not a month; the export form', async () => {
    assert.equal((await admin('/v1/records/heads')).statusCode, 200, 'heads signed');
    const ok = await admin('/web/records/verify?month=2026-11');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(ok.body, /data-ok="true"><p class="ok"><strong>2026-11 的记录完好：已核对 \d+ 条记录（序号 1–\d+），均与哈希链一致。/);
    assert.match(ok.body, /id="verify-heads">1 个签名链头与重新计算的哈希链一致。/);
    assert.match(ok.body, /id="month" name="month" type="month" value="2026-11"/);
    const empty = await admin('/web/records/verify?month=2026-05&lang=en');
    assert.match(empty.body, /id="verify-result">There are no records for 2026-05/);
    const bad = await admin('/web/records/verify?month=nov');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /月份：请选择月份（年-月）/);
    // the export is offered: a form that downloads GET /v1/records/export's tar (test/e2e/records-inspection-api.test.ts)
    assert.match(ok.body, /<form method="get" action="\/web\/records\/export" id="export-records">/);
    assert.match(ok.body, /id="export-note">检查导出：/);
    assert.doesNotMatch(ok.body, /GET \/v1\/records\/export/, 'no API address to a person');
    assert.match(ok.body, /<option value="csv">表格（CSV，可用电子表格打开）<\/option>/);
    // a regulator's verification is recorded like its queries
    await get('/web/records/verify?month=2026-11', c.fujian);
    const audit = (await admin('/v1/records?kind=audit&type=records.verify')).json().records as { body: { month: string; ok: boolean } }[];
    assert.ok(audit.some((r) => r.body.month === '2026-11' && r.body.ok === true), JSON.stringify(audit));
  });
});

test('verifying a month after a record was changed in the database file: the first broken link in words, its id withheld from a province-limited token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-web-records-'));
  const db = join(dir, 'g.db');
  try {
    const { ids, seq } = await tamperedMonth(db);
    const g = await startTestGateway({ db });
    try {
      const r = await g.http.inject({ method: 'GET', url: '/web/records/verify?month=2026-11', headers: g.admin });
      assert.equal(r.statusCode, 200, r.body);
      assert.match(r.body, new RegExp(`data-ok="false"><p><strong>2026-11 的记录已被改动：第一处断裂在序号 ${seq}。`));
      assert.match(r.body, /id="verify-reason">这条记录的内容与它的哈希不符[^<]*<span class="mono">\(hash_mismatch\)/);
      assert.match(r.body, new RegExp(`id="verify-record">${ids[1]}<`));
      const fj = await webCookie(g, (await g.app.auth.createToken('regulator', 'fj', null, { province: '35' })).token);
      const limited = await g.http.inject({ method: 'GET', url: '/web/records/verify?month=2026-11', headers: { cookie: fj } });
      assert.match(limited.body, new RegExp(`第一处断裂在序号 ${seq}。`));
      assert.ok(!limited.body.includes(ids[1]), 'the broken record\'s id is not shown to a province-limited token');
      assert.ok(!limited.body.includes('id="verify-record"'));
    } finally {
      await g.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
