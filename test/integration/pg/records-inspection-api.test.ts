/**
 * The inspection routes on PostgreSQL, as test/e2e/records-inspection-api.test.ts checks them on
 * SQLite: `GET /v1/records/verify?month=` (the month's chain recomputed from the partition and its
 * links, after the linker has linked what was committed) and `GET /v1/records/export` (a tar of
 * records.<format> + signed manifest.json, each line carrying its link's hash), with records written
 * through the submit path by two providers of two provinces; a province-limited regulator refused
 * the other province's provider; then a body changed in the database (append-only triggers off, as
 * an attacker with database access would): verify says where, the export is refused (409) unless
 * the operator allows the damage, which the signed manifest then states.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { startPgTestGateway } from '../../helpers/pg-gateway.js';
import { ADMIN_TOKEN, NOON_SHANGHAI, onboard, OTHER_PROVIDER, type Provider, type TestGateway } from '../../helpers/gateway.js';
import { auditBodies, checkExport } from '../../helpers/records.js';
import { recordsFor } from '../../../src/app/records-service.js';

const NOV_FROM = '2026-11-01T00:00:00+08:00';
const NOV_TO = '2026-12-01T00:00:00+08:00';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const exportUrl = (cp: string, extra = '') => `/v1/records/export?contentProviderId=${cp}&from=${encodeURIComponent(NOV_FROM)}&to=${encodeURIComponent(NOV_TO)}${extra}`;

describe('records inspection over the API on PostgreSQL', { timeout: 120_000 }, () => {
  let g: TestGateway;
  let h: Awaited<ReturnType<typeof openTestPgStore>>;
  let cp: Provider;
  let other: Provider;
  const ids: string[] = [];
  let mine: string[] = [];
  let theirs: string[] = [];
  const tok: Record<'fujian' | 'beijing', { token: string; id: string }> = {} as never;

  before(async () => {
    ({ g, h } = await startPgTestGateway({ now: NOON_SHANGHAI }));
    cp = await onboard(g); // Fujian (35)
    other = await onboard(g, { ...OTHER_PROVIDER, province: '11' }); // Beijing
    for (let i = 0; i < 3; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1380013800${i}`, text: '【示例】您的验证码是123456', type: 'verification' } });
      assert.equal(r.statusCode, 202, r.body);
      ids.push(r.json().id);
      g.clock.advance(60_000);
    }
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10698001', to: '13800138009', text: '【别家】您的订单已发货。', type: 'notification' } });
    assert.equal(r.statusCode, 202, r.body);
    ids.push(r.json().id);
    // Every message delivered (its status records written) before the chain is read, so that the
    // counts compared below do not move under the test.
    await g.worker.drain();
    for (const [i, id] of ids.entries()) {
      const auth = i < 3 ? cp.auth : other.auth;
      let status = '';
      for (let n = 0; n < 200 && status !== 'delivered'; n++) {
        status = (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: auth })).json().status;
        if (status !== 'delivered') await new Promise((res) => setTimeout(res, 20));
      }
      assert.equal(status, 'delivered', id);
    }
    const of = async (p: string) => (await h.store.records.queryRecords({ contentProviderId: p, limit: 1000 })).records.map((x) => x.id);
    mine = await of(cp.id);
    theirs = await of(other.id);
    assert.ok(mine.length > 3 && theirs.length > 1, 'submissions and their status records');
    tok.fujian = await g.app.auth.createToken('regulator', 'fj', null, { province: '35' });
    tok.beijing = await g.app.auth.createToken('regulator', 'bj', null, { province: '11' });
  });
  after(async () => g.close());

  test('GET /v1/records/verify: November\'s chain (partition and links) verifies, as records verify --month says it', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: g.admin });
    assert.equal(r.statusCode, 200, r.body);
    const chain = (await recordsFor(g.app.ctx).verify({ month: '2026-11' })).chains.find((c) => c.chain === '2026-11')!;
    assert.deepEqual(r.json(), { month: '2026-11', found: true, ok: true, checked: chain.checked, firstSeq: chain.firstSeq, lastSeq: chain.lastSeq, headsChecked: chain.headsChecked });
    assert.ok(chain.checked >= mine.length + theirs.length, JSON.stringify(chain));
    // every record of the month's partition linked and recomputed (the operator's verification writes no record)
    const inPartition = (await h.store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE at >= $1 AND at < $2`, [Date.parse(NOV_FROM), Date.parse(NOV_TO)])).rows[0].n;
    assert.equal(chain.checked, inPartition);
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-05', headers: g.admin })).json(), { month: '2026-05', found: false, ok: true, checked: 0, headsChecked: 0 });
    const fj = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: bearer(tok.fujian.token) });
    assert.equal(fj.statusCode, 200, fj.body);
    assert.equal(fj.json().ok, true);
    assert.ok((await auditBodies(g, 'records.verify')).some((a) => a.actor === tok.fujian.id && a.ok === true), 'the regulator\'s verification recorded');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: cp.auth })).statusCode, 403);
  });

  test('GET /v1/records/export: the tar unpacked, its file\'s SHA-256 and the manifest\'s signature check; the provider\'s records only, each with its link\'s hash', async () => {
    // the stored links of November, as the verifier reads them
    const links = new Map((await h.store.records.archive!.scan('2026-11', 0, 100_000)).map((x) => [x.seq, Buffer.from(x.hash).toString('hex')]));
    for (const format of ['jsonl', 'csv'] as const) {
      const r = await g.http.inject({ method: 'GET', url: exportUrl(cp.id, `&format=${format}`), headers: g.admin });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['content-type'], 'application/x-tar');
      const { manifest, text } = checkExport(g, r.rawPayload, format);
      assert.equal(r.headers['x-smsguard-export-sha256'], manifest.file.sha256);
      assert.equal(manifest.verification.ok, true, JSON.stringify(manifest.verification));
      assert.deepEqual(manifest.verification.chains.map((c) => c.chain), ['2026-11']);
      assert.deepEqual(manifest.heads.map((x) => x.chain), ['2026-11']);
      assert.equal(manifest.counts.total, mine.length);
      assert.deepEqual(manifest.counts.byMonth, { '2026-11': mine.length });
      if (format === 'jsonl') {
        const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; contentProviderId: string; seq: number; month: string; hash: string });
        assert.deepEqual(rows.map((x) => x.id).sort(), [...mine].sort());
        assert.ok(rows.every((x) => x.contentProviderId === cp.id && x.month === '2026-11'));
        for (const x of rows) assert.equal(x.hash, links.get(x.seq), `seq ${x.seq}: the hash of its link`);
        const digest = createHash('sha256');
        for (const x of rows) digest.update(`${x.seq}:${x.hash}\n`);
        assert.equal(manifest.recordsDigest, digest.digest('hex'));
        assert.deepEqual(manifest.seqRange, { first: rows[0].seq, last: rows[rows.length - 1].seq });
      } else {
        assert.equal(text.split('\n')[0], 'seq,month,id,at,kind,content_provider_id,msisdn,ref,port,type,decision,rule,hash,body');
        assert.equal(text.trim().split('\n').length, mine.length + 1);
      }
    }
    const admin = await g.app.auth.principalFor(ADMIN_TOKEN);
    const recorded = (await auditBodies(g, 'inspect.export')).filter((a) => a.actor === admin.actorId);
    assert.equal(recorded.length, 2);
    assert.equal(recorded[0].rows, mine.length);
  });

  test('export scope: Beijing\'s regulator is refused Fujian\'s provider (403, recorded) and exports its own; Fujian\'s the other way round', async () => {
    const refused = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(tok.beijing.token) });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'forbidden');
    assert.equal(refused.json().error.rule, 'supervision.province-scope');
    assert.ok(refused.json().error.article);
    const refusals = (await auditBodies(g, 'inspect.export')).filter((a) => a.actor === tok.beijing.id);
    assert.deepEqual(refusals.map((a) => a.refused), ['forbidden']);
    const own = await g.http.inject({ method: 'GET', url: exportUrl(other.id), headers: bearer(tok.beijing.token) });
    assert.equal(own.statusCode, 200, own.body);
    const om = checkExport(g, own.rawPayload, 'jsonl');
    assert.equal(om.manifest.counts.total, theirs.length);
    assert.equal(om.manifest.actor, tok.beijing.id);
    assert.deepEqual(om.text.trim().split('\n').map((l) => JSON.parse(l).id).sort(), [...theirs].sort());
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(other.id), headers: bearer(tok.fujian.token) })).statusCode, 403);
    const fj = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(tok.fujian.token) });
    assert.equal(fj.statusCode, 200, fj.body);
    assert.equal(checkExport(g, fj.rawPayload, 'jsonl').manifest.counts.total, mine.length);
    // a provider: another's 403
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: other.auth })).statusCode, 403);
  });

  test('a record committed while the export runs (after its link run) is exported with its link\'s hash, never an empty one', async () => {
    // Another request's submission lands between the export's counting (which links what has
    // committed) and its reading of the provider's records, as it may on a busy gateway.
    const a = h.store.records.archive!;
    const count = a.countProvider;
    let late = '';
    a.countProvider = async (...args) => {
      const n = await count.apply(a, args);
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138005', text: '【示例】您的订单已签收。', type: 'notification' } });
      assert.equal(r.statusCode, 202, r.body);
      late = r.json().id;
      return n;
    };
    let r;
    try {
      r = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: g.admin });
    } finally {
      a.countProvider = count;
    }
    assert.equal(r.statusCode, 200, r.body);
    const { manifest, text } = checkExport(g, r.rawPayload, 'jsonl');
    const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; seq: number; hash: string });
    assert.ok(rows.some((x) => x.id === late), 'the late submission is in the range and exported');
    const links = new Map((await a.scan('2026-11', 0, 100_000)).map((x) => [x.seq, Buffer.from(x.hash).toString('hex')]));
    for (const x of rows) assert.equal(x.hash, links.get(x.seq), `seq ${x.seq} (${x.id}): the hash of its link`);
    assert.equal(manifest.counts.total, rows.length);
    await g.worker.drain();
    mine = (await h.store.records.queryRecords({ contentProviderId: cp.id, limit: 1000 })).records.map((x) => x.id);
  });

  // Last: it damages the November chain the tests above read.
  test('a body changed in the database: verify names it; the export is refused (409) unless the operator allows the damage, stated in the signed manifest', async () => {
    const tampered = ids[1];
    const c = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${h.schema}` });
    await c.connect();
    try {
      // as an attacker with database access: the append-only triggers switched off
      await c.query('SET session_replication_role = replica');
      const u = await c.query("UPDATE records SET body = replace(body::text, '123456', '654321')::jsonb WHERE id = $1 AND kind = 'mt'", [tampered]);
      assert.equal(u.rowCount, 1);
    } finally {
      await c.end();
    }

    const v = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: g.admin });
    assert.equal(v.statusCode, 200, v.body);
    assert.equal(v.json().found, true);
    assert.equal(v.json().ok, false);
    assert.equal(v.json().failure.reason, 'hash_mismatch');
    assert.equal(v.json().failure.id, tampered);
    const fjv = (await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: bearer(tok.fujian.token) })).json();
    assert.equal(fjv.ok, false);
    assert.deepEqual(Object.keys(fjv.failure).sort(), ['reason', 'seq'], 'no id nor detail for a province-limited regulator');
    assert.equal(fjv.failure.seq, v.json().failure.seq);

    const exported = async () => (await auditBodies(g, 'inspect.export')).filter((a) => !a.refused);
    const before = (await exported()).length;
    const refused = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: g.admin });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().error.code, 'conflict');
    assert.equal(refused.json().error.rule, 'records.retention');
    assert.ok(refused.json().error.article);
    assert.match(refused.json().error.message, new RegExp(`2026-11 at seq ${v.json().failure.seq} \\(id ${tampered}\\): hash_mismatch`));
    const limited = await g.http.inject({ method: 'GET', url: exportUrl(cp.id), headers: bearer(tok.fujian.token) });
    assert.equal(limited.statusCode, 409);
    assert.ok(!limited.body.includes(tampered), 'the broken record\'s id is not said to a province-limited token');
    // the other province's provider draws on the same month's chain: refused as well
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(other.id), headers: bearer(tok.beijing.token) })).statusCode, 409);
    assert.equal((await g.http.inject({ method: 'GET', url: exportUrl(cp.id, '&allowDamaged=true'), headers: bearer(tok.fujian.token) })).statusCode, 403, 'only the operator exports over damage');
    assert.equal((await exported()).length, before, 'nothing exported (the regulator\'s refused allowDamaged is recorded as refused)');

    const forced = await g.http.inject({ method: 'GET', url: exportUrl(cp.id, '&allowDamaged=true'), headers: g.admin });
    assert.equal(forced.statusCode, 200, forced.body);
    const { manifest, text } = checkExport(g, forced.rawPayload, 'jsonl');
    assert.equal(manifest.verification.ok, false);
    const bad = manifest.verification.chains.find((x) => !x.ok)!;
    assert.equal(bad.chain, '2026-11');
    assert.equal(bad.failure!.id, tampered);
    assert.equal(bad.failure!.reason, 'hash_mismatch');
    // the file carries the changed body as stored, under the hash of the original
    const line = text.trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.id === tampered && x.kind === 'mt');
    assert.ok(JSON.stringify(line.body).includes('654321'));
    const recorded = await exported();
    assert.equal(recorded.length, before + 1);
    assert.ok(Array.isArray(recorded[0].damaged));
  });
});
