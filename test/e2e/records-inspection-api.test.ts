/**
 * An inspection over the API: a month's verification (`GET /v1/records/verify`, the use case of the
 * `/web/records/verify` page) and the signed inspection export (`GET /v1/records/export`, the export
 * `smsguard inspect export` writes, as a tar of its two files), under `GET /v1/records`'s roles and a
 * regulator token's province and dates; the export checked as its recipient would (the tar unpacked
 * by the system's tar, the file's SHA-256, the manifest's Ed25519 signature over its canonical JSON),
 * refused over a damaged chain, and recorded.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewaySuite, OTHER_PROVIDER, startTestGateway } from '../helpers/gateway.js';
import { auditBodies as audits, checkExport, tamperedMonth } from '../helpers/records.js';
import { roleCookie, webCookie } from '../helpers/web.js';
import { recordsFor } from '../../src/app/records-service.js';

const NOV_FROM = '2026-11-01T00:00:00+08:00';
const NOV_TO = '2026-12-01T00:00:00+08:00';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const exportUrl = (cp: string, from = NOV_FROM, to = NOV_TO, extra = '') => `/v1/records/export?contentProviderId=${cp}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;

describe('records inspection over the API', () => {
  const { g, cp, other } = gatewaySuite({ other: { ...OTHER_PROVIDER, province: '11' } });
  const tok: Record<'fujian' | 'beijing' | 'november' | 'lastDay' | 'october', { token: string; id: string }> = {} as never;
  let mine: string[] = [];

  before(async () => {
    for (let i = 0; i < 3; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1380013800${i}`, text: '【示例】您的订单已发货。', type: 'notification' } });
      assert.equal(r.statusCode, 202, r.body);
      g.clock.advance(60_000);
    }
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10698001', to: '13800138009', text: '【别家】您的订单已发货。', type: 'notification' } });
    assert.equal(r.statusCode, 202, r.body);
    mine = (await g.app.ctx.store.records.queryRecords({ contentProviderId: cp.id, limit: 1000 })).records.map((x) => x.id);
    const mk = async (label: string, scope: Record<string, unknown>) => g.app.auth.createToken('regulator', label, null, scope);
    tok.fujian = await mk('fj', { province: '35' });
    tok.beijing = await mk('bj', { province: '11' });
    tok.november = await mk('nov', { from: Date.parse(NOV_FROM), to: Date.parse(NOV_TO) });
    tok.lastDay = await mk('30th', { from: Date.parse('2026-11-30T00:00:00+08:00') });
    tok.october = await mk('oct', { from: Date.parse('2026-10-01T00:00:00+08:00'), to: Date.parse('2026-11-01T00:00:00+08:00') });
  });

  test('GET /v1/records/verify: the month\'s chain recomputed, as the page and records verify --month say it; bad month 400; out of scope 403', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: g.admin });
    assert.equal(r.statusCode, 200, r.body);
    const chain = (await recordsFor(g.app.ctx).verify({ month: '2026-11' })).chains.find((c) => c.chain === '2026-11')!;
    assert.deepEqual(r.json(), { month: '2026-11', found: true, ok: true, checked: chain.checked, firstSeq: chain.firstSeq, lastSeq: chain.lastSeq, headsChecked: chain.headsChecked });
    assert.ok(chain.checked >= mine.length);
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-05', headers: g.admin })).json(), { month: '2026-05', found: false, ok: true, checked: 0, headsChecked: 0 });
    for (const month of ['nov', '2026-13']) {
      const bad = await g.http.inject({ method: 'GET', url: `/v1/records/verify?month=${month}`, headers: g.admin });
      assert.equal(bad.statusCode, 400, month);
      assert.equal(bad.json().error.code, 'invalid_request');
      assert.equal(bad.json().error.field, 'month');
    }
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/records/verify', headers: g.admin })).statusCode, 400);
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11' })).statusCode, 401);
    // a provider verifies nothing; a regulator limited to the 30th not the whole month
    const byCp = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: cp.auth });
    assert.equal(byCp.statusCode, 403);
    assert.equal(byCp.json().error.code, 'forbidden');
    const outside = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: bearer(tok.lastDay.token) });
    assert.equal(outside.statusCode, 403);
    assert.equal(outside.json().error.code, 'forbidden');
    assert.equal(outside.json().error.rule, 'supervision.date-scope');
    assert.ok(outside.json().error.article);
    const inside = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: bearer(tok.november.token) });
    assert.equal(inside.statusCode, 200, inside.body);
    assert.equal(inside.json().ok, true);
    // recorded, the refusal too
    const recorded = (await audits(g, 'records.verify')).filter((a) => a.month === '2026-11');
    assert.ok(recorded.some((a) => a.actor === tok.november.id && a.ok === true));
    assert.ok(recorded.some((a) => a.actor === tok.lastDay.id && a.refused === 'forbidden'));
    // the OpenAPI document lists the route with its schema
    const doc = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json();
    assert.ok(doc.paths['/v1/records/verify'].get.responses['200'].content['application/json'].schema.properties.failure);
    assert.ok(doc.paths['/v1/records/export'].get);
  });

  test('GET /v1/records/export: the CLI\'s two files as a tar; the manifest verifies; every record of the provider in range, no other\'s; recorded', async () => {
    const admin = await g.app.auth.principalFor(g.admin.authorization.slice(7));
    for (const format of ['jsonl', 'csv'] as const) {
      const r = await g.http.inject({ method: 'GET', url: exportUrl(cp.id, NOV_FROM, NOV_TO, `&format=${format}`), headers: g.admin });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-type'], 'application/x-tar');
      assert.match(String(r.headers['content-disposition']), new RegExp(`^attachment; filename="inspection-${cp.id}-20261101T000000\\+0800-20261201T000000\\+0800\\.tar"$`));
      const { manifest, text } = checkExport(g, r.rawPayload, format);
      assert.equal(r.headers['x-smsguard-export-sha256'], manifest.file.sha256);
      assert.deepEqual(manifest.filter, { contentProviderId: cp.id, from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
      assert.equal(manifest.actor, admin.actorId);
      assert.equal(manifest.verification.ok, true);
      assert.equal(manifest.counts.total, mine.length);
      if (format === 'jsonl') {
        const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; contentProviderId: string; seq: number; hash: string });
        assert.deepEqual(rows.map((x) => x.id).sort(), [...mine].sort());
        assert.ok(rows.every((x) => x.contentProviderId === cp.id));
        const digest = createHash('sha256');
        for (const x of rows) digest.update(`${x.seq}:${x.hash}\n`);
        assert.equal(manifest.recordsDigest, digest.digest('hex'));
      } else {
        assert.equal(text.split('\n')[0], 'seq,month,id,at,kind,content_provider_id,msisdn,ref,port,type,decision,rule,hash,body');
      }
    }
    const recorded = (await audits(g, 'inspect.export')).filter((a) => a.actor === admin.actorId);
    assert.equal(recorded.length, 2);
    assert.equal(recorded[0].rows, mine.length);
    // the temporary files are gone once the response is sent
    assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith('smsguard-export-')).length, 0);
  });

  test('export scope: a regulator of another province 403 (recorded), of the provider\'s 200; dates clamped or 403; a provider its own only; bad asks 400/404', async () => {
    const beijing = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(tok.beijing.token) });
    assert.equal(beijing.statusCode, 403);
    assert.equal(beijing.json().error.code, 'forbidden');
    assert.equal(beijing.json().error.rule, 'supervision.province-scope');
    assert.ok(beijing.json().error.article);
    const refusals = (await audits(g, 'inspect.export')).filter((a) => a.actor === tok.beijing.id);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0].refused, 'forbidden');
    // Beijing's own provider it exports
    const own = await g.http.inject({ method: 'GET', url: exportUrl(other.id), headers: bearer(tok.beijing.token) });
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(checkExport(g, own.rawPayload, 'jsonl').manifest.counts.byKind.mt, 1);

    const fujian = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(tok.fujian.token) });
    assert.equal(fujian.statusCode, 200, fujian.body);
    const fm = checkExport(g, fujian.rawPayload, 'jsonl').manifest;
    assert.equal(fm.counts.total, mine.length);
    assert.equal(fm.actor, tok.fujian.id);
    assert.ok((await audits(g, 'inspect.export')).some((a) => a.actor === tok.fujian.id && a.rows === mine.length), 'the regulator\'s export is recorded');

    // dates: clamped to the token's (the manifest states the range exported), or refused when wholly outside
    const lastDay = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(tok.lastDay.token) });
    assert.equal(lastDay.statusCode, 200, lastDay.body);
    assert.equal(checkExport(g, lastDay.rawPayload, 'jsonl').manifest.filter.from, '2026-11-29T16:00:00.000Z');
    const october = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(tok.october.token) });
    assert.equal(october.statusCode, 403);
    assert.equal(october.json().error.rule, 'supervision.date-scope');

    // a provider: its own, as GET /v1/records reads it; another's 403
    const cpOwn = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: cp.auth });
    assert.equal(cpOwn.statusCode, 200, cpOwn.body);
    assert.equal(checkExport(g, cpOwn.rawPayload, 'jsonl').manifest.counts.total, mine.length);
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: other.auth })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(cp.id, NOV_FROM, NOV_TO, '&allowDamaged=true'), headers: bearer(tok.fujian.token) })).statusCode, 403, 'only the operator exports over damage');

    const missing = await g.http.inject({ method: 'GET', url: `/v1/records/export?contentProviderId=${cp.id}`, headers: g.admin });
    assert.equal(missing.statusCode, 400);
    const reversed = await g.http.inject({ method: 'GET', url: exportUrl(cp.id, NOV_TO, NOV_FROM), headers: g.admin });
    assert.equal(reversed.statusCode, 400);
    assert.equal(reversed.json().error.field, 'from');
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(cp.id, NOV_FROM, NOV_TO, '&format=xml'), headers: g.admin })).statusCode, 400);
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl('cp_nobody'), headers: g.admin })).statusCode, 404);
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(cp.id) })).statusCode, 401);
  });

  test('the records page offers the export and downloads the same tar; a refusal is said in its form', async () => {
    const page = await g.http.inject({ method: 'GET', url: '/web/records', headers: g.admin });
    assert.match(page.body, /<form method="get" action="\/web\/records\/export" id="export-records">/);
    const dl = await g.http.inject({ method: 'GET', url: `/web/records/export?contentProviderId=${cp.id}&from=2026-11-01&to=2026-11-30&format=csv`, headers: g.admin });
    assert.equal(dl.statusCode, 200, dl.body);
    const m = checkExport(g, dl.rawPayload, 'csv').manifest;
    assert.deepEqual(m.filter, { contentProviderId: cp.id, from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
    const bj = await roleCookie(g, 'regulator', 'bj-web', { province: '11' });
    const refused = await g.http.inject({ method: 'GET', url: `/web/records/export?contentProviderId=${cp.id}&from=2026-11-01&to=2026-11-30`, headers: { cookie: bj } });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /id="export-note"[\s\S]*role="alert"[\s\S]*supervision\.province-scope[\s\S]*id="export-records"/);
    // the provider asked for stays chosen in the form, though it is none of this regulator's to choose
    assert.match(refused.body, new RegExp(`<select id="export-provider" name="contentProviderId" required>[\\s\\S]*?<option value="${cp.id}" selected>`));
    // the operator chooses a provider by its name, not by typing its id
    assert.match(page.body, /<label for="export-provider">企业 <span aria-hidden="true">\*<\/span><\/label>\n<select id="export-provider" name="contentProviderId" required><option value="" selected>请选择企业<\/option>/);
    assert.match(page.body, new RegExp(`<option value="${cp.id}">[^<(]+ \\(${cp.id}\\)</option>`));
    // a provider's form names no provider: it downloads its own
    const own = await webCookie(g, cp.apiKey);
    const form = await g.http.inject({ method: 'GET', url: '/web/records', headers: { cookie: own } });
    assert.match(form.body, /id="export-records"/);
    assert.ok(!form.body.includes('id="export-provider"'));
    const mine2 = await g.http.inject({ method: 'GET', url: '/web/records/export?from=2026-11-01&to=2026-11-30', headers: { cookie: own } });
    assert.equal(mine2.statusCode, 200, mine2.body);
    assert.equal(checkExport(g, mine2.rawPayload, 'jsonl').manifest.filter.contentProviderId, cp.id);
  });

  test('a provider\'s edited address: the page gives the API\'s answer for the same contentProviderId (its own: the export; another\'s: 403; empty: 400), said in the export form', async () => {
    const own = await webCookie(g, cp.apiKey);
    const alert = (body: string) => /id="export-note"[\s\S]*?role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1].replace(/<[^>]+>/g, '').trim();
    for (const [asked, status, code] of [[cp.id, 200, null], [other.id, 403, 'forbidden'], ['cp_nobody', 403, 'forbidden'], ['', 400, 'invalid_request']] as const) {
      const api = await g.http.inject({ method: 'GET', url: exportUrl(asked), headers: cp.auth });
      assert.equal(api.statusCode, status, `API, ${asked || 'empty'}: ${api.body}`);
      const page = await g.http.inject({ method: 'GET', url: `/web/records/export?contentProviderId=${asked}&from=2026-11-01&to=2026-11-30`, headers: { cookie: own } });
      assert.equal(page.statusCode, status, `page, ${asked || 'empty'}: ${page.body.slice(0, 300)}`);
      if (code === null) {
        assert.equal(checkExport(g, page.rawPayload, 'jsonl').manifest.filter.contentProviderId, cp.id);
        continue;
      }
      const e = api.json().error;
      assert.deepEqual([e.code, e.field], [code, 'contentProviderId']);
      assert.ok(!page.headers['content-type']?.toString().includes('tar'), 'no download');
      assert.match(page.body, new RegExp(`\\(${code}\\)`), 'the API\'s code, in the form');
      assert.ok(alert(page.body), 'said in the export form');
    }
    // said in the page's language, naming the field
    const zh = await g.http.inject({ method: 'GET', url: `/web/records/export?contentProviderId=${other.id}&from=2026-11-01&to=2026-11-30`, headers: { cookie: own } });
    assert.equal(alert(zh.body), '出错了：企业：企业只能查看本企业的数据：请填写本企业的编号，或不填。 (forbidden)');
  });

  test('an export over the widest range a date-time can say (year 1 to 9999) is the provider\'s every record, proven, not a 500', async () => {
    // The proof walked every calendar month of the range from monthOf(from), which writes year 1 as
    // "1-01", not a month: RangeError, 500 internal_error (and 120,000 months to walk otherwise).
    const r = await g.http.inject({ method: 'GET', url: exportUrl(cp.id, '0001-01-01T00:00:00Z', '9999-12-31T00:00:00Z'), headers: g.admin });
    assert.equal(r.statusCode, 200, r.body);
    const { manifest } = checkExport(g, r.rawPayload, 'jsonl');
    assert.equal(manifest.counts.total, mine.length);
    assert.deepEqual(manifest.providerProofs.map((p) => p.month), ['2026-11']);
  });

  test('a content provider the registry does not know: 404 on records, heads, messages and the export alike (a misspelt id read as no records); a province token keeps its 403; recorded', async () => {
    const fj = bearer(tok.fujian.token);
    const nov = bearer(tok.november.token);
    for (const url of ['/v1/records?contentProviderId=cp_nobody', '/v1/records/heads?contentProviderId=cp_nobody', '/v1/messages?msisdn=13800138000&contentProviderId=cp_nobody', exportUrl('cp_nobody')]) {
      for (const [who, headers] of [['admin', g.admin], ['november', nov]] as const) {
        const r = await g.http.inject({ method: 'GET', url, headers });
        assert.equal(r.statusCode, 404, `${url} as ${who}: ${r.body}`);
        assert.equal(r.json().error.code, 'not_found');
        assert.equal(r.json().error.field, 'contentProviderId');
      }
      // A token limited to a province cannot tell an unknown id from another province's provider: 403 for both.
      const scoped = await g.http.inject({ method: 'GET', url, headers: fj });
      assert.equal(scoped.statusCode, 403, `${url} as fujian: ${scoped.body}`);
    }
    const refused = (await audits(g, 'records.query')).filter((a) => (a.filter as { contentProviderId?: string }).contentProviderId === 'cp_nobody' && a.actor === tok.november.id);
    assert.equal(refused.length, 1, 'the regulator\'s query of an unknown provider is recorded');
    assert.equal(refused[0].refused, 'not_found');
    // A provider that is registered answers as before, with or without records; the operator's own
    // account (its receipts and answers to complaints) is not a registered provider yet holds records.
    for (const url of [`/v1/records?contentProviderId=${cp.id}`, `/v1/records/heads?contentProviderId=${other.id}`, '/v1/records?contentProviderId=operator', exportUrl('operator')]) {
      const r = await g.http.inject({ method: 'GET', url, headers: g.admin });
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
    }
  });

  test('an export that fails once its file is being written answers 500 and the temporary file goes; the process lives on', async () => {
    // Its write stream, destroyed with writes pending, emitted an error nobody listened for: Node threw
    // it (uncaughtException, "Cannot call writev after a stream was destroyed") and the gateway died.
    const archive = g.app.ctx.store.records.archive!;
    const chainLinks = archive.chainLinks;
    archive.chainLinks = async () => { throw new Error('the store failed mid-export'); };
    try {
      const r = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: g.admin });
      assert.equal(r.statusCode, 500, r.body);
      await new Promise((res) => setTimeout(res, 50));
    } finally {
      archive.chainLinks = chainLinks;
    }
    assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith('smsguard-export-')), []);
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: g.admin })).statusCode, 200);
  });
});

test('export over a damaged chain: 409 naming the damage (the record\'s id only to who sees every province); the operator may export it stated in the signed manifest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-export-api-'));
  const db = join(dir, 'g.db');
  try {
    const { cp, ids } = await tamperedMonth(db);
    const g = await startTestGateway({ db });
    try {
      const refused = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: g.admin });
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().error.code, 'conflict');
      assert.equal(refused.json().error.rule, 'records.retention');
      assert.ok(refused.json().error.article);
      assert.match(refused.json().error.message, new RegExp(`2026-11 at seq \\d+ \\(id ${ids[1]}\\): hash_mismatch`));
      const fj = await g.app.auth.createToken('regulator', 'fj', null, { province: '35' });
      const limited = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(fj.token) });
      assert.equal(limited.statusCode, 409);
      assert.match(limited.json().error.message, /2026-11 at seq \d+: hash_mismatch/);
      assert.ok(!limited.body.includes(ids[1]), 'the broken record\'s id is not said to a province-limited token');
      assert.equal((await audits(g, 'inspect.export')).length, 0, 'nothing exported');

      const forced = await g.http.inject({ method: 'GET', url: exportUrl(cp.id, NOV_FROM, NOV_TO, '&allowDamaged=true'), headers: g.admin });
      assert.equal(forced.statusCode, 200, forced.body);
      const { manifest } = checkExport(g, forced.rawPayload, 'jsonl');
      assert.equal(manifest.verification.ok, false);
      assert.equal(manifest.verification.chains.find((c) => !c.ok)!.failure!.id, ids[1]);
      const recorded = await audits(g, 'inspect.export');
      assert.equal(recorded.length, 1);
      assert.ok(Array.isArray(recorded[0].damaged));
    } finally {
      await g.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
